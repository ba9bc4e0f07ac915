"""The dashboard in a real headless Chromium: sign in, demo banner, pick a firm, open its profile,
deep link, language, an audited download.

Screenshots of every page go to test-artifacts/screenshots/ (gitignored). With
RADAR_UPDATE_DOC_SCREENSHOTS=1 the target list and profile shots are also copied to docs/images/
for the README.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from queries import aggregates
from queries.scoring_inputs import fetch_scoring_inputs
from queries.warehouse import DEFAULT_WAREHOUSE_PATH, make_engine, security_url
from sample_data.load import ensure_sample_warehouse, generate_warehouse
from scoring.combine import combine
from scoring.config import load_config
from scoring.factors import compute_factors
from scoring.groups import listed_groups, rank_groups
from scoring.network import build_graph, drawing, neighbourhood
from scoring.quarters import last_full_quarter
from scoring.summaries import TIERS
from tests.conftest import require
from tests.signin import PASSWORD, ensure_account

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
USERNAME = "ops"
REASON = "case 2026-118: quarterly target review"


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


SERVE = [sys.executable, "serve.py"]  # as scripts/run_dashboard.sh starts it
STREAMLIT_RUN = [sys.executable, "-m", "streamlit", "run", "dashboard.py"]


def start_server(env: dict[str, str], command: list[str]) -> tuple[str, subprocess.Popen]:
    """A real Streamlit server on a free local port with the given environment."""
    port = free_port()
    process = subprocess.Popen(
        [
            *command,
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
    except Exception:
        stop_server(process)
        raise
    return base, process


def read_until(process: subprocess.Popen, marker: str, seconds: float = 120) -> list[str]:
    """The lines a server printed up to the first that holds `marker` (or until the deadline);
    a thread keeps reading its output afterwards, so the pipe never fills."""
    lines: list[str] = []

    def drain() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not any(marker in line for line in lines):
        time.sleep(0.2)
    return list(lines)


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server this test started."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def served(sample: dict[str, object]) -> Iterator[tuple[str, list[str]]]:
    """The dashboard on the generated warehouse, which requires sign-in (one admin account),
    started by serve.py; with what it printed until it said it was ready, before any visit."""
    ensure_account(str(sample["url"]), USERNAME, "admin")
    env = {**os.environ, "RADAR_DB_URL": str(sample["url"]), "RADAR_LANG": "en"}
    env.pop("RADAR_AUDIT_DB_URL", None)
    env.pop("RADAR_WARM_UP", None)
    base, process = start_server(env, SERVE)
    try:
        yield base, read_until(process, "Ready:")
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def server(served: tuple[str, list[str]]) -> str:
    """The address of the dashboard on the generated warehouse."""
    return served[0]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on the embedded sample with no account, as a first start of
    `bash scripts/run_dashboard.sh` gets it, but started the plain way (`streamlit run
    dashboard.py`, which must keep working; its warm-up waits for the sign-in form).

    The accounts store is pointed at an empty file, so accounts a developer made locally for
    the sample warehouse do not turn the demo off.
    """
    ensure_sample_warehouse(DEFAULT_WAREHOUSE_PATH)
    env = {k: v for k, v in os.environ.items() if k != "RADAR_DB_URL"}
    env["RADAR_AUDIT_DB_URL"] = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'audit.sqlite'}"
    env["RADAR_LANG"] = "en"
    base, process = start_server(env, STREAMLIT_RUN)
    try:
        yield base
    finally:
        stop_server(process)


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


def sign_in(page, password: str = PASSWORD, username: str = USERNAME) -> None:  # noqa: ANN001
    """Fill Username and Password and press Sign in, as a person does."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_signed_in(page, url: str, ready: str = READY) -> None:  # noqa: ANN001
    """Open a dashboard URL and sign in on the form it shows first (each new tab signs in)."""
    page.goto(url)
    page.get_by_label("Username").wait_for(timeout=120_000)
    sign_in(page)
    page.get_by_label("Username").wait_for(state="detached", timeout=120_000)
    settle(page, ready)


def open_first_row(page) -> None:  # noqa: ANN001
    """Press the Profile button of the target list's first row and wait for that profile."""
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    assert grid is not None
    # The button fills most of the grid's first column; the first data row is one header row
    # (35 px) down.
    page.mouse.click(grid["x"] + 37, grid["y"] + 35 + 17)
    page.wait_for_url("**/company?**", timeout=60_000)
    settle(page, '[data-testid="stMetricValue"]')


def heading(page) -> str:  # noqa: ANN001
    """The page's main heading text."""
    return page.locator("h2").first.inner_text().strip()


def metric(page, label: str) -> str:  # noqa: ANN001
    """The value shown under a metric's label."""
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_the_launcher_computes_the_target_list_before_the_first_visit(served) -> None:
    _, printed = served
    ready = [line for line in printed if "Ready:" in line]
    assert ready, "".join(printed)[-2000:]
    timed = re.search(
        r"computed ([0-9.]+) s after the launcher started \(pages imported in ([0-9.]+) s", ready[0]
    )
    assert timed, ready[0]
    # The ranking is ready no sooner than the imports it waits for are done.
    assert float(timed[1]) >= float(timed[2]) > 0, ready[0]


def test_a_rows_profile_button_on_the_target_list_opens_its_profile(server, sample, page) -> None:
    open_signed_in(page, f"{server}/targets", '[data-testid="stDataFrame"]')
    assert heading(page) == f"Target list: {sample['quarter'].label}"
    screenshot(page, "target_list", for_docs=True)

    open_first_row(page)

    top = sample["ranked"].row(0, named=True)
    assert f"id={top['company_id']}" in page.url
    assert heading(page) == top["name"]
    assert metric(page, "Tier") == top["tier"]
    screenshot(page, "company_profile", for_docs=True)


def test_the_dashboard_asks_no_other_host_for_anything(server, page) -> None:
    """An agency's network is closed: the list, a profile with its charts and the overview are
    drawn from the dashboard's own server alone (the tab's icon included)."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    open_signed_in(page, f"{server}/targets", '[data-testid="stDataFrame"]')
    open_first_row(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=120_000)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").first.click()
    page.locator("h2", has_text="Overview").first.wait_for(timeout=60_000)
    settle(page, '[data-testid="stPlotlyChart"]')
    own = urllib.parse.urlsplit(server).netloc
    parts = [urllib.parse.urlsplit(url) for url in asked]
    elsewhere = sorted(
        {part.geturl() for part in parts if part.scheme in ("http", "https") and part.netloc != own}
    )
    assert len(asked) > 10 and elsewhere == []


def test_a_firm_found_by_search_opens_its_profile(server, sample, page) -> None:
    """The row clicked is the firm shown in it after a search, not the firm that row held
    before: opening a profile reads the ids of the grid as it was last drawn."""
    ranked: pl.DataFrame = sample["ranked"]  # type: ignore[assignment]
    listed = ranked.filter(pl.col("tier").is_in(list(TIERS[:3])))  # the list's default tiers
    names = [name.lower() for name in ranked["name"]]
    ids = [company_id.lower() for company_id in ranked["company_id"]]
    # The lowest-ranked listed firm whose name matches no other firm's name or id.
    firm = next(
        row
        for row in reversed(listed.rows(named=True))
        if sum(row["name"].lower() in text for text in names + ids) == 1
    )
    assert firm["rank"] > 1
    open_signed_in(page, f"{server}/targets", '[data-testid="stDataFrame"]')
    search = page.get_by_role("textbox", name="Find a firm (name or id)")
    search.fill(firm["name"])
    search.press("Enter")
    page.get_by_text(f"1 of {ranked.height:,} firms").wait_for(timeout=60_000)
    settle(page, '[data-testid="stDataFrame"]')

    open_first_row(page)
    assert f"id={firm['company_id']}" in page.url
    assert heading(page) == firm["name"]
    assert metric(page, "Rank") == f"{firm['rank']:,} of {ranked.height:,}"


def test_after_sorting_the_grid_a_rows_button_opens_the_firm_shown_in_that_row(
    server, sample, page
) -> None:
    """Sorting happens in the browser alone: the button still names the firm on its row."""
    ranked: pl.DataFrame = sample["ranked"]  # type: ignore[assignment]
    listed = ranked.filter(pl.col("tier").is_in(list(TIERS[:3])))  # the list's default tiers
    assert listed.height > 1
    open_signed_in(page, f"{server}/targets", '[data-testid="stDataFrame"]')
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    assert grid is not None
    # The Rank header, right of the Profile buttons: the first press sorts up, the second down.
    for _ in range(2):
        page.mouse.click(grid["x"] + 115, grid["y"] + 17)
        page.wait_for_timeout(500)

    open_first_row(page)
    last = listed.row(-1, named=True)
    assert f"id={last['company_id']}" in page.url
    assert heading(page) == last["name"]


def test_a_deep_link_opens_the_same_profile(server, sample, page) -> None:
    ranked: pl.DataFrame = sample["ranked"]  # type: ignore[assignment]
    firm = (
        ranked.filter(pl.col("tier") == "monitor").row(0, named=True)
        if (ranked["tier"] == "monitor").any()
        else ranked.row(1, named=True)
    )
    quarter = sample["quarter"]
    open_signed_in(
        page,
        f"{server}/company?id={firm['company_id']}&quarter={quarter.label}",
        '[data-testid="stMetricValue"]',
    )
    assert heading(page) == firm["name"]
    assert metric(page, "Tier") == firm["tier"]
    assert metric(page, "Score") == f"{firm['score']:.2f}"
    screenshot(page, "company_deep_link")


def test_a_viewer_following_a_profile_link_is_told_the_role_it_needs(server, sample, page) -> None:
    # A profile link sent to a viewer: the page is not in the viewer's menu, but the link opens
    # its refusal (naming the role) rather than Streamlit's "page not found" and the overview.
    viewer = ensure_account(str(sample["url"]), "browser-viewer", "viewer")
    firm = sample["ranked"].row(0, named=True)  # type: ignore[union-attr]
    page.goto(f"{server}/company?id={firm['company_id']}")
    page.get_by_label("Username").wait_for(timeout=120_000)
    sign_in(page, username=viewer)
    settle(page, '[data-testid="stAlert"]')
    assert "/company" in page.url
    refusal = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "This page needs the analyst role" in refusal and viewer in refusal
    assert page.locator('[data-testid="stMetricValue"]').count() == 0
    menu = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Target list" in menu and "Company profile" not in menu
    screenshot(page, "viewer_profile_link")


def test_switching_language_relabels_the_dashboard(server, sample, page) -> None:
    # The default page (Overview) lives at the root.
    open_signed_in(page, f"{server}/", '[data-testid="stMetricValue"]')
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
    for path in ("alerts", "methodology", "warehouse", "ingest", "audit", "users"):
        open_signed_in(page, f"{server}/{path}", "h2")
        assert heading(page) != "Sign in"
        screenshot(page, path)


def test_signing_in_with_the_form(server, sample, page) -> None:
    page.goto(f"{server}/")
    page.get_by_label("Username").wait_for(timeout=120_000)
    assert heading(page) == "Sign in"
    assert page.locator('[data-testid="stMetricValue"]').count() == 0
    screenshot(page, "sign_in", for_docs=True)

    sign_in(page, password="not the password at all")
    page.get_by_text("Wrong user name or password").wait_for(timeout=60_000)
    assert heading(page) == "Sign in"

    sign_in(page)
    settle(page, '[data-testid="stMetricValue"]')
    assert heading(page) == f"Overview: {sample['quarter'].label}"
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert f"Signed in as {USERNAME} (admin)" in sidebar
    for entry in ("Load data", "Audit log", "Users"):
        assert entry in sidebar

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").wait_for(timeout=60_000)
    assert heading(page) == "Sign in"


def test_demo_banner_without_accounts_on_the_sample(demo_server, page) -> None:
    page.goto(f"{demo_server}/")
    settle(page, '[data-testid="stMetricValue"]')
    banner = page.locator('[data-testid="stAlert"]', has_text="Demo:").first
    assert banner.is_visible()
    assert "every visitor may use every role" in banner.inner_text()
    assert heading(page).startswith("Overview: ")
    assert page.get_by_label("Password", exact=True).count() == 0
    screenshot(page, "demo_banner", for_docs=True)


def test_a_download_needs_a_reason_and_is_logged(server, sample, page) -> None:
    from sqlalchemy import select

    from queries.schema import audit_log
    from queries.warehouse import make_engine

    open_signed_in(page, f"{server}/targets", '[data-testid="stDataFrame"]')
    button = page.get_by_role("button", name="Download CSV")
    assert button.is_disabled()
    page.get_by_role("textbox", name="Reason for downloading (required, logged)").fill(REASON)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.includes('Download CSV') && !b.disabled)",
        timeout=60_000,
    )
    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"\xef\xbb\xbfrank,company_id,name")
    store = make_engine(security_url(str(sample["url"]), environ={}))
    with store.connect() as connection:
        row = (
            connection.execute(
                select(audit_log)
                .where(audit_log.c.action == "export")
                .order_by(audit_log.c.audit_id)
            )
            .mappings()
            .all()[-1]
        )
    store.dispose()
    assert (row["username"], row["reason"]) == (USERNAME, REASON)
    assert row["object"] == download.value.suggested_filename


def test_the_grids_offer_no_download_of_their_own(server, page) -> None:
    """Downloads are the audited buttons only: the grid's toolbar keeps its search and column
    tools but has no CSV download of the rows shown."""
    open_signed_in(page, f"{server}/targets", '[data-testid="stDataFrame"]')
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()
    tools = page.locator('[data-testid="stElementToolbarButton"] button')
    tools.first.wait_for(timeout=30_000)
    labels = [tools.nth(k).get_attribute("aria-label") for k in range(tools.count())]
    assert "Search" in labels, labels
    assert not [label for label in labels if "download" in (label or "").lower()], labels


def test_click_a_firm_in_the_network_to_open_its_profile(server, sample, page) -> None:
    quarter = sample["quarter"]
    open_signed_in(page, f"{server}/network?quarter={quarter.label}", ".js-plotly-plot")
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
