"""`cli.py alerts`: the DESIGN.md columns, planted surges found, data events listed, CSV and JSON."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from tests.test_ingest import run_cli

DESIGN_COLUMNS = {"level", "key", "start", "observed", "expected", "p_value", "q_value"}


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A generated warehouse with the planted Package tour surge (onset 2026-08-10)."""
    url = f"duckdb:///{tmp_path_factory.mktemp('alerts_cli') / 'sample.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=600, complaints=80_000, seed=1372)
    engine.dispose()
    return url


def test_product_alerts_csv_names_the_planted_surge(sample_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alerts.csv"
    done = run_cli(
        "alerts",
        "--db",
        sample_url,
        "--as-of",
        "2026-09-06",
        "--level",
        "product",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    alerts = pl.read_csv(io.BytesIO(out.read_bytes()), try_parse_dates=True)
    assert DESIGN_COLUMNS <= set(alerts.columns)
    tours = alerts.filter((pl.col("level") == "product") & (pl.col("key") == "Package tour"))
    print(tours.select("key", "start", "observed", "expected", "q_value", "advisory_candidate"))
    assert tours.height == 1
    assert abs((tours["start"][0] - date(2026, 8, 10)).days) <= 14
    assert tours["observed"][0] > tours["expected"][0]


def test_company_alerts_json_to_stdout(sample_url: str) -> None:
    done = run_cli("alerts", "--db", sample_url, "--as-of", "2026-09-06", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows and {row["level"] for row in rows} <= {"company", "data"}
    assert all(DESIGN_COLUMNS <= set(row) for row in rows)


def test_alerts_evidence_and_notes_in_korean(sample_url: str) -> None:
    argv = ["alerts", "--db", sample_url, "--as-of", "2026-09-06", "--level", "product"]
    done = run_cli(*argv, "--format", "json", "--language", "ko")
    assert done.returncode == 0, done.stderr
    rows = [row for row in json.loads(done.stdout) if row["level"] == "product"]
    assert rows and all("주간 민원" in row["evidence"] for row in rows)
    assert "판단한 기간" in done.stderr


def test_alerts_without_a_date_is_one_line_error(sample_url: str) -> None:
    done = run_cli("alerts", "--db", sample_url)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--as-of" in done.stderr
