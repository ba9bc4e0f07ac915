"""Signing in to the dashboard in AppTest the way a person does: accounts and the sign-in form."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from access.passwords import hash_password
from queries import accounts
from queries.schema import create_security_schema
from queries.warehouse import make_engine, security_url

DASHBOARD = "../dashboard.py"  # AppTest resolves paths against the test file
PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # hashed once: Argon2 is slow on purpose


def ensure_account(url: str, username: str, role: str, audit_url: str | None = None) -> str:
    """Create (or re-role and enable) an account in the store that belongs to a warehouse."""
    store = make_engine(audit_url or security_url(url, environ={}))
    create_security_schema(store)
    try:
        accounts.add_user(store, username, role, _HASH)
    except accounts.AccountError:
        accounts.set_role(store, username, role)
        accounts.set_disabled(store, username, False)
    store.dispose()
    return username


def sign_in(app: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill the Username and Password fields and press Sign in."""
    app.text_input(key="auth.username").input(username)
    app.text_input(key="auth.password").input(password)
    return app.button(key="auth.submit").click().run()


def open_dashboard(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    page: str | None = None,
    *,
    role: str | None = "admin",
    language: str = "en",
    audit_url: str | None = None,
    **query: str,
) -> AppTest:
    """A fresh session on a warehouse, signed in with an account of `role` (None: not signed in).

    The accounts and audit log are the warehouse's own unless `audit_url` names another store.
    """
    monkeypatch.setenv("RADAR_DB_URL", url)
    monkeypatch.setenv("RADAR_LANG", language)
    if audit_url:
        monkeypatch.setenv("RADAR_AUDIT_DB_URL", audit_url)
    else:
        monkeypatch.delenv("RADAR_AUDIT_DB_URL", raising=False)
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    for name, value in query.items():
        app.query_params[name] = value
    if role is not None:
        ensure_account(url, f"test-{role}", role, audit_url)
    app.run()
    if role is not None:
        sign_in(app, f"test-{role}")
    if page is not None:
        app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, app.exception
    return app
