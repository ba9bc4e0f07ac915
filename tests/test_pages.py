"""Each page shows the numbers the scoring layer computes, in English and Korean."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pages.common import plain
from pages.widgets import hold_for_paint, pressed_company
from queries import aggregates
from queries.scoring_inputs import fetch_scoring_inputs
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.combine import combine
from scoring.config import load_config
from scoring.factors import compute_factors
from scoring.quarters import last_full_quarter
from scoring.summaries import TIERS, headline, industry_table
from tests.signin import open_dashboard
from tests.test_access_pages import capture_downloads

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PHONE = re.compile(r"01[016789][-. ]?\d{3,4}[-. ]?\d{4}")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A generated warehouse and its ranking for the latest full quarter, computed directly."""
    url = f"duckdb:///{tmp_path_factory.mktemp('pages') / 'sample.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=300, complaints=40_000, seed=5)
    last = aggregates.warehouse_summary(engine)["last_received"]
    quarter = last_full_quarter(last)  # type: ignore[arg-type]
    config = load_config()
    factors = compute_factors(fetch_scoring_inputs(engine, quarter.end, config), config)
    engine.dispose()
    return {
        "url": url,
        "quarter": quarter,
        "factors": factors,
        "config": config,
        "ranked": combine(factors, None, config),
    }


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def open_page(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    page: str | None = None,
    language: str = "en",
    **query: str,
) -> AppTest:
    """Run the dashboard as a fresh session signed in as an admin, optionally on one page."""
    return open_dashboard(monkeypatch, url, page, language=language, **query)


def metrics(app: AppTest) -> dict[str, str]:
    """Label to shown value of every metric on the page."""
    return {metric.label: metric.value for metric in app.metric}


def test_overview_shows_the_quarter_headline_and_industries(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "overview")
    expected = headline(sample["ranked"])
    shown = metrics(app)
    assert app.header[0].value == f"Overview: {sample['quarter'].label}"
    assert shown["Complaints"] == f"{expected['complaints']:,}"
    assert shown["On last quarter"] == f"{expected['change_previous']:+.1%}"
    assert shown["Unresolved share"] == f"{expected['unresolved_share']:.1%}"
    for tier, count in expected["tiers"].items():
        assert shown[tier] == f"{count:,}"
    industries = app.dataframe[0].value
    assert list(industries["industry"]) == industry_table(sample["ranked"])["industry"].to_list()


def test_target_list_matches_the_ranking_and_reranks_with_weights(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "targets")
    ranked = sample["ranked"]
    listed = ranked.filter(pl.col("tier").is_in(["investigate", "monitor", "watch"]))
    table = app.dataframe[0].value
    assert list(table["company_id"]) == listed["company_id"].to_list()
    assert list(table["score"]) == pytest.approx(listed["score"].to_list())
    # Each row starts with the button that opens its profile.
    assert table.columns[0] == "open"
    assert set(table["open"]) == {":material/domain: Profile"}

    app.slider(key="radar.weight.growth").set_value(0.0).run()
    reweighted = combine(sample["factors"], {"growth": 0.0}, sample["config"])
    expected = reweighted.filter(pl.col("tier").is_in(["investigate", "monitor", "watch"]))
    table = app.dataframe[0].value
    assert list(table["company_id"]) == expected["company_id"].to_list()
    assert list(table["company_id"]) != listed["company_id"].to_list()


def test_target_list_counts_each_tier_of_the_listed_firms_with_its_rule(
    monkeypatch, sample
) -> None:
    app = open_page(monkeypatch, sample["url"], "targets")
    config = sample["config"]

    def tier_counts(ranked: pl.DataFrame) -> dict[str, str]:
        return {
            tier: f"{ranked.filter(pl.col('tier') == tier).height:,}"
            for tier in ("investigate", "monitor", "watch")
        }

    assert metrics(app) == tier_counts(sample["ranked"])
    rules = {metric.label: metric.help for metric in app.metric}
    assert rules["investigate"] == (
        f"score >= {config.investigate_score:g} with >= {config.min_complaints} complaints"
    )
    assert rules["watch"] == f"score >= {config.watch_score:g}"

    app.slider(key="radar.weight.growth").set_value(0.0).run()
    reweighted = combine(sample["factors"], {"growth": 0.0}, config)
    assert metrics(app) == tier_counts(reweighted)
    industry = reweighted.filter(pl.col("tier") == "watch")["industry"][0]
    app.selectbox(key="targets.filter.industry").set_value(industry).run()
    assert metrics(app) == tier_counts(reweighted.filter(pl.col("industry") == industry))


def test_target_list_filters_by_industry_and_says_when_empty(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "targets")
    industry = sample["ranked"]["industry"][0]
    app.selectbox(key="targets.filter.industry").set_value(industry).run()
    table = app.dataframe[0].value
    assert set(table["industry"]) == {industry}
    app.number_input(key="targets.filter.min_complaints").set_value(10**6).run()
    assert "No firm matches these filters." in [info.value for info in app.info]


def test_target_list_pages_through_every_firm_and_exports_them_all(monkeypatch, sample) -> None:
    downloads = capture_downloads(monkeypatch)
    app = open_page(monkeypatch, sample["url"], "targets")
    app.multiselect(key="targets.filter.tiers").set_value(list(TIERS)).run()
    ranked = sample["ranked"]
    pages = app.selectbox(key="targets.page")
    assert len(pages.options) == 2 and pages.options[-1].endswith(f"of {ranked.height:,}")
    first = list(app.dataframe[0].value["company_id"])
    pages.set_value(1).run()
    second = list(app.dataframe[0].value["company_id"])
    assert len(first) > len(second) > 0
    assert first + second == ranked["company_id"].to_list()
    assert list(app.dataframe[0].value["rank"]) == ranked["rank"].to_list()[len(first) :]
    app.text_input(key="targets.export_reason").input("checking the full export of issue 6").run()
    exported = pl.read_csv(downloads["targets.download_csv"]["data"]())
    assert exported["company_id"].to_list() == ranked["company_id"].to_list()


def test_search_finds_a_firm_on_any_page(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "targets")
    app.multiselect(key="targets.filter.tiers").set_value(list(TIERS)).run()
    last = sample["ranked"].row(-1, named=True)
    assert last["company_id"] not in set(app.dataframe[0].value["company_id"])
    needle = last["name"][1:6].upper()
    app.text_input(key="targets.filter.search").input(needle).run()
    table = app.dataframe[0].value
    assert last["company_id"] in set(table["company_id"])
    assert all(needle.lower() in name.lower() for name in table["name"])
    app.text_input(key="targets.filter.search").input(last["company_id"].lower()).run()
    assert list(app.dataframe[0].value["company_id"]) == [last["company_id"]]


def test_the_first_ranking_is_computed_while_the_user_signs_in(monkeypatch, tmp_path) -> None:
    import pages.common
    from tests.signin import ensure_account, sign_in

    url = f"duckdb:///{tmp_path / 'warm.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=150, complaints=8000, seed=8)
    engine.dispose()
    calls: list[tuple[date, list[str]]] = []

    def counted(inputs, config, languages):  # noqa: ANN001, ANN202
        calls.append((inputs.as_of, list(languages)))
        return compute_factors(inputs, config, languages=languages)

    monkeypatch.setattr(pages.common, "compute_factors", counted)
    ensure_account(url, "test-admin", "admin")
    monkeypatch.setenv("RADAR_DB_URL", url)
    monkeypatch.setenv("RADAR_LANG", "en")
    app = AppTest.from_file("../dashboard.py", default_timeout=120)
    app.run()  # the sign-in form: nothing shown yet, the warm-up starts
    assert app.header[0].value == "Sign in"
    pages.common.wait_for_warm_up(url)
    assert len(calls) == 1 and calls[0][1] == ["en"]  # the sentences of the session's language
    sign_in(app, "test-admin")
    app.switch_page("pages/targets.py").run()
    assert not app.exception
    assert len(app.dataframe[0].value) > 0
    assert calls == [calls[0]]  # the page used the warmed factors: none computed again
    assert app.header[0].value.endswith(last_full_quarter(calls[0][0]).label)


def test_company_profile_from_a_deep_link(monkeypatch, sample) -> None:
    top = sample["ranked"].row(0, named=True)
    app = open_page(
        monkeypatch, sample["url"], "company", id=top["company_id"], quarter=sample["quarter"].label
    )
    assert app.header[0].value == plain(top["name"])
    shown = metrics(app)
    assert shown["Tier"] == top["tier"]
    assert shown["Score"] == f"{top['score']:.2f}"
    assert shown["Rank"] == f"1 of {sample['ranked'].height:,}"
    recent = app.dataframe[-1].value
    assert len(recent) > 0
    narratives = [text for text in recent["narrative"] if isinstance(text, str) and text]
    assert narratives and not any(PHONE.search(text) for text in narratives)


def test_profile_history_ranks_the_firm_in_each_past_quarter(monkeypatch, sample) -> None:
    from scoring.profile import firm_history
    from scoring.quarters import quarters_between

    top = sample["ranked"].row(0, named=True)
    quarter = sample["quarter"]
    app = open_page(
        monkeypatch, sample["url"], "company", id=top["company_id"], quarter=quarter.label
    )
    engine = make_engine(sample["url"], read_only=True)
    summary = aggregates.warehouse_summary(engine)
    past = [q for q in quarters_between(summary["first_received"], quarter.end) if q <= quarter]
    config = sample["config"]
    rankings = {
        q.label: combine(
            compute_factors(fetch_scoring_inputs(engine, q.end, config), config), None, config
        )
        for q in past[-8:]
    }
    engine.dispose()
    expected = firm_history(rankings, top["company_id"])
    shown = next(frame.value for frame in app.dataframe if "firms" in frame.value.columns)
    assert len(past) > 1 and list(shown["quarter"]) == expected["quarter"].to_list()
    assert list(shown["rank"]) == expected["rank"].to_list()
    assert list(shown["score"]) == pytest.approx(expected["score"].to_list())
    assert list(shown["firms"]) == expected["firms"].to_list()


def test_unknown_company_says_so(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "company", id="NO-SUCH-FIRM")
    assert "No company with id 'NO-SUCH-FIRM'." in [error.value for error in app.error]


def test_methodology_shows_freshness_and_the_document(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "methodology")
    summary = aggregates.warehouse_summary(make_engine(sample["url"], read_only=True))
    assert metrics(app)["Latest complaint"] == str(summary["last_received"])
    # The sample ends on a month's last day, so its latest month counts as complete.
    assert summary["last_received"] == date(2026, 10, 31)
    assert any("(2026-10) looks complete" in box.value for box in app.success)
    assert any("Benjamini" in block.value for block in app.markdown)


def test_switching_to_korean_relabels_the_page(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "overview")
    app.sidebar.selectbox(key="radar.language").set_value("ko").run()
    assert not app.exception
    assert app.header[0].value == f"개요: {sample['quarter'].label}"
    assert "불만 건수" in metrics(app)
    korean = open_page(monkeypatch, sample["url"], "targets", language="ko")
    assert korean.header[0].value == f"조사 대상 목록: {sample['quarter'].label}"
    explained = combine(sample["factors"], None, sample["config"], "ko").filter(
        pl.col("tier").is_in(["investigate", "monitor", "watch"])
    )
    table = korean.dataframe[0].value
    assert list(table["explanation"]) == explained["explanation"].to_list()
    assert all(HANGUL.search(text) for text in table["explanation"])
    assert set(table["open"]) == {":material/domain: 프로필"}


def test_alert_evidence_follows_the_language(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, sample["url"], "alerts")
    app.date_input(key="alerts.as_of").set_value(date(2026, 9, 6)).run()
    app.radio(key="alerts.level").set_value("product").run()
    assert not app.exception
    evidence = list(app.dataframe[0].value["evidence"])
    assert evidence and all("complaints in the week of" in text for text in evidence)
    app.sidebar.selectbox(key="radar.language").set_value("ko").run()
    assert not app.exception
    evidence = list(app.dataframe[0].value["evidence"])
    assert evidence and all("주간 민원" in text for text in evidence)


def test_alerts_page_lists_the_engine_alerts_and_charts_one(monkeypatch, sample) -> None:
    from queries.alert_inputs import fetch_alert_inputs
    from scoring.alerts import detect_alerts

    as_of = date(2026, 9, 6)
    app = open_page(monkeypatch, sample["url"], "alerts")
    app.date_input(key="alerts.as_of").set_value(as_of).run()
    assert not app.exception
    engine = make_engine(sample["url"], read_only=True)
    report = detect_alerts(fetch_alert_inputs(engine, as_of))
    engine.dispose()
    app.radio(key="alerts.level").set_value("product").run()
    expected = report.alerts.filter(pl.col("level") == "product")
    assert expected.height > 0, "the planted Package tour surge should alert by then"
    table = app.dataframe[0].value
    assert list(table["key"]) == expected["key"].to_list()
    assert list(table["observed"]) == expected["observed"].to_list()
    assert app.header[0].value == "Early-warning alerts as of 2026-09-06"
    assert len(app.get("plotly_chart")) == 1

    app.radio(key="alerts.level").set_value("company").run()
    companies = report.alerts.filter(pl.col("level") == "company")
    industry = companies["industry"][0]
    app.selectbox(key="alerts.industry").set_value(industry).run()
    table = app.dataframe[0].value
    expected_keys = companies.filter(pl.col("industry") == industry)["key"].to_list()
    assert [link.split("id=")[1].split("&")[0] for link in table["key"]] == expected_keys


def _timeline_alert_spans(app: AppTest) -> list[tuple[str, str]]:
    """The surge-alert shading of the profile's finished timeline chart (start, end)."""
    import json

    charts = [chart.proto for chart in app.get("plotly_chart")]
    assert not any("timeline_draft" in chart.id for chart in charts)  # replaced by the final
    (timeline,) = [chart for chart in charts if "company.timeline_chart" in chart.id]
    shapes = json.loads(timeline.spec)["layout"].get("shapes", [])
    return [(s["x0"][:10], s["x1"][:10]) for s in shapes if s.get("fillcolor") == "#e6550d"]


def test_profile_timeline_marks_the_firms_surge_alerts_once_they_are_computed(
    monkeypatch, sample
) -> None:
    from datetime import timedelta

    from queries.alert_inputs import fetch_alert_inputs
    from scoring.alerts import detect_alerts
    from scoring.quarters import quarters_between

    engine = make_engine(sample["url"], read_only=True)
    summary = aggregates.warehouse_summary(engine)
    found = None
    for quarter in reversed(quarters_between(summary["first_received"], sample["quarter"].end)):
        alerts = detect_alerts(fetch_alert_inputs(engine, quarter.end)).alerts
        firms = alerts.filter(pl.col("level") == "company")
        if firms.height:
            found = quarter, firms
            break
    engine.dispose()
    assert found is not None, "the sample's planted company surges should alert in some quarter"
    quarter, firms = found
    firm = firms["key"][0]
    app = open_page(monkeypatch, sample["url"], "company", id=firm, quarter=quarter.label)
    assert not app.exception
    expected = [
        (str(row["start"]), str(row["last_week"] + timedelta(days=6)))
        for row in firms.filter(pl.col("key") == firm).iter_rows(named=True)
    ]
    assert _timeline_alert_spans(app) == expected
    # The same page in Korean: the slow parts fill in there too, with no traceback.
    korean = open_page(monkeypatch, sample["url"], "company", "ko", id=firm, quarter=quarter.label)
    assert not korean.exception
    assert _timeline_alert_spans(korean) == expected
    assert any(HANGUL.search(s.value) for s in korean.subheader)


def test_a_pressed_profile_button_names_the_firm_the_grid_showed_in_its_row() -> None:
    shown = ["C00050", "C00204", "C00007"]
    assert pressed_company({"row": 1, "label": "Profile"}, shown) == "C00204"
    assert pressed_company({"row": 0, "label": "Profile"}, shown) == "C00050"
    # No press (the value is gone after its rerun), or a row the grid no longer has, opens
    # nothing.
    assert pressed_company(None, shown) is None
    assert pressed_company({"row": 3, "label": "Profile"}, shown) is None
    assert pressed_company({"row": 0, "label": "Profile"}, []) is None


def test_a_first_chart_waits_only_for_what_is_left_of_the_hold() -> None:
    """The profile holds its first chart until the hold has passed since the header: the rest
    of it when the data came quickly, nothing when fetching them took longer."""
    slept: list[float] = []
    waited = hold_for_paint(9.95, hold=0.2, clock=lambda: 10.0, sleep=slept.append)
    assert waited == pytest.approx(0.15)
    assert slept == [pytest.approx(0.15)]
    slept.clear()
    assert hold_for_paint(9.7, hold=0.2, clock=lambda: 10.0, sleep=slept.append) == 0.0
    assert slept == []


def test_a_profile_holds_its_first_chart_only_when_its_header_is_new(monkeypatch, sample) -> None:
    """Opening a profile holds its first chart back so that its header is painted first; a rerun
    on the same profile (a button, a download) does not wait again; another firm's profile, or
    the same one opened again from another page, does."""
    import pages.widgets

    holds: list[float] = []
    monkeypatch.setattr(
        pages.widgets, "hold_for_paint", lambda shown_at, **_: holds.append(shown_at) or 0.0
    )
    first, second = sample["ranked"]["company_id"][:2]
    quarter = sample["quarter"].label
    app = open_page(monkeypatch, sample["url"], "company", id=first, quarter=quarter)
    assert len(holds) == 1
    app.run()
    assert not app.exception and len(holds) == 1
    app.query_params["id"] = second
    app.run()
    assert metrics(app)["Rank"] == f"2 of {sample['ranked'].height:,}"
    assert len(holds) == 2
    app.switch_page("pages/targets.py").run()
    app.switch_page("pages/company.py")
    app.query_params.update({"id": second, "quarter": quarter})
    app.run()
    assert not app.exception and metrics(app)["Rank"].startswith("2 of")
    assert len(holds) == 3
