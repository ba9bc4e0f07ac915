"""The quarterly report page: pick quarter, format and language, prepare, download."""

from __future__ import annotations

import streamlit as st

from pages.auth import audited_download, reason_input, require_role
from pages.common import (
    DashboardSource,
    language,
    quarter_picker,
    t,
    warehouse_url,
)
from pages.text import LANGUAGES
from reports.content import ReportError, quarterly_report
from reports.deck import build_deck
from reports.pdf import build_quarterly_pdf

require_role("viewer")

FILE_KEY = "radar.report.file"
REQUEST_KEY = "radar.report.requested"
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}

url = warehouse_url()
quarter = quarter_picker(url)
if quarter is None:
    st.stop()
st.header(t("report.heading", quarter=quarter.label))
st.write(t("report.intro"))

left, right = st.columns([2, 1])
format_labels = {value: t(f"report.format.{value}") for value in MIME}
file_format = left.radio(
    t("report.format"),
    list(MIME),
    format_func=format_labels.__getitem__,
    horizontal=True,
    key="report.format",
)
codes = list(LANGUAGES)
report_language = right.selectbox(
    t("report.language"),
    codes,
    index=codes.index(language()),
    format_func=LANGUAGES.__getitem__,
    key="report.language",
)
wanted = (url, quarter.label, file_format, report_language)
file_name = f"complaint_report_{quarter.label}_{report_language}.{file_format}"


def request_report(params: tuple[str, str, str, str]) -> None:
    """Remember the request in the session: a button's True lasts one run, a rerun loses it."""
    st.session_state[REQUEST_KEY] = params


st.button(
    t("report.build"), type="primary", key="report.build", on_click=request_report, args=(wanted,)
)
if st.session_state.get(REQUEST_KEY) == wanted:
    del st.session_state[REQUEST_KEY]
    with st.spinner(t("report.building")):
        try:
            content = quarterly_report(DashboardSource(url), quarter, report_language)
        except ReportError as exc:
            st.error(t("error.failed", detail=str(exc)))
            st.stop()
        build = build_deck if file_format == "pptx" else build_quarterly_pdf
        st.session_state[FILE_KEY] = {
            "params": wanted,
            "data": build(content),
            "targets": content.targets.height,
            "surges": content.surges.height,
        }

prepared = st.session_state.get(FILE_KEY)
if prepared and prepared["params"] == wanted:
    st.success(t("report.ready", targets=prepared["targets"], surges=prepared["surges"]))
    report_bytes = prepared["data"]
    audited_download(
        t("report.download", name=file_name),
        lambda: report_bytes,
        file_name=file_name,
        mime=MIME[file_format],
        key="report.download",
        reason=reason_input("report.reason"),
        action="report",
        detail=f"quarterly report {quarter.label}, {file_format}, {report_language}",
    )

st.caption(t("report.cli"))
command = f"python cli.py report --quarter {quarter.label} --out {file_name}"
st.code(command + (" --language ko" if report_language == "ko" else ""), language="bash")
