"""The dashboard shows what the warehouse holds, in English and Korean, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import aggregates
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from tests.signin import open_dashboard


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small generated warehouse shared by the page tests."""
    url = f"duckdb:///{tmp_path_factory.mktemp('dash') / 'sample.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=150, complaints=8000, seed=11)
    engine.dispose()
    return url


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def run_app(
    monkeypatch: pytest.MonkeyPatch, url: str, language: str = "en", audit_url: str | None = None
) -> AppTest:
    """Start the dashboard on a warehouse URL as a fresh session signed in as a viewer."""
    app = open_dashboard(monkeypatch, url, role="viewer", language=language, audit_url=audit_url)
    return app.switch_page("pages/warehouse.py").run()


def metric_values(app: AppTest) -> dict[str, str]:
    """Label to shown value of every metric on the page."""
    return {metric.label: metric.value for metric in app.metric}


def test_warehouse_page_shows_the_warehouse_counts(
    monkeypatch: pytest.MonkeyPatch, sample_url: str
) -> None:
    app = run_app(monkeypatch, sample_url)
    assert not app.exception
    summary = aggregates.warehouse_summary(make_engine(sample_url, read_only=True))
    shown = metric_values(app)
    assert shown["Complaints"] == f"{summary['complaints']:,}"
    assert shown["Companies"] == f"{summary['companies']:,}"
    assert shown["First complaint"] == str(summary["first_received"])
    assert shown["Latest complaint"] == str(summary["last_received"])
    top = aggregates.top_companies(make_engine(sample_url, read_only=True), limit=15)
    table = app.dataframe[0].value
    assert list(table["Company ID"]) == top["company_id"].to_list()
    assert list(table["Complaints"]) == top["complaints"].to_list()


def test_language_switch_and_korean_start(monkeypatch: pytest.MonkeyPatch, sample_url: str) -> None:
    app = run_app(monkeypatch, sample_url)
    app.sidebar.selectbox(key="radar.language").set_value("ko").run()
    assert not app.exception
    assert app.header[0].value == "웨어하우스 보유 데이터"
    assert "불만 건수" in metric_values(app)

    korean = run_app(monkeypatch, sample_url, language="ko")
    assert korean.header[0].value == "웨어하우스 보유 데이터"


def test_unreachable_warehouse_shows_a_message_and_retry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The accounts live elsewhere (RADAR_AUDIT_DB_URL), so the user can sign in and see why.
    audit_url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    app = run_app(monkeypatch, "postgresql+psycopg://nobody@127.0.0.1:1/none", audit_url=audit_url)
    assert not app.exception
    assert "cannot be reached" in app.error[0].value
    assert app.button(key="radar.retry")


def test_empty_warehouse_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = run_app(monkeypatch, f"duckdb:///{tmp_path / 'empty.duckdb'}")
    assert not app.exception
    assert "no complaints yet" in app.info[0].value
