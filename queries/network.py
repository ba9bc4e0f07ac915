"""Reading and recording link decisions: suggested links become relations only when accepted."""

from __future__ import annotations

import uuid
from datetime import datetime

import polars as pl
from sqlalchemy import Engine, and_, insert, select
from sqlalchemy.exc import SQLAlchemyError

from queries.bulk import fetch_frame, table_schema
from queries.schema import (
    companies,
    company_aliases,
    company_relations,
    link_decisions,
    table_exists,
)
from queries.warehouse import first_line

DECISIONS: tuple[str, ...] = ("accepted", "rejected")


class LinkDecisionError(ValueError):
    """A decision that cannot be recorded; the message is one readable line."""


def link_decision_table(engine: Engine) -> pl.DataFrame:
    """Every recorded decision, oldest first (empty when none was ever recorded)."""
    schema = table_schema(link_decisions)
    if not table_exists(engine, link_decisions.name):
        return pl.DataFrame(schema=schema)
    with engine.connect() as connection:
        query = select(link_decisions).order_by(
            link_decisions.c.decided_at, link_decisions.c.decision_id
        )
        return fetch_frame(connection, query, schema)


def alias_table(engine: Engine) -> pl.DataFrame:
    """Every recorded company name alias (alias, company_id)."""
    schema = {"alias": pl.String(), "company_id": pl.String()}
    if not table_exists(engine, company_aliases.name):
        return pl.DataFrame(schema=schema)
    with engine.connect() as connection:
        query = select(company_aliases.c.alias, company_aliases.c.company_id).order_by(
            company_aliases.c.alias
        )
        return fetch_frame(connection, query, schema)


def record_link_decision(
    engine: Engine,
    *,
    src_company_id: str,
    dst_company_id: str,
    relation: str,
    decision: str,
    decided_by: str,
    evidence: str | None = None,
    decided_at: datetime | None = None,
) -> str:
    """Record an analyst's decision on one suggested link; return its decision_id.

    In one transaction: the decision (who, when, why) is appended to link_decisions and, when
    accepted, the relation src -> dst is added to company_relations (unless already there).
    A rejected link is only logged. Both firms must exist; nothing else is ever written. A
    warehouse that refuses the write (a read-only connection) raises LinkDecisionError too.
    """
    who = (decided_by or "").strip()
    relation = (relation or "").strip()
    if decision not in DECISIONS:
        raise LinkDecisionError(f"decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    if not who:
        raise LinkDecisionError("say who decides: decided_by is empty")
    if not relation:
        raise LinkDecisionError("relation is empty")
    if src_company_id == dst_company_id:
        raise LinkDecisionError(f"a firm cannot be linked to itself ({src_company_id})")
    decision_id = uuid.uuid4().hex
    try:
        link_decisions.create(engine, checkfirst=True)
        _write_decision(
            engine,
            decision_id,
            src_company_id,
            dst_company_id,
            relation,
            decision,
            who,
            evidence,
            decided_at or datetime.now(),
        )
    except SQLAlchemyError as exc:
        raise LinkDecisionError(f"the warehouse refused the write: {first_line(exc)}") from exc
    return decision_id


def _write_decision(
    engine: Engine,
    decision_id: str,
    src_company_id: str,
    dst_company_id: str,
    relation: str,
    decision: str,
    who: str,
    evidence: str | None,
    decided_at: datetime,
) -> None:
    """The decision row and, when accepted, the relation: one transaction."""
    with engine.begin() as connection:
        known = set(
            connection.execute(
                select(companies.c.company_id).where(
                    companies.c.company_id.in_([src_company_id, dst_company_id])
                )
            ).scalars()
        )
        for company_id in (src_company_id, dst_company_id):
            if company_id not in known:
                raise LinkDecisionError(f"unknown company {company_id!r}")
        connection.execute(
            insert(link_decisions).values(
                decision_id=decision_id,
                src_company_id=src_company_id,
                dst_company_id=dst_company_id,
                relation=relation,
                decision=decision,
                evidence=evidence,
                decided_by=who,
                decided_at=decided_at,
            )
        )
        if decision == "accepted":
            r = company_relations.c
            present = connection.execute(
                select(r.relation).where(
                    and_(
                        r.src_company_id == src_company_id,
                        r.dst_company_id == dst_company_id,
                        r.relation == relation,
                    )
                )
            ).first()
            if present is None:
                connection.execute(
                    insert(company_relations).values(
                        src_company_id=src_company_id,
                        dst_company_id=dst_company_id,
                        relation=relation,
                    )
                )
