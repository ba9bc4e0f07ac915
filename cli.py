"""Complaint Radar command line: generate, ingest, rank, backtest, alerts, report, user, roles."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from access.roles import ROLES
from privacy.masking import mask_text
from queries.ingest import (
    FORMATS,
    IngestError,
    SourceFileError,
    ingest_file,
    order_for_loading,
    record_failed_run,
)
from queries.schema import INGESTIBLE_TABLES
from queries.warehouse import (
    WarehouseError,
    check_connection,
    first_line,
    make_engine,
    resolve_db_url,
    security_url,
)
from scoring.phrases import LANGUAGES

PROGRESS_MIN_BYTES = 20 << 20


class UsageError(Exception):
    """Arguments that make no sense together."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line, like every other failure here."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD dates."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD; got {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    """The command line as DESIGN.md documents it."""
    parser = _Parser(prog="cli.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    generate = commands.add_parser("generate", help="create the sample warehouse")
    generate.add_argument("--db", help="warehouse URL (default: the embedded sample warehouse)")
    generate.add_argument("--companies", type=int, default=2000)
    generate.add_argument("--complaints", type=int, default=300_000)
    generate.add_argument("--seed", type=int, default=1372)

    ingest = commands.add_parser("ingest", help="load CSV or Parquet files")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--db")
    ingest.add_argument("--table", choices=sorted(INGESTIBLE_TABLES))
    ingest.add_argument("--format", dest="source_format", choices=FORMATS, default="canonical")
    ingest.add_argument(
        "--encoding", help="text encoding when detection is not enough (e.g. cp949)"
    )
    ingest.add_argument(
        "--show-rejects",
        type=int,
        default=10,
        metavar="N",
        help="print the first N rejected rows of each file (default 10)",
    )

    rank = commands.add_parser("rank", help="rank companies for ex-officio investigation")
    rank.add_argument("--db")
    rank.add_argument(
        "--as-of", type=_iso_date, help="YYYY-MM-DD (default: end of the last full quarter)"
    )
    rank.add_argument("--level", choices=("company", "group"), default="company")
    rank.add_argument(
        "--min-members",
        type=int,
        default=2,
        metavar="N",
        help="with --level group: list groups of at least N firms (default 2; 1 adds every "
        "standalone firm as a group of one)",
    )
    rank.add_argument("--top", type=int, metavar="K", help="only the first K rows")
    rank.add_argument("--format", dest="output_format", choices=("csv", "json"), default="csv")
    rank.add_argument("--out", type=Path, help="file to write (default: standard output)")
    rank.add_argument(
        "--weights", help="e.g. volume=1,growth=3 (unnamed factors keep the config's)"
    )
    rank.add_argument("--config", type=Path, help="scoring TOML (default: config/scoring.toml)")
    rank.add_argument("--language", choices=LANGUAGES, default="en", help="of the explanations")

    alerts = commands.add_parser("alerts", help="surge alerts for companies or products")
    alerts.add_argument("--db")
    alerts.add_argument("--as-of", type=_iso_date, required=True, help="YYYY-MM-DD")
    alerts.add_argument("--level", choices=("company", "product"), default="company")
    alerts.add_argument("--format", dest="output_format", choices=("csv", "json"), default="csv")
    alerts.add_argument("--out", type=Path, help="file to write (default: standard output)")
    alerts.add_argument("--language", choices=LANGUAGES, default="en", help="of evidence and notes")

    report = commands.add_parser(
        "report", help="the quarterly report (.pptx or .pdf), or one firm's report (.pdf)"
    )
    report.add_argument("--db")
    report.add_argument("--quarter", required=True, help="a complete quarter, e.g. 2025Q2")
    report.add_argument(
        "--company", metavar="ID", help="the consumer-voice report of one firm (PDF only)"
    )
    report.add_argument("--out", type=Path, required=True, help="FILE.pptx or FILE.pdf")
    report.add_argument("--language", choices=("en", "ko"), default="en")
    report.add_argument("--config", type=Path, help="scoring TOML (default: config/scoring.toml)")

    backtest = commands.add_parser(
        "backtest", help="rank as of a date and compare with the next year's enforcement actions"
    )
    backtest.add_argument("--db")
    backtest.add_argument("--as-of", type=_iso_date, required=True, help="YYYY-MM-DD")
    backtest.add_argument("--horizon-months", type=int, default=12)
    backtest.add_argument("--weights", help="e.g. volume=1,growth=3")
    backtest.add_argument("--config", type=Path, help="scoring TOML (default: config/scoring.toml)")

    user = commands.add_parser(
        "user", help="dashboard accounts (stored beside the warehouse, see README)"
    )
    actions = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    add = actions.add_parser("add", help="create an account; the password is read from a prompt")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--oidc",
        action="store_true",
        help="no local password: the person signs in through the identity provider (st.login)",
    )
    for name, text in (
        ("disable", "stop an account from signing in"),
        ("enable", "let a disabled account sign in again"),
        ("password", "set a new password, read from a prompt"),
    ):
        actions.add_parser(name, help=text).add_argument("name")
    role = actions.add_parser("role", help="give an account another role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    actions.add_parser("list", help="list the accounts")
    for sub in actions.choices.values():
        sub.add_argument("--db", help="warehouse URL (the accounts live beside it)")

    roles = commands.add_parser(
        "roles", help="create the PostgreSQL roles for the dashboard (read) and ingest (load)"
    )
    roles.add_argument("--db", help="PostgreSQL URL of the database owner")
    roles.add_argument("--dashboard-role", default="radar_dashboard")
    roles.add_argument("--ingest-role", default="radar_ingest")
    roles.add_argument(
        "--print-sql", action="store_true", help="print the GRANT statements and change nothing"
    )
    rollup = commands.add_parser(
        "rollup", help="rebuild the company x month rollup (after loading data by other means)"
    )
    rollup.add_argument("--db")
    rollup.add_argument(
        "--deadline-days", type=int, default=14, help="response deadline the counts use (14)"
    )
    return parser


def _progress_bar(path: Path):  # noqa: ANN202
    """A byte progress bar on stderr for large files, or None for small ones."""
    size = path.stat().st_size if path.is_file() else 0
    if size < PROGRESS_MIN_BYTES:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, file=sys.stderr, leave=False)
    return bar, bar.update


def audit_cli(url: str, action: str, target: str, outcome: str, detail: str) -> None:
    """Log a command-line action in the warehouse's audit log; a note if it cannot be written."""
    from queries import audit
    from queries.schema import create_security_schema

    try:
        store = make_engine(security_url(url))
        create_security_schema(store)
        audit.record(
            store,
            username=cli_identity(),
            role=None,
            action=action,
            target=target,
            outcome=outcome,
            detail=detail[:500],
        )
        store.dispose()
    except Exception as exc:  # the load itself is done; say that the log missed it
        print(
            f"note: the audit log could not record this {action}: {first_line(exc)}",
            file=sys.stderr,
        )


def run_ingest(args: argparse.Namespace) -> int:
    """Ingest each file in its own transaction and print what happened to every row."""
    url = resolve_db_url(args.db)
    engine = make_engine(url)
    check_connection(engine)
    failures = 0
    for path in order_for_loading(args.paths):
        bar, progress = _progress_bar(path)
        try:
            result = ingest_file(
                engine,
                path,
                table=args.table,
                source_format=args.source_format,
                encoding=args.encoding,
                progress=progress,
            )
        except (SourceFileError, IngestError) as exc:
            record_failed_run(engine, path, args.table, args.source_format, str(exc))
            print(f"error: {path}: {exc}", file=sys.stderr)
            audit_cli(url, "ingest", str(path), "failed", str(exc))
            failures += 1
            continue
        finally:
            if bar is not None:
                bar.close()
        print(f"{path}: {result.summary()}")
        audit_cli(url, "ingest", str(path), "ok", f"{result.table}: {result.summary()}")
        for note in result.notes:
            print(f"  note: {note}")
        if result.rejects is not None and args.show_rejects > 0:
            for row in result.rejects.head(args.show_rejects).iter_rows(named=True):
                print(f"  row {row['__row']}: {mask_text(row['reason'])}")
            if result.rejects.height > args.show_rejects:
                more = result.rejects.height - args.show_rejects
                print(f"  ... {more} more reasons in the rejected_rows table")
    return 1 if failures else 0


def run_generate(args: argparse.Namespace) -> int:
    """Create (or top up) a sample warehouse from the deterministic generator."""
    from sample_data.generator import GeneratorConfig
    from sample_data.load import generate_warehouse

    url = resolve_db_url(args.db)
    engine = make_engine(url)
    check_connection(engine)
    try:
        GeneratorConfig(companies=args.companies, complaints=args.complaints, seed=args.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    summary = generate_warehouse(
        engine,
        companies=args.companies,
        complaints=args.complaints,
        seed=args.seed,
        show_progress=True,
    )
    print(summary)
    return 0


def _ranked(args: argparse.Namespace, as_of: date, level: str = "company"):  # noqa: ANN202
    """Fetch the scoring inputs once and rank firms (or groups): (ranked frame, inputs)."""
    from queries.scoring_inputs import fetch_scoring_inputs
    from scoring.combine import combine
    from scoring.config import load_config, weights_from_text
    from scoring.factors import compute_factors
    from scoring.groups import rank_groups

    config = load_config(args.config)
    weights = weights_from_text(args.weights, config.weights) if args.weights else None
    engine = make_engine(resolve_db_url(args.db))
    check_connection(engine)
    inputs = fetch_scoring_inputs(engine, as_of, config)
    language = getattr(args, "language", "en")
    if level == "group":
        return rank_groups(inputs, config, weights, language=language), inputs
    factors = compute_factors(inputs, config, languages=[language])
    return combine(factors, weights, config, language), inputs


def _write_ranked(  # noqa: ANN001
    frame, output_format: str, out: Path | None, float_precision: int | None = 6
) -> None:
    """CSV (UTF-8, with a BOM in files for spreadsheets) or JSON records, to a file or stdout.

    Text cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
    """
    import polars as pl

    from scoring.exports import neutralise_formulas

    frame = neutralise_formulas(frame)

    if output_format == "json":
        floats = [name for name, dtype in frame.schema.items() if dtype == pl.Float64]
        # JSON has no infinity or NaN: an unbounded interval end is written as null.
        frame = frame.with_columns(
            pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c) for c in floats
        )
        text = frame.write_json()
        if out is None:
            sys.stdout.write(text + "\n")
        else:
            out.write_text(text + "\n", encoding="utf-8")
        return
    if out is None:
        sys.stdout.write(frame.write_csv(float_precision=float_precision))
    else:
        frame.write_csv(out, include_bom=True, float_precision=float_precision)


def run_rank(args: argparse.Namespace) -> int:
    """Rank every company (or corporate group) as of a date and write the list with its evidence."""
    from scoring.groups import listed_groups
    from scoring.windows import default_as_of

    if args.top is not None and args.top < 1:
        print(f"error: --top must be >= 1; got {args.top}", file=sys.stderr)
        return 2
    if args.min_members < 1:
        print(f"error: --min-members must be >= 1; got {args.min_members}", file=sys.stderr)
        return 2
    try:
        ranked, _ = _ranked(args, args.as_of or default_as_of(date.today()), args.level)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.level == "group":
        ranked = listed_groups(ranked, args.min_members)
    if args.top is not None:
        ranked = ranked.head(args.top)
    _write_ranked(ranked, args.output_format, args.out)
    return 0


def run_backtest(args: argparse.Namespace) -> int:
    """Rank as of a past date and report how well it foresaw the next enforcement actions."""
    from scoring.backtest import backtest

    if args.horizon_months < 1:
        print(f"error: --horizon-months must be >= 1; got {args.horizon_months}", file=sys.stderr)
        return 2
    try:
        ranked, inputs = _ranked(args, args.as_of)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result, _ = backtest(ranked, inputs.enforcement, args.as_of, horizon_months=args.horizon_months)
    print("\n".join(result.lines()))
    return 0


def run_alerts(args: argparse.Namespace) -> int:
    """Surge alerts as of a date, for one level plus any data events, as CSV or JSON."""
    import polars as pl

    from queries.alert_inputs import fetch_alert_inputs
    from scoring.alerts import detect_alerts

    engine = make_engine(resolve_db_url(args.db))
    check_connection(engine)
    report = detect_alerts(fetch_alert_inputs(engine, args.as_of)).in_language(args.language)
    alerts = report.for_level(args.level)
    listed = [name for name, dtype in alerts.schema.items() if isinstance(dtype, pl.List)]
    alerts = alerts.with_columns(pl.col(name).list.join("; ") for name in listed)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    # p- and q-values span many orders of magnitude: write them in full.
    _write_ranked(alerts, args.output_format, args.out, float_precision=None)
    return 0


def cli_identity() -> str:
    """Who ran a command, for the audit log: `cli:` and the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def read_new_password() -> str:
    """A new password: typed twice at a terminal, else the first line of standard input."""
    from access.passwords import check_password

    if sys.stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Repeat it: ") != first:
            raise UsageError("the two passwords differ")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
        if not first:
            raise UsageError("no password on standard input (give it on the first line)")
    try:
        return check_password(first)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def run_user(args: argparse.Namespace) -> int:
    """Add, disable, enable, re-role or list dashboard accounts; each change is audited."""
    from access.passwords import hash_password
    from queries import accounts, audit
    from queries.schema import create_security_schema

    engine = make_engine(security_url(resolve_db_url(args.db)))
    check_connection(engine)
    try:
        create_security_schema(engine)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.user_command == "list":
        listing = accounts.list_users(engine)
        sys.stdout.write(listing.write_csv())
        return 0
    try:
        if args.user_command == "add":
            password_hash = None if args.oidc else hash_password(read_new_password())
            name = accounts.add_user(engine, args.name, args.role, password_hash)
            detail = f"added with role {args.role}" + (" (identity provider)" if args.oidc else "")
        elif args.user_command == "role":
            before = accounts.set_role(engine, args.name, args.role)
            name, detail = accounts.normalise_username(args.name), f"role {before} -> {args.role}"
        elif args.user_command == "password":
            name = accounts.normalise_username(args.name)
            accounts.set_password_hash(engine, name, hash_password(read_new_password()))
            detail = "password changed"
        else:
            disable = args.user_command == "disable"
            accounts.set_disabled(engine, args.name, disable)
            name, detail = accounts.normalise_username(args.name), f"{args.user_command}d"
    except accounts.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    audit.record(
        engine,
        username=cli_identity(),
        role=None,
        action="user_change",
        target=name,
        detail=detail,
    )
    print(f"user {name}: {detail}")
    return 0


def run_roles(args: argparse.Namespace) -> int:
    """Create the dashboard and ingest roles on PostgreSQL with least-privilege grants."""
    from queries.db_roles import grant_statements, setup_roles

    try:
        if args.print_sql:
            statements = grant_statements(args.dashboard_role, args.ingest_role)
        else:
            engine = make_engine(resolve_db_url(args.db))
            check_connection(engine)
            statements = setup_roles(engine, args.dashboard_role, args.ingest_role)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    for statement in statements:
        print(statement + ";")
    return 0


REPORT_FORMATS = (".pptx", ".pdf")


def run_report(args: argparse.Namespace) -> int:
    """Write the quarterly report (deck or PDF) or one firm's consumer-voice PDF."""
    import time

    from reports.content import ReportError, firm_report, quarterly_report
    from reports.deck import build_deck
    from reports.pdf import build_firm_pdf, build_quarterly_pdf
    from reports.sources import WarehouseSource
    from scoring.config import load_config
    from scoring.quarters import parse_quarter

    started = time.perf_counter()
    try:
        quarter = parse_quarter(args.quarter)
    except ValueError as exc:
        raise UsageError(f"--quarter: {exc}") from exc
    suffix = args.out.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise UsageError(f"--out must end in .pptx or .pdf; got {args.out.name!r}")
    if args.company and suffix != ".pdf":
        raise UsageError("the firm report (--company) is a PDF: use --out FILE.pdf")
    if not args.out.parent.is_dir():
        raise UsageError(f"--out: folder {str(args.out.parent)!r} does not exist")
    engine = make_engine(resolve_db_url(args.db))
    check_connection(engine)
    source = WarehouseSource(engine, load_config(args.config))
    try:
        if args.company:
            data = build_firm_pdf(firm_report(source, args.company, quarter, args.language))
        else:
            content = quarterly_report(source, quarter, args.language)
            build = build_deck if suffix == ".pptx" else build_quarterly_pdf
            data = build(content)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.write_bytes(data)
    about = f"firm {args.company}, " if args.company else ""
    audit_cli(
        resolve_db_url(args.db), "report", str(args.out), "ok", f"{about}{quarter.label}, {suffix}"
    )
    seconds = time.perf_counter() - started
    print(f"wrote {args.out} ({len(data) / 1024:,.0f} KB) in {seconds:.1f} s")
    return 0


def run_rollup(args: argparse.Namespace) -> int:
    """Recount the rollup for one deadline from the complaints; ingest keeps it from then on."""
    from sqlalchemy import func, select

    from queries.rollups import rebuild_rollup
    from queries.schema import company_month_rollup, create_schema

    if args.deadline_days < 0:
        print(f"error: --deadline-days must be >= 0; got {args.deadline_days}", file=sys.stderr)
        return 2
    engine = make_engine(resolve_db_url(args.db))
    check_connection(engine)
    create_schema(engine)
    table = company_month_rollup
    with engine.begin() as connection:
        rebuild_rollup(connection, args.deadline_days)
        rows, kept = connection.execute(
            select(func.count(), func.coalesce(func.sum(table.c.complaints), 0)).where(
                table.c.deadline_days == args.deadline_days
            )
        ).one()
    print(
        f"rollup for a {args.deadline_days}-day deadline: {rows:,} firm-months, {kept:,} complaints"
    )
    return 0


HANDLERS = {
    "generate": run_generate,
    "rollup": run_rollup,
    "alerts": run_alerts,
    "ingest": run_ingest,
    "rank": run_rank,
    "backtest": run_backtest,
    "report": run_report,
    "user": run_user,
    "roles": run_roles,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure becomes one line on stderr and a non-zero status."""
    try:
        args = build_parser().parse_args(argv)
        return HANDLERS[args.command](args)
    except UsageError as exc:
        print(f"error: {exc} (see python cli.py --help)", file=sys.stderr)
        return 2
    except (WarehouseError, SourceFileError, IngestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"error: warehouse: {first_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise is one readable line, never a traceback
        if os.environ.get("RADAR_DEBUG"):
            traceback.print_exc()
        print(
            f"error: unexpected {type(exc).__name__}: {exc} (RADAR_DEBUG=1 shows details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
