"""Data flows one way: scoring and reports import no SQL or Streamlit, queries no Streamlit."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SQL_TEXT = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I
)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "queries": {"streamlit", "pages", "scoring"},
    "scoring": {"streamlit", "sqlalchemy", "queries", "pages", "duckdb", "psycopg"},
    "sample_data": {"streamlit", "pages"},
    "reports": {"streamlit", "pages", "sqlalchemy", "duckdb", "psycopg"},
    "privacy": {"streamlit", "sqlalchemy", "queries", "scoring", "pages", "sample_data"},
    "access": {"streamlit", "sqlalchemy", "queries", "scoring", "pages", "duckdb", "psycopg"},
}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a Python file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_is_below_it(layer: str) -> None:
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): sorted(imported_roots(path) & FORBIDDEN[layer])
        for path in (PROJECT_ROOT / layer).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_pages_hold_no_sql() -> None:
    for path in (PROJECT_ROOT / "pages").rglob("*.py"):
        assert "sqlalchemy" not in imported_roots(path), path
        source = path.read_text(encoding="utf-8")
        assert not SQL_TEXT.search(source), path


WRITES = {"insert", "update", "delete"}
ROLLUP_TEXT = re.compile(r"(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+company_month_rollup\b", re.I)


def rollup_writes(path: Path) -> list[int]:
    """Lines of a Python file that insert, update or delete company_month_rollup rows, through
    SQLAlchemy (the table imported, or a name bound to it) or in SQL text."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    names = {"company_month_rollup"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.name == "company_month_rollup" and a.asname}
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            if node.value.id in names:
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in WRITES and node.args:
            target = node.args[0]
            if isinstance(target, ast.Name) and target.id in names:
                lines.append(node.lineno)
        elif isinstance(function, ast.Attribute) and function.attr in WRITES:
            if isinstance(function.value, ast.Name) and function.value.id in names:
                lines.append(node.lineno)
    lines += [source.count("\n", 0, m.start()) + 1 for m in ROLLUP_TEXT.finditer(source)]
    return lines


def test_only_the_rollup_module_writes_the_month_rollup() -> None:
    # rollup_fingerprint trusts the month versions that queries/rollups.py draws with every
    # write: a write anywhere else would let a ranking reuse months it no longer has.
    folders = ("queries", "scoring", "sample_data", "reports", "pages", "bench", "privacy")
    paths = [PROJECT_ROOT / "cli.py", PROJECT_ROOT / "dashboard.py"]
    paths += [path for folder in folders for path in (PROJECT_ROOT / folder).rglob("*.py")]
    writers = {str(p.relative_to(PROJECT_ROOT)): rollup_writes(p) for p in paths if p.exists()}
    assert {name for name, lines in writers.items() if lines} == {"queries/rollups.py"}
