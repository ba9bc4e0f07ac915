"""Text cleaning and repeated keys: the shortcuts that make 10M-row checks fast keep the verdicts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, select

from queries.ingest import ingest_file
from queries.schema import complaints
from queries.source_files import ROW
from queries.validation import TableRules, clean_text, clean_text_columns, validate

TODAY = date(2026, 11, 23)
IDEOGRAPHIC_SPACE = "\u3000"  # what Korean keyboards type for a full-width space
NO_BREAK_SPACE = "\u00a0"


def test_only_columns_with_stray_spaces_or_empty_values_are_rewritten() -> None:
    frame = pl.DataFrame(
        {
            "clean": ["a b", "c", None, "가나"],
            "padded": [" a", "b\t", f"{IDEOGRAPHIC_SPACE}다", "d"],
            "empty": ["x", "", "y", None],
            "unicode_end": ["x", f"y{NO_BREAK_SPACE}", "z", "w"],
            "blank": ["x", "   ", "y", "z"],
        }
    )

    cleaned = clean_text_columns(frame, frame.columns)

    expected = frame.with_columns(clean_text(name) for name in frame.columns)
    assert_frame_equal(cleaned, expected)
    assert cleaned.get_column("padded").to_list() == ["a", "b", "다", "d"]
    assert cleaned.get_column("empty").to_list() == ["x", None, "y", None]
    assert cleaned.get_column("unicode_end").to_list() == ["x", "y", "z", "w"]
    assert cleaned.get_column("blank").to_list() == ["x", None, "y", "z"]


def test_a_frame_with_nothing_to_clean_comes_back_as_it_was() -> None:
    frame = pl.DataFrame({"a": ["x", "y z", None], "b": ["1", "2", "3"]})

    assert clean_text_columns(frame, frame.columns) is frame


def test_repeated_ids_are_found_whatever_their_hash() -> None:
    # The check sorts 64-bit hashes of the keys: repeats of an id whose hash has the top bit set
    # (negative as a signed number) must be found as surely as the others.
    ids = [f"K{n:08d}" for n in range(2_000)]
    hashes = pl.Series(ids).hash().to_list()
    high = next(i for i, value in enumerate(hashes) if value >= 2**63)
    low = next(i for i, value in enumerate(hashes) if value < 2**63)
    ids += [ids[high], ids[low], ids[high]]
    frame = pl.DataFrame({"complaint_id": ids}).with_row_index(ROW, offset=1)
    frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
    rules = TableRules(required=("complaint_id",), unique_key=("complaint_id",))

    checked = validate(frame, rules, today=TODAY)

    reasons = dict(zip(checked.rejects[ROW], checked.rejects["reason"], strict=True))
    assert reasons == {
        2_001: f"complaint_id repeats row {high + 1}",
        2_002: f"complaint_id repeats row {low + 1}",
        2_003: f"complaint_id repeats row {high + 1}",
    }
    assert checked.valid.height == 2_000


def test_a_parquet_file_with_padded_text_is_stored_trimmed(
    duck_engine: Engine, tmp_path: Path
) -> None:
    companies_path = tmp_path / "companies.csv"
    companies_path.write_text("company_id,name\nC1,Hanbit Commerce Co.\n")
    ingest_file(duck_engine, companies_path, today=TODAY)
    path = tmp_path / "complaints.parquet"
    pl.DataFrame(
        {
            "complaint_id": ["P1", "P2", " P3 "],
            "received_date": [date(2024, 1, 3)] * 3,
            "company_id": ["C1", "C1", "C1"],
            "status": ["resolved"] * 3,
            "product": ["Loans", "", "Cards"],
            "narrative": [f"환불 요청{IDEOGRAPHIC_SPACE}", "ok", None],
        }
    ).write_parquet(path)

    result = ingest_file(duck_engine, path, table="complaints", today=TODAY)

    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    c = complaints.c
    with duck_engine.connect() as connection:
        stored = connection.execute(
            select(c.complaint_id, c.product, c.narrative).order_by(c.complaint_id)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("P1", "Loans", "환불 요청"),
        ("P2", None, "ok"),
        ("P3", "Cards", None),
    ]
