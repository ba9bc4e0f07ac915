"""Individual records for one company's profile: recent complaints (masked), actions, relations."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, or_, select

from privacy.masking import mask_frame
from queries.bulk import fetch_frame
from queries.schema import companies, company_relations, complaints, enforcement_actions

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


def relations_for(engine: Engine, company_id: str) -> pl.DataFrame:
    """Relations that touch a company, each with the other firm's id and name and the direction."""
    r = company_relations.c
    query = select(r.src_company_id, r.dst_company_id, r.relation).where(
        or_(r.src_company_id == company_id, r.dst_company_id == company_id)
    )
    schema = {"src_company_id": pl.String(), "dst_company_id": pl.String(), "relation": pl.String()}
    with engine.connect() as connection:
        edges = fetch_frame(connection, query, schema)
        other_ids = set(edges["src_company_id"]) | set(edges["dst_company_id"])
        names = fetch_frame(
            connection,
            select(companies.c.company_id, companies.c.name).where(
                companies.c.company_id.in_(sorted(other_ids))
            ),
            {"company_id": pl.String(), "name": pl.String()},
        )
    outgoing = pl.col("src_company_id") == company_id
    related = edges.select(
        pl.when(outgoing)
        .then(pl.col("dst_company_id"))
        .otherwise(pl.col("src_company_id"))
        .alias("company_id"),
        pl.col("relation"),
        pl.when(outgoing).then(pl.lit("to")).otherwise(pl.lit("from")).alias("direction"),
    )
    return related.join(names, on="company_id", how="left").sort("relation", "company_id")
