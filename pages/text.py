"""Every string the interface shows, in English and Korean, from one catalog."""

from __future__ import annotations

import os

LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}
DEFAULT_LANGUAGE_VAR = "RADAR_LANG"

CATALOG: dict[str, dict[str, str]] = {
    "app.title": {"en": "Complaint Radar", "ko": "소비자 불만 레이더"},
    "app.language": {"en": "Language", "ko": "언어"},
    "app.warehouse": {"en": "Warehouse", "ko": "데이터 웨어하우스"},
    "nav.warehouse": {"en": "Warehouse", "ko": "데이터 현황"},
    "setup.creating": {
        "en": "Creating the sample warehouse on first start (under a minute)…",
        "ko": "처음 실행이므로 샘플 데이터를 만드는 중입니다 (1분 이내)…",
    },
    "setup.done": {"en": "Sample warehouse ready.", "ko": "샘플 데이터가 준비되었습니다."},
    "error.unreachable": {
        "en": "The warehouse cannot be reached: {detail}",
        "ko": "데이터 웨어하우스에 연결할 수 없습니다: {detail}",
    },
    "error.retry": {"en": "Retry", "ko": "다시 시도"},
    "error.empty": {
        "en": "The warehouse holds no complaints yet. Load some with `python cli.py ingest`.",
        "ko": "아직 불만 데이터가 없습니다. `python cli.py ingest`로 불러오세요.",
    },
    "warehouse.heading": {"en": "What the warehouse holds", "ko": "웨어하우스 보유 데이터"},
    "warehouse.complaints": {"en": "Complaints", "ko": "불만 건수"},
    "warehouse.companies": {"en": "Companies", "ko": "사업자 수"},
    "warehouse.actions": {"en": "Enforcement actions", "ko": "제재 조치"},
    "warehouse.first": {"en": "First complaint", "ko": "최초 접수일"},
    "warehouse.last": {"en": "Latest complaint", "ko": "최근 접수일"},
    "warehouse.top": {"en": "Companies with the most complaints", "ko": "불만이 가장 많은 사업자"},
    "col.company_id": {"en": "Company ID", "ko": "사업자 ID"},
    "col.name": {"en": "Name", "ko": "사업자명"},
    "col.industry": {"en": "Industry", "ko": "업종"},
    "col.complaints": {"en": "Complaints", "ko": "불만 건수"},
}


def default_language(environ: dict[str, str] | None = None) -> str:
    """English, or Korean when RADAR_LANG=ko."""
    env = os.environ if environ is None else environ
    value = env.get(DEFAULT_LANGUAGE_VAR, "en").strip().lower()
    return value if value in LANGUAGES else "en"


def translate(key: str, language: str, **values: object) -> str:
    """The catalog text for a key in a language, with {placeholders} filled in."""
    entry = CATALOG[key]
    text = entry.get(language) or entry["en"]
    return text.format(**values) if values else text
