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
