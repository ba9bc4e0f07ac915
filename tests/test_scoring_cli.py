"""`python cli.py rank` and `backtest`: outputs as DESIGN.md documents them, errors in one line."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import cli
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.config import FACTORS

HANGUL = re.compile(r"[\uac00-\ud7a3]")
REQUIRED = ["rank", "company_id", "name", "industry", "score", "tier", "complaints", "growth"]
REQUIRED += ["unresolved_rate", "explanation"]


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small sample warehouse (the generator's minimum size), built once."""
    path = tmp_path_factory.mktemp("cli") / "small.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    generate_warehouse(engine, companies=150, complaints=8000, seed=7)
    engine.dispose()
    yield f"duckdb:///{path}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_rank_writes_csv_to_stdout(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "rank", "--db", db_url, "--as-of", "2026-09-30")
    assert status == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    header = list(rows[0])
    assert header[: len(REQUIRED)] == REQUIRED
    for factor in FACTORS:
        assert {f"{factor}_factor", f"{factor}_contribution"} <= set(header)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r["tier"] for r in rows} <= {"investigate", "monitor", "watch", "none"}
    first = rows[0]
    parts = sum(float(first[f"{f}_contribution"]) for f in FACTORS)
    assert parts == pytest.approx(float(first["score"]), abs=1e-5)  # CSV keeps 6 decimals


def test_rank_json_top_and_weights(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        "rank",
        "--db",
        db_url,
        "--as-of",
        "2026-09-30",
        "--top",
        "5",
        "--format",
        "json",
        "--weights",
        "growth=0,repeat=2",
    )
    assert status == 0, err
    records = json.loads(out)
    assert len(records) == 5 and records[0]["rank"] == 1
    assert all(r["growth_contribution"] == 0 for r in records)


def test_rank_explains_in_korean_on_request(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["rank", "--db", db_url, "--as-of", "2026-09-30", "--top", "5", "--format", "json"]
    status, out, err = run(capsys, *argv)
    assert status == 0, err
    english = json.loads(out)
    status, out, err = run(capsys, *argv, "--language", "ko")
    assert status == 0, err
    korean = json.loads(out)
    assert [r["company_id"] for r in korean] == [r["company_id"] for r in english]
    assert [r["score"] for r in korean] == [r["score"] for r in english]
    assert all(HANGUL.search(r["explanation"]) for r in korean)
    assert not any(HANGUL.search(r["explanation"]) for r in english)


def test_rank_to_a_file_has_a_bom_for_spreadsheets(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ranked.csv"
    status, out, err = run(
        capsys, "rank", "--db", db_url, "--as-of", "2026-09-30", "--out", str(target)
    )
    assert status == 0 and out == "", err
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").startswith(",".join(REQUIRED))


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--level", "group", "--min-members", "0"],
            "error: --min-members must be >= 1; got 0",
        ),
        (
            ["--weights", "growth=lots"],
            "error: weights must look like name=number[,name=number]; got 'growth=lots'.",
        ),
        (["--weights", "size=1"], "error: unknown factor in weights: 'size'"),
        (["--top", "0"], "error: --top must be >= 1; got 0"),
        (
            ["--as-of", "2026-13-01"],
            "error: argument --as-of: must be a date YYYY-MM-DD; got '2026-13-01'",
        ),
        (
            ["--config", "/nonexistent/scoring.toml"],
            "error: scoring config not found: /nonexistent/scoring.toml",
        ),
    ],
)
def test_rank_errors_are_one_line(
    db_url: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "rank", "--db", db_url, *argv)
    assert status == 2 and out == ""
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_backtest_prints_precision_auc_and_lead_time(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "backtest", "--db", db_url, "--as-of", "2025-09-30")
    assert status == 0, err
    assert "evaluated: 150 firms" in out
    for needle in ("precision@10:", "precision@25:", "precision@50:", "AUC:", "median lead time:"):
        assert needle in out


def test_backtest_needs_an_as_of_date(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "backtest", "--db", db_url)
    assert status == 2 and "--as-of" in err


def test_rank_by_group_writes_the_design_columns(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "rank", "--db", db_url, "--as-of", "2026-09-30", "--level", "group"
    )
    assert status == 0, err
    groups = list(csv.DictReader(io.StringIO(out)))
    header = list(groups[0])
    for column in ("rank", "group_id", "members", "score", "tier", "complaints", "explanation"):
        assert column in header, column
    assert [int(r["rank"]) for r in groups] == list(range(1, len(groups) + 1))
    assert all(int(r["member_count"]) >= 2 for r in groups)
    status, out, err = run(capsys, "rank", "--db", db_url, "--as-of", "2026-09-30")
    firms = {r["company_id"]: r for r in csv.DictReader(io.StringIO(out))}
    seen: set[str] = set()
    for group in groups:
        members = group["members"].split(";")
        assert members[0] == group["group_id"] and len(members) == int(group["member_count"])
        assert not seen & set(members)  # a firm is in one group
        seen |= set(members)
        assert int(group["complaints"]) == sum(int(firms[m]["complaints"]) for m in members)
        assert group["tier"] in {"investigate", "monitor", "watch", "none"}
    # With standalone firms as groups of one, every firm is listed exactly once.
    status, out, err = run(
        capsys,
        "rank",
        "--db",
        db_url,
        "--as-of",
        "2026-09-30",
        "--level",
        "group",
        "--min-members",
        "1",
        "--format",
        "json",
    )
    everyone = json.loads(out)
    assert sum(r["member_count"] for r in everyone) == len(firms)
