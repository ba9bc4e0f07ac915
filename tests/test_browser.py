"""The dashboard in a real headless Chromium: pick a firm, open its profile, deep link, language.

Screenshots of every page go to test-artifacts/screenshots/ (gitignored). With
RADAR_UPDATE_DOC_SCREENSHOTS=1 the target list and profile shots are also copied to docs/images/
for the README.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from queries import aggregates
from queries.scoring_inputs import fetch_scoring_inputs
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.combine import combine
from scoring.config import load_config
from scoring.factors import compute_factors
from scoring.groups import listed_groups, rank_groups
from scoring.network import build_graph, drawing, neighbourhood
from scoring.quarters import last_full_quarter
from tests.conftest import require

pytestmark = pytest.mark.browser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DOC_IMAGES = PROJECT_ROOT / "docs" / "images"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Streamlit scrolls an inner container, so a tall viewport is what captures a whole page.
VIEWPORT = {"width": 1440, "height": 2200}
READY = '[data-testid="stMetricValue"], [data-testid="stDataFrame"], [data-testid="stAlert"]'


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(base: str, process: subprocess.Popen, seconds: float = 90) -> None:
    """Block until Streamlit answers its health check, or fail with its output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited early: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A generated warehouse and the ranking the dashboard should show for its last quarter."""
    url = f"duckdb:///{tmp_path_factory.mktemp('browser') / 'sample.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=300, complaints=40_000, seed=5)
    quarter = last_full_quarter(aggregates.warehouse_summary(engine)["last_received"])  # type: ignore[arg-type]
    config = load_config()
    inputs = fetch_scoring_inputs(engine, quarter.end, config)
    ranked = combine(compute_factors(inputs, config), None, config)
    groups = listed_groups(rank_groups(inputs, config))
    graph = build_graph(inputs.companies, inputs.relations)
    engine.dispose()
    return {"url": url, "quarter": quarter, "ranked": ranked, "groups": groups, "graph": graph}


@pytest.fixture(scope="module")
def server(sample: dict[str, object]) -> Iterator[str]:
    """A real Streamlit server on a free local port, stopped after the module."""
    port = free_port()
    env = {**os.environ, "RADAR_DB_URL": str(sample["url"]), "RADAR_LANG": "en"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # noqa: ANN001
    """A fresh browser page with a tall viewport."""
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    yield opened
    context.close()


def settle(page, selector: str = READY) -> None:  # noqa: ANN001
    """Wait until Streamlit has drawn the page and stopped running."""
    page.wait_for_selector(selector, timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )
    page.wait_for_timeout(800)


def screenshot(page, name: str, for_docs: bool = False) -> Path:  # noqa: ANN001
    """Save a screenshot as a test artifact (and for the README when asked)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    if for_docs and os.environ.get("RADAR_UPDATE_DOC_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOC_IMAGES / path.name)
    return path


def heading(page) -> str:  # noqa: ANN001
    """The page's main heading text."""
    return page.locator("h2").first.inner_text().strip()


def metric(page, label: str) -> str:  # noqa: ANN001
    """The value shown under a metric's label."""
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_select_a_firm_on_the_target_list_opens_its_profile(server, sample, page) -> None:
    page.goto(f"{server}/targets")
    settle(page, '[data-testid="stDataFrame"]')
    assert heading(page) == f"Target list: {sample['quarter'].label}"
    screenshot(page, "target_list", for_docs=True)

    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    assert grid is not None
    # The row-selection checkbox of the first data row: left edge, one header row down.
    page.mouse.click(grid["x"] + 14, grid["y"] + 35 + 17)
    page.wait_for_url("**/company?**", timeout=60_000)
    settle(page, '[data-testid="stMetricValue"]')

    top = sample["ranked"].row(0, named=True)
    assert f"id={top['company_id']}" in page.url
    assert heading(page) == top["name"]
    assert metric(page, "Tier") == top["tier"]
    screenshot(page, "company_profile", for_docs=True)


def test_a_deep_link_opens_the_same_profile(server, sample, page) -> None:
    ranked: pl.DataFrame = sample["ranked"]  # type: ignore[assignment]
    firm = (
        ranked.filter(pl.col("tier") == "monitor").row(0, named=True)
        if (ranked["tier"] == "monitor").any()
        else ranked.row(1, named=True)
    )
    quarter = sample["quarter"]
    page.goto(f"{server}/company?id={firm['company_id']}&quarter={quarter.label}")
    settle(page, '[data-testid="stMetricValue"]')
    assert heading(page) == firm["name"]
    assert metric(page, "Tier") == firm["tier"]
    assert metric(page, "Score") == f"{firm['score']:.2f}"
    screenshot(page, "company_deep_link")


def test_switching_language_relabels_the_dashboard(server, sample, page) -> None:
    page.goto(f"{server}/")  # the default page (Overview) lives at the root
    settle(page, '[data-testid="stMetricValue"]')
    assert heading(page) == f"Overview: {sample['quarter'].label}"
    screenshot(page, "overview")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="한국어").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('h2')].some(h => h.innerText.includes('개요'))",
        timeout=60_000,
    )
    settle(page, '[data-testid="stMetricValue"]')
    assert heading(page) == f"개요: {sample['quarter'].label}"
    screenshot(page, "overview_korean")
    for path in ("alerts", "methodology", "warehouse"):
        page.goto(f"{server}/{path}")
        settle(page)
        screenshot(page, path)


def test_click_a_firm_in_the_network_to_open_its_profile(server, sample, page) -> None:
    quarter = sample["quarter"]
    page.goto(f"{server}/network?quarter={quarter.label}")
    settle(page, ".js-plotly-plot")
    assert heading(page) == f"Corporate networks: {quarter.label}"
    screenshot(page, "network", for_docs=True)

    # The page draws the top group; its firms are the node trace's points in this order.
    focus = sample["groups"]["group_id"][0]
    nodes, _ = drawing(sample["graph"], neighbourhood(sample["graph"], focus))
    target = next(n for n in nodes["company_id"] if n != focus)
    index = nodes["company_id"].to_list().index(target)
    firms = page.locator(".js-plotly-plot .scatterlayer .trace").last.locator("path.point")
    assert firms.count() == nodes.height
    box = firms.nth(index).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/company?**", timeout=60_000)
    settle(page, '[data-testid="stMetricValue"]')
    assert f"id={target}" in page.url and f"quarter={quarter.label}" in page.url
    assert heading(page) == sample["graph"].nodes[target]["name"]
