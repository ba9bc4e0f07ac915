"""The sentences scoring writes (factor evidence, tier rules, alert evidence) in each language.

Scoring renders its own sentences because they carry numbers only it knows; the interface picks
the language. Templates name their slots (`{complaints}`), so a language can order them as its
grammar needs; `fill` turns a template into one polars expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

LANGUAGES: tuple[str, ...] = ("en", "ko")
DEFAULT_LANGUAGE = "en"

_SLOT = re.compile(r"\{(\w+)\}")

TEMPLATES: dict[str, dict[str, str]] = {
    # volume
    "volume": {
        "en": "{complaints} complaints, {ratio}x {expected} (at least {eb05}x)",
        "ko": "민원 {complaints}건, {expected}의 {ratio}배 (최소 {eb05}배)",
    },
    "volume.exposure": {
        "en": "the {expected} expected for its size",
        "ko": "규모 대비 예상치 {expected}건",
    },
    "volume.members": {
        "en": "the {expected} expected for its members",
        "ko": "계열사 합계 예상치 {expected}건",
    },
    "volume.own_share": {
        "en": "its usual share of {industry} complaints",
        "ko": "{industry} 업종 민원 중 평소 점유율",
    },
    "volume.typical": {
        "en": "a typical {industry} firm's {expected}",
        "ko": "{industry} 업종 일반 사업자의 {expected}건",
    },
    # growth
    "growth": {
        "en": "complaints {previous} on last quarter and {year_ago} on a year earlier "
        "({ratio}x its baseline allowing for the {industry} trend; adj. p{q})",
        "ko": "민원이 전 분기 대비 {previous}, 전년 동기 대비 {year_ago} "
        "({industry} 업종 추세를 감안한 기준치의 {ratio}배, 보정 p{q})",
    },
    "growth.mixed": {
        "en": "complaints {previous} on last quarter and {year_ago} on a year earlier "
        "({ratio}x its baseline allowing for its members' industry trends; adj. p{q})",
        "ko": "민원이 전 분기 대비 {previous}, 전년 동기 대비 {year_ago} "
        "(계열사 업종 추세를 감안한 기준치의 {ratio}배, 보정 p{q})",
    },
    "growth.from_none": {"en": "{complaints} from none", "ko": "0건에서 {complaints}건으로"},
    "growth.up": {"en": "up {ratio}x", "ko": "{ratio}배 증가"},
    "growth.down": {"en": "down to {ratio}x", "ko": "{ratio}배로 감소"},
    # rates
    "unresolved": {
        "en": "{rate} unresolved ({unresolved} of {decided} decided) vs {peer} at other "
        "{industry} firms",
        "ko": "미해결 {rate} (처리 완료 {decided}건 중 {unresolved}건), "
        "다른 {industry} 사업자 {peer}",
    },
    "unresolved.mixed": {
        "en": "{rate} unresolved ({unresolved} of {decided} decided) vs {peer} at its members' "
        "industry peers",
        "ko": "미해결 {rate} (처리 완료 {decided}건 중 {unresolved}건), 계열사 업종 평균 {peer}",
    },
    "timeliness": {
        "en": "{rate} not answered within {days} days ({late} of {known}) vs {peer} at other "
        "{industry} firms",
        "ko": "{days}일 내 미답변 {rate} ({known}건 중 {late}건), 다른 {industry} 사업자 {peer}",
    },
    "timeliness.mixed": {
        "en": "{rate} not answered within {days} days ({late} of {known}) vs {peer} at its "
        "members' industry peers",
        "ko": "{days}일 내 미답변 {rate} ({known}건 중 {late}건), 계열사 업종 평균 {peer}",
    },
    # severity
    "severity.issues": {
        "en": "issue mix {ratio}x as severe as at other {industry} firms",
        "ko": "민원 유형의 심각도가 다른 {industry} 사업자의 {ratio}배",
    },
    "severity.issues.mixed": {
        "en": "issue mix {ratio}x as severe as at its members' industry peers",
        "ko": "민원 유형의 심각도가 계열사 업종 평균의 {ratio}배",
    },
    "severity.amount": {
        "en": "average claim {mean} ({claims} claims) vs {peer} at other {industry} firms",
        "ko": "평균 청구액 {mean} ({claims}건), 다른 {industry} 사업자 {peer}",
    },
    "severity.amount.mixed": {
        "en": "average claim {mean} ({claims} claims) vs {peer} at its members' industry peers",
        "ko": "평균 청구액 {mean} ({claims}건), 계열사 업종 평균 {peer}",
    },
    # repeat offending
    "repeat": {
        "en": "{actions} since {year}{inherited}{returning}",
        "ko": "{year}년 이후 {actions}{inherited}{returning}",
    },
    "repeat.action": {"en": "{count} {action}", "ko": "{action} {count}건"},
    "repeat.successor_all": {
        "en": " as successor of {predecessors}",
        "ko": " ({predecessors}의 승계 사업자)",
    },
    "repeat.successor_some": {
        "en": ", {count} of them as successor of {predecessors}",
        "ko": " (그중 {count}건은 {predecessors} 승계)",
    },
    "successor.named": {
        "en": "{name} ({company_id}, {action} {month})",
        "ko": "{name} ({company_id}, {month} {action})",
    },
    "successor.id": {
        "en": "{company_id} ({action} {month})",
        "ko": "{company_id} ({month} {action})",
    },
    "repeat.returning": {
        "en": ", {statute} complaints again ({complaints} this quarter)",
        "ko": ", {statute} 관련 민원 재발 (이번 분기 {complaints}건)",
    },
    # corporate groups: the members driving a group's leading factor
    "driver.explanation": {
        "en": "{explanation}; members driving it: {drivers}",
        "ko": "{explanation}; 주요 계열사: {drivers}",
    },
    "driver.first": {
        "en": "{name} ({company_id}, +{amount} {units})",
        "ko": "{name} ({company_id}, {units} +{amount})",
    },
    "driver.next": {
        "en": "{name} ({company_id}, +{amount})",
        "ko": "{name} ({company_id}, +{amount})",
    },
    "driver.volume": {"en": "complaints above expected", "ko": "예상 초과 민원"},
    "driver.volume.one": {"en": "complaint above expected", "ko": "예상 초과 민원"},
    "driver.growth": {"en": "complaints above its baseline", "ko": "기준치 초과 민원"},
    "driver.growth.one": {"en": "complaint above its baseline", "ko": "기준치 초과 민원"},
    "driver.unresolved": {"en": "unresolved above the peer rate", "ko": "업종 평균 초과 미해결"},
    "driver.unresolved.one": {
        "en": "unresolved above the peer rate",
        "ko": "업종 평균 초과 미해결",
    },
    "driver.timeliness": {"en": "late answers above the peer rate", "ko": "업종 평균 초과 지연"},
    "driver.timeliness.one": {
        "en": "late answer above the peer rate",
        "ko": "업종 평균 초과 지연",
    },
    "driver.severity": {
        "en": "severity-weighted complaints above peers",
        "ko": "업종 평균 초과 심각도 가중 민원",
    },
    "driver.severity.one": {
        "en": "severity-weighted complaint above peers",
        "ko": "업종 평균 초과 심각도 가중 민원",
    },
    "driver.repeat": {"en": "enforcement actions", "ko": "제재 조치"},
    "driver.repeat.one": {"en": "enforcement action", "ko": "제재 조치"},
    # combined explanation and tiers
    "nothing": {"en": "no factor above its peer level", "ko": "동종 업계 수준을 넘는 요인 없음"},
    "tier.investigate": {
        "en": "score >= {score} with >= {minimum} complaints",
        "ko": "점수 {score} 이상, 민원 {minimum}건 이상",
    },
    "tier.monitor": {
        "en": "score >= {score} with >= {minimum} complaints",
        "ko": "점수 {score} 이상, 민원 {minimum}건 이상",
    },
    "tier.capped": {
        "en": "fewer than {minimum} complaints: at most watch",
        "ko": "민원 {minimum}건 미만: 최고 관찰 등급",
    },
    "tier.watch": {"en": "score >= {score}", "ko": "점수 {score} 이상"},
    "tier.none": {"en": "score < {score}", "ko": "점수 {score} 미만"},
    "explanation.capped": {"en": "{explanation} ({rule})", "ko": "{explanation} ({rule})"},
    # alerts
    "alert.peak": {
        "en": "{observed} complaints in the week of {week} vs {expected} expected (p={p}{q})",
        "ko": "{week} 주간 민원 {observed}건, 예상 {expected}건 (p={p}{q})",
    },
    "alert.q": {"en": ", q={q}", "ko": ", q={q}"},
    "alert.run": {
        "en": "{weeks} from {start}: {observed} vs {expected} expected (x{ratio})",
        "ko": "{start}부터 {weeks}간: {observed}건, 예상 {expected}건 (x{ratio})",
    },
    "alert.one_week": {"en": "{n} week", "ko": "{n}주"},
    "alert.weeks": {"en": "{n} weeks", "ko": "{n}주"},
    "alert.during_event": {
        "en": "; during a data event, judged against the total",
        "ko": "; 데이터 변동 기간이므로 전체 대비로 판단",
    },
    "alert.data_event": {
        "en": "Everything {direction} at once ({typical}): {evidence}. A data event (a new intake "
        "channel, missing data, a sampled extract), not a surge: firms and products are judged "
        "against the total.",
        "ko": "전체 민원이 한꺼번에 {direction} ({typical}): {evidence}. 개별 급증이 아닌 데이터 "
        "변동(새 접수 경로, 누락, 표본 추출)이므로 사업자와 품목은 전체 대비로 판단합니다.",
    },
    "alert.jumped": {"en": "jumped", "ko": "늘었습니다"},
    "alert.dropped": {"en": "dropped", "ko": "줄었습니다"},
    "alert.typical": {"en": "the typical firm x{ratio} too", "ko": "일반 사업자도 x{ratio}"},
    "alert.typical_unknown": {
        "en": "too few firms judged that week to tell what the typical firm did",
        "ko": "그 주에 판단한 사업자가 너무 적어 일반 사업자의 변화를 알 수 없음",
    },
    "alert.advisory": {
        "en": "; spans {rising} rising firms of {firms}, none above {share}%: consumer-damage "
        "advisory candidate",
        "ko": "; {firms}개 사업자 중 {rising}개에서 증가, 어느 곳도 {share}% 초과 없음: "
        "소비자 피해 주의보 후보",
    },
    "alert.spread": {
        "en": "; {rising} rising firms of {firms}, largest {share}%",
        "ko": "; {firms}개 사업자 중 {rising}개에서 증가, 최대 {share}%",
    },
    # alert run notes
    "note.partial_week": {
        "en": "The week of {week} is still filling on {as_of} and is ignored (no nowcast).",
        "ko": "{week} 주간은 {as_of} 현재 접수 중이므로 제외했습니다 (추정 보정 없음).",
    },
    "note.delay": {
        "en": "{weeks} more complete week(s) are ignored for late loading.",
        "ko": "늦은 적재를 감안해 완결된 {weeks}주를 추가로 제외했습니다.",
    },
    "note.judged": {
        "en": "Weeks judged: up to the week of {week} (ending {end}).",
        "ko": "판단한 기간: {week} 주간까지 ({end} 종료).",
    },
    "note.empty": {
        "en": "No complaints before that week: nothing to judge.",
        "ko": "그 주 이전의 민원이 없어 판단할 것이 없습니다.",
    },
}

# Enforcement action kinds as DESIGN.md names them; other kinds are shown as stored.
ACTION_NAMES: dict[str, dict[str, str]] = {
    "ko": {
        "warning": "경고",
        "corrective order": "시정명령",
        "fine": "과징금",
        "consent decree": "동의의결",
        "action": "조치",
    },
}


# How an inherited action reads after "successor of X, ..." ("fined 2025-03", "2025-03 과징금").
ACTION_PAST: dict[str, dict[str, str]] = {
    "en": {
        "fine": "fined",
        "warning": "warned",
        "corrective order": "given a corrective order",
        "consent decree": "put under a consent decree",
        "action": "sanctioned",
    },
    "ko": ACTION_NAMES["ko"],
}


def check_language(language: str) -> str:
    """The language itself when supported; ValueError otherwise."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}; got {language!r}.")
    return language


def template(key: str, language: str) -> str:
    """The template of one sentence in one language."""
    return TEMPLATES[key][check_language(language)]


def fill(key: str, language: str, **slots: pl.Expr | str | int | float) -> pl.Expr:
    """One polars string expression: the template with each {slot} replaced by its value.

    A null in any slot makes the whole sentence null, as pl.format does.
    """
    text = template(key, language)
    names = _SLOT.findall(text)
    missing = sorted(set(names) - slots.keys())
    if missing:
        raise KeyError(f"template {key!r} needs slots {missing}.")
    values = [_as_expr(slots[name]) for name in names]
    return pl.format(_SLOT.sub("{}", text), *values) if values else pl.lit(text)


def say(key: str, language: str, **slots: object) -> str:
    """The template filled with plain Python values (for sentences built outside polars)."""
    return template(key, language).format_map(slots)


def action_name(language: str) -> Mapping[str, str]:
    """Enforcement action kinds translated to the language (empty for English)."""
    return ACTION_NAMES.get(check_language(language), {})


def action_past(language: str) -> Mapping[str, str]:
    """Enforcement action kinds as they read after a predecessor's name, in the language."""
    return ACTION_PAST[check_language(language)]


def _as_expr(value: pl.Expr | str | int | float) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(str(value))
