"""Typed Parquet gets the same verdicts as the same rows in a CSV; text Parquet still works."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select

from queries.ingest import ingest_file
from queries.schema import companies, complaints
from queries.source_files import SourceFileError
from queries.warehouse import make_engine

TODAY = date(2026, 11, 23)
COMPANIES_CSV = "company_id,name\nC1,Hanbit Commerce Co.\nC2,Daehan Telecom Inc.\n"

# One good row first, then one bad row per rule, then good rows again; None is an empty cell.
ROWS: list[dict[str, object]] = [
    {"complaint_id": "P1", "received_date": date(2024, 1, 3), "company_id": "C1",
     "status": "resolved", "responded_date": date(2024, 1, 5), "amount": 35000.0, "timely": True},
    {"complaint_id": "P2", "received_date": date(2027, 1, 1), "company_id": "C1",
     "status": "resolved", "responded_date": None, "amount": None, "timely": None},
    {"complaint_id": "P3", "received_date": date(2024, 1, 9), "company_id": "C1",
     "status": "resolved", "responded_date": date(2024, 1, 2), "amount": None, "timely": False},
    {"complaint_id": "P4", "received_date": date(2024, 1, 4), "company_id": "C2",
     "status": "unresolved", "responded_date": None, "amount": -12.5, "timely": None},
    {"complaint_id": "P5", "received_date": date(2024, 1, 4), "company_id": "C9",
     "status": "resolved", "responded_date": None, "amount": None, "timely": None},
    {"complaint_id": "P6", "received_date": date(2024, 1, 4), "company_id": "C2",
     "status": "closed", "responded_date": None, "amount": None, "timely": None},
    {"complaint_id": None, "received_date": date(2024, 1, 4), "company_id": "C2",
     "status": "resolved", "responded_date": None, "amount": None, "timely": None},
    {"complaint_id": "P1", "received_date": date(2024, 1, 5), "company_id": "C2",
     "status": "withdrawn", "responded_date": None, "amount": None, "timely": None},
    {"complaint_id": "P9", "received_date": date(2024, 2, 1), "company_id": "C2",
     "status": " In Progress ", "responded_date": None, "amount": 0.0, "timely": None},
    {"complaint_id": "P10", "received_date": date(2024, 2, 2), "company_id": "C1",
     "status": "resolved", "responded_date": date(2024, 2, 2), "amount": 99.5, "timely": True},
]  # fmt: skip

VERDICTS = {
    2: ("received_date", "received_date 2027-01-01 is in the future"),
    3: ("responded_date", "responded_date 2024-01-02 is before received_date 2024-01-09"),
    4: ("amount", "amount -12.5 is negative"),
    5: ("company_id", "company_id 'C9' is not a known company (load it into companies first)"),
    6: ("status", "status 'closed' is not one of resolved, unresolved, in_progress, withdrawn"),
    7: ("complaint_id", "complaint_id is empty"),
    8: ("complaint_id", "complaint_id repeats row 1"),
}
LOADED = {
    "P1": (date(2024, 1, 3), "resolved", date(2024, 1, 5), 35000.0, True),
    "P9": (date(2024, 2, 1), "in_progress", None, 0.0, None),
    "P10": (date(2024, 2, 2), "resolved", date(2024, 2, 2), 99.5, True),
}


def typed_frame() -> pl.DataFrame:
    """The rows with Parquet's own types: dates, a float amount, a boolean flag."""
    return pl.DataFrame(
        ROWS,
        schema={
            "complaint_id": pl.String,
            "received_date": pl.Date,
            "company_id": pl.String,
            "status": pl.String,
            "responded_date": pl.Date,
            "amount": pl.Float64,
            "timely": pl.Boolean,
        },
    )


def write_file(kind: str, folder: Path) -> Path:
    """The same rows as a CSV, a typed Parquet, a text-only Parquet, or one with timestamps."""
    frame = typed_frame()
    if kind == "csv":
        path = folder / "complaints.csv"
        frame.write_csv(path)
    elif kind == "typed parquet":
        path = folder / "complaints.parquet"
        frame.write_parquet(path)
    elif kind == "text parquet":
        path = folder / "complaints_text.parquet"
        frame.select(pl.all().cast(pl.String)).write_parquet(path)
    else:  # timestamps for dates, an integer-coded flag, categorical text, a numeric id
        path = folder / "complaints_mixed.parquet"
        frame.with_columns(
            pl.col("received_date", "responded_date").cast(pl.Datetime("ms")),
            pl.col("timely").cast(pl.Int8),
            pl.col("status").cast(pl.Categorical),
        ).write_parquet(path)
    return path


def fresh_warehouse(folder: Path, name: str) -> Engine:
    """A DuckDB warehouse with the two companies loaded."""
    engine = make_engine(f"duckdb:///{folder / name}")
    companies_path = folder / "companies.csv"
    companies_path.write_text(COMPANIES_CSV)
    ingest_file(engine, companies_path, today=TODAY)
    return engine


def loaded_rows(engine: Engine) -> dict[str, tuple[object, ...]]:
    """The stored complaints by id, with the columns the test rows set."""
    c = complaints.c
    query = select(c.complaint_id, c.received_date, c.status, c.responded_date, c.amount, c.timely)
    with engine.connect() as connection:
        return {row[0]: tuple(row[1:]) for row in connection.execute(query)}


@pytest.mark.parametrize("kind", ["csv", "typed parquet", "text parquet", "mixed parquet"])
def test_every_file_shape_gets_the_same_verdicts(tmp_path: Path, kind: str) -> None:
    engine = fresh_warehouse(tmp_path, f"{kind.replace(' ', '_')}.duckdb")
    result = ingest_file(engine, write_file(kind, tmp_path), table="complaints", today=TODAY)

    verdicts = {
        row["__row"]: (row["field"], row["reason"]) for row in result.rejects.iter_rows(named=True)
    }
    assert verdicts == VERDICTS
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (10, 3, 7)
    assert loaded_rows(engine) == LOADED
    engine.dispose()


def test_a_typed_parquet_loads_once_on_every_engine(any_engine: Engine, tmp_path: Path) -> None:
    companies_path = tmp_path / "companies.csv"
    companies_path.write_text(COMPANIES_CSV)
    ingest_file(any_engine, companies_path, today=TODAY)
    path = write_file("typed parquet", tmp_path)

    first = ingest_file(any_engine, path, today=TODAY)
    again = ingest_file(any_engine, path, today=TODAY)

    assert (first.rows_loaded, first.rows_skipped, first.rows_rejected) == (3, 0, 7)
    assert (again.rows_loaded, again.rows_skipped, again.rows_rejected) == (0, 3, 7)
    assert loaded_rows(any_engine) == LOADED


def test_a_reject_keeps_the_value_as_the_file_held_it(tmp_path: Path) -> None:
    engine = fresh_warehouse(tmp_path, "values.duckdb")
    frame = (
        typed_frame()
        .head(1)
        .with_columns(
            pl.lit(datetime(2030, 5, 6, 7, 8)).alias("received_date"),
            pl.lit(None, dtype=pl.Date).alias("responded_date"),
            pl.lit(-3.0).alias("amount"),
        )
    )
    path = tmp_path / "future.parquet"
    frame.write_parquet(path)

    result = ingest_file(engine, path, table="complaints", today=TODAY)

    assert result.rejects.select("field", "value", "reason").rows() == [
        ("received_date", "2030-05-06", "received_date 2030-05-06 is in the future"),
        ("amount", "-3.0", "amount -3.0 is negative"),
    ]
    engine.dispose()


def test_a_csv_that_turns_out_not_utf8_is_read_as_cp949(tmp_path: Path) -> None:
    # The parser finds the first non-UTF-8 byte far past the part read to find the header.
    lines = ["company_id,name,industry"] + [f"A{i:05d},Firm {i},retail" for i in range(8000)]
    lines.append("K01,한빛커머스 주식회사,전자상거래")
    path = tmp_path / "companies.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    engine = make_engine(f"duckdb:///{tmp_path / 'cp949.duckdb'}")
    seen: list[int] = []

    result = ingest_file(engine, path, today=TODAY, progress=seen.append)

    assert (result.encoding, result.rows_loaded) == ("cp949", 8001)
    assert sum(seen) == path.stat().st_size, "each byte is reported once"
    with engine.connect() as connection:
        name = connection.execute(
            select(companies.c.name).where(companies.c.company_id == "K01")
        ).scalar_one()
    assert name == "한빛커머스 주식회사"
    engine.dispose()


def test_a_csv_in_no_known_encoding_is_refused_with_the_offset(tmp_path: Path) -> None:
    head = "company_id,name\n" + "".join(f"A{i:05d},Firm {i}\n" for i in range(8000))
    path = tmp_path / "companies.csv"
    path.write_bytes(head.encode() + b"K01,\xff\xfe\xff\n")
    engine = make_engine(f"duckdb:///{tmp_path / 'bad.duckdb'}")

    with pytest.raises(SourceFileError, match=rf"byte 0xff at offset {len(head.encode()) + 4}"):
        ingest_file(engine, path, today=TODAY)
    engine.dispose()


def test_repeated_keys_over_several_columns_name_their_first_row(tmp_path: Path) -> None:
    engine = fresh_warehouse(tmp_path, "relations.duckdb")
    path = tmp_path / "company_relations.parquet"
    pl.DataFrame(
        {
            "src_company_id": ["C1", "C1", "C1", "C2", "C1", None, None, "C1"],
            "dst_company_id": ["C2", "C2", "C2", "C1", "C2", "C2", "C2", "C2"],
            "relation": ["parent", "successor", "parent", "parent", "parent", "parent", "parent",
                         "successor"],
        }
    ).write_parquet(path)  # fmt: skip

    result = ingest_file(engine, path, today=TODAY)

    repeats = {
        row["__row"]: row["reason"]
        for row in result.rejects.iter_rows(named=True)
        if "repeats" in row["reason"]
    }
    assert repeats == {
        3: "src_company_id, dst_company_id, relation repeats row 1",
        5: "src_company_id, dst_company_id, relation repeats row 1",
        8: "src_company_id, dst_company_id, relation repeats row 2",
    }
    assert (result.rows_loaded, result.rows_rejected) == (3, 5)
    engine.dispose()
