"""Load a CSV or Parquet file in the browser, with the checks and rejected-row report of the CLI."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from pages.auth import log_action, require_role
from pages.common import forget_warehouse_data, plain, release_engine, t, warehouse_url
from privacy.masking import mask_frame
from queries.audit import AuditError
from queries.ingest import FORMATS, IngestError, IngestResult, SourceFileError, ingest_at
from queries.schema import INGESTIBLE_TABLES
from queries.source_files import ROW
from queries.warehouse import WarehouseError, ingest_url

require_role("admin")

MAX_UPLOAD_MB = int(os.environ.get("RADAR_MAX_UPLOAD_MB", "200"))
IGNORED_PREFIX = "ignored column(s) not in "
BINARY_PREFIX = "not a CSV or Parquet file: "

url = warehouse_url()
target_url = ingest_url(url)
st.header(t("ingest.heading"))
if target_url is None:
    st.info(t("ingest.not_configured"))
    st.stop()
st.markdown(t("ingest.intro"))

OUTCOME_KEY = "ingest.outcome"


def load(path: Path) -> IngestResult | str:
    """Ingest the saved upload; the result, or the one-line reason nothing was loaded."""
    if target_url == url:
        # A DuckDB file cannot be open read-only and read-write in one process at once.
        release_engine(url)
    try:
        return ingest_at(
            target_url,
            path,
            table=st.session_state.get("ingest.table"),
            source_format=st.session_state.get("ingest.format", "canonical"),
            encoding=str(st.session_state.get("ingest.encoding") or "").strip() or None,
        )
    except (SourceFileError, IngestError) as exc:
        return str(exc)
    except WarehouseError as exc:
        return t("ingest.busy", detail=str(exc))


def submit() -> None:
    """Callback of the Load button: save the upload, ingest it, log it, keep what happened."""
    upload = st.session_state.get("ingest.file")
    if upload is None:
        return
    name = Path(upload.name).name
    if upload.size > MAX_UPLOAD_MB << 20:
        size = f"{upload.size / (1 << 20):.1f}"
        st.session_state[OUTCOME_KEY] = (name, t("ingest.too_big", size=size, mb=MAX_UPLOAD_MB))
        return
    with tempfile.TemporaryDirectory(prefix="radar-upload-") as folder:
        saved = Path(folder) / name
        saved.write_bytes(upload.getbuffer())
        outcome = load(saved)
    forget_warehouse_data()  # the warehouse changed (or a failed run was logged)
    try:
        if isinstance(outcome, str):
            log_action("ingest", name, outcome="failed", detail=outcome[:500])
        else:
            log_action("ingest", name, detail=f"{outcome.table}: {outcome.summary()}")
    except AuditError as exc:
        outcome = t("audit.write_failed", detail=str(exc))
    st.session_state[OUTCOME_KEY] = (name, outcome)


with st.form("ingest.form"):
    st.file_uploader(
        t("ingest.file", mb=MAX_UPLOAD_MB), key="ingest.file", max_upload_size=MAX_UPLOAD_MB
    )
    columns = st.columns(3)
    columns[0].selectbox(
        t("ingest.table"),
        [None, *sorted(INGESTIBLE_TABLES)],
        format_func=lambda name: t("ingest.table_auto") if name is None else name,
        key="ingest.table",
    )
    columns[1].selectbox(t("ingest.format"), FORMATS, key="ingest.format")
    columns[2].text_input(t("ingest.encoding"), key="ingest.encoding")
    st.form_submit_button(t("ingest.submit"), key="ingest.submit", on_click=submit)

with st.expander(t("ingest.columns")):
    for table_name, spec in sorted(INGESTIBLE_TABLES.items()):
        st.markdown(f"**{table_name}**: " + ", ".join(f"`{c.name}`" for c in spec.columns))

if OUTCOME_KEY not in st.session_state:
    st.stop()
name, outcome = st.session_state.pop(OUTCOME_KEY)
if isinstance(outcome, str):
    if outcome.startswith(BINARY_PREFIX):
        detail = outcome.removeprefix(BINARY_PREFIX)
        st.error(t("ingest.binary", name=plain(name), detail=plain(detail)))
    else:
        st.error(t("ingest.failed", name=plain(name), detail=plain(outcome)))
    st.stop()

st.success(t("ingest.done", name=plain(name), summary=outcome.summary()))
for note in outcome.notes:
    if note.startswith(IGNORED_PREFIX):
        st.warning(t("ingest.unknown_columns", columns=plain(note.split(": ", 1)[1])))
    else:
        st.caption(t("ingest.note", note=plain(note)))
if outcome.rejects is not None and outcome.rejects.height:
    st.subheader(t("ingest.rejected"))
    rejects = mask_frame(
        outcome.rejects.with_columns(pl.col("value").cast(pl.String)), ("value", "reason")
    )
    st.dataframe(
        rejects,
        hide_index=True,
        key="ingest.rejects",
        column_config={
            ROW: t("col.row_number"),
            "field": t("col.field"),
            "value": t("col.value"),
            "reason": t("col.reason"),
        },
    )
