"""Tables as CSV and XLSX bytes, with spreadsheet formulas neutralised in text cells."""

from __future__ import annotations

import io

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    risky = "^[" + "".join("\\" + p if p in "+-" else p for p in FORMULA_PREFIXES) + "]"
    return frame.with_columns(
        [
            pl.when(pl.col(name).str.contains(risky))
            .then(pl.lit("'") + pl.col(name))
            .otherwise(pl.col(name))
            .alias(name)
            for name in text_columns
        ]
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM, so spreadsheet programs read Korean text correctly."""
    return b"\xef\xbb\xbf" + neutralise_formulas(frame).write_csv().encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "Sheet1") -> bytes:
    """An XLSX workbook holding the frame; text cells are written as text, never formulas."""
    buffer = io.BytesIO()
    neutralise_formulas(frame).write_excel(
        buffer, worksheet=sheet, autofit=True, include_header=True
    )
    return buffer.getvalue()


def neutral_text(value: str) -> str:
    """One text value as a spreadsheet stores text: an apostrophe before a formula's first sign.

    For text written into workbooks by other libraries (the data sheet behind a PowerPoint
    chart), where the frame-wide `neutralise_formulas` does not reach.
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
