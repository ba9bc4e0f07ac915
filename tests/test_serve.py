"""serve.py, the README's start command: the pages' modules are in before the first visit, and
the warm-up is only started where it can run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import serve
from pages.registry import PAGES
from queries.warehouse import DEFAULT_DB_URL, make_engine
from sample_data.load import generate_warehouse
from tests.signin import ensure_account

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Packages whose import takes a first visit tenths of a second or more (their small lazily
# loaded submodules, plotly's layout classes say, cost well under a millisecond each).
HEAVY = {
    "pandas",
    "pyarrow.compute",
    "pyarrow.pandas_compat",
    "polars",
    "numpy",
    "scipy",
    "plotly",
    "plotly.graph_objects",
    "networkx",
    "sqlalchemy",
    "sqlalchemy.dialects.sqlite",
    "duckdb",
    "duckdb_engine",
    "psycopg",
    "sqlite3",
    "argon2",
}
# In a fresh interpreter: serve.py's preload, then a signed-in visit to the target list and a
# weight change in AppTest; prints the modules the visit imported that preload had not.
VISIT = """
import json, sys
sys.path.insert(0, {root!r})
import serve
from pages.registry import PAGES
serve.preload()
before = set(sys.modules)
from streamlit.testing.v1 import AppTest
from tests.signin import sign_in
testing = set(sys.modules) - before
app = AppTest.from_file({dashboard!r}, default_timeout=120)
app.run()
sign_in(app, "visitor")
app.switch_page("pages/targets.py").run()
app.slider(key="radar.weight.growth").set_value(2.5).run()
assert not app.exception, app.exception
assert len(app.dataframe[0].value) > 0
new = sorted(set(sys.modules) - before - testing)
print(json.dumps(new))
"""


def test_a_visit_after_preload_imports_nothing(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=150, complaints=8_000, seed=3)
    engine.dispose()
    ensure_account(url, "visitor", "admin")
    script = VISIT.format(root=str(PROJECT_ROOT), dashboard=str(PROJECT_ROOT / "dashboard.py"))
    env = {"RADAR_DB_URL": url, "RADAR_LANG": "en", "RADAR_WARM_UP": "0"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={**_environ(), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = [name for name in imported if name in HEAVY]
    assert heavy == [], " ".join(heavy)


def test_page_modules_are_what_the_pages_import() -> None:
    names = serve.page_modules()
    # dashboard.py's, a page's own (plotly only on chart pages) and a shared module's.
    for expected in ("queries.schema", "plotly.graph_objects", "scoring.exports", "pages.common"):
        assert expected in names
    assert "__future__" not in names
    # The page scripts draw when imported: Streamlit runs them, preload must not.
    assert not {f"pages.{Path(page.path).stem}" for page in PAGES} & set(names)


@pytest.mark.parametrize(
    ("url", "sample_exists", "switch", "expected"),
    [
        ("duckdb:////data/agency.duckdb", False, None, True),
        (DEFAULT_DB_URL, True, None, True),
        # The first start creates the sample with a progress bar the user sees: no warm-up.
        (DEFAULT_DB_URL, False, None, False),
        ("duckdb:////data/agency.duckdb", True, "0", False),
    ],
)
def test_warm_up_only_where_it_can_run(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    url: str,
    sample_exists: bool,
    switch: str | None,
    expected: bool,
) -> None:
    import queries.warehouse

    sample = tmp_path / "sample_warehouse.duckdb"
    if sample_exists:
        sample.write_bytes(b"")
    monkeypatch.setattr(queries.warehouse, "DEFAULT_WAREHOUSE_PATH", sample)
    if switch is None:
        monkeypatch.delenv("RADAR_WARM_UP", raising=False)
    else:
        monkeypatch.setenv("RADAR_WARM_UP", switch)
    assert serve.warmable(url) is expected


def _environ() -> dict[str, str]:
    """This process's environment without a warehouse or accounts store of its own."""
    return {k: v for k, v in os.environ.items() if k not in ("RADAR_DB_URL", "RADAR_AUDIT_DB_URL")}


def test_the_allocators_are_limited_in_a_fresh_process_unless_told_otherwise() -> None:
    # In a child: mallopt changes the process for good, and polars reads its setting on import.
    probe = (
        "import json, os, serve; applied = serve.limit_allocators(); import polars; "
        "print(json.dumps([applied, os.environ['_RJEM_MALLOC_CONF']]))"
    )

    def run(**env: str) -> list[object]:
        clean = {k: v for k, v in os.environ.items() if k not in ("MALLOC_ARENA_MAX", *env)}
        clean.pop("_RJEM_MALLOC_CONF", None)
        done = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=serve.ROOT,
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    applied, conf = run()
    assert applied is (sys.platform.startswith("linux"))
    assert conf.endswith("," + serve.POLARS_JEMALLOC)  # after polars' own defaults
    applied, conf = run(MALLOC_ARENA_MAX="4", _RJEM_MALLOC_CONF="dirty_decay_ms:0")
    assert applied is False
    assert conf.endswith(",dirty_decay_ms:0") and serve.POLARS_JEMALLOC not in conf


# Heap memory left in holes between live arrays: half of 1,200 arrays of 100 kB (below glibc's
# mmap threshold, so they come from the heap) freed, every other one.
FRAGMENTED = """
import json, serve, numpy as np
def rss():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
arrays = [np.ones(12_800) for _ in range(1_200)]
del arrays[::2]
before = rss()
released = serve.release_freed_memory()
print(json.dumps([released, (before - rss()) / 1024]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_heap_memory_goes_back_to_the_system() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FRAGMENTED],
        cwd=serve.ROOT,
        env={k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"},
        capture_output=True,
        text=True,
        check=True,
    )
    released, freed_mb = json.loads(done.stdout.strip().splitlines()[-1])
    assert released is True
    assert freed_mb > 40  # of the ~60 MB in holes; kept by the heap without the trim
