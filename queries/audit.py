"""The audit log: every sign-in, profile view, reveal, export, ingest and user change, appended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy import Engine, func, insert, or_, select

from queries.accounts import now_utc
from queries.bulk import fetch_frame
from queries.schema import audit_log
from queries.warehouse import first_line

ACTIONS: tuple[str, ...] = (
    "sign_in",
    "sign_out",
    "view_profile",
    "reveal_narrative",
    "export",
    "report",
    "ingest",
    "user_change",
    "link_decision",
    "access_denied",
)
OUTCOMES: tuple[str, ...] = ("ok", "denied", "failed")
AUDIT_COLUMNS: dict[str, pl.DataType] = {
    "audit_id": pl.Int64(),
    "at": pl.Datetime("us"),
    "username": pl.String(),
    "role": pl.String(),
    "action": pl.String(),
    "object": pl.String(),
    "reason": pl.String(),
    "outcome": pl.String(),
    "detail": pl.String(),
}


class AuditError(Exception):
    """An audit row that cannot be written; the action it was for must not go ahead."""


@dataclass(frozen=True, kw_only=True)
class AuditFilter:
    """Which audit rows to list; each field that is set narrows the search (a logical AND)."""

    start: date | None = None
    end: date | None = None  # inclusive
    username: str | None = None
    action: str | None = None
    outcome: str | None = None
    text: str | None = None  # in object, reason or detail


def record(
    engine: Engine,
    *,
    username: str,
    role: str | None,
    action: str,
    outcome: str = "ok",
    target: str | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> int:
    """Append one row (`target` goes to the object column); AuditError if it cannot be written."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; use one of {', '.join(ACTIONS)}.")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}; use one of {', '.join(OUTCOMES)}.")
    try:
        with engine.begin() as connection:
            result = connection.execute(
                insert(audit_log).values(
                    at=now_utc(),
                    username=username,
                    role=role,
                    action=action,
                    object=target,
                    reason=reason,
                    outcome=outcome,
                    detail=detail,
                )
            )
            return int(result.inserted_primary_key[0])
    except Exception as exc:  # every driver raises its own error types
        raise AuditError(f"the audit log could not be written: {first_line(exc)}") from exc


def search(engine: Engine, audit_filter: AuditFilter, *, limit: int = 5000) -> pl.DataFrame:
    """Audit rows matching the filter, newest first."""
    a = audit_log.c
    query = select(*(a[name] for name in AUDIT_COLUMNS)).order_by(a.audit_id.desc()).limit(limit)
    if audit_filter.start is not None:
        query = query.where(a.at >= datetime.combine(audit_filter.start, datetime.min.time()))
    if audit_filter.end is not None:
        end = datetime.combine(audit_filter.end + timedelta(days=1), datetime.min.time())
        query = query.where(a.at < end)
    if audit_filter.username:
        query = query.where(a.username == audit_filter.username.strip().lower())
    if audit_filter.action:
        query = query.where(a.action == audit_filter.action)
    if audit_filter.outcome:
        query = query.where(a.outcome == audit_filter.outcome)
    if audit_filter.text:
        pattern = f"%{audit_filter.text.strip().lower()}%"
        query = query.where(
            or_(*(func.lower(column).like(pattern) for column in (a.object, a.reason, a.detail)))
        )
    with engine.connect() as connection:
        return fetch_frame(connection, query, AUDIT_COLUMNS)


def failed_sign_ins(engine: Engine, username: str, since: datetime) -> int:
    """Failed sign-ins for a name since a time (UTC), to slow down password guessing."""
    a = audit_log.c
    query = (
        select(func.count())
        .select_from(audit_log)
        .where(
            a.action == "sign_in",
            a.outcome == "failed",
            a.object == username.strip().lower(),
            a.at >= since,
        )
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())
