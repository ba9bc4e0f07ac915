"""Complaint Radar command line: generate, ingest (and, as they land, rank, alerts, report)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from queries.ingest import (
    FORMATS,
    IngestError,
    SourceFileError,
    ingest_file,
    order_for_loading,
    record_failed_run,
)
from queries.schema import INGESTIBLE_TABLES
from queries.warehouse import WarehouseError, check_connection, make_engine, resolve_db_url

PROGRESS_MIN_BYTES = 20 << 20


class UsageError(Exception):
    """Arguments that make no sense together."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line, like every other failure here."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


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
    return parser


def _progress_bar(path: Path):  # noqa: ANN202
    """A byte progress bar on stderr for large files, or None for small ones."""
    size = path.stat().st_size if path.is_file() else 0
    if size < PROGRESS_MIN_BYTES:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, file=sys.stderr, leave=False)
    return bar, bar.update


def run_ingest(args: argparse.Namespace) -> int:
    """Ingest each file in its own transaction and print what happened to every row."""
    engine = make_engine(resolve_db_url(args.db))
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
            failures += 1
            continue
        finally:
            if bar is not None:
                bar.close()
        print(f"{path}: {result.summary()}")
        for note in result.notes:
            print(f"  note: {note}")
        if result.rejects is not None and args.show_rejects > 0:
            for row in result.rejects.head(args.show_rejects).iter_rows(named=True):
                print(f"  row {row['__row']}: {row['reason']}")
            if result.rejects.height > args.show_rejects:
                more = result.rejects.height - args.show_rejects
                print(f"  ... {more} more reasons in the rejected_rows table")
    return 1 if failures else 0


def run_generate(args: argparse.Namespace) -> int:
    """Create (or top up) a sample warehouse from the deterministic generator."""
    from sample_data.load import generate_warehouse

    url = resolve_db_url(args.db)
    engine = make_engine(url)
    summary = generate_warehouse(
        engine,
        companies=args.companies,
        complaints=args.complaints,
        seed=args.seed,
        show_progress=True,
    )
    print(summary)
    return 0


HANDLERS = {"generate": run_generate, "ingest": run_ingest}


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
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: warehouse: {first_line}", file=sys.stderr)
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
