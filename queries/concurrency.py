"""Independent warehouse reads run at once, each on its own pooled connection.

A PostgreSQL server computes and formats each result in its own backend process while this
process parses the ones already sent, so reading the parts of a scoring run side by side overlaps
the server's work with ours (on two cores, about a fifth off the 10M fetch). An in-memory
database is one connection's private world, so its reads stay one after the other.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine

T = TypeVar("T")


def shares_data_across_connections(engine: Engine) -> bool:
    """Whether every connection the engine opens sees the same data (not an in-memory one)."""
    return engine.url.database not in (None, "", ":memory:")


def concurrently(engine: Engine, *reads: Callable[[], T]) -> list[T]:
    """Each read's result, in order; the reads run in parallel threads when the engine allows.

    Each read must open its own connection from `engine`. The first error raised is re-raised.
    """
    if len(reads) < 2 or not shares_data_across_connections(engine):
        return [read() for read in reads]
    with ThreadPoolExecutor(max_workers=len(reads), thread_name_prefix="radar-read") as pool:
        futures = [pool.submit(read) for read in reads]
        return [future.result() for future in futures]
