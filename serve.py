"""Start the dashboard ready to serve: `python serve.py [streamlit options]`.

The same server as `streamlit run dashboard.py [options]` (every option is passed on), except
that the first visitor does not wait for start-up work: while Streamlit starts, this process
imports every module the dashboard's pages use (polars, plotly, scipy, SQLAlchemy, DuckDB: about
two seconds) and computes the latest quarter's target list into the server's caches
(pages.common.warm_up). Nothing is sent to any browser by this; sign-in still guards every page.
"""

from __future__ import annotations

import ast
import ctypes
import gc
import importlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DASHBOARD = ROOT / "dashboard.py"
LOGGER = logging.getLogger("radar.serve")
RUNTIME_WAIT_SECONDS = 60
# Imported on a first visit by Streamlit, plotly or SQLAlchemy themselves, not by the pages:
# a first table (pandas alone ~0.7 s), a chart's JSON, the accounts store's and the
# warehouse's dialects (~0.35 s), the menu's icons.
LAZY_MODULES = (
    "pandas",
    "pyarrow.compute",
    "pyarrow.pandas_compat",
    "plotly.io._json",
    "plotly.offline",
    "plotly.tools",
    "sqlite3",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "duckdb_engine",
    "streamlit.material_icon_names",
)


def imported_modules(script: Path) -> list[str]:
    """The modules a script imports at its top level, in order (relative imports left out)."""
    names: list[str] = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return [name for name in dict.fromkeys(names) if name != "__future__"]


def page_modules() -> list[str]:
    """Every module dashboard.py and its page scripts import (the scripts themselves are run by
    Streamlit on each visit, so they are not imported here)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pages.registry import PAGES

    scripts = [DASHBOARD, *(ROOT / page.path for page in PAGES)]
    return list(dict.fromkeys(name for script in scripts for name in imported_modules(script)))


@contextmanager
def no_runtime_warnings() -> Iterator[None]:
    """Silence the warning each st.cache_data declaration logs while no runtime exists yet:
    expected before the server runs, and the caches work once it does."""
    import streamlit  # noqa: F401  (creates the logger quietened here)

    quiet = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        yield
    finally:
        quiet.setLevel(level)


def preload() -> None:
    """Import every page's modules now, not during the first visitor's page."""
    with no_runtime_warnings():
        for name in [*page_modules(), *LAZY_MODULES]:
            importlib.import_module(name)


def wait_for_runtime(seconds: float = RUNTIME_WAIT_SECONDS) -> bool:
    """Block until Streamlit's runtime exists (its data caches live there), or give up."""
    from streamlit import runtime

    deadline = time.monotonic() + seconds
    while not runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def compile_scripts() -> None:
    """Fill Streamlit's script cache with dashboard.py and every page, as a first visit would.

    Compiling a page with Streamlit's "magic" rewrite takes ~0.2 s each, and Streamlit's first
    element of a process inspects the call stack once (~0.4 s with every module loaded): both
    are done here, on this short stack, not in the first visitor's page. Both are Streamlit
    internals; if a later Streamlit lacks them, the first visit just does that work itself.
    """
    from streamlit import delta_generator
    from streamlit.runtime import Runtime

    getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()
    cache = getattr(Runtime.instance(), "_script_cache", None)
    if cache is None:
        return
    from pages.registry import PAGES

    for script in [DASHBOARD, *(ROOT / page.path for page in PAGES)]:
        cache.get_bytecode(str(script))


def prepare(url: str, started: float, imported: float) -> None:
    """Once Streamlit's runtime exists: its script cache, the account store and the summary
    and filter choices a page shows (st.cache_data lives in the runtime); then report, counting
    from `started` (the launcher's perf_counter at its start)."""
    try:
        if not wait_for_runtime():
            return
        compile_scripts()
        from pages.common import (
            filter_options,
            security_engine,
            wait_for_warm_up,
            warehouse_summary,
        )

        security_engine(url)  # the sign-in form's account store, its tables made once
        if warmable(url):
            warehouse_summary(url)
            filter_options(url)
            wait_for_warm_up(url)
            # Counted from the launcher's start: the ranking began before the server did, and a
            # small warehouse's is done before the server listens.
            print(
                f"  Ready: target list computed {time.perf_counter() - started:.1f} s after the"
                f" launcher started (pages imported in {imported:.1f} s)",
                flush=True,
            )
    except Exception:  # the first page computes it again, and shows any error
        LOGGER.warning("preparing the dashboard failed", exc_info=True)


def warmable(url: str) -> bool:
    """Whether the warehouse can be read now (the sample one is created by the first page,
    with a progress bar the user sees) and the warm-up is not turned off."""
    from pages.common import WARM_UP_VAR
    from queries.warehouse import DEFAULT_WAREHOUSE_PATH, is_default_warehouse

    if os.environ.get(WARM_UP_VAR, "1") == "0":
        return False
    return not (is_default_warehouse(url) and not DEFAULT_WAREHOUSE_PATH.exists())


# glibc gives each thread that allocates its own heap ("arena", up to 8 per core), and memory
# freed in one is not reused by another. The server's threads (sessions, the factor and quantile
# pools, side-by-side reads) each leave some behind: two arenas kept the 10M profile bench's
# peak ~110 MB (list + profile) and ~200 MB (+ alerts page) lower, at no measured cost in speed.
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
# Polars' jemalloc lets freed pages go "muzzy" (MADV_FREE) for a second before purging them, and
# muzzy pages still count as resident; purged at once, the profile bench's peak fell ~50 MB.
POLARS_JEMALLOC = "muzzy_decay_ms:0"


def limit_allocators(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas (as MALLOC_ARENA_MAX would) and have polars purge freed pages
    at once, before any thread starts or polars loads; whether the arena cap applied (not on
    other C libraries, nor when MALLOC_ARENA_MAX is set already)."""
    os.environ.setdefault("_RJEM_MALLOC_CONF", POLARS_JEMALLOC)  # polars appends it to its own
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    mallopt = _glibc("mallopt")
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, arenas))


def release_freed_memory() -> bool:
    """Hand the heap pages glibc kept after a big computation back to the system (malloc_trim);
    whether any were handed back (never on other C libraries).

    Freed numpy arrays below glibc's mmap threshold stay in the heap, spread between live
    objects, where no later allocation of another size may reuse them: after a company profile
    at 10M complaints (eight quarters scored, an alerts run) ~70 MB, which the alerts page's
    scan then had to find anew.
    """
    malloc_trim = _glibc("malloc_trim")
    return malloc_trim is not None and bool(malloc_trim(0))


def _glibc(function: str) -> Callable[..., int] | None:
    """A function of glibc's malloc, or None (not Linux, or a C library without it, as musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL("libc.so.6"), function)
    except (OSError, AttributeError):
        return None


def main(argv: list[str]) -> None:
    """Start the warm-up as soon as its modules are in, import the rest, then run Streamlit."""
    limit_allocators()
    start = time.perf_counter()
    with no_runtime_warnings():
        from pages.common import warehouse_url, warm_up

    url = warehouse_url()
    if warmable(url):
        # DuckDB and polars work outside the GIL: the ranking runs while the imports go on.
        warm_up(url)
    preload()
    imported = time.perf_counter() - start
    # The imports made ~190,000 long-lived objects: keep them out of every later collection.
    gc.collect()
    gc.freeze()
    threading.Thread(
        target=prepare, args=(url, start, imported), name="radar-prepare", daemon=True
    ).start()
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # The imports read Streamlit's config before the command line's options were applied;
    # the CLI re-reads it with them before the server starts, so its warning that [server]
    # options changed and need a restart does not apply here.
    logging.getLogger("streamlit.config").addFilter(
        lambda record: not record.getMessage().startswith("An update to the [server] config")
    )

    # dashboard.py always calls st.navigation, which sets this; set now, a fresh server's first
    # visitor is not routed the legacy pages/ way first (see pages.common.use_page_router).
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(DASHBOARD), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
