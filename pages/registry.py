"""Every dashboard page, the menu entry it gets and the least role that may open it.

To add a page: write `pages/NAME.py` starting with `require_role("ROLE")` (pages.auth) and add a
PageSpec here with the same role; dashboard.py lists it for users whose role allows it, and
tests/test_access_pages.py checks that both agree and scans the page for personal data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page: its script, menu title key, icon, URL path and the least role it needs."""

    path: str
    title_key: str
    icon: str
    url_path: str
    role: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    # The default page is served at "/": Streamlit ignores a default page's url_path.
    PageSpec(
        "pages/overview.py", "nav.overview", ":material/insights:", "overview", "viewer", True
    ),
    PageSpec("pages/targets.py", "nav.targets", ":material/target:", "targets", "viewer"),
    PageSpec("pages/alerts.py", "nav.alerts", ":material/warning:", "alerts", "viewer"),
    PageSpec("pages/network.py", "nav.network", ":material/hub:", "network", "viewer"),
    PageSpec("pages/report.py", "nav.report", ":material/description:", "report", "viewer"),
    PageSpec("pages/company.py", "nav.company", ":material/apartment:", "company", "analyst"),
    PageSpec(
        "pages/methodology.py", "nav.methodology", ":material/menu_book:", "methodology", "viewer"
    ),
    PageSpec("pages/warehouse.py", "nav.warehouse", ":material/database:", "warehouse", "viewer"),
    PageSpec("pages/ingest.py", "nav.ingest", ":material/upload_file:", "ingest", "admin"),
    PageSpec("pages/audit_log.py", "nav.audit", ":material/policy:", "audit", "admin"),
    PageSpec("pages/users.py", "nav.users", ":material/group:", "users", "admin"),
)
