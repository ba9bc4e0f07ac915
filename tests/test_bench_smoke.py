"""The benchmark still runs end to end (tiny size); CI times nothing, this only keeps it working."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import require

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench.py"
MEASURES = (
    "full re-rank, warm",
    "full re-rank, nothing kept",
    "plain-pandas baseline",
    "re-rank after a weight change",
    "ingest from Parquet",
    "ingest from CSV",
    "dashboard first render (target list)",
    "dashboard render, new session",
    "dashboard interaction p95 (weight slider)",
    "dashboard interaction p95 (filters, pages, search)",
    "dashboard peak memory",
    "company profile: header",
    "company profile: header, later openings",
    "company profile: header, new tab, profile cached",
    "company profile: down to recent complaints",
    "company profile: whole page",
    "peak memory: list + profile (+ alerts page)",
    "dashboard interaction p95 (page switches)",
)


def load_bench() -> ModuleType:
    """bench/bench.py as a module (it is a script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("radar_bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["radar_bench"] = bench  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    return bench


def test_tiny_benchmark_prints_every_measure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require(Path("/usr/bin/chromium").exists(), "Debian's chromium is not installed")
    bench = load_bench()
    status = bench.main(["--sizes", "tiny", "--repeat", "1", "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    table = [line for line in out.splitlines() if line.startswith("| tiny |")]
    assert [line.split(" | ")[1] for line in table] == list(MEASURES)
    # The baseline and the product rank the same firms in the same order.
    assert "same order: True" in out
    # The re-rank says how much CPU it took, the floor its wall time has on this machine's cores.
    rerank = next(line for line in table if "full re-rank, warm" in line)
    assert re.search(r"\d+\.\d\d s of CPU, so at best \d+\.\d\d s on \d+ cores", rerank), rerank
    # Filters and the search were used, each rerun timed (a tiny list has one page only).
    others = next(line for line in table if "(filters, pages, search)" in line)
    assert "industry x5:" in others and "search x5:" in others, others
    # Every page of the tour was switched to, each switch timed.
    switches = next(line for line in table if "(page switches)" in line)
    for title in ("Overview", "Corporate networks", "Quarterly report", "Target list"):
        assert f"{title} x5:" in switches, switches


def test_tiny_benchmark_loads_and_ranks_on_postgresql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], postgres_server_url: str
) -> None:
    bench = load_bench()
    args = ["--sizes", "tiny", "--repeat", "1", "--data-dir", str(tmp_path)]
    args += ["--pg", postgres_server_url, "--skip", "ranking,ingest,dashboard,profile"]
    try:
        status = bench.main(args)
        again = bench.main(args)  # the database now holds the same complaints: no reload
    finally:
        # The bench names each size's database after it; the tiny one exists only for this test.
        admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "radar_bench_tiny" WITH (FORCE)'))
        admin.dispose()
    out = capsys.readouterr().out
    assert status == 0 and again == 0
    table = [line.split(" | ") for line in out.splitlines() if line.startswith("| tiny |")]
    assert [row[1] for row in table] == ["PostgreSQL full re-rank"] * 2
    assert "rows/s" in table[0][-1] and "warehouse already loaded" in table[1][-1]


def test_the_worlds_of_every_benchmark_size_can_be_built() -> None:
    # The firms, their names and contacts only (about a second at 50,000 firms); the complaints
    # are the slow part and cannot go wrong by size. Distinct addresses once hung at 50,000.
    from sample_data.generator import GeneratorConfig, build_world

    for companies, complaints in load_bench().SIZES.values():
        world = build_world(GeneratorConfig(companies=companies, complaints=complaints))
        firms = world.companies
        assert firms.height == companies
        assert firms["company_id"].n_unique() == companies
        # Planted pairs (story `undisclosed_link`): two share an address, one a phone.
        assert firms["address"].n_unique() >= companies - 2
        assert firms["phone"].n_unique() >= companies - 1
