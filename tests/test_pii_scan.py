"""No personal data in any page, download or command-line output of the sample warehouse.

The sample generator plants names, phone numbers, resident registration, card and account
numbers and e-mails in narratives. This test opens every registered page (pages/registry.py, so
a page added later is scanned too) as an admin, presses every download it offers, runs the CLI
exports, and looks for (1) any planted value, verbatim, and (2) anything the detectors find.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy import select

from pages.registry import PAGES
from privacy import find_pii
from queries.ingest import ingest_file
from queries.schema import complaints
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from tests.signin import open_dashboard

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")

REASON = "case 2026-118: quarterly privacy scan"
# A rejected row whose bad value is a phone number: the Methodology page and the CLI list it.
BAD_UPLOAD = (
    "complaint_id,received_date,company_id,status\n"
    "SCAN1,2026-10-01,C00001,010-4444-5555\n"
    "SCAN2,2026-10-01,C00001,resolved\n"
)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A generated warehouse, one ingest with a rejected personal value, the planted values."""
    folder = tmp_path_factory.mktemp("scan")
    url = f"duckdb:///{folder / 'sample.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=150, complaints=8000, seed=11)
    upload = folder / "upload.csv"
    upload.write_text(BAD_UPLOAD, encoding="utf-8")
    ingest_file(engine, upload)
    with engine.connect() as connection:
        rows = connection.execute(select(complaints.c.company_id, complaints.c.narrative)).all()
    narratives = pl.DataFrame(rows, schema=["company_id", "narrative"], orient="row")
    engine.dispose()
    planted: set[str] = {"010-4444-5555"}
    firms: dict[str, int] = {}
    for company_id, text in narratives.drop_nulls().iter_rows():
        found = find_pii(text)
        planted |= {f.text for f in found if len(f.text) >= 3}
        if found:
            firms[company_id] = firms.get(company_id, 0) + 1
    busiest = sorted(firms, key=lambda firm: -firms[firm])[:3]
    return {"url": url, "planted": planted, "firms": busiest, "folder": folder}


def strings_in(value: object) -> Iterator[str]:
    """Every string inside nested dicts and lists, parsing strings that hold JSON (chart specs)."""
    if isinstance(value, str):
        if value[:1] in "{[":
            try:
                yield from strings_in(json.loads(value))
                return
            except ValueError:
                pass
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def page_texts(node) -> Iterator[str]:  # noqa: ANN001
    """Every text an AppTest element tree shows: markdown, metrics, tables, charts, alerts.

    Widget ids ("$$ID-<md5>-key") are left out: a hex hash can hold a card-length digit run.
    """
    for text in _element_texts(node):
        if not text.startswith("$$ID-"):
            yield text


def _element_texts(node) -> Iterator[str]:  # noqa: ANN001
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _element_texts(child)
    if type(node).__name__ == "Dataframe":
        frame = node.value
        yield from (str(c) for c in frame.columns)
        yield from (v for v in frame.to_numpy().ravel() if isinstance(v, str))
        return
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "DESCRIPTOR"):
        yield from strings_in(MessageToDict(proto))


def file_texts(name: str, data: bytes) -> tuple[str, list[str]]:
    """A download's whole text (for verbatim values) and its text cells (for the detectors).

    Numbers are left out of the cells: a score of 0.9273696675859707 has a card's digits.
    Slides and PDFs are read as text (python-pptx, pdftotext) and scanned whole.
    """
    if name.endswith(".pptx"):
        from pptx import Presentation

        deck = Presentation(io.BytesIO(data))
        texts = [
            shape.text_frame.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_text_frame
        ]
        texts += [
            cell.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_table
            for row in shape.table.rows
            for cell in row.cells
        ]
        return "\n".join(texts), texts
    if name.endswith(".pdf"):
        text = pdf_to_text(data)
        return text, text.splitlines()
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            raw = " ".join(
                book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")
            )
            shared = book.read("xl/sharedStrings.xml").decode("utf-8")
        return raw, re.findall(r"<t[^>]*>([^<]+)</t>", shared)
    text = data.decode("utf-8-sig")
    if name.endswith(".json"):
        return text, list(strings_in(json.loads(text)))
    frame = pl.read_csv(io.StringIO(text), infer_schema_length=None)
    cells = [
        value
        for column, dtype in frame.schema.items()
        if dtype == pl.String
        for value in frame[column].drop_nulls()
    ]
    return text, cells


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF, through poppler's pdftotext (installed by scripts/test.sh)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(data)
        done = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
        )
    return done.stdout.decode("utf-8")


def leaks(texts: list[str], planted: set[str], raw: str = "") -> list[str]:
    """Planted values found verbatim (in the texts or raw files), and what the detectors find."""
    joined = "\n".join(texts) + raw
    verbatim = sorted(value for value in planted if value in joined)
    detected = [f"{f.kind}: {f.text!r}" for text in texts for f in find_pii(text)]
    return verbatim + detected


def capture_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, object]]:
    """Record every download button a page draws: key -> (file name, bytes or callable)."""
    import streamlit as st

    seen: dict[str, tuple[str, object]] = {}

    def fake(label, data, file_name=None, *args, key=None, **kwargs):  # noqa: ANN001, ANN202
        seen[str(key or label)] = (str(file_name), data)
        return False

    monkeypatch.setattr(st, "download_button", fake)
    return seen


def page_cases() -> list[tuple[str, str | None]]:
    """(page file stem, company slot) for every registered page; profiles for three firms."""
    cases: list[tuple[str, str | None]] = []
    for page in PAGES:
        stem = Path(page.path).stem
        slots = [0, 1, 2] if stem == "company" else [None]
        cases += [(stem, slot) for slot in slots]
    return cases


@pytest.mark.parametrize(("stem", "slot"), page_cases(), ids=lambda v: str(v))
def test_no_personal_data_on_any_page_or_in_its_downloads(
    monkeypatch: pytest.MonkeyPatch, scanned: dict[str, object], stem: str, slot: int | None
) -> None:
    downloads = capture_downloads(monkeypatch)
    query = {"id": scanned["firms"][slot]} if slot is not None else {}  # type: ignore[index]
    app = open_dashboard(monkeypatch, str(scanned["url"]), stem, role="admin", **query)
    # Prepare what a page builds on request (the reports), then give every download a reason.
    for key in ("report.build", "company.firm_report"):
        try:
            app.button(key=key).click().run()
        except KeyError:
            pass
    for key in (
        "targets.export_reason",
        "audit.export_reason",
        "report.reason",
        "company.report_reason",
    ):
        try:
            app.text_input(key=key).input(REASON).run()
        except KeyError:
            pass
    assert not app.error, app.error[0].value  # a page that failed to draw would scan clean
    assert app.header, "the page drew no heading"
    texts = list(page_texts(app._tree))
    if stem == "company":
        recent = app.dataframe[-1].value
        assert recent["narrative"].str.contains(r"\[(?:name|phone|rrn|card|account|email)\]").any()
    names = [name for name, _ in downloads.values()]
    expected = {"targets": ".csv", "report": ".pptx", "company": ".pdf", "audit_log": ".csv"}
    if stem in expected:
        assert any(name.endswith(expected[stem]) for name in names), names
    raw = ""
    for name, data in downloads.values():
        content = data() if callable(data) else data
        content = content.encode("utf-8") if isinstance(content, str) else content
        whole, cells = file_texts(name, content)  # type: ignore[arg-type]
        raw, texts = raw + whole, texts + cells
    assert leaks(texts, scanned["planted"], raw) == []  # type: ignore[arg-type]


def test_no_personal_data_in_command_line_output(
    scanned: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    import cli

    url, folder = str(scanned["url"]), scanned["folder"]
    outputs: list[str] = []
    raw = ""
    for args in (
        ["rank", "--as-of", "2026-09-30", "--out", str(folder / "rank.csv")],  # type: ignore[operator]
        [
            "alerts",
            "--as-of",
            "2026-09-06",
            "--level",
            "product",
            "--format",
            "json",
            "--out",
            str(folder / "alerts.json"),
        ],  # type: ignore[operator]
        ["alerts", "--as-of", "2026-09-06", "--out", str(folder / "alerts.csv")],  # type: ignore[operator]
    ):
        assert cli.main([*args, "--db", url]) == 0
    for name in ("rank.csv", "alerts.json", "alerts.csv"):
        whole, cells = file_texts(name, (folder / name).read_bytes())  # type: ignore[operator]
        raw, outputs = raw + whole, outputs + cells
    again = folder / "again.csv"  # type: ignore[operator]
    again.write_text(BAD_UPLOAD.replace("SCAN", "AGAIN"), encoding="utf-8")
    assert cli.main(["ingest", str(again), "--db", url]) == 0
    captured = capsys.readouterr()
    outputs += captured.out.splitlines() + captured.err.splitlines()
    assert any("row 1:" in line for line in outputs), "the rejected row was not reported"
    assert leaks(outputs, scanned["planted"], raw) == []  # type: ignore[arg-type]
