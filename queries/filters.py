"""One immutable filter for complaint queries; each field that is set adds one WHERE clause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select

from queries.schema import companies, complaints, issue_statutes


@dataclass(frozen=True, kw_only=True)
class ComplaintFilter:
    """Which complaints a query covers; every field is a logical AND, None means no limit."""

    start: date | None = None
    end: date | None = None
    company_ids: tuple[str, ...] | None = None
    industry: str | None = None
    product: str | None = None
    region: str | None = None
    statute: str | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start must be <= end; got {self.start} > {self.end}.")


def apply_filter(query: Select, complaint_filter: ComplaintFilter) -> Select:
    """Add one WHERE clause per field of the filter that is set."""
    f = complaint_filter
    if f.start is not None:
        query = query.where(complaints.c.received_date >= f.start)
    if f.end is not None:
        query = query.where(complaints.c.received_date <= f.end)
    if f.company_ids is not None:
        query = query.where(complaints.c.company_id.in_(f.company_ids))
    if f.industry is not None:
        query = query.where(
            complaints.c.company_id.in_(
                select(companies.c.company_id).where(companies.c.industry == f.industry)
            )
        )
    if f.product is not None:
        query = query.where(complaints.c.product == f.product)
    if f.region is not None:
        query = query.where(complaints.c.region == f.region)
    if f.statute is not None:
        query = query.where(
            complaints.c.issue.in_(
                select(issue_statutes.c.issue).where(issue_statutes.c.statute == f.statute)
            )
        )
    return query
