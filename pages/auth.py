"""Sign-in, roles and the audit trail on the Streamlit side.

dashboard.py calls `sign_in_gate(url)` before any page runs: it returns the signed-in account or
shows the sign-in form (or the identity provider's button) and stops. Each page then starts with
`require_role("viewer" | "analyst" | "investigator" | "admin")`, which stops the page for users
whose role is not enough. Actions that need a reason (reveals, exports) go through
`audited_download` or `audit_event`, which write the audit row before anything is shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import streamlit as st

from access.roles import allows, check_reason, may
from pages.common import security_engine, t, use_page_router, warehouse_url, warm_up
from pages.registry import PAGES, PageSpec
from queries import accounts, audit
from queries.accounts import Account
from queries.audit import AuditError
from queries.warehouse import Engine, first_line, is_default_warehouse, read_secrets

USER_KEY = "radar.user"
SIGN_IN_ERROR_KEY = "auth.error"
AUDITED_KEY = "radar.audited"
DEMO_ACCOUNT = Account("demo", "admin", "demo")
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
ACCOUNT_RECHECK_SECONDS = 30


# --- who is signed in --------------------------------------------------------------------------


def current_user() -> Account | None:
    """The account of this browser session, or None before sign-in."""
    return st.session_state.get(USER_KEY)


def identity_provider() -> str | None:
    """The identity provider `[auth]` in .streamlit/secrets.toml configures, for st.login.

    None when there is no `[auth]` section; "" for a single provider configured in `[auth]`
    itself; the name of the first named one (`[auth.microsoft]`) otherwise.
    """
    section = read_secrets().get("auth")
    if not isinstance(section, dict) or not section:
        return None
    named = [key for key, value in section.items() if isinstance(value, dict)]
    return named[0] if named else ""


@st.cache_data(ttl=10, show_spinner=False)
def account_count(url: str) -> int:
    """How many accounts exist for this warehouse (cached briefly: not a query per rerun)."""
    return accounts.count_users(security_engine(url))


def is_demo(url: str) -> bool:
    """Demo mode: the embedded sample warehouse, no identity provider and no account at all."""
    return is_default_warehouse(url) and identity_provider() is None and account_count(url) == 0


@st.cache_data(ttl=ACCOUNT_RECHECK_SECONDS, show_spinner=False)
def _account_now(url: str, username: str) -> Account | None:
    """The account as stored now (role changes and disabling reach open sessions within 30 s)."""
    return accounts.lookup(security_engine(url), username)


def session_user(url: str) -> Account | None:
    """The signed-in account, re-read from the store; the demo account in demo mode."""
    try:
        if is_demo(url):
            return DEMO_ACCOUNT
        user = current_user()
        if user is not None and user.source == "demo":  # the demo ended: an account exists
            st.session_state.pop(USER_KEY, None)
            return None
        if user is None:
            return None
        stored = _account_now(url, user.username)
    except Exception:  # the gate below shows the store's error
        return None
    if stored is None:
        st.session_state.pop(USER_KEY, None)
        return None
    if stored.role != user.role:
        user = Account(user.username, stored.role, user.source)
        st.session_state[USER_KEY] = user
    return user


def pages_for(user: Account | None) -> list[PageSpec]:
    """The pages a user's role may open (every page, hidden, before sign-in)."""
    if user is None:
        return list(PAGES)
    return [page for page in PAGES if allows(user.role, page.role)]


def role_label(role: str) -> str:
    """A role's name in the current language."""
    return t(f"role.{role}")


# --- the gate ----------------------------------------------------------------------------------


def sign_in_gate(url: str) -> Account:
    """The signed-in account; otherwise the sign-in form (or provider button), then stop."""
    try:
        store = security_engine(url)
        demo = is_demo(url)
    except Exception as exc:  # no account store means no sign-in: fail closed
        st.error(t("auth.store_error", detail=first_line(exc)))
        st.stop()
    if demo:
        st.session_state[USER_KEY] = DEMO_ACCOUNT
        st.warning(t("auth.demo"), icon=":material/science:")
        return DEMO_ACCOUNT
    user = session_user(url)
    if user is None:
        provider = identity_provider()
        if provider is None:
            _local_sign_in(url)
        else:
            try:
                user = _provider_sign_in(url, store, provider)
            except Exception as exc:  # as for the form: not signed in, and why
                st.error(t("auth.store_error", detail=first_line(exc)))
                st.stop()
    if user is None:
        # The form is drawn: compute the first ranking while the user types (once per server).
        warm_up(url)
        st.stop()
    _sidebar_account(url, user)
    return user


def _local_sign_in(url: str) -> None:
    """The Username / Password form (its button's callback does the signing in)."""
    st.header(t("auth.heading"))
    if account_count(url) == 0:
        st.info(t("auth.no_accounts"))
        return
    message = st.session_state.pop(SIGN_IN_ERROR_KEY, None)
    if message:
        st.error(message)
    with st.form("auth.form"):
        st.text_input(t("auth.username"), key="auth.username", max_chars=128)
        st.text_input(t("auth.password"), type="password", key="auth.password", max_chars=1024)
        # A callback, not the button's return value: callbacks run before the script, so a
        # sign-in is never lost to a rerun (Streamlit reruns a fresh server's first request).
        st.form_submit_button(
            t("auth.submit"), key="auth.submit", on_click=_submit_sign_in, args=(url,)
        )


def _submit_sign_in(url: str) -> None:
    """Check the form's name and password, log the attempt, and sign the session in; when the
    account store cannot be read or the attempt cannot be logged, nobody is signed in and the
    form says why (a callback's exception would show as a traceback)."""
    try:
        _check_sign_in(url)
    except Exception as exc:  # AuditError, or the account store's driver's own error types
        st.session_state[SIGN_IN_ERROR_KEY] = t("auth.store_error", detail=first_line(exc))


def _check_sign_in(url: str) -> None:
    """The sign-in itself: lockout, password, audit row, then the session's account."""
    store = security_engine(url)
    name = str(st.session_state.get("auth.username", ""))
    password = str(st.session_state.get("auth.password", ""))
    st.session_state["auth.password"] = ""
    attempted = name.strip().lower()[:128]
    since = accounts.now_utc() - LOCKOUT
    if audit.failed_sign_ins(store, attempted, since) >= MAX_FAILED_SIGN_INS:
        _log(store, "-", None, "sign_in", attempted, "denied", detail="locked out")
        st.session_state[SIGN_IN_ERROR_KEY] = t(
            "auth.locked", minutes=int(LOCKOUT.total_seconds() // 60)
        )
        return
    account = accounts.authenticate(store, name, password)
    if account is None:
        _log(store, "-", None, "sign_in", attempted, "failed")
        st.session_state[SIGN_IN_ERROR_KEY] = t("auth.failed")
        return
    _log(store, account.username, account.role, "sign_in", account.username, "ok")
    st.session_state[USER_KEY] = account
    st.session_state.pop(AUDITED_KEY, None)
    _account_now.clear()


def _provider_sign_in(url: str, store: Engine, provider: str) -> Account | None:
    """Sign in through the agency's identity provider (st.login); the role comes from the store."""
    if not st.user.is_logged_in:
        st.header(t("auth.heading"))
        st.button(
            t("auth.provider_button"),
            key="auth.provider",
            type="primary",
            on_click=st.login,
            args=(provider or None,),
        )
        return None
    identity = str(st.user.get("email") or st.user.get("sub") or "")
    account = accounts.lookup(store, identity)
    if account is None:
        _log(store, "-", None, "sign_in", identity[:128], "denied", detail="no account")
        st.error(t("auth.provider_unknown", name=identity))
        st.button(t("auth.sign_out"), key="auth.provider_out", on_click=st.logout)
        return None
    _log(store, account.username, account.role, "sign_in", account.username, "ok", detail="oidc")
    st.session_state[USER_KEY] = account
    _account_now.clear()
    return account


def _sidebar_account(url: str, user: Account) -> None:
    """Who is signed in, with a sign-out button."""
    st.sidebar.caption(t("auth.signed_in", name=user.username, role=role_label(user.role)))
    if user.source != "demo":
        st.sidebar.button(t("auth.sign_out"), key="auth.sign_out", on_click=_sign_out, args=(url,))


def _sign_out(url: str) -> None:
    """Log the sign-out and forget the session's account."""
    user = current_user()
    if user is None:
        return
    try:
        _log(security_engine(url), user.username, user.role, "sign_out", user.username, "ok")
    except Exception as exc:  # signed out all the same: leaving never needs the log
        st.session_state[SIGN_IN_ERROR_KEY] = t("auth.store_error", detail=first_line(exc))
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(AUDITED_KEY, None)
    if user.source == "oidc":
        st.logout()


# --- pages -------------------------------------------------------------------------------------


def require_role(role: str) -> Account:
    """First call of every page: stop with a message unless the user's role is `role` or above."""
    use_page_router()
    # The caller's file name, without inspect.stack(): that reads every frame's source (15 ms).
    page = Path(sys._getframe(1).f_code.co_filename).stem
    user = current_user()
    if user is not None and allows(user.role, role):
        return user
    if user is not None:
        audit_event("access_denied", page, outcome="denied", once_key=f"denied:{page}")
    st.error(
        t(
            "auth.denied",
            role=role_label(role),
            name=user.username if user else "-",
            current=role_label(user.role) if user else "-",
        )
    )
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises; this keeps type checkers calm


def _log(
    store: Engine,
    username: str,
    role: str | None,
    action: str,
    target: str | None,
    outcome: str,
    *,
    reason: str | None = None,
    detail: str | None = None,
) -> int:
    """Append one audit row."""
    return audit.record(
        store,
        username=username,
        role=role,
        action=action,
        target=target,
        outcome=outcome,
        reason=reason,
        detail=detail,
    )


def log_action(
    action: str,
    target: str | None,
    *,
    outcome: str = "ok",
    reason: str | None = None,
    detail: str | None = None,
) -> int:
    """Log an action of the signed-in user (callback-safe); AuditError if it cannot be written."""
    user = current_user()
    return _log(
        security_engine(warehouse_url()),
        user.username if user else "-",
        user.role if user else None,
        action,
        target,
        outcome,
        reason=reason,
        detail=detail,
    )


def audit_event(
    action: str,
    target: str | None,
    *,
    outcome: str = "ok",
    reason: str | None = None,
    detail: str | None = None,
    once_key: str | None = None,
) -> None:
    """Log an action of the signed-in user; if the row cannot be written, stop the page.

    With `once_key`, the action is logged once per session (a profile view, not every rerun).
    """
    done = st.session_state.setdefault(AUDITED_KEY, set())
    if once_key is not None and once_key in done:
        return
    try:
        log_action(action, target, outcome=outcome, reason=reason, detail=detail)
    except AuditError as exc:
        st.error(t("audit.write_failed", detail=str(exc)))
        st.stop()
    if once_key is not None:
        done.add(once_key)


def reason_input(key: str, label_key: str = "export.reason") -> str | None:
    """A reason box; the checked reason, or None (with the rule shown) while it is too short."""
    text = st.text_input(t(label_key), key=key, max_chars=500, help=t("export.reason_help"))
    try:
        return check_reason(text)
    except ValueError:
        if text.strip():
            st.caption(t("export.reason_short"))
        return None


def audited_download(
    label: str,
    build: Callable[[], bytes],
    *,
    file_name: str,
    mime: str,
    key: str,
    reason: str | None,
    detail: str | None = None,
    action: str = "export",
) -> None:
    """A download button, disabled without a reason, whose click writes the audit row first.

    The bytes are built only when the user clicks (Streamlit's deferred download), after the
    row is written; if it cannot be written, the download fails instead of leaving unlogged.
    `action` is "export" (data: analysts and above) or "report" (a report: every role).
    """
    user = current_user()
    allowed = user is not None and may(user.role, action)
    store = security_engine(warehouse_url())

    def logged_bytes() -> bytes:
        audit.record(
            store,
            username=user.username if user else "-",
            role=user.role if user else None,
            action=action,
            target=file_name,
            reason=reason,
            detail=detail,
        )
        return build()

    st.download_button(
        label,
        logged_bytes,
        file_name=file_name,
        mime=mime,
        key=key,
        disabled=not (allowed and reason),
        on_click="ignore",
    )
