"""Who sees what in the dashboard: sign-in, each role's pages, audited reveals, exports and ingest."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from pages.registry import PAGES
from queries import records
from queries.schema import audit_log
from queries.warehouse import make_engine, security_url
from sample_data.load import generate_warehouse
from tests.signin import PASSWORD, ensure_account, open_dashboard, sign_in

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REASON = "case 2026-118: refund fraud pattern check"

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small generated warehouse (its narratives carry planted personal data)."""
    url = f"duckdb:///{tmp_path_factory.mktemp('access') / 'sample.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=150, complaints=8000, seed=11)
    engine.dispose()
    return url


def audit_rows(url: str) -> list[dict[str, object]]:
    """Every audit row of the warehouse's store, oldest first."""
    store = make_engine(security_url(url, environ={}))
    with store.connect() as connection:
        rows = connection.execute(select(audit_log).order_by(audit_log.c.audit_id)).mappings()
        result = [dict(row) for row in rows]
    store.dispose()
    return result


def company_with_personal_data(url: str) -> tuple[str, str, str]:
    """(company id, complaint id, stored narrative) of a recent complaint with personal data."""
    engine = make_engine(url, read_only=True)
    try:
        for company_id in ("C00001", "C00002", "C00003", "C00010", "C00020", "C00042"):
            masked = records.recent_complaints(engine, company_id)
            hits = masked.filter(pl.col("narrative").str.contains(r"\[(phone|rrn|name)\]"))
            if hits.height:
                complaint_id = hits["complaint_id"][0]
                text = records.unmasked_narrative(engine, company_id, complaint_id)
                assert text is not None
                return company_id, complaint_id, text
    finally:
        engine.dispose()
    raise AssertionError("no recent complaint with personal data in the sample")


def menu(app) -> list[str]:  # noqa: ANN001
    """The URL paths of the pages the dashboard lists for the session's role."""
    from pages.auth import pages_for

    return [page.url_path for page in pages_for(app.session_state["radar.user"])]


# --- sign-in -----------------------------------------------------------------------------------


def test_another_warehouse_requires_sign_in_and_logs_every_attempt(monkeypatch, warehouse) -> None:
    ensure_account(warehouse, "kim", "analyst")
    app = open_dashboard(monkeypatch, warehouse, role=None)
    assert app.header[0].value == "Sign in"
    assert [field.label for field in app.text_input] == ["Username", "Password"]
    assert app.button(key="auth.submit").label == "Sign in"
    assert not app.metric and not app.dataframe  # nothing of the warehouse before sign-in

    sign_in(app, "kim", "not the password")
    assert "Wrong user name or password" in app.error[0].value
    assert app.header[0].value == "Sign in"
    sign_in(app, "KIM", PASSWORD)
    assert not app.exception
    assert app.header[0].value.startswith("Overview: ")
    assert "Signed in as kim (analyst)" in [c.value for c in app.sidebar.caption]
    attempts = [(r["action"], r["object"], r["outcome"]) for r in audit_rows(warehouse)]
    assert attempts[-2:] == [("sign_in", "kim", "failed"), ("sign_in", "kim", "ok")]

    app.sidebar.button(key="auth.sign_out").click().run()
    assert app.header[0].value == "Sign in"
    assert audit_rows(warehouse)[-1]["action"] == "sign_out"


def refuse_audit(monkeypatch: pytest.MonkeyPatch, *actions: str) -> None:
    """Make the audit log refuse rows of these actions, as a full or read-only store would."""
    from queries import audit

    written = audit.record

    def refuse(*args: object, **kwargs: object) -> int:
        if kwargs.get("action") in actions:
            raise audit.AuditError("the audit log could not be written: disk full")
        return written(*args, **kwargs)

    monkeypatch.setattr(audit, "record", refuse)


def test_a_sign_in_that_cannot_be_logged_signs_nobody_in(monkeypatch, warehouse) -> None:
    ensure_account(warehouse, "moon", "analyst")
    app = open_dashboard(monkeypatch, warehouse, role=None)
    refuse_audit(monkeypatch, "sign_in")
    sign_in(app, "moon", PASSWORD)
    assert not app.exception  # no traceback: the form says why
    assert "disk full" in app.error[0].value
    assert app.header[0].value == "Sign in" and not app.dataframe


def test_a_sign_out_that_cannot_be_logged_still_signs_out(monkeypatch, warehouse) -> None:
    app = open_dashboard(monkeypatch, warehouse, role="viewer")
    refuse_audit(monkeypatch, "sign_out")
    app.sidebar.button(key="auth.sign_out").click().run()
    assert not app.exception
    assert app.header[0].value == "Sign in"
    assert "disk full" in app.error[0].value


def test_repeated_failures_lock_the_name_for_a_while(monkeypatch, warehouse) -> None:
    ensure_account(warehouse, "lee", "viewer")
    app = open_dashboard(monkeypatch, warehouse, role=None)
    for _ in range(5):
        sign_in(app, "lee", "wrong password 123")
    sign_in(app, "lee", PASSWORD)  # right, but too late
    assert "Too many failed sign-ins" in app.error[0].value
    assert app.header[0].value == "Sign in"
    assert audit_rows(warehouse)[-1]["outcome"] == "denied"


def test_a_disabled_account_is_signed_out_within_the_recheck(monkeypatch, warehouse) -> None:
    from queries import accounts

    app = open_dashboard(monkeypatch, warehouse, role="viewer")
    store = make_engine(security_url(warehouse, environ={}))
    accounts.set_disabled(store, "test-viewer", True)
    store.dispose()
    from pages.auth import _account_now

    _account_now.clear()  # what 30 seconds would do
    app.run()
    assert app.header[0].value == "Sign in"


# --- roles ---------------------------------------------------------------------------------------


def test_a_viewer_sees_aggregates_but_no_profile_or_narratives(monkeypatch, warehouse) -> None:
    app = open_dashboard(monkeypatch, warehouse, "targets", role="viewer")
    offered = menu(app)
    assert {"overview", "targets", "alerts", "report", "methodology", "warehouse"} <= set(offered)
    assert not {"company", "ingest", "audit", "users"} & set(offered)
    assert len(app.dataframe[0].value) > 0  # the target list itself
    assert "open" not in app.dataframe[0].value.columns  # no Profile buttons to press
    assert "Downloads need the analyst role." in [c.value for c in app.caption]

    # The profile is not in the viewer's menu, but a link to one (/company?id=...) opens the
    # page's own refusal, naming the role it needs, and the attempt is logged.
    company_id, _, _ = company_with_personal_data(warehouse)
    app.query_params["id"] = company_id
    app.switch_page("pages/company.py").run()
    assert not app.exception
    assert "This page needs the analyst role" in app.error[0].value
    assert not app.dataframe and not app.metric
    denied = audit_rows(warehouse)[-1]
    assert (denied["username"], denied["action"], denied["object"], denied["outcome"]) == (
        "test-viewer",
        "access_denied",
        "company",
        "denied",
    )


def test_pages_refuse_a_role_below_theirs_even_when_listed(monkeypatch, warehouse) -> None:
    # Defence in depth: were company.py listed for viewers by mistake, the page still refuses.
    widened = tuple(
        page if page.url_path != "company" else type(page)(**{**page.__dict__, "role": "viewer"})
        for page in PAGES
    )
    monkeypatch.setattr("pages.auth.PAGES", widened)
    company_id, _, _ = company_with_personal_data(warehouse)
    app = open_dashboard(monkeypatch, warehouse, "company", role="viewer", id=company_id)
    assert "This page needs the analyst role" in app.error[0].value
    assert not app.dataframe
    denied = audit_rows(warehouse)[-1]
    assert (denied["action"], denied["object"], denied["outcome"]) == (
        "access_denied",
        "company",
        "denied",
    )


def test_an_analyst_sees_narratives_masked_and_cannot_reveal(monkeypatch, warehouse) -> None:
    company_id, complaint_id, stored = company_with_personal_data(warehouse)
    app = open_dashboard(monkeypatch, warehouse, "company", role="analyst", id=company_id)
    assert "company" in menu(app) and "audit" not in menu(app)
    recent = app.dataframe[-1].value
    shown = dict(zip(recent["complaint_id"], recent["narrative"], strict=True))
    from privacy import find_pii

    personal = [finding.text for finding in find_pii(stored)]
    assert personal and not any(value in shown[complaint_id] for value in personal)
    assert not find_pii(" ".join(text for text in shown.values() if isinstance(text, str)))
    with pytest.raises(KeyError):
        app.button(key="company.reveal_submit")
    viewed = [r for r in audit_rows(warehouse) if r["action"] == "view_profile"]
    assert (viewed[-1]["username"], viewed[-1]["object"]) == ("test-analyst", company_id)


def test_a_profile_whose_view_cannot_be_logged_stops_before_any_complaint(
    monkeypatch, warehouse
) -> None:
    company_id, _, _ = company_with_personal_data(warehouse)
    refuse_audit(monkeypatch, "view_profile")
    app = open_dashboard(monkeypatch, warehouse, "company", role="analyst", id=company_id)
    assert "disk full" in app.error[0].value
    # The header (what the target list shows too) is out; no breakdown, complaint or chart is.
    assert [m.label for m in app.metric][:2] == ["Tier", "Score"]
    assert not app.dataframe
    assert not app.get("plotly_chart")


def test_an_investigator_reveals_one_narrative_with_a_logged_reason(monkeypatch, warehouse) -> None:
    company_id, complaint_id, stored = company_with_personal_data(warehouse)
    app = open_dashboard(monkeypatch, warehouse, "company", role="investigator", id=company_id)
    before = len(audit_rows(warehouse))

    app.selectbox(key="company.reveal_id").set_value(complaint_id)
    app.text_input(key="company.reveal_reason").input("because")
    app.button(key="company.reveal_submit").click().run()
    assert "at least 10 characters" in app.error[0].value
    assert not [e for e in app.get("text") if e.value == stored]
    assert len(audit_rows(warehouse)) == before  # refused before anything was read or logged

    app.selectbox(key="company.reveal_id").set_value(complaint_id)
    app.text_input(key="company.reveal_reason").input(REASON)
    app.button(key="company.reveal_submit").click().run()
    assert not app.exception
    assert [e.value for e in app.get("text")] == [stored]
    row = audit_rows(warehouse)[-1]
    assert (row["username"], row["role"], row["action"], row["object"], row["reason"]) == (
        "test-investigator",
        "investigator",
        "reveal_narrative",
        complaint_id,
        REASON,
    )
    assert row["outcome"] == "ok" and row["detail"] == f"company {company_id}"

    app.run()  # shown once: the next rerun no longer holds the unmasked text
    assert not [e for e in app.get("text") if e.value == stored]


def test_exports_need_a_reason_and_log_it_before_the_bytes_are_built(
    monkeypatch, warehouse
) -> None:
    downloads = capture_downloads(monkeypatch)
    app = open_dashboard(monkeypatch, warehouse, "targets", role="analyst")
    assert all(d["disabled"] for d in downloads.values())
    app.text_input(key="targets.export_reason").input(REASON).run()
    assert not any(d["disabled"] for d in downloads.values())
    csv = downloads["targets.download_csv"]
    before = len(audit_rows(warehouse))
    data = csv["data"]()
    assert data.startswith(b"\xef\xbb\xbfrank,company_id,name")
    row = audit_rows(warehouse)[before]
    assert (row["action"], row["object"], row["reason"], row["username"]) == (
        "export",
        csv["file_name"],
        REASON,
        "test-analyst",
    )


def capture_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, object]]:
    """Record every download button a page draws (AppTest cannot click a deferred download)."""
    import streamlit as st

    seen: dict[str, dict[str, object]] = {}

    def fake(label, data, *, file_name, mime, key, disabled=False, **_):  # noqa: ANN001, ANN202
        seen[key] = {"label": label, "data": data, "file_name": file_name, "disabled": disabled}
        return False

    monkeypatch.setattr(st, "download_button", fake)
    return seen


# --- admin pages ---------------------------------------------------------------------------------


def test_admin_searches_and_exports_the_audit_log(monkeypatch, warehouse) -> None:
    downloads = capture_downloads(monkeypatch)
    app = open_dashboard(monkeypatch, warehouse, "audit_log", role="admin")
    assert menu(app)[-3:] == ["ingest", "audit", "users"]
    table = app.dataframe[0].value
    assert len(table) == len(audit_rows(warehouse))
    app.selectbox(key="audit.action").set_value("sign_in").run()
    assert set(app.dataframe[0].value["action"]) == {"sign_in"}
    app.text_input(key="audit.export_reason").input(REASON).run()
    body = downloads["audit.download"]["data"]().decode("utf-8-sig")
    assert body.splitlines()[0].startswith("audit_id,at,username,role,action")
    assert audit_rows(warehouse)[-1]["action"] == "export"


def test_admin_sees_users_without_password_hashes(monkeypatch, warehouse) -> None:
    app = open_dashboard(monkeypatch, warehouse, "users", role="admin")
    users = app.dataframe[0].value
    assert "test-admin" in set(users["username"])
    assert not any("argon2" in str(value) for value in users.to_numpy().ravel())


def test_ingest_page_loads_reports_rejects_masked_and_names_unknown_columns(
    monkeypatch, warehouse, tmp_path: Path
) -> None:
    engine = make_engine(warehouse, read_only=True)
    company_id = records.recent_complaints(engine, "C00001")  # any known firm id
    engine.dispose()
    assert company_id.height
    upload = (
        "complaint_id,received_date,company_id,status,narrative,agent_note\n"
        "UP1,2026-10-01,C00001,resolved,연락처 010-9876-5432,x\n"
        "UP2,2026-10-02,C00001,010-2222-3333,,y\n"
    ).encode()
    app = open_dashboard(monkeypatch, warehouse, "ingest", role="admin")
    app.file_uploader(key="ingest.file").set_value(("new.csv", upload, "text/csv"))
    app.button(key="ingest.submit").click().run()
    assert not app.exception
    assert not app.error, app.error[0].value
    assert app.success[0].value == "new\\.csv: read 2, loaded 1, rejected 1"
    assert app.warning[0].value.endswith("ignored: agent\\_note")  # escaped markdown
    rejects = app.dataframe[0].value
    assert "010-2222-3333" not in " ".join(str(v) for v in rejects.to_numpy().ravel())
    assert "[phone]" in " ".join(str(v) for v in rejects["value"])
    logged = audit_rows(warehouse)[-1]
    assert (logged["action"], logged["object"], logged["outcome"]) == ("ingest", "new.csv", "ok")

    # The dashboard reopens the file read-only afterwards and sees the new complaint.
    engine = make_engine(warehouse, read_only=True)
    assert records.unmasked_narrative(engine, "C00001", "UP1") == "연락처 010-9876-5432"
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("book.xlsx", b"PK\x03\x04" + bytes(200), "Excel/Word file"),
        ("scan.csv", b"%PDF-1.7\n" + bytes(200), "a PDF document"),
        ("utf16.csv", "a,b\n1,2\n".encode("utf-16"), "NUL bytes"),
        ("odd.csv", b"colour,shape\nred,round\n", "the first line has colour, shape"),
        ("some.csv", b"complaint_id,when,firm\nK1,2024-01-01,C1\n", "cannot tell which table"),
    ],
)
def test_ingest_page_explains_files_it_cannot_load(
    monkeypatch, warehouse, name: str, content: bytes, message: str
) -> None:
    app = open_dashboard(monkeypatch, warehouse, "ingest", role="admin")
    app.file_uploader(key="ingest.file").set_value((name, content, "application/octet-stream"))
    app.button(key="ingest.submit").click().run()
    assert not app.exception
    shown = app.error[0].value.replace("\\", "")  # the page escapes markdown
    assert message in shown and shown.startswith(name)
    assert audit_rows(warehouse)[-1]["outcome"] == "failed"


# --- the page contract ---------------------------------------------------------------------------


def declared_role(path: Path) -> str | None:
    """The role a page passes to require_role() in its first statements, if any."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
        for call in calls:
            if getattr(call.func, "id", None) == "require_role" and call.args:
                return ast.literal_eval(call.args[0])
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.url_path)
def test_every_page_declares_the_role_the_menu_gives_it(page) -> None:  # noqa: ANN001
    assert declared_role(PROJECT_ROOT / page.path) == page.role


def test_every_page_file_is_registered() -> None:
    registered = {Path(page.path).name for page in PAGES}
    helpers = {"__init__.py", "auth.py", "common.py", "registry.py", "text.py", "widgets.py"}
    files = {path.name for path in (PROJECT_ROOT / "pages").glob("*.py")} - helpers
    assert files == registered


# --- identity provider (st.login), with AppTest's simulated st.user ---------------------------------


def provider_app(monkeypatch: pytest.MonkeyPatch, url: str, user: dict[str, object]):  # noqa: ANN201
    """The dashboard with an [auth] section in secrets and the given st.user."""
    from streamlit.testing.v1 import AppTest

    from tests.signin import DASHBOARD

    secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "client_id": "x"}}
    monkeypatch.setattr("pages.auth.read_secrets", lambda: secrets)
    monkeypatch.setenv("RADAR_DB_URL", url)
    monkeypatch.setenv("RADAR_LANG", "en")
    monkeypatch.delenv("RADAR_AUDIT_DB_URL", raising=False)
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    app.user = user
    return app.run()


def test_identity_provider_sign_in_takes_the_role_from_the_account(monkeypatch, warehouse) -> None:
    from queries import accounts
    from queries.schema import create_security_schema

    store = make_engine(security_url(warehouse, environ={}))
    create_security_schema(store)
    try:
        accounts.add_user(store, "choi@agency.go.kr", "analyst", None)
    except accounts.AccountError:
        pass
    store.dispose()

    app = provider_app(monkeypatch, warehouse, {"is_logged_in": False})
    assert app.header[0].value == "Sign in"
    assert app.button(key="auth.provider").label == "Sign in with your agency account"
    assert not app.text_input  # no password form when the agency has an identity provider

    app = provider_app(monkeypatch, warehouse, {"is_logged_in": True, "email": "Choi@Agency.go.kr"})
    assert not app.exception
    assert app.header[0].value.startswith("Overview: ")
    assert "company" in menu(app) and "ingest" not in menu(app)
    row = audit_rows(warehouse)[-1]
    assert (row["username"], row["action"], row["detail"]) == (
        "choi@agency.go.kr",
        "sign_in",
        "oidc",
    )

    app = provider_app(monkeypatch, warehouse, {"is_logged_in": True, "email": "who@else.com"})
    assert "who@else.com has no Complaint Radar account" in app.error[0].value
    assert not app.metric
    row = audit_rows(warehouse)[-1]
    assert (row["object"], row["outcome"]) == ("who@else.com", "denied")


def test_the_demo_ends_when_the_first_account_is_created(monkeypatch, tmp_path) -> None:
    # The embedded sample's URL, with its accounts in an empty store of this test's own.
    from pages.auth import account_count
    from queries.warehouse import DEFAULT_DB_URL, DEFAULT_WAREHOUSE_PATH
    from sample_data.load import ensure_sample_warehouse

    ensure_sample_warehouse(DEFAULT_WAREHOUSE_PATH)
    audit_url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("RADAR_AUDIT_DB_URL", audit_url)
    monkeypatch.setenv("RADAR_DB_URL", DEFAULT_DB_URL)
    monkeypatch.setenv("RADAR_LANG", "en")
    from streamlit.testing.v1 import AppTest

    from tests.signin import DASHBOARD

    app = AppTest.from_file(DASHBOARD, default_timeout=180).run()
    assert not app.exception
    assert app.warning[0].value.startswith("Demo: the embedded sample warehouse")
    assert app.header[0].value.startswith("Overview: ")
    assert menu(app)[-3:] == ["ingest", "audit", "users"]

    ensure_account(DEFAULT_DB_URL, "first-admin", "admin", audit_url)
    account_count.clear()  # what 10 seconds would do
    app.run()
    assert app.header[0].value == "Sign in"
    assert not any(w.value.startswith("Demo:") for w in app.warning)
