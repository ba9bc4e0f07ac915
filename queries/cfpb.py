"""The US CFPB Consumer Complaint Database export, mapped onto the canonical complaints table."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import polars as pl

from queries.source_files import ROW
from queries.validation import Check

CFPB_INDUSTRY = "Financial services"
ALIAS_SOURCE = "cfpb ingest"

# Older exports name some columns differently; underscored exports replace spaces with "_".
HEADER_SYNONYMS: dict[str, str] = {
    "company response": "Company response to consumer",
}

COLUMN_MAP: dict[str, str] = {
    "Complaint ID": "complaint_id",
    "Date received": "received_date",
    "Company": "company_name",
    "Product": "product",
    "Issue": "issue",
    "Submitted via": "channel",
    "State": "region",
    "Date sent to company": "sent_date",
    "Consumer complaint narrative": "narrative",
    "Company response to consumer": "company_response",
    "Timely response?": "timely_text",
    "Consumer disputed?": "disputed_text",
}
REQUIRED_COLUMNS = ("Complaint ID", "Date received", "Company", "Company response to consumer")
LABELS: dict[str, str] = {canonical: cfpb for cfpb, canonical in COLUMN_MAP.items()}
LABELS["company_id"] = "Company"
LABELS["status"] = "Company response to consumer"
LABELS["company_response"] = "Company response to consumer"

RESOLVED_RESPONSES = (
    "Closed with explanation",
    "Closed with monetary relief",
    "Closed with non-monetary relief",
    "Closed with relief",
    "Closed without relief",
    "Closed",
)
RESPONSE_STATUS: dict[str, str] = {
    **{response: "resolved" for response in RESOLVED_RESPONSES},
    "In progress": "in_progress",
    "Untimely response": "unresolved",
}
YES_NO: dict[str, bool] = {"Yes": True, "No": False}

DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%m/%d/%Y"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y"),
)


@dataclass(frozen=True)
class CfpbRows:
    """CFPB rows renamed to canonical columns, with the date format the file uses."""

    frame: pl.DataFrame
    date_format: str


def canonical_header(name: str) -> str:
    """Map a header from any export shape (2014, current, underscored) to today's name."""
    spaced = name.strip().replace("_", " ")
    return HEADER_SYNONYMS.get(spaced.lower(), spaced)


def expected_headers() -> list[str]:
    """Header names that identify a CFPB export, in every known spelling."""
    names = set(COLUMN_MAP) | set(HEADER_SYNONYMS)
    return sorted(names | {n.replace(" ", "_") for n in names})


def detect_date_format(values: pl.Series) -> str:
    """The date format most values of a column follow (ISO, MM/DD/YYYY or DD-MM-YYYY)."""
    present = values.drop_nulls().str.strip_chars()
    if present.len() == 0:
        return "%Y-%m-%d"
    counts = [(int(present.str.contains(pattern).sum()), fmt) for pattern, fmt in DATE_PATTERNS]
    return max(counts, key=lambda pair: pair[0])[1]


def company_id_for(name: str) -> str:
    """A stable id for a company first seen by this exact name in CFPB data."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "company"
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    return f"cfpb-{slug}-{digest}"


def missing_cfpb_columns(frame: pl.DataFrame) -> list[str]:
    """Required CFPB columns absent from the file."""
    return [name for name in REQUIRED_COLUMNS if name not in frame.columns]


def map_cfpb(frame: pl.DataFrame) -> CfpbRows:
    """Rename a CFPB export to canonical columns and derive status, timely and disputed."""
    renamed = frame.rename({c: canonical_header(c) for c in frame.columns if c != ROW})
    present = {cfpb: canonical for cfpb, canonical in COLUMN_MAP.items() if cfpb in renamed.columns}
    mapped = renamed.select(
        [pl.col(ROW)]
        + [
            pl.col(cfpb).cast(pl.String).str.strip_chars().alias(canonical)
            for cfpb, canonical in present.items()
        ]
    )
    for canonical in COLUMN_MAP.values():
        if canonical not in mapped.columns:
            mapped = mapped.with_columns(pl.lit(None, dtype=pl.String).alias(canonical))
    disputed = pl.col("disputed_text").replace_strict(YES_NO, default=None, return_dtype=pl.Boolean)
    base_status = pl.col("company_response").replace_strict(
        RESPONSE_STATUS, default=None, return_dtype=pl.String
    )
    # A consumer who disputed the firm's answer did not get a resolution, whatever the firm says.
    status = (
        pl.when((base_status == "resolved") & disputed.fill_null(False))
        .then(pl.lit("unresolved"))
        .otherwise(base_status)
    )
    mapped = mapped.with_columns(
        status=status,
        timely=pl.col("timely_text").replace_strict(YES_NO, default=None, return_dtype=pl.Boolean),
        disputed=disputed,
    )
    return CfpbRows(mapped, detect_date_format(mapped.get_column("received_date")))


def unknown_response_check() -> Check:
    """Reject a firm response the mapping does not know rather than guess its status."""
    return Check(
        field="company_response",
        bad=pl.col("status").is_null() & pl.col("company_response").is_not_null(),
        reason=pl.format(
            "Company response to consumer '{}' is not a known CFPB response",
            pl.col("company_response"),
        ),
    )


def resolve_companies(
    names: pl.Series, aliases: dict[str, str]
) -> tuple[pl.Series, pl.DataFrame, pl.DataFrame]:
    """Company ids for names by exact alias; unknown names become new companies, never merged."""
    unknown = sorted({n for n in names.drop_nulls().unique().to_list() if n not in aliases})
    created = {name: company_id_for(name) for name in unknown}
    lookup = {**aliases, **created}
    ids = names.replace_strict(lookup, default=None, return_dtype=pl.String)
    new_companies = pl.DataFrame(
        {
            "company_id": list(created.values()),
            "name": list(created.keys()),
            "industry": [CFPB_INDUSTRY] * len(created),
        },
        schema={"company_id": pl.String, "name": pl.String, "industry": pl.String},
    )
    new_aliases = pl.DataFrame(
        {
            "alias": list(created.keys()),
            "company_id": list(created.values()),
            "source": [ALIAS_SOURCE] * len(created),
        },
        schema={"alias": pl.String, "company_id": pl.String, "source": pl.String},
    )
    return ids, new_companies, new_aliases
