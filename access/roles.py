"""The four roles, ordered, and what each may do.

Roles are cumulative: each one may do everything the roles before it may. A page or an action
names the least role it needs; `allows(role, needed)` answers whether a user's role is enough.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("viewer", "analyst", "investigator", "admin")

# The least role each action needs (pages declare theirs with pages.auth.require_role).
PERMISSIONS: dict[str, str] = {
    "view_aggregates": "viewer",
    "report": "viewer",
    "view_profile": "analyst",
    "view_masked_narratives": "analyst",
    "export": "analyst",
    "decide_links": "analyst",
    "reveal_narrative": "investigator",
    "ingest": "admin",
    "read_audit_log": "admin",
    "manage_users": "admin",
}


def check_role(role: str) -> str:
    """The role itself, or ValueError naming the valid roles."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}.")
    return role


def allows(role: str | None, needed: str) -> bool:
    """True when `role` is `needed` or comes after it; False for no role or an unknown one."""
    check_role(needed)
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def may(role: str | None, permission: str) -> bool:
    """True when the role may perform the named action (KeyError for an unknown action)."""
    return allows(role, PERMISSIONS[permission])


MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 500


def check_reason(reason: str | None) -> str:
    """The stated reason for a reveal or an export, trimmed, or ValueError saying what is wrong."""
    text = (reason or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise ValueError(
            f"give a reason of at least {MIN_REASON_LENGTH} characters (a case number and why)."
        )
    if len(text) > MAX_REASON_LENGTH:
        raise ValueError(f"keep the reason under {MAX_REASON_LENGTH} characters.")
    return text
