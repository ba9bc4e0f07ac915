"""The Report page and the profile's firm-report button hand over files built from the pages'
own numbers."""

from __future__ import annotations

import io

import polars as pl
import pytest
from pptx import Presentation

from tests.test_pages import open_page, sample  # noqa: F401  (the module's warehouse fixture)
from tests.test_reports import pdf_text, target_table_names, targets

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_report_page_prepares_a_deck_with_the_target_list(monkeypatch, sample) -> None:  # noqa: F811
    app = open_page(monkeypatch, sample["url"], "report")
    assert app.header[0].value == f"Quarterly report: {sample['quarter'].label}"
    assert not app.get("download_button")
    app.button(key="report.build").click().run()
    assert not app.exception, app.exception
    prepared = app.session_state["radar.report.file"]
    deck = Presentation(io.BytesIO(prepared["data"]))
    names = target_table_names(deck)
    assert names == targets(sample["ranked"])["name"].to_list()
    assert prepared["targets"] == len(names)
    assert len(app.get("download_button")) == 1
    assert "--out complaint_report_" in app.code[0].value


def test_report_page_in_korean_makes_a_korean_pdf(monkeypatch, sample, tmp_path) -> None:  # noqa: F811
    app = open_page(monkeypatch, sample["url"], "report", language="ko")
    app.radio(key="report.format").set_value("pdf").run()
    app.button(key="report.build").click().run()
    data = app.session_state["radar.report.file"]["data"]
    assert data.startswith(b"%PDF")
    assert "분기 소비자 불만 보고서" in pdf_text(data, tmp_path)
    # Changing a choice hides the file prepared for the old one.
    app.radio(key="report.format").set_value("pptx").run()
    assert not app.get("download_button")


def test_profile_button_prepares_the_firm_report(monkeypatch, sample, tmp_path) -> None:  # noqa: F811
    firm = targets(sample["ranked"]).row(0, named=True)
    app = open_page(
        monkeypatch,
        sample["url"],
        "company",
        id=firm["company_id"],
        quarter=sample["quarter"].label,
    )
    app.button(key="company.firm_report").click().run()
    assert not app.exception, app.exception
    params, data = app.session_state["radar.company.firm_report"]
    assert params[1:3] == (firm["company_id"], sample["quarter"].label)
    shown = pdf_text(data, tmp_path)
    assert firm["name"] in shown
    others = sample["ranked"].filter(pl.col("company_id") != firm["company_id"])["name"]
    assert [name for name in others if name in shown] == []
    assert len(app.get("download_button")) == 1
