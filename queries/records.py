"""Individual records for one company's profile: recent complaints (masked) and actions."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from privacy.masking import mask_frame
from queries.bulk import fetch_frame
from queries.schema import companies, complaints, enforcement_actions

RECENT_COMPLAINT_SCHEMA: dict[str, pl.DataType] = {
    "complaint_id": pl.String(),
    "received_date": pl.Date(),
    "product": pl.String(),
    "issue": pl.String(),
    "channel": pl.String(),
    "region": pl.String(),
    "status": pl.String(),
    "responded_date": pl.Date(),
    "amount": pl.Float64(),
    "narrative": pl.String(),
}


def recent_complaints(engine: Engine, company_id: str, *, limit: int = 50) -> pl.DataFrame:
    """A company's latest complaints, newest first, with personal data in narratives masked."""
    c = complaints.c
    query = (
        select(*(c[name] for name in RECENT_COMPLAINT_SCHEMA))
        .where(c.company_id == company_id)
        .order_by(c.received_date.desc(), c.complaint_id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        frame = fetch_frame(connection, query, RECENT_COMPLAINT_SCHEMA)
    return mask_frame(frame, ("narrative",))


PUBLIC_COMPANY_COLUMNS: tuple[str, ...] = (
    "company_id",
    "name",
    "business_no",
    "industry",
    "parent_id",
    "exposure",
)


def company_record(engine: Engine, company_id: str) -> dict[str, object] | None:
    """One company's public columns as a dict, or None if the id is unknown.

    The optional contact columns (representative, phone, address) are left out: they only
    serve link suggestions and the representative's name is personal data.
    """
    c = companies.c
    with engine.connect() as connection:
        row = connection.execute(
            select(*(c[name] for name in PUBLIC_COMPANY_COLUMNS)).where(c.company_id == company_id)
        ).one_or_none()
    return dict(row._mapping) if row is not None else None


def enforcement_for(engine: Engine, company_id: str) -> pl.DataFrame:
    """A company's enforcement actions, newest first."""
    e = enforcement_actions.c
    schema = {
        "action_date": pl.Date(),
        "action": pl.String(),
        "statute": pl.String(),
        "fine_amount": pl.Float64(),
        "action_id": pl.String(),
    }
    query = (
        select(*(e[name] for name in schema))
        .where(e.company_id == company_id)
        .order_by(e.action_date.desc(), e.action_id)
    )
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def unmasked_narrative(engine: Engine, company_id: str, complaint_id: str) -> str | None:
    """One complaint's narrative as stored, personal data included: only for an audited reveal.

    The company id must match too, so a reveal opened from one firm's profile cannot reach
    another firm's complaints by id.
    """
    query = select(complaints.c.narrative).where(
        complaints.c.complaint_id == complaint_id, complaints.c.company_id == company_id
    )
    with engine.connect() as connection:
        return connection.execute(query).scalar_one_or_none()
