"""Ingest CSV and Parquet files: check every row, load the good ones, keep the rest with reasons."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, Table, insert, select
from sqlalchemy.exc import SQLAlchemyError

from queries import cfpb
from queries.bulk import bulk_insert, conform, insert_new_rows, table_schema
from queries.rollups import refresh_rollups
from queries.schema import (
    INGESTIBLE_TABLES,
    STATUSES,
    companies,
    company_aliases,
    complaints,
    create_schema,
    ingest_runs,
    rejected_rows,
)
from queries.source_files import ROW, SourceFileError, SourceTable, as_text, read_source
from queries.validation import Checked, TableRules, conform_types, validate
from queries.warehouse import WarehouseError, first_line, make_engine

FORMATS = ("canonical", "cfpb")
LOAD_ORDER = (
    "companies",
    "company_aliases",
    "company_relations",
    "issue_statutes",
    "enforcement_actions",
    "complaints",
)

TABLE_RULES: dict[str, TableRules] = {
    "companies": TableRules(
        required=("company_id", "name"),
        numbers=("exposure",),
        unique_key=("company_id",),
        company_columns=("parent_id",),
    ),
    "complaints": TableRules(
        required=("complaint_id", "received_date", "company_id", "status"),
        dates=("received_date", "responded_date", "closed_date", "sent_date"),
        numbers=("amount",),
        booleans=("timely", "disputed"),
        choices={"status": STATUSES},
        unique_key=("complaint_id",),
        company_columns=("company_id",),
        not_before={"responded_date": "received_date", "closed_date": "received_date"},
    ),
    "enforcement_actions": TableRules(
        required=("action_id", "company_id", "action_date"),
        dates=("action_date",),
        numbers=("fine_amount",),
        unique_key=("action_id",),
        company_columns=("company_id",),
    ),
    "company_relations": TableRules(
        required=("src_company_id", "dst_company_id", "relation"),
        unique_key=("src_company_id", "dst_company_id", "relation"),
        company_columns=("src_company_id", "dst_company_id"),
    ),
    "company_aliases": TableRules(
        required=("alias", "company_id"),
        unique_key=("alias",),
        company_columns=("company_id",),
    ),
    "issue_statutes": TableRules(required=("issue", "statute"), unique_key=("issue",)),
}


class IngestError(Exception):
    """A file that cannot be ingested as a whole; the message is one readable line."""


@dataclass
class IngestResult:
    """What happened to one file."""

    path: Path
    table: str
    source_format: str
    encoding: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_skipped: int
    companies_created: int = 0
    notes: list[str] = field(default_factory=list)
    rejects: pl.DataFrame | None = None
    run_id: str = ""

    def summary(self) -> str:
        """One line: read N, loaded L, rejected R (and what was already there)."""
        line = f"read {self.rows_read}, loaded {self.rows_loaded}, rejected {self.rows_rejected}"
        if self.rows_skipped:
            line += f", skipped {self.rows_skipped} already loaded"
        if self.companies_created:
            line += f"; created {self.companies_created} companies from names"
        return line


def table_for_header(columns: Iterable[str]) -> str | None:
    """The canonical table whose required columns a header holds, if exactly one fits."""
    present = set(columns)
    fits = [name for name, rules in TABLE_RULES.items() if set(rules.required) <= present]
    if "complaints" in fits:
        return "complaints"
    return fits[0] if len(fits) == 1 else None


def _known_company_ids(connection: Connection) -> pl.Series:
    rows = connection.execute(select(companies.c.company_id)).scalars().all()
    return pl.Series("company_id", rows, dtype=pl.String)


def _alias_lookup(connection: Connection) -> dict[str, str]:
    """Exact name to company id: the alias table, then company names that are unique."""
    names = connection.execute(select(companies.c.name, companies.c.company_id)).all()
    counts: dict[str, int] = {}
    for name, _ in names:
        counts[name] = counts.get(name, 0) + 1
    lookup = {name: cid for name, cid in names if counts[name] == 1}
    lookup.update(
        dict(
            connection.execute(select(company_aliases.c.alias, company_aliases.c.company_id)).all()
        )
    )
    return lookup


def _rejects_frame(source: SourceTable, checked: Checked) -> pl.DataFrame:
    structural = pl.DataFrame(
        source.rejects,
        schema={ROW: pl.Int64, "field": pl.String, "value": pl.String, "reason": pl.String},
    )
    return pl.concat([structural, checked.rejects]).sort(ROW, maintain_order=True)


def _unknown_columns_note(
    source: SourceTable, table: Table, extra: Iterable[str] = ()
) -> list[str]:
    known = {c.name for c in table.columns} | set(extra) | {ROW}
    unknown = [c for c in source.frame.columns if c not in known]
    return [f"ignored column(s) not in {table.name}: {', '.join(unknown)}"] if unknown else []


def _normalise_status(frame: pl.DataFrame) -> pl.DataFrame:
    """Statuses written with other case or spaces ("In Progress") in their canonical spelling."""
    # Spelled out per distinct value: a file has a handful of them and millions of rows.
    distinct = frame.get_column("status").unique().drop_nulls()
    spelled = distinct.str.strip_chars().str.to_lowercase().str.replace_all(" ", "_")
    fixes = pl.DataFrame({"old": distinct, "new": spelled}).filter(
        pl.col("new").is_in(list(STATUSES)) & (pl.col("new") != pl.col("old"))
    )
    if fixes.height == 0:
        return frame
    return frame.with_columns(pl.col("status").replace(fixes["old"], fixes["new"]))


def _check_canonical(
    connection: Connection, source: SourceTable, table_name: str, today: date
) -> tuple[Checked, list[str]]:
    table = INGESTIBLE_TABLES[table_name]
    rules = TABLE_RULES[table_name]
    absent = [c for c in rules.required if c not in source.frame.columns]
    if absent:
        raise IngestError(
            f"the file has no column(s) {', '.join(absent)} required for {table_name}"
        )
    typed = conform_types(source.frame, rules)
    frame = typed.with_columns(
        [
            pl.lit(None, dtype=pl.String).alias(c.name)
            for c in table.columns
            if c.name not in typed.columns
        ]
    )
    if table_name == "complaints":
        frame = _normalise_status(frame)
    known = _known_company_ids(connection)
    if table_name == "companies":
        known = pl.concat([known, frame.get_column("company_id").drop_nulls().str.strip_chars()])
    checked = validate(frame, rules, today=today, known_companies=known)
    return checked, _unknown_columns_note(source, table)


def _check_cfpb(
    connection: Connection, source: SourceTable, today: date
) -> tuple[Checked, pl.DataFrame, pl.DataFrame, list[str]]:
    # The mapping reads text (dates in the export's own format), so a typed Parquet export is
    # first turned into the text its CSV would hold.
    renamed = as_text(source.frame).rename(
        {c: cfpb.canonical_header(c) for c in source.frame.columns if c != ROW}
    )
    absent = cfpb.missing_cfpb_columns(renamed)
    if absent:
        raise IngestError(f"not a CFPB export: no column(s) {', '.join(absent)}")
    rows = cfpb.map_cfpb(renamed)
    company_ids, new_companies, new_aliases = cfpb.resolve_companies(
        rows.frame.get_column("company_name"), _alias_lookup(connection)
    )
    frame = rows.frame.with_columns(company_id=company_ids)
    rules = TABLE_RULES["complaints"]
    checked = validate(
        frame,
        TableRules(
            required=("complaint_id", "received_date", "company_id", "company_response"),
            dates=("received_date", "sent_date"),
            choices=rules.choices,
            unique_key=rules.unique_key,
            not_before={"sent_date": "received_date"},
        ),
        today=today,
        date_format=rows.date_format,
        labels=cfpb.LABELS,
        extra_checks=[cfpb.unknown_response_check()],
    )
    used = set(checked.valid.get_column("company_id").unique().to_list())
    new_companies = new_companies.filter(pl.col("company_id").is_in(list(used)))
    new_aliases = new_aliases.filter(pl.col("company_id").is_in(list(used)))
    notes = [f"dates read as {rows.date_format.replace('%', '')}"]
    ignored = [c for c in renamed.columns if c != ROW and c not in cfpb.COLUMN_MAP]
    if ignored:
        notes.append(f"columns not used by the mapping: {', '.join(ignored)}")
    return checked, new_companies, new_aliases, notes


def _record_run(
    connection: Connection,
    result: IngestResult,
    started: datetime,
    outcome: str,
    message: str | None,
) -> None:
    connection.execute(
        insert(ingest_runs).values(
            run_id=result.run_id,
            started_at=started,
            finished_at=datetime.now(),
            path=str(result.path),
            table_name=result.table,
            source_format=result.source_format,
            encoding=result.encoding,
            rows_read=result.rows_read,
            rows_loaded=result.rows_loaded,
            rows_rejected=result.rows_rejected,
            rows_skipped=result.rows_skipped,
            companies_created=result.companies_created,
            outcome=outcome,
            message=message,
        )
    )


def _store_rejects(connection: Connection, run_id: str, path: Path, rejects: pl.DataFrame) -> None:
    if rejects.height == 0:
        return
    frame = rejects.rename({ROW: "row_number"}).with_columns(
        run_id=pl.lit(run_id), path=pl.lit(str(path)), value=pl.col("value").str.slice(0, 500)
    )
    bulk_insert(connection, rejected_rows, frame.select([c.name for c in rejected_rows.columns]))


def expected_columns(table: str | None, source_format: str) -> list[str]:
    """Header names that mark where the table starts in a file."""
    if source_format == "cfpb":
        return cfpb.expected_headers()
    if table:
        return [c.name for c in INGESTIBLE_TABLES[table].columns]
    return sorted({c.name for t in INGESTIBLE_TABLES.values() for c in t.columns})


def ingest_file(
    engine: Engine,
    path: Path,
    *,
    table: str | None = None,
    source_format: str = "canonical",
    encoding: str | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Load one file in one transaction; on any error the warehouse is left as it was."""
    if source_format not in FORMATS:
        raise IngestError(f"unknown format {source_format!r} (use one of {', '.join(FORMATS)})")
    if table is not None and table not in INGESTIBLE_TABLES:
        raise IngestError(f"unknown table {table!r} (use one of {', '.join(INGESTIBLE_TABLES)})")
    if source_format == "cfpb" and table not in (None, "complaints"):
        raise IngestError("--format cfpb loads complaints only")
    today = today or date.today()
    started = datetime.now()
    create_schema(engine)
    source = read_source(
        path, expected_columns(table, source_format), encoding=encoding, progress=progress
    )
    if source_format == "cfpb":
        table = "complaints"
    elif table is None:
        table = table_for_header(source.frame.columns)
        if table is None:
            raise IngestError(
                f"cannot tell which table {path.name} is for from its columns; "
                "name it (--table on the command line, Table on the Load data page)"
            )
    result = IngestResult(
        path, table, source_format, source.encoding, 0, 0, 0, 0, run_id=uuid.uuid4().hex
    )
    with engine.begin() as connection:
        new_companies = new_aliases = None
        if source_format == "cfpb":
            checked, new_companies, new_aliases, notes = _check_cfpb(connection, source, today)
        else:
            checked, notes = _check_canonical(connection, source, table, today)
        result.notes = source.notes + notes
        target = INGESTIBLE_TABLES[table]
        if new_companies is not None and new_aliases is not None:
            result.companies_created, _ = insert_new_rows(
                connection,
                companies,
                conform(new_companies, table_schema(companies)),
                ("company_id",),
            )
            insert_new_rows(
                connection,
                company_aliases,
                conform(new_aliases, table_schema(company_aliases)),
                ("alias",),
            )
        valid = conform(checked.valid, table_schema(target))
        key = tuple(c.name for c in target.primary_key.columns)
        result.rows_loaded, result.rows_skipped = insert_new_rows(connection, target, valid, key)
        if target is complaints and result.rows_loaded:
            refresh_rollups(connection, valid)
        result.rejects = _rejects_frame(source, checked)
        result.rows_rejected = result.rejects.get_column(ROW).n_unique()
        result.rows_read = source.frame.height + len({r[ROW] for r in source.rejects})
        _store_rejects(connection, result.run_id, path, result.rejects)
        _record_run(connection, result, started, "loaded", "; ".join(result.notes) or None)
    return result


def record_failed_run(
    engine: Engine, path: Path, table: str | None, source_format: str, message: str
) -> None:
    """Log an ingest that failed as a whole, so the attempt is on record."""
    result = IngestResult(path, table or "", source_format, "", 0, 0, 0, 0, run_id=uuid.uuid4().hex)
    with engine.begin() as connection:
        _record_run(connection, result, datetime.now(), "failed", message)


def ingest_at(
    url: str,
    path: Path,
    *,
    table: str | None = None,
    source_format: str = "canonical",
    encoding: str | None = None,
) -> IngestResult:
    """Ingest one file through a short-lived engine on `url` (the dashboard's Ingest page).

    A file that loads nothing is logged as a failed run and raised as IngestError or
    SourceFileError; a warehouse that cannot be opened or written raises WarehouseError.
    """
    engine = make_engine(url)
    try:
        try:
            return ingest_file(
                engine, path, table=table, source_format=source_format, encoding=encoding
            )
        except (SourceFileError, IngestError) as exc:
            record_failed_run(engine, path, table, source_format, str(exc))
            raise
        except SQLAlchemyError as exc:
            raise WarehouseError(f"the warehouse could not be written: {first_line(exc)}") from exc
    finally:
        engine.dispose()


def order_for_loading(paths: Sequence[Path]) -> list[Path]:
    """Companies before the tables that refer to them, guessed from file names."""

    def rank(path: Path) -> int:
        stem = path.stem.lower()
        for index, name in enumerate(LOAD_ORDER):
            if stem.startswith(name):
                return index
        return len(LOAD_ORDER)

    return sorted(paths, key=rank)


def load_frame(connection: Connection, table: Table, frame: pl.DataFrame) -> tuple[int, int]:
    """Load trusted rows (the sample generator's) keyed on the table's primary key."""
    key = tuple(c.name for c in table.primary_key.columns)
    return insert_new_rows(connection, table, conform(frame, table_schema(table)), key)


__all__ = [
    "FORMATS",
    "IngestError",
    "IngestResult",
    "SourceFileError",
    "ingest_at",
    "ingest_file",
    "load_frame",
    "order_for_loading",
    "record_failed_run",
]
