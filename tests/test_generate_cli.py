"""`cli.py generate`: a deterministic sample warehouse, safe to run twice, clear on bad input."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from queries.schema import companies, complaints, sample_stories
from queries.warehouse import make_engine
from tests.test_ingest import run_cli


def counts(url: str) -> tuple[int, int, int]:
    """Companies, complaints and planted stories in a warehouse."""
    engine = make_engine(url)
    with engine.connect() as connection:
        result = tuple(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (companies, complaints, sample_stories)
        )
    engine.dispose()
    return result  # type: ignore[return-value]


def test_generate_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'sample.duckdb'}"
    args = ("generate", "--db", url, "--companies", "150", "--complaints", "5000", "--seed", "3")
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert "150 companies (150 new)" in first.stdout
    after_first = counts(url)
    second = run_cli(*args)
    assert second.returncode == 0, second.stderr
    assert "(0 new), 0 new complaints" in second.stdout
    assert counts(url) == after_first
    assert after_first[1] > 4500 and after_first[2] > 30


def test_generate_rejects_an_impossible_size_in_one_line(tmp_path: Path) -> None:
    done = run_cli("generate", "--db", f"duckdb:///{tmp_path / 'x.duckdb'}", "--companies", "10")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: companies must be >= 150; got 10. (see python cli.py --help)"
    ]
