"""Every string a report shows, in English and Korean, and how numbers and dates are written."""

from __future__ import annotations

from datetime import date

LANGUAGES: tuple[str, ...] = ("en", "ko")
DASH = "–"

CATALOG: dict[str, dict[str, str]] = {
    # shared labels (the same words as the dashboard's pages/text.py; a test keeps them equal)
    "tier.investigate": {"en": "investigate", "ko": "조사"},
    "tier.monitor": {"en": "monitor", "ko": "중점 모니터링"},
    "tier.watch": {"en": "watch", "ko": "관찰"},
    "tier.none": {"en": "none", "ko": "해당 없음"},
    "factor.volume": {"en": "Volume", "ko": "불만 규모"},
    "factor.growth": {"en": "Growth", "ko": "증가"},
    "factor.unresolved": {"en": "Unresolved", "ko": "미해결"},
    "factor.timeliness": {"en": "Timeliness", "ko": "처리 지연"},
    "factor.severity": {"en": "Severity", "ko": "피해 심각도"},
    "factor.repeat": {"en": "Repeat offending", "ko": "반복 위반"},
    # columns
    "col.rank": {"en": "#", "ko": "순위"},
    "col.name": {"en": "Firm", "ko": "사업자명"},
    "col.industry": {"en": "Industry", "ko": "업종"},
    "col.tier": {"en": "Tier", "ko": "등급"},
    "col.previous_tier": {"en": "Last quarter", "ko": "전분기 등급"},
    "col.tier_then": {"en": "Tier (last quarter)", "ko": "등급 (전분기)"},
    "col.score": {"en": "Score", "ko": "위험 점수"},
    "col.previous_score": {"en": "Score last quarter", "ko": "전분기 점수"},
    "col.complaints": {"en": "Complaints", "ko": "불만 건수"},
    "col.explanation": {"en": "Why", "ko": "선정 사유"},
    "col.firms": {"en": "Firms with complaints", "ko": "불만 접수 사업자"},
    "col.change_previous": {"en": "On last quarter", "ko": "전분기 대비"},
    "col.unresolved_share": {"en": "Unresolved", "ko": "미해결 비율"},
    "col.investigate": {"en": "Investigate", "ko": "조사"},
    "col.monitor": {"en": "Monitor", "ko": "중점 모니터링"},
    "col.status": {"en": "Status", "ko": "구분"},
    "col.level": {"en": "Level", "ko": "대상"},
    "col.subject": {"en": "Firm or product", "ko": "사업자 또는 품목"},
    "col.start": {"en": "Began (week of)", "ko": "시작 주"},
    "col.observed": {"en": "Observed", "ko": "실제"},
    "col.expected": {"en": "Expected", "ko": "기대"},
    "col.q_value": {"en": "q-value", "ko": "q값"},
    "col.reason": {"en": "Why it left", "ko": "사유"},
    "col.product": {"en": "Product", "ko": "품목"},
    "col.issue": {"en": "Issue", "ko": "불만 유형"},
    "col.share": {"en": "Share", "ko": "비율"},
    "col.peer_share": {"en": "Share at other firms", "ko": "동종 타사 비율"},
    "col.bucket": {"en": "Days to answer", "ko": "답변 소요일"},
    "col.this_firm": {"en": "This firm", "ko": "해당 사업자"},
    "col.peers": {"en": "Other firms in the industry", "ko": "동종 업계 타사"},
    "col.measure": {"en": "Measure", "ko": "항목"},
    "col.quarter": {"en": "Quarter", "ko": "분기"},
    # quarterly report
    "q.title": {"en": "Quarterly complaint report", "ko": "분기 소비자 불만 보고서"},
    "q.period": {"en": "{quarter}: {start} to {end}", "ko": "{quarter}: {start} ~ {end}"},
    "q.generated": {
        "en": "Prepared on {day} by Complaint Radar from the complaint warehouse.",
        "ko": "{day} Complaint Radar가 불만 데이터 웨어하우스에서 작성했습니다.",
    },
    "q.internal": {
        "en": "For internal use. Complaints are consumers' unverified accounts.",
        "ko": "내부 검토용. 불만은 소비자가 제기한 검증되지 않은 주장입니다.",
    },
    "q.headline": {"en": "Headline figures", "ko": "주요 지표"},
    "q.complaints": {"en": "Complaints this quarter", "ko": "이번 분기 불만 건수"},
    "q.change_previous": {"en": "On last quarter", "ko": "전분기 대비"},
    "q.change_year": {"en": "On a year ago", "ko": "전년 동기 대비"},
    "q.unresolved": {"en": "Unresolved share", "ko": "미해결 비율"},
    "q.tiers": {"en": "Firms per tier", "ko": "등급별 사업자 수"},
    "q.firms": {"en": "Firms", "ko": "사업자 수"},
    "q.three_quarters": {
        "en": "Complaints: a year ago, last quarter, this quarter",
        "ko": "불만 건수: 전년 동기, 전분기, 이번 분기",
    },
    "q.trend": {"en": "Complaint trend", "ko": "불만 추이"},
    "q.trend_caption": {
        "en": "Complaints per week, {first} to {last} (whole weeks only).",
        "ko": "주별 불만 건수, {first} ~ {last} (완결된 주만).",
    },
    "q.week": {"en": "Week", "ko": "주"},
    "q.industries": {"en": "Industries", "ko": "업종별 현황"},
    "q.industries_chart": {"en": "Complaints by industry", "ko": "업종별 불만 건수"},
    "q.targets": {
        "en": "Target list: investigate and monitor",
        "ko": "조사 대상: 조사 및 중점 모니터링",
    },
    "q.targets_page": {"en": "Target list ({page} of {pages})", "ko": "조사 대상 ({page}/{pages})"},
    "q.targets_caption": {
        "en": "{count} firms in the investigate or monitor tier, highest score first. "
        "Last quarter's tier shows which are new.",
        "ko": "조사 또는 중점 모니터링 등급 사업자 {count}곳 (점수 높은 순). "
        "전분기 등급으로 신규 여부를 알 수 있습니다.",
    },
    "q.targets_none": {
        "en": "No firm reached the investigate or monitor tier this quarter.",
        "ko": "이번 분기에는 조사 또는 중점 모니터링 등급 사업자가 없습니다.",
    },
    "q.contributions": {
        "en": "What makes up each target's score",
        "ko": "대상 사업자별 점수 구성",
    },
    "q.surges": {"en": "Surge alerts this quarter", "ko": "이번 분기 급증 경보"},
    "q.surges_caption": {
        "en": "Company and product surges listed on the Early-warning alerts page on any Sunday "
        "of the quarter: {new} new (first flagged this quarter), {continuing} continuing.",
        "ko": "분기 중 매주 일요일 조기 경보 화면에 표시된 사업자·품목 급증 경보: "
        "신규 {new}건 (이번 분기 최초 탐지), 지속 {continuing}건.",
    },
    "q.surges_none": {
        "en": "No company or product surge was flagged this quarter.",
        "ko": "이번 분기에 탐지된 사업자·품목 급증 경보가 없습니다.",
    },
    "q.surges_more": {
        "en": "{count} more on the Early-warning alerts page.",
        "ko": "나머지 {count}건은 조기 경보 화면에서 볼 수 있습니다.",
    },
    "q.data_events": {
        "en": "Data events this quarter (everything jumped or dropped at once, weeks of {weeks}): "
        "surges in those weeks are judged against the total.",
        "ko": "이번 분기 데이터 이벤트 (전체 건수가 한꺼번에 급변한 주: {weeks}): "
        "해당 주의 급증은 전체 대비로 판단했습니다.",
    },
    "status.new": {"en": "new", "ko": "신규"},
    "status.continuing": {"en": "continuing", "ko": "지속"},
    "level.company": {"en": "firm", "ko": "사업자"},
    "level.product": {"en": "product", "ko": "품목"},
    "q.departures": {"en": "Firms that left a target tier", "ko": "대상 등급에서 내려온 사업자"},
    "q.departures_caption": {
        "en": "Firms in the investigate or monitor tier in {previous} that are in a lower tier "
        "now.",
        "ko": "{previous}에 조사 또는 중점 모니터링 등급이었으나 이번 분기 등급이 낮아진 사업자.",
    },
    "q.departures_none": {
        "en": "No firm left the investigate or monitor tier this quarter.",
        "ko": "이번 분기에 조사 또는 중점 모니터링 등급에서 내려온 사업자가 없습니다.",
    },
    "q.reason_minimum": {
        "en": "only {count} complaints, below the {minimum} a target tier needs",
        "ko": "불만 {count}건으로 대상 등급 기준 {minimum}건 미만",
    },
    "q.reason_factor": {
        "en": "{factor} fell from {before} to {after} points of score",
        "ko": "{factor} 기여 점수 {before} → {after}",
    },
    "q.reason_score": {
        "en": "score {before} → {after}",
        "ko": "점수 {before} → {after}",
    },
    "q.method": {"en": "Methodology", "ko": "방법론"},
    "q.method_score": {
        "en": "Each firm gets points on six factors for the quarter: volume for its size, growth "
        "on last quarter and a year ago (only where a rate-ratio test, corrected for testing every "
        "firm, finds it), unresolved share and late answers against the other firms of its "
        "industry, severity of the harm claimed, and repeat offending (enforcement in the last "
        "three years). One point means about twice the peer level. The score is the weighted "
        "mean of the points (weights: {weights}), so the contributions add up to it.",
        "ko": "각 사업자는 분기별로 6개 요소에 점수를 받습니다: 규모 대비 불만 건수, 전분기·전년 "
        "동기 대비 증가 (전체 사업자를 함께 검정해 보정한 비율 검정에서 유의한 경우만), 동종 업계 "
        "타사 대비 미해결 비율과 답변 지연, 청구 피해의 심각도, 반복 위반 (최근 3년 제재). "
        "1점은 동종 수준의 약 2배를 뜻합니다. 위험 점수는 요소 점수의 가중 평균이며 (가중치: "
        "{weights}), 요소별 기여도의 합이 곧 점수입니다.",
    },
    "q.method_tiers": {
        "en": "Tiers: investigate (score ≥ {investigate}), monitor (≥ {monitor}), watch "
        "(≥ {watch}), otherwise none. Investigate and monitor need at least {minimum} "
        "complaints in the quarter, so a handful of complaints never makes a target.",
        "ko": "등급: 조사 (점수 {investigate} 이상), 중점 모니터링 ({monitor} 이상), 관찰 "
        "({watch} 이상), 그 밖에는 해당 없음. 조사와 중점 모니터링은 분기 불만이 {minimum}건 "
        "이상이어야 하므로 소수의 불만만으로 대상이 되지 않습니다.",
    },
    "q.method_alerts": {
        "en": "Surge alerts compare each week with what the firm's or product's usual share of "
        "all other complaints predicts, with a false discovery rate of 1% per week; a jump in "
        "everything at once is reported as a data event instead.",
        "ko": "급증 경보는 각 주의 건수를 해당 사업자·품목이 평소 차지하던 비중으로 예측한 건수와 "
        "비교하며, 주별 거짓 발견율을 1%로 통제합니다. 전체가 한꺼번에 늘면 데이터 이벤트로 "
        "따로 보고합니다.",
    },
    "q.coverage": {"en": "Data coverage", "ko": "데이터 범위"},
    "q.coverage_text": {
        "en": "The warehouse holds {complaints} complaints about {companies} companies, received "
        "from {first} to {last}. This quarter {active} of the {ranked} firms ranked had at least "
        "one complaint.",
        "ko": "웨어하우스에는 {first}부터 {last}까지 접수된 사업자 {companies}곳에 대한 불만 "
        "{complaints}건이 있습니다. 이번 분기에는 평가 대상 {ranked}곳 중 {active}곳에 불만이 "
        "1건 이상 접수되었습니다.",
    },
    "q.caveats": {"en": "Caveats", "ko": "유의사항"},
    "q.caveat_unverified": {
        "en": "Complaints are unverified: they are what consumers report, not findings of fact.",
        "ko": "불만은 검증되지 않은 소비자 진술이며 사실 판단이 아닙니다.",
    },
    "q.caveat_sample": {
        "en": "Complaints are not a statistical sample of consumers or of transactions: who "
        "complains, and where, varies by firm, product and channel.",
        "ko": "불만은 소비자나 거래의 통계적 표본이 아닙니다: 누가 어디에 불만을 제기하는지는 "
        "사업자·품목·경로마다 다릅니다.",
    },
    "q.caveat_scores": {
        "en": "A score ranks firms for a closer look; it is not evidence of a violation.",
        "ko": "위험 점수는 검토 우선순위를 정하는 지표이며 위반의 증거가 아닙니다.",
    },
    "q.page": {"en": "Page {page}", "ko": "{page}쪽"},
    # firm report
    "f.title": {"en": "Consumer voice report", "ko": "소비자 목소리 보고서"},
    "f.subtitle": {
        "en": "{name} · {quarter} ({start} to {end})",
        "ko": "{name} · {quarter} ({start} ~ {end})",
    },
    "f.intro": {
        "en": "This report sums up the complaints consumers brought to the agency about {name} in "
        "{quarter}: what they complain about, how fast they were answered, and how that compares "
        "with other firms in the {industry} industry. Complaints are consumers' own accounts and "
        "have not been verified.",
        "ko": "이 보고서는 {quarter}에 소비자가 {name}에 대해 제기한 불만을 정리한 "
        "것입니다: 무엇에 대한 불만인지, 얼마나 빨리 답변받았는지, {industry} 업종의 "
        "다른 사업자와 비교하면 어떤지를 담았습니다. 불만은 소비자의 진술이며 검증되지 않았습니다.",
    },
    "f.figures": {"en": "Key figures", "ko": "주요 지표"},
    "f.complaints": {"en": "Complaints this quarter", "ko": "이번 분기 불만 건수"},
    "f.previous": {"en": "Complaints last quarter", "ko": "전분기 불만 건수"},
    "f.year_ago": {"en": "Complaints a year ago", "ko": "전년 동기 불만 건수"},
    "f.unresolved": {
        "en": "Unresolved share (of complaints decided)",
        "ko": "미해결 비율 (처리 완료 건 기준)",
    },
    "f.late": {
        "en": "Answered after {days} days, or not yet answered past them",
        "ko": "{days}일 초과 답변 또는 기한 경과 미답변 비율",
    },
    "f.withheld": {
        "en": "Industry figures are withheld: fewer than {minimum} other {industry} firms had "
        "complaints this quarter, so their totals could reveal a single firm.",
        "ko": "이번 분기 불만이 접수된 {industry} 업종 타사가 {minimum}곳 미만이어서, "
        "개별 사업자가 드러나지 않도록 업계 비교 수치를 표시하지 않습니다.",
    },
    "f.most": {"en": "What consumers complain about most", "ko": "소비자가 가장 많이 제기한 불만"},
    "f.most_line": {
        "en": "{issue}: {count} complaints ({share} of this firm's total{peer})",
        "ko": "{issue}: {count}건 (전체의 {share}{peer})",
    },
    "f.most_peer": {"en": "; {share} at other firms", "ko": ", 동종 타사 {share}"},
    "f.products": {"en": "Complaints by product", "ko": "품목별 불만"},
    "f.issues": {"en": "Complaints by issue", "ko": "유형별 불만"},
    "f.response": {"en": "Days to answer", "ko": "답변 소요일"},
    "f.response_caption": {
        "en": "Share of this quarter's answered complaints by days from receipt to answer.",
        "ko": "이번 분기 답변 완료 건의 접수부터 답변까지 소요일 분포.",
    },
    "f.trend": {"en": "Monthly complaints", "ko": "월별 불만 건수"},
    "f.trend_caption": {
        "en": "Bars: this firm's complaints per month. Line: the pace it would have had keeping "
        "its average share of the other {industry} firms' complaints.",
        "ko": "막대: 해당 사업자의 월별 불만 건수. 선: 동종 업계 타사 불만 중 평균 "
        "비중을 유지했다면 예상되는 건수.",
    },
    "f.pace": {"en": "Industry pace", "ko": "업계 추세"},
    "f.none": {
        "en": "No complaints about this firm were received this quarter.",
        "ko": "이번 분기에 접수된 불만이 없습니다.",
    },
    "f.privacy": {
        "en": "This report holds no personal data and no other firm's figures: industry figures "
        "are totals over at least {minimum} other firms.",
        "ko": "이 보고서에는 개인정보와 다른 사업자의 개별 수치가 없습니다: 업계 수치는 최소 "
        "{minimum}곳 이상 타사의 합계입니다.",
    },
    "f.footer": {"en": "Prepared for {name}", "ko": "{name} 귀하"},
}


def text(key: str, language: str, **values: object) -> str:
    """The catalog string for a key in a language, with {placeholders} filled in."""
    entry = CATALOG[key]
    template = entry.get(language) or entry["en"]
    return template.format(**values) if values else template


def check_language(language: str) -> str:
    """The language itself, or ValueError naming the ones there are."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}; got {language!r}.")
    return language


def count(value: object) -> str:
    """A whole number with thousands separators; a dash for none."""
    return DASH if value is None else f"{int(value):,}"  # type: ignore[call-overload]


def percent(value: float | None, digits: int = 1) -> str:
    """12.3%, or a dash when there is no value."""
    return DASH if value is None else f"{value:.{digits}%}"


def change(value: float | None) -> str:
    """+12.3% / -4.0%, or a dash when there is nothing to compare with."""
    return DASH if value is None else f"{value:+.1%}"


def points(value: float | None) -> str:
    """A score or contribution with two decimals."""
    return DASH if value is None else f"{value:.2f}"


def day(value: date | None) -> str:
    """An ISO date (the same in both languages, as the dashboard writes them)."""
    return DASH if value is None else value.isoformat()
