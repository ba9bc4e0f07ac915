"""Quarterly deck and PDF, and the firm report, built from a sample warehouse and read back."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from queries import aggregates
from queries.bulk import bulk_insert
from queries.rollups import rebuild_rollups
from queries.schema import companies, complaints
from queries.warehouse import make_engine
from reports.content import MIN_PEER_FIRMS, ReportError, firm_report, quarterly_report
from reports.deck import TARGET_ROWS_PER_SLIDE, build_deck, slide_count
from reports.fonts import report_fonts
from reports.pdf import build_firm_pdf, build_quarterly_pdf
from reports.sources import WarehouseSource
from reports.text import CATALOG, text
from sample_data.load import generate_warehouse
from scoring.combine import combine
from scoring.config import load_config
from scoring.factors import compute_factors
from scoring.quarters import Quarter, last_full_quarter, parse_quarter
from scoring.summaries import headline, industry_table
from tests.conftest import require
from tests.test_ingest import run_cli

PHONE = re.compile(r"(?<!\d)0\d{1,2}[-. ]?\d{3,4}[-. ]?\d{4}(?!\d)")
RRN = re.compile(r"(?<!\d)\d{6}[- ]?[1-8]\d{6}(?!\d)")
TAILOR = "C90001"  # a planted firm in an industry too small to compare with
PLANTED_ISSUE = "Refund refused, call me on 010-1234-5678"


def _plant_small_industry(engine, quarter) -> None:  # noqa: ANN001
    """Three tailors (fewer than MIN_PEER_FIRMS peers), one with personal data in its rows."""
    firms = pl.DataFrame(
        {
            "company_id": [TAILOR, "C90002", "C90003"],
            "name": ["Hanbok Atelier Co.", "Seamline Tailors Ltd.", "Needle <b>Thread</b> Inc."],
            "industry": ["bespoke tailoring"] * 3,
        }
    )
    rows = []
    for index in range(45):
        firm = firms["company_id"][index % 3]
        received = quarter.start + timedelta(days=index)
        rows.append(
            {
                "complaint_id": f"P{index:05d}",
                "received_date": received,
                "company_id": firm,
                "product": "Tailored suit",
                "issue": PLANTED_ISSUE if firm == TAILOR else "Late delivery",
                "status": "resolved" if index % 2 else "unresolved",
                "responded_date": received + timedelta(days=3),
                "narrative": "My RRN is 900101-1234567, phone 010-9876-5432, name 홍길동",
            }
        )
    with engine.begin() as connection:
        bulk_insert(connection, companies, firms)
        bulk_insert(connection, complaints, pl.DataFrame(rows))
        rebuild_rollups(connection)  # loaded behind ingest's back: recount what scoring reads


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A generated warehouse, its latest full quarter and the ranking computed directly."""
    url = f"duckdb:///{tmp_path_factory.mktemp('reports') / 'sample.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=300, complaints=40_000, seed=5)
    quarter = last_full_quarter(aggregates.warehouse_summary(engine)["last_received"])
    _plant_small_industry(engine, quarter)
    config = load_config()
    factors = compute_factors_for(engine, quarter.end, config)
    ranked = combine(factors, None, config)
    source = WarehouseSource(engine, config)
    report = quarterly_report(source, quarter, prepared=date(2026, 11, 1))
    report_ko = quarterly_report(source, quarter, "ko", prepared=date(2026, 11, 1))
    return {
        "url": url,
        "engine": engine,
        "source": source,
        "quarter": quarter,
        "ranked": ranked,
        "report": report,
        "report_ko": report_ko,
        "ranked_ko": combine(factors, None, config, "ko"),
        "names": aggregates.company_table(engine).select("company_id", "name"),
    }


def compute_factors_for(engine, as_of, config):  # noqa: ANN001, ANN201
    from queries.scoring_inputs import fetch_scoring_inputs

    return compute_factors(fetch_scoring_inputs(engine, as_of, config), config)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The PDF's text in content order (pdftotext -raw), whitespace runs made single spaces."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def targets(ranked: pl.DataFrame) -> pl.DataFrame:
    return ranked.filter(pl.col("tier").is_in(["investigate", "monitor"]))


def target_table_names(deck) -> list[str]:  # noqa: ANN001
    """Firm names in the deck's target tables (the tables whose last column is "Why")."""
    names = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table and shape.table.cell(0, len(shape.table.columns) - 1).text == "Why":
                names += [shape.table.cell(r, 1).text for r in range(1, len(shape.table.rows))]
    return names


def test_quarterly_content_is_what_the_scoring_functions_give(sample) -> None:
    report, ranked = sample["report"], sample["ranked"]
    assert report.headline == headline(ranked)
    assert report.industries.equals(industry_table(ranked))
    assert report.targets["company_id"].to_list() == targets(ranked)["company_id"].to_list()
    assert report.targets.height >= TARGET_ROWS_PER_SLIDE + 1  # the list spans two slides
    assert report.complaints_by_quarter["complaints"][-1] == report.headline["complaints"]
    # Whole weeks only, ending inside the quarter.
    assert report.weekly["period_start"].max() <= sample["quarter"].end - timedelta(days=6)


def test_deck_reopens_with_slides_target_table_and_native_charts(sample) -> None:
    report = sample["report"]
    deck = Presentation(io.BytesIO(build_deck(report)))
    pages = -(-report.targets.height // TARGET_ROWS_PER_SLIDE)
    assert len(deck.slides) == slide_count(report) == 8 + pages + 1

    assert target_table_names(deck) == targets(sample["ranked"])["name"].to_list()

    charts = {
        shape.chart.chart_type: shape.chart
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart
    }
    assert XL_CHART_TYPE.LINE in charts and XL_CHART_TYPE.BAR_STACKED in charts
    column = charts[XL_CHART_TYPE.COLUMN_CLUSTERED].plots[0]
    assert list(column.series[0].values)[-1] == report.headline["complaints"]
    stacked = charts[XL_CHART_TYPE.BAR_STACKED].plots[0]
    assert list(stacked.categories) == report.targets["name"].to_list()
    total = [sum(values) for values in zip(*(s.values for s in stacked.series), strict=True)]
    assert total == pytest.approx(report.targets["score"].to_list())
    assert len(list(charts[XL_CHART_TYPE.LINE].plots[0].series[0].values)) == report.weekly.height


def test_korean_deck_has_korean_titles_and_explanations(sample) -> None:
    deck = Presentation(io.BytesIO(build_deck(sample["report_ko"])))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[0] == f"{text('q.title', 'ko')} {sample['quarter'].label}"
    pages = -(-sample["report"].targets.height // TARGET_ROWS_PER_SLIDE)
    assert text("q.targets_page", "ko", page=pages, pages=pages) in titles
    explanations = [
        shape.table.cell(r, len(shape.table.columns) - 1).text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        and shape.table.cell(0, len(shape.table.columns) - 1).text == text("col.explanation", "ko")
        for r in range(1, len(shape.table.rows))
    ]
    assert explanations == targets(sample["ranked_ko"])["explanation"].to_list()
    assert all(re.search("[가-힣]", sentence) for sentence in explanations)


def test_chart_data_sheet_stores_formula_like_names_as_text(sample) -> None:
    report = sample["report"]
    hostile = report.targets.with_columns(
        pl.when(pl.col("rank") == pl.col("rank").min())
        .then(pl.lit('=HYPERLINK("http://x","y")'))
        .otherwise(pl.col("name"))
        .alias("name")
    )
    deck = Presentation(io.BytesIO(build_deck(dataclasses.replace(report, targets=hostile))))
    chart = next(
        shape.chart
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart and shape.chart.chart_type == XL_CHART_TYPE.BAR_STACKED
    )
    workbook = zipfile.ZipFile(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet
    assert "'=HYPERLINK" in strings


def test_quarterly_pdf_holds_the_names_and_figures(sample, tmp_path: Path) -> None:
    report = sample["report"]
    shown = pdf_text(build_quarterly_pdf(report), tmp_path)
    h = report.headline
    assert f"{h['complaints']:,}" in shown
    assert f"{h['change_previous']:+.1%}" in shown and f"{h['change_year']:+.1%}" in shown
    assert f"{h['unresolved_share']:.1%}" in shown
    for row in targets(sample["ranked"]).iter_rows(named=True):
        assert f"{row['name']} {row['company_id']}" in shown
        assert f"{row['score']:.2f}" in shown
    for row in report.industries.iter_rows(named=True):
        assert f"{row['industry']} {row['firms']:,} {row['complaints']:,}" in shown
    for row in report.surges.iter_rows(named=True):
        assert str(row["name"] or row["key"]) in shown
    for row in report.departures.iter_rows(named=True):
        assert f"{row['name']} ({row['company_id']})" in shown
    assert "Complaints are unverified" in shown


def test_korean_pdf_shows_hangul_in_an_embedded_font(sample, tmp_path: Path) -> None:
    report = sample["report_ko"]
    data = build_quarterly_pdf(report)
    shown = pdf_text(data, tmp_path)
    assert text("q.title", "ko") in shown
    assert text("q.caveat_unverified", "ko") in shown
    assert f"{report.headline['complaints']:,}" in shown
    assert report.targets["name"][0] in shown
    require(report_fonts().embedded, "no Korean TrueType font (apt-get install fonts-nanum)")
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    embedded = [line for line in fonts.splitlines()[2:] if " yes " in line]
    assert embedded and all("TrueType" in line for line in embedded)


def test_firm_report_names_only_its_firm_and_no_personal_data(sample, tmp_path: Path) -> None:
    firm = targets(sample["ranked"]).row(0, named=True)
    others = sample["names"].filter(pl.col("company_id") != firm["company_id"])["name"]
    for language in ("en", "ko"):
        report = firm_report(sample["source"], firm["company_id"], sample["quarter"], language)
        assert report.compare and report.figures["complaints"] == firm["complaints"]
        shown = pdf_text(build_firm_pdf(report), tmp_path)
        assert firm["name"] in shown
        assert f"{firm['unresolved_rate']:.1%}" in shown
        assert f"{firm['peer_unresolved_rate']:.1%}" in shown
        assert [name for name in others if name in shown] == []
        assert PHONE.findall(shown) == [] and RRN.findall(shown) == []
    assert report.issues["complaints"].sum() == firm["complaints"]


def test_firm_report_withholds_industry_figures_with_few_peers(sample, tmp_path: Path) -> None:
    report = firm_report(sample["source"], TAILOR, sample["quarter"])
    assert report.peer_firms == 2 < MIN_PEER_FIRMS and not report.compare
    assert report.figures["peer_unresolved_rate"] is None
    assert report.issues["peer_share"].null_count() == report.issues.height
    assert report.timeline["expected"].null_count() == report.timeline.height
    shown = pdf_text(build_firm_pdf(report), tmp_path)
    assert "Industry figures are withheld" in shown
    assert "Hanbok Atelier Co." in shown
    assert "Seamline" not in shown and "Needle" not in shown
    assert "[phone]" in shown  # the planted issue label, masked
    assert PHONE.findall(shown) == [] and RRN.findall(shown) == []


def test_unknown_firm_and_incomplete_quarter_are_report_errors(sample) -> None:
    with pytest.raises(ReportError, match="unknown company 'NOPE'"):
        firm_report(sample["source"], "NOPE", sample["quarter"])
    with pytest.raises(ReportError, match="is not complete in the warehouse"):
        quarterly_report(sample["source"], sample["quarter"].shifted(1))


def test_cli_writes_both_reports_and_rejects_bad_requests(sample, tmp_path: Path) -> None:
    sample["engine"].dispose()  # DuckDB lets one process hold the file; the CLI is another
    quarter = sample["quarter"].label
    deck_path, firm_path = tmp_path / "q.pptx", tmp_path / "firm.pdf"
    done = run_cli("report", "--db", sample["url"], "--quarter", quarter, "--out", str(deck_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {deck_path}")
    assert len(Presentation(str(deck_path)).slides) == slide_count(sample["report"])
    company = sample["report"].targets["company_id"][0]
    done = run_cli(
        "report",
        "--db",
        sample["url"],
        "--quarter",
        quarter,
        "--company",
        company,
        "--out",
        str(firm_path),
        "--language",
        "ko",
    )
    assert done.returncode == 0, done.stderr
    assert text("f.title", "ko") in pdf_text(firm_path.read_bytes(), tmp_path)
    bad = {
        ("--quarter", "2025Q5", "--out", str(tmp_path / "x.pdf")): "quarter must look like 2025Q2",
        ("--quarter", quarter, "--out", str(tmp_path / "x.docx")): "must end in .pptx or .pdf",
        ("--quarter", quarter, "--company", company, "--out", str(tmp_path / "x.pptx")): "is a PDF",
        (
            "--quarter",
            quarter,
            "--company",
            "NOPE",
            "--out",
            str(tmp_path / "x.pdf"),
        ): "unknown company",
        ("--quarter", "2040Q1", "--out", str(tmp_path / "x.pdf")): "not complete in the warehouse",
    }
    for args, message in bad.items():
        done = run_cli("report", "--db", sample["url"], *args)
        assert done.returncode == 2, (args, done.stdout)
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "x.pdf").exists()


def test_report_text_has_both_languages_and_the_dashboard_labels() -> None:
    from pages.text import CATALOG as PAGE_CATALOG

    assert all(set(entry) == {"en", "ko"} for entry in CATALOG.values())
    shared = [key for key in CATALOG if key.startswith(("tier.", "factor."))]
    assert shared and all(CATALOG[key] == PAGE_CATALOG[key] for key in shared)


def test_parse_quarter_rejects_what_the_cli_rejects() -> None:
    assert parse_quarter("2025q2").label == "2025Q2"


def _report_figures(engine, quarter) -> dict[str, object]:  # noqa: ANN001
    """What both reports show for a warehouse, as plain values that can be compared."""
    source = WarehouseSource(engine, load_config())
    quarterly = quarterly_report(source, quarter, prepared=date(2026, 11, 1))
    top = quarterly.targets["company_id"][0]
    firm = firm_report(source, top, quarter, prepared=date(2026, 11, 1))
    rounded = {
        name: round(value, 9) if isinstance(value, float) else value
        for name, value in firm.figures.items()
    }
    return {
        "headline": quarterly.headline,
        "by_quarter": quarterly.complaints_by_quarter.rows(),
        "weekly": quarterly.weekly.rows(),
        "industries": quarterly.industries.select(pl.selectors.by_dtype(pl.String, pl.Int64))
        .sort(pl.all())
        .rows(),
        "targets": quarterly.targets.select("company_id", "tier", pl.col("score").round(6)).rows(),
        "departures": quarterly.departures.rows(),
        "firm": (firm.company_id, rounded, firm.compare, firm.peer_firms),
        "firm_timeline": firm.timeline.select("period_start", "complaints").rows(),
        "firm_breakdowns": [
            frame.select(pl.selectors.by_dtype(pl.String, pl.Int64)).sort(pl.all()).rows()
            for frame in (firm.products, firm.issues, firm.response)
        ],
    }


ENGINE_SAMPLE = {"companies": 150, "complaints": 20_000, "seed": 23}


@pytest.fixture(scope="module")
def duckdb_figures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Quarter, dict[str, object]]:
    """The reports' figures on a DuckDB warehouse of ENGINE_SAMPLE, and their quarter."""
    reference = make_engine(f"duckdb:///{tmp_path_factory.mktemp('engines') / 'ref.duckdb'}")
    generate_warehouse(reference, **ENGINE_SAMPLE)
    quarter = last_full_quarter(aggregates.warehouse_summary(reference)["last_received"])
    figures = _report_figures(reference, quarter)
    reference.dispose()
    return quarter, figures


def test_reports_say_the_same_on_every_warehouse_engine(any_engine, duckdb_figures) -> None:
    """The quarterly and firm reports read the warehouse through its own SQL dialect; SQLite
    and PostgreSQL must give the figures DuckDB gives for the same complaints."""
    quarter, expected = duckdb_figures
    assert expected["targets"], "the sample has no targets to compare"
    generate_warehouse(any_engine, **ENGINE_SAMPLE)
    assert _report_figures(any_engine, quarter) == expected
