"""The UK FCA's published firm-level complaints figures, read from their long Parquet table."""

from __future__ import annotations

from pathlib import Path

import polars as pl

FCA_COLUMNS: dict[str, pl.DataType] = {
    "publication": pl.String(),
    "firm_name": pl.String(),
    "firm_group": pl.String(),
    "reporting_period": pl.String(),
    "product_group": pl.String(),
    "opened": pl.Float64(),
    "closed": pl.Float64(),
    "pct_closed_within_3_days": pl.Float64(),
    "pct_closed_after_3_days_within_8_weeks": pl.Float64(),
    "pct_upheld": pl.Float64(),
}


class FcaFileError(ValueError):
    """A file that is not the FCA long table; the message is one readable line."""


def read_fca_complaints(path: Path) -> pl.DataFrame:
    """The FCA long table (one row per publication, firm and product group), typed.

    Raises FcaFileError naming the missing columns when the file has another shape.
    """
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.ComputeError) as exc:
        raise FcaFileError(f"{path}: not a readable Parquet file ({exc})") from exc
    missing = [name for name in FCA_COLUMNS if name not in frame.columns]
    if missing:
        raise FcaFileError(f"{path}: missing columns {', '.join(missing)}")
    return frame.select([pl.col(n).cast(t) for n, t in FCA_COLUMNS.items()])
