"""Ingest: every row loaded or rejected with a reason; bad files fail whole; reloading is a no-op."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from queries import ingest as ingest_module
from queries.ingest import IngestError, ingest_file
from queries.schema import companies, company_aliases, complaints, ingest_runs, rejected_rows
from queries.source_files import SourceFileError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CFPB_DIR = PROJECT_ROOT.parent / "shared" / "data" / "cfpb"
TODAY = date(2026, 11, 23)

COMPANIES_CSV = """company_id,name,business_no,industry,parent_id,exposure
C1,Hanbit Commerce Co.,123-45-67890,e-commerce,,120000
C2,Daehan Telecom Inc.,,telecom,,"1,500,000"
"""

# Ten complaints; rows 3, 5 and 6 are bad: an impossible date, an unknown status, an empty id.
COMPLAINTS_CSV = """complaint_id,received_date,company_id,product,issue,channel,region,status,responded_date,closed_date,amount,narrative
K1,2024-01-03,C1,Online clothing,Non-delivery,Web,Seoul,resolved,2024-01-05,2024-01-09,35000,
K2,2024-01-04,C1,Online clothing,Refusal to refund,Web,Busan,unresolved,,,,
K3,2024-02-30,C1,Online clothing,Non-delivery,Web,Seoul,resolved,,,,
K4,2024-01-06,C2,Mobile phone plan,Unfair cancellation fee,Phone 1372,Seoul,in_progress,,,,
K5,2024-01-07,C2,Mobile phone plan,Unfair cancellation fee,Phone 1372,Seoul,closed,,,,
,2024-01-08,C2,Mobile phone plan,Unfair cancellation fee,Phone 1372,Seoul,resolved,,,,
K7,2024-01-09,C2,Internet service,Poor service quality,Web,Incheon,withdrawn,,,,
K8,2024-01-10,C1,Online clothing,Non-delivery,Web,Seoul,Resolved,2024-01-11,,"12,000",
K9,2024-01-11,C2,Internet service,Poor service quality,Web,Daegu,resolved,2024-01-12,2024-01-13,,call me
K10,2024-01-12,C1,Gift certificates,Non-delivery,Mobile app,Seoul,unresolved,,,,
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a test input file and return its path."""
    path.write_bytes(text.encode(encoding))
    return path


def count(engine: Engine, table) -> int:  # noqa: ANN001
    """Rows in a warehouse table."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def canonical_files(tmp_path: Path) -> tuple[Path, Path]:
    """The companies file and the ten-complaint file with three bad rows."""
    return (
        write(tmp_path / "companies.csv", COMPANIES_CSV),
        write(tmp_path / "complaints.csv", COMPLAINTS_CSV),
    )


def test_ten_complaints_three_bad_rows_on_every_engine(any_engine: Engine, canonical_files) -> None:
    companies_path, complaints_path = canonical_files
    ingest_file(any_engine, companies_path, today=TODAY)
    result = ingest_file(any_engine, complaints_path, today=TODAY)

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (10, 7, 3)
    assert result.summary() == "read 10, loaded 7, rejected 3"
    reasons = {
        row["__row"]: (row["field"], row["reason"]) for row in result.rejects.iter_rows(named=True)
    }
    assert reasons == {
        3: ("received_date", "received_date '2024-02-30' is not a real date (YYYY-MM-DD)"),
        5: ("status", "status 'closed' is not one of resolved, unresolved, in_progress, withdrawn"),
        6: ("complaint_id", "complaint_id is empty"),
    }
    assert count(any_engine, complaints) == 7
    with any_engine.connect() as connection:
        stored = connection.execute(
            select(rejected_rows.c.row_number, rejected_rows.c.field).order_by(
                rejected_rows.c.row_number
            )
        ).all()
        k8 = connection.execute(
            select(complaints.c.status, complaints.c.amount).where(
                complaints.c.complaint_id == "K8"
            )
        ).one()
    assert [tuple(r) for r in stored] == [(3, "received_date"), (5, "status"), (6, "complaint_id")]
    assert k8.status == "resolved" and k8.amount == 12000.0


def test_loading_the_same_file_twice_changes_nothing(any_engine: Engine, canonical_files) -> None:
    companies_path, complaints_path = canonical_files
    ingest_file(any_engine, companies_path, today=TODAY)
    ingest_file(any_engine, complaints_path, today=TODAY)
    again = ingest_file(any_engine, complaints_path, today=TODAY)
    companies_again = ingest_file(any_engine, companies_path, today=TODAY)

    assert (again.rows_loaded, again.rows_skipped, again.rows_rejected) == (0, 7, 3)
    assert companies_again.rows_loaded == 0 and companies_again.rows_skipped == 2
    assert count(any_engine, complaints) == 7
    assert count(any_engine, companies) == 2


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run cli.py as a user would, capturing its output."""
    env = {k: v for k, v in os.environ.items() if k != "RADAR_DEBUG"}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "cli.py"), *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=300,
    )


def test_cli_prints_counts_and_reasons(tmp_path: Path, canonical_files) -> None:
    companies_path, complaints_path = canonical_files
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    done = run_cli("ingest", str(complaints_path), str(companies_path), "--db", url)
    assert done.returncode == 0, done.stderr
    assert "complaints.csv: read 10, loaded 7, rejected 3" in done.stdout
    assert "row 6: complaint_id is empty" in done.stdout
    assert "Traceback" not in done.stderr


def test_random_bytes_fail_with_one_line_and_change_nothing(
    tmp_path: Path, canonical_files
) -> None:
    companies_path, complaints_path = canonical_files
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    assert run_cli("ingest", str(companies_path), str(complaints_path), "--db", url).returncode == 0
    noise = tmp_path / "noise.csv"
    noise.write_bytes(bytes(range(256)) * 40)

    done = run_cli("ingest", str(noise), "--db", url)

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "noise.csv" in lines[0]
    from queries.warehouse import make_engine

    engine = make_engine(url)
    assert count(engine, complaints) == 7 and count(engine, companies) == 2
    with engine.connect() as connection:
        outcomes = (
            connection.execute(select(ingest_runs.c.outcome).order_by(ingest_runs.c.started_at))
            .scalars()
            .all()
        )
    assert outcomes[-1] == "failed"
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("ingest", "/no/such/file.csv"), "no such file"),
        (("ingest", "x.csv", "--format", "xml"), "invalid choice"),
        (("rank-everything",), "invalid choice"),
        (("ingest", "x.csv", "--db", "notaurl"), "not a database URL"),
    ],
)
def test_cli_errors_are_one_readable_line(
    args: tuple[str, ...], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without --db the CLI would log the failed run in the embedded sample warehouse, creating
    # an empty one that the dashboard's first start would then take for the sample.
    monkeypatch.setenv("RADAR_DB_URL", f"duckdb:///{tmp_path / 'w.duckdb'}")
    done = run_cli(*args)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert expected in done.stderr


def test_cp949_and_bom_files_are_read(duck_engine: Engine, tmp_path: Path) -> None:
    korean = "company_id,name,industry\nK01,한빛커머스 주식회사,전자상거래\nK02,대한통신,통신\n"
    cp949 = write(tmp_path / "companies_cp949.csv", korean, "cp949")
    bom = write(tmp_path / "companies_bom.csv", korean.replace("K0", "B0"), "utf-8-sig")

    first = ingest_file(duck_engine, cp949, today=TODAY)
    second = ingest_file(duck_engine, bom, today=TODAY)

    assert (first.encoding, first.rows_loaded) == ("cp949", 2)
    assert (second.encoding, second.rows_loaded) == ("utf-8-sig", 2)
    with duck_engine.connect() as connection:
        names = set(connection.execute(select(companies.c.name)).scalars())
    assert names == {"한빛커머스 주식회사", "대한통신"}


def test_unknown_company_future_date_and_ragged_rows_are_rejected(
    duck_engine: Engine, tmp_path: Path
) -> None:
    ingest_file(duck_engine, write(tmp_path / "companies.csv", COMPANIES_CSV), today=TODAY)
    text = (
        "complaint_id,received_date,company_id,status,amount\n"
        "A1,2024-01-01,C1,resolved,10\n"
        "A2,2024-01-01,C9,resolved,10\n"
        "A3,2027-01-01,C1,resolved,10\n"
        "A4,2024-01-01,C1,resolved,10,surplus\n"
        "A5,2024-01-01,C1,resolved,ten\n"
        "A1,2024-01-02,C1,resolved,10\n"
    )
    result = ingest_file(duck_engine, write(tmp_path / "complaints.csv", text), today=TODAY)

    reasons = dict(zip(result.rejects["__row"], result.rejects["reason"], strict=True))
    assert result.rows_read == 6 and result.rows_loaded == 1 and result.rows_rejected == 5
    assert reasons[2] == "company_id 'C9' is not a known company (load it into companies first)"
    assert reasons[3] == "received_date 2027-01-01 is in the future"
    assert reasons[4] == "row has 6 fields but the header has 5"
    assert reasons[5] == "amount 'ten' is not a number"
    assert reasons[6] == "complaint_id repeats row 1"


def test_an_error_mid_file_leaves_the_warehouse_as_it_was(
    duck_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = ingest_module.insert_new_rows
    calls = {"n": 0}

    def fail_on_complaints(connection, target, frame, key):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if target.name == "complaints":
            raise RuntimeError("disk full")
        return real_insert(connection, target, frame, key)

    monkeypatch.setattr(ingest_module, "insert_new_rows", fail_on_complaints)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(
            duck_engine,
            CFPB_DIR / "consumer_complaints_2014_oldformat.csv",
            source_format="cfpb",
            today=TODAY,
        )
    assert calls["n"] >= 2, "companies were created before the failure"
    assert count(duck_engine, companies) == 0
    assert count(duck_engine, company_aliases) == 0
    assert count(duck_engine, complaints) == 0


def test_a_file_without_the_needed_columns_is_refused(duck_engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "complaints.csv", "complaint_id,company_id\nA1,C1\n")
    with pytest.raises(IngestError, match="no column"):
        ingest_file(duck_engine, path, table="complaints", today=TODAY)
    with pytest.raises(SourceFileError, match="no header row"):
        ingest_file(duck_engine, write(tmp_path / "x.csv", "a,b\n1,2\n"), today=TODAY)


CFPB_FILES = {
    "complaints_2015_2020_sample.csv": (6623, "%Y-%m-%d"),
    "consumer_complaints_2014_oldformat.csv": (8340, "%m/%d/%Y"),
    "consumer_complaints_2012_2023_ddmmyyyy.csv": (3999, "%d-%m-%Y"),
}


@pytest.mark.parametrize("name", sorted(CFPB_FILES))
def test_each_real_cfpb_export_shape_loads_every_row(duck_engine: Engine, name: str) -> None:
    rows, date_format = CFPB_FILES[name]
    result = ingest_file(duck_engine, CFPB_DIR / name, source_format="cfpb", today=TODAY)
    assert result.rows_read == rows
    assert result.rows_loaded == rows, result.rejects.head(5)
    assert f"dates read as {date_format.replace('%', '')}" in result.notes
    with duck_engine.connect() as connection:
        first, last = connection.execute(
            select(func.min(complaints.c.received_date), func.max(complaints.c.received_date))
        ).one()
    assert date(2011, 12, 1) <= first <= last <= date(2023, 12, 31)


def test_cfpb_parquet_is_the_union_of_the_three_exports(duck_engine: Engine) -> None:
    for name in CFPB_FILES:
        ingest_file(duck_engine, CFPB_DIR / name, source_format="cfpb", today=TODAY)
    combined = ingest_file(
        duck_engine,
        CFPB_DIR / "cfpb_complaints_combined.parquet",
        source_format="cfpb",
        today=TODAY,
    )
    assert (combined.rows_read, combined.rows_loaded, combined.rows_skipped) == (18962, 0, 18962)

    with duck_engine.connect() as connection:
        statuses = dict(
            connection.execute(
                select(complaints.c.status, func.count()).group_by(complaints.c.status)
            ).all()
        )
        timely = dict(
            connection.execute(
                select(complaints.c.timely, func.count()).group_by(complaints.c.timely)
            ).all()
        )
        equifax = (
            connection.execute(
                select(company_aliases.c.company_id).where(
                    company_aliases.c.alias.in_(["Equifax", "EQUIFAX, INC."])
                )
            )
            .scalars()
            .all()
        )
    # The data README counts 5,083 "In progress" and 262 "Timely response? No".
    assert statuses["in_progress"] == 5083
    assert timely[False] == 262 and timely[True] == 18700
    assert sum(statuses.values()) == 18962
    assert len(set(equifax)) == 2, "differently spelled names are never merged silently"


def test_an_alias_maps_a_new_spelling_to_an_existing_company(
    duck_engine: Engine, tmp_path: Path
) -> None:
    ingest_file(duck_engine, write(tmp_path / "companies.csv", COMPANIES_CSV), today=TODAY)
    ingest_file(
        duck_engine,
        write(tmp_path / "company_aliases.csv", "alias,company_id\nHANBIT COMMERCE CO LTD,C1\n"),
        today=TODAY,
    )
    export = (
        "Date received,Product,Issue,Company,State,Submitted via,Company response to consumer,"
        "Timely response?,Consumer disputed?,Complaint ID\n"
        "2024-03-01,Credit card,Billing,HANBIT COMMERCE CO LTD,CA,Web,Closed with explanation,Yes,No,9001\n"
        "2024-03-02,Credit card,Billing,Hanbit Commerce Co.,CA,Web,Closed with explanation,No,Yes,9002\n"
        "2024-03-03,Credit card,Billing,Brand New Lender,CA,Web,Closed with monetary relief,Yes,,9003\n"
        "2024-03-04,Credit card,Billing,Brand New Lender,CA,Web,Closed by magic,Yes,,9004\n"
    )
    result = ingest_file(
        duck_engine, write(tmp_path / "cfpb.csv", export), source_format="cfpb", today=TODAY
    )

    assert (result.rows_loaded, result.rows_rejected, result.companies_created) == (3, 1, 1)
    assert result.rejects["reason"].to_list() == [
        "Company response to consumer 'Closed by magic' is not a known CFPB response"
    ]
    with duck_engine.connect() as connection:
        rows = {
            r.complaint_id: r
            for r in connection.execute(
                select(
                    complaints.c.complaint_id,
                    complaints.c.company_id,
                    complaints.c.status,
                    complaints.c.timely,
                    complaints.c.disputed,
                )
            )
        }
    assert rows["9001"].company_id == "C1" and rows["9001"].status == "resolved"
    assert rows["9002"].company_id == "C1" and rows["9002"].status == "unresolved"
    assert rows["9002"].timely is False and rows["9002"].disputed is True
    assert rows["9003"].company_id.startswith("cfpb-brand-new-lender-")


def test_progress_reports_every_byte_of_the_file(duck_engine: Engine) -> None:
    path = CFPB_DIR / "complaints_2015_2020_sample.csv"
    seen: list[int] = []
    ingest_file(duck_engine, path, source_format="cfpb", today=TODAY, progress=seen.append)
    assert sum(seen) == path.stat().st_size
