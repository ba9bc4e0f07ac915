"""Every string the interface shows, in English and Korean, from one catalog."""

from __future__ import annotations

import os

LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}
DEFAULT_LANGUAGE_VAR = "RADAR_LANG"

CATALOG: dict[str, dict[str, str]] = {
    # shell
    "app.title": {"en": "Complaint Radar", "ko": "소비자 불만 레이더"},
    "app.language": {"en": "Language", "ko": "언어"},
    "app.warehouse": {"en": "Warehouse", "ko": "데이터 웨어하우스"},
    "app.quarter": {"en": "Quarter", "ko": "분기"},
    "nav.overview": {"en": "Overview", "ko": "개요"},
    "nav.targets": {"en": "Target list", "ko": "조사 대상 목록"},
    "nav.company": {"en": "Company profile", "ko": "사업자 프로필"},
    "nav.methodology": {"en": "Methodology and data", "ko": "방법론 및 데이터"},
    "nav.warehouse": {"en": "Warehouse", "ko": "데이터 현황"},
    "nav.alerts": {"en": "Early-warning alerts", "ko": "조기 경보"},
    "nav.network": {"en": "Corporate networks", "ko": "기업 관계망"},
    "nav.report": {"en": "Quarterly report", "ko": "분기 보고서"},
    "nav.ingest": {"en": "Load data", "ko": "데이터 적재"},
    "nav.audit": {"en": "Audit log", "ko": "감사 로그"},
    "nav.users": {"en": "Users", "ko": "사용자"},
    # sign-in and roles
    "role.viewer": {"en": "viewer", "ko": "열람자"},
    "role.analyst": {"en": "analyst", "ko": "분석가"},
    "role.investigator": {"en": "investigator", "ko": "조사관"},
    "role.admin": {"en": "admin", "ko": "관리자"},
    "role.viewer.may": {
        "en": "aggregates, the target list and alerts; no narratives",
        "ko": "집계, 조사 대상 목록, 경보 (상담 내용 제외)",
    },
    "role.analyst.may": {
        "en": "company profiles with narratives masked; downloads with a reason",
        "ko": "사업자 프로필 (상담 내용 마스킹), 사유를 적은 내려받기",
    },
    "role.investigator.may": {
        "en": "reveal one narrative at a time, giving a reason",
        "ko": "사유를 적고 상담 내용 원문을 한 건씩 열람",
    },
    "role.admin.may": {
        "en": "users, loading data and the audit log",
        "ko": "사용자, 데이터 적재, 감사 로그",
    },
    "auth.heading": {"en": "Sign in", "ko": "로그인"},
    "auth.username": {"en": "Username", "ko": "사용자 이름"},
    "auth.password": {"en": "Password", "ko": "비밀번호"},
    "auth.submit": {"en": "Sign in", "ko": "로그인"},
    "auth.failed": {
        "en": "Wrong user name or password, or the account is disabled.",
        "ko": "사용자 이름이나 비밀번호가 틀렸거나 사용 중지된 계정입니다.",
    },
    "auth.locked": {
        "en": "Too many failed sign-ins for this name. Try again in {minutes} minutes.",
        "ko": "이 이름으로 로그인 실패가 너무 많습니다. {minutes}분 후에 다시 시도하세요.",
    },
    "auth.no_accounts": {
        "en": "This warehouse needs sign-in and no account exists yet. An administrator creates "
        "the first one on the server: `python cli.py user add NAME --role admin`.",
        "ko": "이 웨어하우스는 로그인이 필요하지만 아직 계정이 없습니다. "
        "관리자가 서버에서 첫 계정을 만드세요: `python cli.py user add NAME --role admin`.",
    },
    "auth.provider_button": {
        "en": "Sign in with your agency account",
        "ko": "기관 계정으로 로그인",
    },
    "auth.provider_unknown": {
        "en": "{name} has no Complaint Radar account, or it is disabled. Ask an administrator.",
        "ko": "{name} 계정이 없거나 사용 중지되었습니다. 관리자에게 문의하세요.",
    },
    "auth.signed_in": {"en": "Signed in as {name} ({role})", "ko": "{name} ({role}) 로그인 중"},
    "auth.sign_out": {"en": "Sign out", "ko": "로그아웃"},
    "auth.demo": {
        "en": "Demo: the embedded sample warehouse (synthetic data) without sign-in; every "
        "visitor may use every role. Create an account (`python cli.py user add`) to require "
        "sign-in. Another warehouse always requires it.",
        "ko": "데모: 내장 샘플 웨어하우스(가상 데이터)를 로그인 없이 보여 줍니다. "
        "누구나 모든 권한을 가집니다. 계정을 만들면(`python cli.py user add`) "
        "로그인이 필요해지며, 다른 웨어하우스는 항상 로그인이 필요합니다.",
    },
    "auth.denied": {
        "en": "This page needs the {role} role; you are signed in as {name} ({current}).",
        "ko": "이 화면은 {role} 권한이 필요합니다. "
        "현재 {name} ({current})(으)로 로그인되어 있습니다.",
    },
    "auth.store_error": {
        "en": "Accounts and the audit log cannot be reached, so nobody can sign in: {detail}",
        "ko": "계정 및 감사 로그 저장소에 연결할 수 없어 로그인할 수 없습니다: {detail}",
    },
    "audit.write_failed": {
        "en": "Not shown: the audit log could not record this action ({detail}).",
        "ko": "감사 로그에 기록할 수 없어 표시하지 않습니다 ({detail}).",
    },
    "export.reason": {
        "en": "Reason for downloading (required, logged)",
        "ko": "내려받는 사유 (필수, 기록됨)",
    },
    "export.reason_help": {
        "en": "A case number and why, at least 10 characters. Every download is in the audit log.",
        "ko": "사건 번호와 목적을 10자 이상 적으세요. 모든 내려받기는 감사 로그에 남습니다.",
    },
    "export.reason_short": {
        "en": "The reason needs at least 10 characters.",
        "ko": "사유는 10자 이상이어야 합니다.",
    },
    "export.needs_role": {
        "en": "Downloads need the analyst role.",
        "ko": "내려받기는 분석가 이상 권한이 필요합니다.",
    },
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
    "error.no_quarter": {
        "en": "The warehouse has no complete quarter of complaints yet.",
        "ko": "웨어하우스에 아직 완결된 분기 데이터가 없습니다.",
    },
    "error.bad_quarter": {
        "en": "Quarter {value!r} is not available; showing {shown}.",
        "ko": "{value!r} 분기는 없어 {shown} 분기를 표시합니다.",
    },
    "error.failed": {
        "en": "This view could not be computed: {detail}",
        "ko": "이 화면을 계산할 수 없습니다: {detail}",
    },
    # warehouse page
    "warehouse.heading": {"en": "What the warehouse holds", "ko": "웨어하우스 보유 데이터"},
    "warehouse.complaints": {"en": "Complaints", "ko": "불만 건수"},
    "warehouse.companies": {"en": "Companies", "ko": "사업자 수"},
    "warehouse.actions": {"en": "Enforcement actions", "ko": "제재 조치"},
    "warehouse.first": {"en": "First complaint", "ko": "최초 접수일"},
    "warehouse.last": {"en": "Latest complaint", "ko": "최근 접수일"},
    "warehouse.top": {"en": "Companies with the most complaints", "ko": "불만이 가장 많은 사업자"},
    # tiers
    "tier.investigate": {"en": "investigate", "ko": "조사"},
    "tier.monitor": {"en": "monitor", "ko": "중점 모니터링"},
    "tier.watch": {"en": "watch", "ko": "관찰"},
    "tier.none": {"en": "none", "ko": "해당 없음"},
    # factors
    "factor.volume": {"en": "Volume", "ko": "불만 규모"},
    "factor.growth": {"en": "Growth", "ko": "증가"},
    "factor.unresolved": {"en": "Unresolved", "ko": "미해결"},
    "factor.timeliness": {"en": "Timeliness", "ko": "처리 지연"},
    "factor.severity": {"en": "Severity", "ko": "피해 심각도"},
    "factor.repeat": {"en": "Repeat offending", "ko": "반복 위반"},
    # columns
    "col.rank": {"en": "Rank", "ko": "순위"},
    "col.company_id": {"en": "Company ID", "ko": "사업자 ID"},
    "col.name": {"en": "Name", "ko": "사업자명"},
    "col.industry": {"en": "Industry", "ko": "업종"},
    "col.complaints": {"en": "Complaints", "ko": "불만 건수"},
    "col.score": {"en": "Score", "ko": "위험 점수"},
    "col.tier": {"en": "Tier", "ko": "등급"},
    "col.growth": {"en": "Growth vs last quarter", "ko": "전분기 대비 증가"},
    "col.unresolved_rate": {"en": "Unresolved", "ko": "미해결률"},
    "col.explanation": {"en": "Why", "ko": "선정 사유"},
    "col.in_selection": {"en": "In selection", "ko": "선택 조건 건수"},
    "col.firms": {"en": "Firms with complaints", "ko": "불만 접수 사업자"},
    "col.firms_ranked": {"en": "Firms ranked", "ko": "평가 사업자 수"},
    "col.change_previous": {"en": "Change on last quarter", "ko": "전분기 대비"},
    "col.unresolved_share": {"en": "Unresolved share", "ko": "미해결 비율"},
    "col.investigate": {"en": "Investigate", "ko": "조사"},
    "col.monitor": {"en": "Monitor", "ko": "중점 모니터링"},
    "col.previous": {"en": "Last quarter", "ko": "전분기"},
    "col.change": {"en": "Change", "ko": "증감"},
    "col.ratio": {"en": "Ratio", "ko": "배율"},
    "col.quarter": {"en": "Quarter", "ko": "분기"},
    "col.action_date": {"en": "Date", "ko": "일자"},
    "col.action": {"en": "Action", "ko": "조치"},
    "col.statute": {"en": "Statute", "ko": "관련 법"},
    "col.fine_amount": {"en": "Fine (KRW)", "ko": "과징금 (원)"},
    "col.relation": {"en": "Relation", "ko": "관계"},
    "col.direction": {"en": "Direction", "ko": "방향"},
    "col.profile": {"en": "Profile", "ko": "프로필"},
    "col.received_date": {"en": "Received", "ko": "접수일"},
    "col.product": {"en": "Product", "ko": "품목"},
    "col.issue": {"en": "Issue", "ko": "불만 유형"},
    "col.channel": {"en": "Channel", "ko": "접수 경로"},
    "col.region": {"en": "Region", "ko": "지역"},
    "col.status": {"en": "Status", "ko": "처리 상태"},
    "col.responded_date": {"en": "Answered", "ko": "답변일"},
    "col.amount": {"en": "Claimed (KRW)", "ko": "청구 금액 (원)"},
    "col.narrative": {"en": "Narrative (masked)", "ko": "상담 내용 (마스킹)"},
    "col.complaint_id": {"en": "Complaint ID", "ko": "불만 ID"},
    "col.run": {"en": "Started", "ko": "시작"},
    "col.path": {"en": "File", "ko": "파일"},
    "col.table": {"en": "Table", "ko": "테이블"},
    "col.read": {"en": "Read", "ko": "읽음"},
    "col.loaded": {"en": "Loaded", "ko": "적재"},
    "col.rejected": {"en": "Rejected", "ko": "거부"},
    "col.skipped": {"en": "Already loaded", "ko": "기적재"},
    "col.outcome": {"en": "Outcome", "ko": "결과"},
    "col.row_number": {"en": "Row", "ko": "행"},
    "col.field": {"en": "Field", "ko": "필드"},
    "col.value": {"en": "Value", "ko": "값"},
    "col.reason": {"en": "Reason", "ko": "사유"},
    "col.bucket": {"en": "Days to answer", "ko": "답변 소요일"},
    # overview
    "overview.heading": {"en": "Overview: {quarter}", "ko": "개요: {quarter}"},
    "overview.complaints": {"en": "Complaints", "ko": "불만 건수"},
    "overview.change_previous": {"en": "On last quarter", "ko": "전분기 대비"},
    "overview.change_year": {"en": "On a year earlier", "ko": "전년 동기 대비"},
    "overview.unresolved": {"en": "Unresolved share", "ko": "미해결 비율"},
    "overview.tiers": {"en": "Firms per tier", "ko": "등급별 사업자 수"},
    "overview.trend": {"en": "Complaints per week", "ko": "주별 불만 건수"},
    "overview.industries": {"en": "Industries", "ko": "업종별 현황"},
    "overview.movers_up": {"en": "Top movers up", "ko": "증가 상위 사업자"},
    "overview.movers_down": {"en": "Top movers down", "ko": "감소 상위 사업자"},
    "overview.no_movers": {
        "en": "No firm moved enough to list.",
        "ko": "표시할 변동 사업자가 없습니다.",
    },
    "overview.week": {"en": "Week", "ko": "주"},
    # target list
    "targets.heading": {"en": "Target list: {quarter}", "ko": "조사 대상 목록: {quarter}"},
    "targets.as_of": {"en": "Scored as of", "ko": "기준일"},
    "targets.window": {
        "en": "Complaints received {start} to {end}, compared with the quarter before and the "
        "same quarter a year earlier.",
        "ko": "{start} ~ {end} 접수 불만을 전분기 및 전년 동기와 비교합니다.",
    },
    "targets.filters": {"en": "Filters", "ko": "필터"},
    "targets.industry": {"en": "Industry", "ko": "업종"},
    "targets.statute": {"en": "Statute", "ko": "관련 법"},
    "targets.product": {"en": "Product", "ko": "품목"},
    "targets.region": {"en": "Region", "ko": "지역"},
    "targets.tier": {"en": "Tier", "ko": "등급"},
    "targets.min_complaints": {"en": "Minimum complaints", "ko": "최소 불만 건수"},
    "targets.any": {"en": "(any)", "ko": "(전체)"},
    "targets.weights": {"en": "Weights", "ko": "가중치"},
    "targets.weights_help": {
        "en": "Move a slider and the list re-ranks at once from the cached figures.",
        "ko": "슬라이더를 움직이면 저장된 집계로 즉시 다시 순위를 매깁니다.",
    },
    "targets.reset": {"en": "Reset weights", "ko": "가중치 초기화"},
    "targets.count": {"en": "{shown} of {total} firms", "ko": "전체 {total}개 중 {shown}개 사업자"},
    "targets.empty": {
        "en": "No firm matches these filters.",
        "ko": "조건에 맞는 사업자가 없습니다.",
    },
    "targets.open_hint": {
        "en": "Press a row's Profile button to open the firm's profile.",
        "ko": "행의 프로필 버튼을 누르면 사업자 프로필이 열립니다.",
    },
    "targets.open": {"en": ":material/domain: Profile", "ko": ":material/domain: 프로필"},
    "targets.search": {"en": "Find a firm (name or id)", "ko": "사업자 찾기 (이름 또는 ID)"},
    "targets.search_help": {
        "en": "Searches every ranked firm that passes the filters, not only the rows shown.",
        "ko": "표시된 행뿐 아니라 필터를 통과한 모든 사업자에서 찾습니다.",
    },
    "targets.page": {
        "en": "Rows {first:,}-{last:,} of {total:,}",
        "ko": "{total:,}개 중 {first:,}-{last:,}행",
    },
    "targets.pages": {"en": "Rows shown", "ko": "표시할 행"},
    "targets.export_note": {
        "en": "Downloads hold all {count:,} firms that pass the filters, not only this page.",
        "ko": "내려받기에는 이 페이지만이 아니라 필터를 통과한 사업자 {count:,}곳이 모두 담깁니다.",
    },
    "targets.download_csv": {"en": "Download CSV", "ko": "CSV 내려받기"},
    "targets.download_xlsx": {"en": "Download XLSX", "ko": "XLSX 내려받기"},
    "targets.selection_note": {
        "en": "Product, region and statute narrow the list to firms with complaints of that kind "
        "in the quarter; scores stay whole-firm scores.",
        "ko": "품목·지역·법 필터는 해당 분기에 그 유형의 불만이 있는 사업자로 목록을 좁히며, "
        "점수는 사업자 전체 기준입니다.",
    },
    # company profile
    "company.choose": {"en": "Company", "ko": "사업자"},
    "company.unknown": {
        "en": "No company with id {company_id!r}.",
        "ko": "ID {company_id!r} 사업자가 없습니다.",
    },
    "company.pick": {
        "en": "Choose a company, or open one from the target list.",
        "ko": "사업자를 선택하거나 조사 대상 목록에서 여세요.",
    },
    "company.tier": {"en": "Tier", "ko": "등급"},
    "company.score": {"en": "Score", "ko": "위험 점수"},
    "company.rank": {"en": "Rank", "ko": "순위"},
    "company.rank_value": {"en": "{rank} of {total}", "ko": "{total}개 중 {rank}위"},
    "company.complaints": {"en": "Complaints this quarter", "ko": "이번 분기 불만"},
    "company.why": {"en": "Why", "ko": "선정 사유"},
    "company.timeline": {
        "en": "Monthly complaints and unresolved share",
        "ko": "월별 불만 및 미해결 비율",
    },
    "company.firm": {"en": "This firm", "ko": "해당 사업자"},
    "company.industry_pace": {
        "en": "If it had followed its industry",
        "ko": "업종 추세를 따랐을 경우",
    },
    "company.industry_unresolved": {"en": "Industry", "ko": "업종 평균"},
    "company.unresolved_axis": {"en": "Unresolved share", "ko": "미해결 비율"},
    "company.breakdown": {"en": "Products and issues this quarter", "ko": "이번 분기 품목 및 유형"},
    "company.response": {"en": "Days to answer", "ko": "답변 소요일 분포"},
    "company.response_share": {"en": "Share of answered complaints", "ko": "답변 건 중 비율"},
    "company.history": {"en": "Score and tier by quarter", "ko": "분기별 점수 및 등급"},
    "company.enforcement": {"en": "Enforcement history", "ko": "제재 이력"},
    "company.no_enforcement": {
        "en": "No enforcement actions on record.",
        "ko": "제재 이력이 없습니다.",
    },
    "company.related": {"en": "Related companies", "ko": "관련 사업자"},
    "company.no_related": {
        "en": "No related companies on record.",
        "ko": "관련 사업자가 없습니다.",
    },
    "company.recent": {"en": "Recent complaints", "ko": "최근 불만"},
    "company.masked_note": {
        "en": "Personal data (names, phone, resident registration, card and account numbers, "
        "e-mails) is masked.",
        "ko": "개인정보(이름, 전화번호, 주민등록번호, 카드·계좌번호, 이메일)는 가려져 있습니다.",
    },
    "company.link": {"en": "Link to this view", "ko": "이 화면 링크"},
    "company.reveal": {
        "en": "Reveal one narrative (investigators; logged with your reason)",
        "ko": "상담 내용 원문 보기 (조사관 전용, 사유와 함께 기록)",
    },
    "company.reveal_pick": {"en": "Complaint", "ko": "불만 건"},
    "company.reveal_reason": {
        "en": "Reason (case number and why)",
        "ko": "사유 (사건 번호와 목적)",
    },
    "company.reveal_button": {"en": "Reveal and log", "ko": "원문 보기 및 기록"},
    "company.revealed": {
        "en": "Unmasked narrative of {complaint_id}, shown once; the reveal is in the audit log.",
        "ko": "{complaint_id}의 원문입니다 (한 번만 표시). 열람 기록이 감사 로그에 남았습니다.",
    },
    "company.reveal_missing": {
        "en": "Complaint {complaint_id} of this company has no narrative.",
        "ko": "이 사업자의 {complaint_id} 건에는 상담 내용이 없습니다.",
    },
    "company.reveal_invalid": {"en": "{detail}", "ko": "{detail}"},
    # alerts
    "alerts.heading": {"en": "Early-warning alerts as of {day}", "ko": "조기 경보: {day} 기준"},
    "alerts.as_of": {"en": "Alerts as of", "ko": "경보 기준일"},
    "alerts.level": {"en": "Level", "ko": "구분"},
    "alerts.level.company": {"en": "Companies", "ko": "사업자"},
    "alerts.level.product": {"en": "Products", "ko": "품목"},
    "alerts.data_event": {
        "en": "Data event, not a surge: {evidence}",
        "ko": "개별 급증이 아닌 데이터 변동: {evidence}",
    },
    "alerts.none": {"en": "No alerts at this level.", "ko": "이 구분에 경보가 없습니다."},
    "alerts.chart": {"en": "Observed and expected per week", "ko": "주별 실제 및 기대 건수"},
    "alerts.pick": {"en": "Alert to chart", "ko": "그래프로 볼 경보"},
    "alerts.observed": {"en": "Observed", "ko": "실제"},
    "alerts.expected": {"en": "Expected", "ko": "기대"},
    "alerts.advisory_only": {"en": "Advisory candidates only", "ko": "소비자피해주의보 후보만"},
    "col.key": {"en": "Company or product", "ko": "사업자 또는 품목"},
    "col.start": {"en": "Surge began", "ko": "급증 시작 주"},
    "col.weeks": {"en": "Weeks", "ko": "주 수"},
    "col.observed": {"en": "Observed", "ko": "실제"},
    "col.expected": {"en": "Expected", "ko": "기대"},
    "col.q_value": {"en": "q-value", "ko": "q값"},
    "col.evidence": {"en": "Evidence", "ko": "근거"},
    "col.firms_rising": {"en": "Firms rising", "ko": "증가 사업자 수"},
    "col.top_firms": {"en": "Leading firms", "ko": "주요 사업자"},
    "col.advisory_candidate": {"en": "Advisory candidate", "ko": "주의보 후보"},
    "company.alert_marker": {"en": "surge alert", "ko": "급증 경보"},
    "company.alerts_loading": {
        "en": "Checking for surge alerts to mark on the timeline…",
        "ko": "타임라인에 표시할 급증 경보를 확인하는 중…",
    },
    "company.history_loading": {
        "en": "Ranking the earlier quarters…",
        "ko": "이전 분기 순위를 계산하는 중…",
    },
    "company.group_loading": {
        "en": "Ranking corporate groups…",
        "ko": "기업집단 순위를 계산하는 중…",
    },
    # corporate networks
    "network.heading": {"en": "Corporate networks: {quarter}", "ko": "기업 관계망: {quarter}"},
    "network.intro": {
        "en": "Groups are scored on their members' complaints added together, with the same "
        "factors as single firms, so harm split across subsidiaries shows at group level.",
        "ko": "그룹은 계열사 불만을 합산해 개별 사업자와 같은 요소로 평가하므로, 여러 계열사로 "
        "나뉜 피해도 그룹 단위에서 드러납니다.",
    },
    "network.top_groups": {"en": "Top corporate groups", "ko": "위험 상위 기업 그룹"},
    "network.no_groups": {
        "en": "No corporate groups on record (no parent relations).",
        "ko": "등록된 기업 그룹이 없습니다 (모회사 관계 없음).",
    },
    "network.groups_hint": {
        "en": "{groups} groups of two or more firms. Overall rank counts every group and "
        "standalone firm ({units}). Select a row to draw the group.",
        "ko": "2개 이상 사업자로 이루어진 그룹 {groups}개. 전체 순위는 모든 그룹과 단독 "
        "사업자({units}개) 기준입니다. 행을 선택하면 그룹 관계망을 그립니다.",
    },
    "network.graph": {"en": "The network around a firm", "ko": "사업자 주변 관계망"},
    "network.no_relations": {
        "en": "No relations between firms on record.",
        "ko": "등록된 사업자 간 관계가 없습니다.",
    },
    "network.firm": {"en": "Firm", "ko": "사업자"},
    "network.find": {"en": "Find a firm with relations", "ko": "관계가 있는 사업자 찾기"},
    "network.find_placeholder": {"en": "name or id", "ko": "사업자명 또는 ID"},
    "network.matches": {
        "en": "{shown} of {total} matching firms; type more to narrow them.",
        "ko": "일치하는 사업자 {total}곳 중 {shown}곳; 더 입력하면 좁혀집니다.",
    },
    "network.matches_all": {"en": "{total} matching firms.", "ko": "일치하는 사업자 {total}곳."},
    "network.no_match": {
        "en": "No firm with relations matches “{text}”.",
        "ko": "“{text}”와 일치하는 관계 보유 사업자가 없습니다.",
    },
    "network.picker_hint": {
        "en": "The top groups; search above for any of the {firms} firms with relations.",
        "ko": "상위 그룹입니다. 관계가 있는 사업자 {firms}곳은 위에서 검색하세요.",
    },
    "network.firms": {"en": "Firms", "ko": "사업자"},
    "network.node_hover": {
        "en": "{name} ({company_id}): {tier}, {complaints} complaints",
        "ko": "{name} ({company_id}): {tier}, 불만 {complaints}건",
    },
    "network.click_hint": {
        "en": "Colour shows the tier, size the complaints this quarter. Click a firm to open "
        "its profile.",
        "ko": "색은 등급, 크기는 이번 분기 불만 건수입니다. 사업자를 클릭하면 프로필이 열립니다.",
    },
    "network.suggestions": {"en": "Suggested links", "ko": "관계 후보"},
    "network.suggestions_help": {
        "en": "Firms that share a registration number, phone, address or name but have no "
        "recorded relation. Nothing changes until an analyst accepts a link.",
        "ko": "사업자등록번호, 전화번호, 주소 또는 상호가 같지만 관계가 등록되지 않은 "
        "사업자입니다. 분석관이 승인하기 전에는 아무것도 바뀌지 않습니다.",
    },
    "network.include_weak": {
        "en": "Include matches on the name alone",
        "ko": "상호만 같은 후보도 표시",
    },
    "network.suggestion_count": {
        "en": "{shown} of {total} suggestions",
        "ko": "후보 {total}건 중 {shown}건",
    },
    "network.no_suggestions": {"en": "No suggestions to review.", "ko": "검토할 후보가 없습니다."},
    "network.pick_suggestion": {"en": "Suggestion to decide", "ko": "검토할 후보"},
    "network.relation": {"en": "Relation to record", "ko": "등록할 관계"},
    "network.direction": {"en": "Direction", "ko": "방향"},
    "network.direction_value": {"en": "{src} → {dst}", "ko": "{src} → {dst}"},
    "network.decided_by": {
        "en": "Decided by {name} (your account; logged)",
        "ko": "결정자: {name} (로그인 계정, 기록됨)",
    },
    "network.decide_needs_role": {
        "en": "Accepting or rejecting links needs the analyst role.",
        "ko": "관계 승인·거부는 분석가 이상 권한이 필요합니다.",
    },
    "network.not_configured": {
        "en": "recording decisions needs a connection with the ingest role: set "
        "RADAR_INGEST_DB_URL (or [connections.ingest] url in secrets.toml)",
        "ko": "결정을 기록하려면 적재 권한 연결이 필요합니다: RADAR_INGEST_DB_URL 또는 "
        "secrets.toml의 [connections.ingest] url을 설정하세요",
    },
    "network.accept": {"en": "Accept link", "ko": "관계 승인"},
    "network.reject": {"en": "Reject", "ko": "기각"},
    "network.accepted": {
        "en": "Recorded: {first} and {second} ({relation}).",
        "ko": "등록했습니다: {first} / {second} ({relation}).",
    },
    "network.rejected": {
        "en": "Rejected: {first} and {second} will not be suggested again.",
        "ko": "기각했습니다: {first} / {second}는 다시 제안되지 않습니다.",
    },
    "network.decision_failed": {
        "en": "Not recorded: {detail}",
        "ko": "등록하지 못했습니다: {detail}",
    },
    "relation.parent": {"en": "parent", "ko": "모회사"},
    "relation.same_entity": {"en": "same entity", "ko": "동일 사업자"},
    "relation.successor": {"en": "successor", "ko": "승계"},
    "relation.platform_seller": {"en": "platform seller", "ko": "입점 판매자"},
    "relation.shared_representative": {"en": "shared representative", "ko": "대표자 동일"},
    "relation.shared_contact": {"en": "shared contact", "ko": "연락처 동일"},
    "relation.same group": {"en": "same group", "ko": "같은 그룹"},
    "relation.successor chain": {"en": "successor chain", "ko": "승계 경로"},
    "col.rank_all": {"en": "Overall rank", "ko": "전체 순위"},
    "col.group_id": {"en": "Group ID", "ko": "그룹 ID"},
    "col.group_name": {"en": "Group (head firm)", "ko": "그룹 (대표 사업자)"},
    "col.members": {"en": "Firms", "ko": "사업자 수"},
    "col.other_id": {"en": "Other company ID", "ko": "상대 사업자 ID"},
    "col.other_name": {"en": "Other name", "ko": "상대 사업자명"},
    "col.suggested": {"en": "Suggested relation", "ko": "제안 관계"},
    "col.strength": {"en": "Strength", "ko": "근거 강도"},
    "company.group": {
        "en": "Member of the group of {name} ({members} firms): group rank {rank} of {groups}, "
        "{tier}, score {score}.",
        "ko": "{name} 그룹 소속 ({members}개 사업자): 그룹 순위 {groups}개 중 {rank}위, "
        "{tier}, 점수 {score}.",
    },
    "company.network_link": {"en": "Open the network", "ko": "관계망 보기"},
    # quarterly report page and the firm report on the profile
    "report.heading": {"en": "Quarterly report: {quarter}", "ko": "분기 보고서: {quarter}"},
    "report.intro": {
        "en": "One file for the commissioners: headline figures with change on last quarter and "
        "last year, the weekly trend, industries, the investigate and monitor list with each "
        "firm's reasons, the quarter's surge alerts, firms that left a target tier, and a "
        "methodology appendix. The numbers are the ones these pages show (configured weights).",
        "ko": "위원회 보고용 파일 하나: 전분기·전년 동기 대비 주요 지표, 주별 추이, 업종별 현황, "
        "사유를 포함한 조사·중점 모니터링 대상, 분기 중 급증 경보, 대상 등급에서 내려온 사업자, "
        "방법론 부록. 수치는 이 대시보드 화면과 같습니다 (설정된 가중치 기준).",
    },
    "report.format": {"en": "Format", "ko": "형식"},
    "report.format.pptx": {
        "en": "PowerPoint (.pptx, editable tables and charts)",
        "ko": "파워포인트 (.pptx, 표와 차트 편집 가능)",
    },
    "report.format.pdf": {"en": "PDF (prints in black and white)", "ko": "PDF (흑백 인쇄 가능)"},
    "report.language": {"en": "Report language", "ko": "보고서 언어"},
    "report.build": {"en": "Prepare the report", "ko": "보고서 만들기"},
    "report.building": {"en": "Preparing the report…", "ko": "보고서를 만드는 중…"},
    "report.download": {"en": "Download {name}", "ko": "{name} 내려받기"},
    "report.ready": {
        "en": "Ready: {targets} target firms, {surges} surge alerts.",
        "ko": "완료: 대상 사업자 {targets}곳, 급증 경보 {surges}건.",
    },
    "report.cli": {
        "en": "The same file from the command line:",
        "ko": "명령줄에서 같은 파일 만들기:",
    },
    "company.firm_report": {
        "en": "Consumer voice report for this firm (PDF)",
        "ko": "이 사업자용 소비자 목소리 보고서 (PDF)",
    },
    "company.firm_report_help": {
        "en": "The firm-facing report: its own complaints against pooled industry figures; no "
        "score, tier, other firm or personal data.",
        "ko": "사업자 송부용 보고서: 해당 사업자의 불만과 업계 합계 비교만 담으며, 점수·등급·"
        "타사·개인정보는 없습니다.",
    },
    # methodology
    "method.heading": {"en": "Methodology and data", "ko": "방법론 및 데이터"},
    "method.freshness": {"en": "Data freshness", "ko": "데이터 최신성"},
    "method.latest": {"en": "Latest complaint", "ko": "최근 접수일"},
    "method.filling": {
        "en": "The latest month ({month}) is still filling: {count:,} complaints so far against "
        "{previous:,} in the month before. Scores use complete quarters only.",
        "ko": "최근 월({month})은 아직 집계 중입니다: 현재 {count:,}건 (전월 {previous:,}건). "
        "점수는 완결된 분기만 사용합니다.",
    },
    "method.complete": {
        "en": "The latest month ({month}) looks complete.",
        "ko": "최근 월({month}) 데이터는 완결된 것으로 보입니다.",
    },
    "method.counts": {"en": "What is loaded", "ko": "적재 현황"},
    "method.ingests": {"en": "Recent ingests", "ko": "최근 적재 이력"},
    "method.no_ingests": {"en": "No ingest runs yet.", "ko": "적재 이력이 없습니다."},
    "method.rejected": {"en": "Rejected rows of the selected run", "ko": "선택한 적재의 거부 행"},
    "method.run": {"en": "Ingest run", "ko": "적재 실행"},
    "method.document": {"en": "How the score works", "ko": "점수 산정 방식"},
    # ingest page
    "ingest.heading": {"en": "Load data", "ko": "데이터 적재"},
    "ingest.intro": {
        "en": "Upload a CSV or Parquet file: the same checks as `python cli.py ingest`. Every row "
        "is loaded or rejected with a reason; loading the same file twice changes nothing.",
        "ko": "CSV 또는 Parquet 파일을 올리세요. `python cli.py ingest`와 같은 검사를 합니다. 모든 "
        "행은 적재되거나 사유와 함께 거부되며, 같은 파일을 두 번 올려도 바뀌지 않습니다.",
    },
    "ingest.file": {
        "en": "File (CSV or Parquet, at most {mb} MB)",
        "ko": "파일 (CSV 또는 Parquet, 최대 {mb}MB)",
    },
    "ingest.table": {"en": "Table", "ko": "테이블"},
    "ingest.table_auto": {"en": "(from the header)", "ko": "(헤더로 판단)"},
    "ingest.format": {"en": "Format", "ko": "형식"},
    "ingest.encoding": {"en": "Encoding (empty: detect)", "ko": "인코딩 (비우면 자동)"},
    "ingest.submit": {"en": "Load", "ko": "적재"},
    "ingest.columns": {"en": "Columns each table takes", "ko": "테이블별 열 목록"},
    "ingest.too_big": {
        "en": "The file has {size} MB; the limit is {mb} MB. Load it with `python cli.py ingest`.",
        "ko": "파일이 {size}MB로 한도 {mb}MB를 넘습니다. `python cli.py ingest`로 적재하세요.",
    },
    "ingest.binary": {
        "en": "{name} is not a CSV or Parquet file: {detail}",
        "ko": "{name}은(는) CSV나 Parquet 파일이 아닙니다: {detail}",
    },
    "ingest.failed": {
        "en": "{name} was not loaded, nothing changed: {detail}",
        "ko": "{name}을(를) 적재하지 못했으며 아무것도 바뀌지 않았습니다: {detail}",
    },
    "ingest.done": {"en": "{name}: {summary}", "ko": "{name}: {summary}"},
    "ingest.unknown_columns": {
        "en": "Columns this table does not have were ignored: {columns}",
        "ko": "이 테이블에 없는 열은 무시했습니다: {columns}",
    },
    "ingest.note": {"en": "Note: {note}", "ko": "참고: {note}"},
    "ingest.rejected": {"en": "Rejected rows (values masked)", "ko": "거부된 행 (값 마스킹)"},
    "ingest.not_configured": {
        "en": "Loading from the dashboard needs a connection with the ingest role: set "
        "RADAR_INGEST_DB_URL (or `[connections.ingest] url` in secrets.toml).",
        "ko": "대시보드에서 적재하려면 적재 권한 연결이 필요합니다: RADAR_INGEST_DB_URL 또는 "
        "secrets.toml의 `[connections.ingest] url`을 설정하세요.",
    },
    "ingest.busy": {
        "en": "The warehouse file is in use by another session; try again in a moment ({detail}).",
        "ko": "다른 세션이 웨어하우스 파일을 사용 중입니다. 잠시 후 다시 시도하세요 ({detail}).",
    },
    # audit log page
    "audit.heading": {"en": "Audit log", "ko": "감사 로그"},
    "audit.intro": {
        "en": "Every sign-in, profile view, reveal, download, load and account change, "
        "append-only. Times are UTC.",
        "ko": "모든 로그인, 프로필 열람, 원문 열람, 내려받기, 적재, 계정 변경 기록입니다 "
        "(추가만 가능). 시각은 UTC입니다.",
    },
    "audit.from": {"en": "From", "ko": "시작일"},
    "audit.to": {"en": "To", "ko": "종료일"},
    "audit.user": {"en": "User", "ko": "사용자"},
    "audit.action": {"en": "Action", "ko": "행위"},
    "audit.outcome": {"en": "Outcome", "ko": "결과"},
    "audit.text": {"en": "Object or reason contains", "ko": "대상 또는 사유 포함"},
    "audit.any": {"en": "(any)", "ko": "(전체)"},
    "audit.count": {"en": "{count} rows", "ko": "{count}건"},
    "audit.download": {"en": "Download the rows shown (CSV)", "ko": "표시된 행 내려받기 (CSV)"},
    "col.audit_id": {"en": "#", "ko": "번호"},
    "col.at": {"en": "When (UTC)", "ko": "시각 (UTC)"},
    "col.username": {"en": "User", "ko": "사용자"},
    "col.role": {"en": "Role", "ko": "권한"},
    "col.object": {"en": "Object", "ko": "대상"},
    "col.detail": {"en": "Detail", "ko": "상세"},
    "col.disabled": {"en": "Disabled", "ko": "사용 중지"},
    "col.created_at": {"en": "Created (UTC)", "ko": "생성 (UTC)"},
    "col.updated_at": {"en": "Changed (UTC)", "ko": "변경 (UTC)"},
    "col.local_password": {"en": "Local password", "ko": "로컬 비밀번호"},
    # users page
    "users.heading": {"en": "Users", "ko": "사용자"},
    "users.intro": {
        "en": "Accounts are managed on the server with `python cli.py user add|role|disable|"
        "enable|password`; each change is in the audit log.",
        "ko": "계정은 서버에서 `python cli.py user add|role|disable|enable|password`로 관리하며, "
        "모든 변경은 감사 로그에 남습니다.",
    },
    "users.roles": {"en": "What each role may do", "ko": "권한별 허용 범위"},
    "users.may": {"en": "Adds to the role above", "ko": "앞 권한에 더해 허용"},
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
