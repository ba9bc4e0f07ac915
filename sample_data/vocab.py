"""Fixed vocabularies of the sample world: industries, products, issues, regions, names, texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Industry:
    """One industry: its share of firms, size, complaint rate, products and typical claims."""

    name: str
    firm_share: float
    log10_exposure: float  # median firm size (customers), log10
    rate: float  # complaints per 1,000 customers per year at frailty 1
    products: tuple[tuple[str, float], ...]  # (product, share of the industry's complaints)
    issues: tuple[tuple[str, float], ...]  # (issue, weight)
    months: tuple[float, ...]  # relative complaint level, January to December
    amount_median: float  # KRW
    local: float  # share of a firm's complainants from its home region (local businesses)
    words: tuple[str, ...]  # words that appear in firm names


STATUTES: tuple[str, ...] = (
    "labelling_advertising",
    "terms_conditions",
    "ecommerce",
    "door_to_door",
    "instalment",
    "general",
)

# Each issue names the statute it falls under; the order fixes the issue index.
ISSUE_STATUTES: tuple[tuple[str, str], ...] = (
    ("False or exaggerated advertising", "labelling_advertising"),
    ("Misleading price display", "labelling_advertising"),
    ("Product not as described", "labelling_advertising"),
    ("Unfair cancellation fee", "terms_conditions"),
    ("Refusal to refund", "terms_conditions"),
    ("Unilateral change of terms", "terms_conditions"),
    ("Automatic renewal without consent", "terms_conditions"),
    ("Non-delivery", "ecommerce"),
    ("Withdrawal of order refused", "ecommerce"),
    ("Delayed delivery", "ecommerce"),
    ("Seller unreachable", "ecommerce"),
    ("Pressure sale at home", "door_to_door"),
    ("Telemarketing contract dispute", "door_to_door"),
    ("Instalment contract cancellation refused", "instalment"),
    ("Instalment charges after cancellation", "instalment"),
    ("Poor service quality", "general"),
    ("Defective product", "general"),
    ("Service discontinued", "general"),
    ("Billing error", "general"),
    ("Personal data misuse", "general"),
)
ISSUES: tuple[str, ...] = tuple(issue for issue, _ in ISSUE_STATUTES)

# How much more often each issue appears among complaints from a firm in trouble (refunds
# refused, sellers gone): multiplies the firm's usual issue weights for "excess" complaints.
DISTRESS_TILT: dict[str, float] = {
    "Refusal to refund": 5.0,
    "Unfair cancellation fee": 2.0,
    "Non-delivery": 4.0,
    "Withdrawal of order refused": 2.0,
    "Seller unreachable": 6.0,
    "Service discontinued": 6.0,
    "Instalment charges after cancellation": 3.0,
    "Instalment contract cancellation refused": 2.0,
    "Poor service quality": 0.5,
    "Defective product": 0.5,
}

# Share of complaints with no claimed amount, by issue (default for issues not listed).
AMOUNT_MISSING: dict[str, float] = {
    "Poor service quality": 0.65,
    "Personal data misuse": 0.8,
    "Delayed delivery": 0.5,
}
AMOUNT_MISSING_DEFAULT = 0.3

_FLAT = (1.0,) * 12

INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        name="e-commerce",
        firm_share=0.22,
        log10_exposure=4.3,
        rate=1.2,
        products=(
            ("Online clothing", 0.28),
            ("Electronics (online)", 0.22),
            ("Gift certificates", 0.15),
            ("Groceries (online)", 0.15),
            ("Cosmetics (online)", 0.20),
        ),
        issues=(
            ("Non-delivery", 10),
            ("Withdrawal of order refused", 9),
            ("Delayed delivery", 8),
            ("Seller unreachable", 3),
            ("Refusal to refund", 8),
            ("Product not as described", 7),
            ("False or exaggerated advertising", 3),
            ("Misleading price display", 3),
            ("Defective product", 6),
            ("Poor service quality", 3),
            ("Personal data misuse", 1),
        ),
        months=(1.0, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 1.0, 1.0, 1.15, 1.1),
        amount_median=90_000,
        local=0.0,
        words=("Commerce", "Mall", "Shopping", "Market", "Online", "Store", "Deal"),
    ),
    Industry(
        name="telecom",
        firm_share=0.04,
        log10_exposure=5.4,
        rate=0.35,
        products=(
            ("Mobile phone plan", 0.45),
            ("Internet service", 0.25),
            ("IPTV", 0.12),
            ("Smartphone device", 0.18),
        ),
        issues=(
            ("Unfair cancellation fee", 8),
            ("Unilateral change of terms", 5),
            ("Billing error", 8),
            ("Telemarketing contract dispute", 6),
            ("Poor service quality", 7),
            ("Misleading price display", 4),
            ("False or exaggerated advertising", 3),
            ("Defective product", 3),
            ("Personal data misuse", 2),
            ("Automatic renewal without consent", 2),
        ),
        months=(1.05, 1.0, 1.1, 1.0, 1.0, 0.95, 0.95, 1.0, 1.05, 1.0, 0.95, 0.95),
        amount_median=150_000,
        local=0.0,
        words=("Telecom", "Mobile", "Networks", "Communications", "Telelink"),
    ),
    Industry(
        name="finance",
        firm_share=0.07,
        log10_exposure=4.9,
        rate=0.3,
        products=(
            ("Credit card", 0.4),
            ("Personal loan", 0.25),
            ("Mobile payment", 0.2),
            ("Savings account", 0.15),
        ),
        issues=(
            ("Billing error", 7),
            ("Unilateral change of terms", 6),
            ("Unfair cancellation fee", 4),
            ("Misleading price display", 3),
            ("Telemarketing contract dispute", 4),
            ("Poor service quality", 5),
            ("Personal data misuse", 3),
            ("Instalment charges after cancellation", 4),
        ),
        months=_FLAT,
        amount_median=1_200_000,
        local=0.0,
        words=("Capital", "Card", "Financial", "Savings Bank", "Credit", "Pay"),
    ),
    Industry(
        name="travel",
        firm_share=0.09,
        log10_exposure=3.9,
        rate=2.5,
        products=(
            ("Package tour", 0.35),
            ("Airline ticket", 0.3),
            ("Hotel booking", 0.25),
            ("Car rental", 0.10),
        ),
        issues=(
            ("Unfair cancellation fee", 10),
            ("Refusal to refund", 8),
            ("Unilateral change of terms", 4),
            ("False or exaggerated advertising", 4),
            ("Misleading price display", 3),
            ("Poor service quality", 6),
            ("Service discontinued", 1),
        ),
        months=(0.95, 0.85, 0.8, 0.85, 0.95, 1.05, 1.35, 1.45, 1.1, 1.0, 0.8, 0.85),
        amount_median=1_100_000,
        local=0.0,
        words=("Tour", "Travel", "Air", "Holidays", "Trip", "Tours"),
    ),
    Industry(
        name="education",
        firm_share=0.12,
        log10_exposure=3.2,
        rate=4.0,
        products=(
            ("Online course", 0.35),
            ("Language academy", 0.3),
            ("Study materials", 0.2),
            ("Private tutoring", 0.15),
        ),
        issues=(
            ("Refusal to refund", 9),
            ("Unfair cancellation fee", 7),
            ("Instalment contract cancellation refused", 5),
            ("Instalment charges after cancellation", 3),
            ("Pressure sale at home", 3),
            ("Telemarketing contract dispute", 4),
            ("False or exaggerated advertising", 4),
            ("Poor service quality", 5),
        ),
        months=(1.0, 1.1, 1.45, 1.05, 0.9, 0.85, 0.85, 0.95, 1.35, 1.0, 0.8, 0.8),
        amount_median=800_000,
        local=0.6,
        words=("Academy", "Edu", "Learning", "Language Institute", "Study", "Campus"),
    ),
    Industry(
        name="fitness",
        firm_share=0.11,
        log10_exposure=2.9,
        rate=6.0,
        products=(
            ("Gym membership", 0.45),
            ("PT package", 0.3),
            ("Pilates/Yoga class", 0.17),
            ("Swimming lessons", 0.08),
        ),
        issues=(
            ("Refusal to refund", 10),
            ("Unfair cancellation fee", 8),
            ("Instalment contract cancellation refused", 3),
            ("Instalment charges after cancellation", 2),
            ("Service discontinued", 2),
            ("Unilateral change of terms", 3),
            ("Poor service quality", 4),
            ("False or exaggerated advertising", 2),
        ),
        months=(1.35, 1.15, 1.05, 1.0, 1.05, 1.05, 0.95, 0.9, 0.9, 0.9, 0.85, 0.95),
        amount_median=650_000,
        local=0.75,
        words=("Fitness", "Gym", "Pilates", "Sports Club", "Health Club", "Yoga"),
    ),
    Industry(
        name="subscriptions",
        firm_share=0.08,
        log10_exposure=4.3,
        rate=0.9,
        products=(
            ("Streaming service", 0.35),
            ("Meal kit subscription", 0.25),
            ("Music streaming", 0.2),
            ("Magazine subscription", 0.2),
        ),
        issues=(
            ("Automatic renewal without consent", 10),
            ("Refusal to refund", 6),
            ("Unfair cancellation fee", 4),
            ("Billing error", 5),
            ("Unilateral change of terms", 4),
            ("Non-delivery", 2),
            ("Poor service quality", 3),
            ("Misleading price display", 2),
        ),
        months=(1.05, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 1.0),
        amount_median=40_000,
        local=0.0,
        words=("Media", "Streaming", "Box", "Subscriptions", "Play", "Kitchen"),
    ),
    Industry(
        name="insurance",
        firm_share=0.06,
        log10_exposure=4.9,
        rate=0.35,
        products=(
            ("Health insurance", 0.4),
            ("Car insurance", 0.3),
            ("Life insurance", 0.2),
            ("Travel insurance", 0.1),
        ),
        issues=(
            ("Unilateral change of terms", 6),
            ("Misleading price display", 3),
            ("False or exaggerated advertising", 4),
            ("Telemarketing contract dispute", 6),
            ("Refusal to refund", 5),
            ("Poor service quality", 5),
            ("Billing error", 3),
            ("Personal data misuse", 2),
        ),
        months=_FLAT,
        amount_median=2_000_000,
        local=0.0,
        words=("Insurance", "Life", "Fire & Marine", "Assurance", "General Insurance"),
    ),
    Industry(
        name="home appliances",
        firm_share=0.11,
        log10_exposure=3.8,
        rate=1.8,
        products=(
            ("Water purifier rental", 0.3),
            ("Air conditioner", 0.3),
            ("Washing machine", 0.2),
            ("Massage chair rental", 0.2),
        ),
        issues=(
            ("Defective product", 10),
            ("Poor service quality", 7),
            ("Unfair cancellation fee", 5),
            ("Pressure sale at home", 4),
            ("Instalment contract cancellation refused", 3),
            ("Delayed delivery", 3),
            ("Product not as described", 3),
        ),
        months=(0.85, 0.85, 0.9, 0.95, 1.05, 1.25, 1.35, 1.3, 1.0, 0.9, 0.8, 0.8),
        amount_median=700_000,
        local=0.0,
        words=("Electronics", "Rental", "Living", "Appliance", "Home Tech", "Water"),
    ),
    Industry(
        name="used cars",
        firm_share=0.10,
        log10_exposure=2.9,
        rate=7.0,
        products=(
            ("Used car purchase", 0.6),
            ("Car repair", 0.25),
            ("Car lease", 0.15),
        ),
        issues=(
            ("Product not as described", 9),
            ("False or exaggerated advertising", 6),
            ("Defective product", 7),
            ("Refusal to refund", 4),
            ("Instalment contract cancellation refused", 3),
            ("Misleading price display", 3),
            ("Poor service quality", 3),
        ),
        months=(0.95, 1.0, 1.1, 1.1, 1.05, 1.0, 0.95, 0.95, 1.0, 1.0, 0.95, 0.95),
        amount_median=4_000_000,
        local=0.5,
        words=("Motors", "Auto", "Car Market", "Cars", "Motor Trading"),
    ),
)

INDUSTRY_NAMES: tuple[str, ...] = tuple(i.name for i in INDUSTRIES)
PRODUCTS: tuple[str, ...] = tuple(p for i in INDUSTRIES for p, _ in i.products)

CHANNELS: tuple[tuple[str, float], ...] = (
    ("Phone 1372", 0.45),
    ("Web", 0.27),
    ("Mobile app", 0.18),
    ("Email", 0.07),
    ("Visit", 0.03),
)
# Complainants writing online leave a narrative more often than those who phone.
NARRATIVE_SHARE: dict[str, float] = {
    "Phone 1372": 0.2,
    "Web": 0.5,
    "Mobile app": 0.45,
    "Email": 0.6,
    "Visit": 0.3,
}

# Resident population in millions (2024, rounded): the complainants' regions.
REGIONS: tuple[tuple[str, float], ...] = (
    ("Seoul", 9.4),
    ("Busan", 3.3),
    ("Daegu", 2.4),
    ("Incheon", 3.0),
    ("Gwangju", 1.4),
    ("Daejeon", 1.4),
    ("Ulsan", 1.1),
    ("Sejong", 0.39),
    ("Gyeonggi", 13.6),
    ("Gangwon", 1.5),
    ("Chungbuk", 1.6),
    ("Chungnam", 2.1),
    ("Jeonbuk", 1.75),
    ("Jeonnam", 1.8),
    ("Gyeongbuk", 2.55),
    ("Gyeongnam", 3.25),
    ("Jeju", 0.67),
)

# Mon..Sun relative intake; the 1372 line is closed at weekends, web and app are not.
WEEKDAY_LEVELS: tuple[float, ...] = (1.22, 1.18, 1.14, 1.10, 1.04, 0.72, 0.60)
YEARLY_TREND = 0.04  # mild growth of complaint volume per year

# Lunar New Year (Seollal) and harvest festival (Chuseok) days; intake drops on these days
# and online-shopping complaints (gift sets, late deliveries) rise around them.
SEOLLAL: tuple[date, ...] = (
    date(2020, 1, 25),
    date(2021, 2, 12),
    date(2022, 2, 1),
    date(2023, 1, 22),
    date(2024, 2, 10),
    date(2025, 1, 29),
    date(2026, 2, 17),
    date(2027, 2, 7),
    date(2028, 1, 27),
    date(2029, 2, 13),
    date(2030, 2, 3),
)
CHUSEOK: tuple[date, ...] = (
    date(2020, 10, 1),
    date(2021, 9, 21),
    date(2022, 9, 10),
    date(2023, 9, 29),
    date(2024, 9, 17),
    date(2025, 10, 6),
    date(2026, 9, 25),
    date(2027, 9, 15),
    date(2028, 10, 3),
    date(2029, 9, 22),
    date(2030, 9, 12),
)

ACTIONS: tuple[str, ...] = ("warning", "corrective order", "fine", "consent decree")

# --- firm names -----------------------------------------------------------------------------

NAME_STEMS: tuple[str, ...] = (
    "Hanbit",
    "Daehan",
    "Saerom",
    "Mirae",
    "Nuri",
    "Hanul",
    "Gaon",
    "Haneul",
    "Bitsaem",
    "Chorok",
    "Areum",
    "Jinheung",
    "Daewon",
    "Seongji",
    "Hwasin",
    "Yeongjin",
    "Taeyang",
    "Bomnal",
    "Sejong",
    "Arirang",
    "Cheongun",
    "Donghae",
    "Namsan",
    "Bukhan",
    "Jeil",
    "Samjin",
    "Dongbang",
    "Hanmaum",
    "Saebyeok",
    "Pureun",
    "Hangang",
    "Geumgang",
    "Baekdu",
    "Halla",
    "Jirisan",
    "Seorak",
    "Insung",
    "Chungmu",
    "Gyeongin",
    "Honam",
    "Yeongnam",
    "Kwangmyung",
    "Seorin",
    "Dasom",
    "Yeoreum",
    "Gaeul",
    "Haeoreum",
    "Byeolbit",
    "Narae",
    "Saeum",
    "Onnuri",
    "Hanyang",
    "Sinil",
    "Daesung",
    "Kukje",
    "Dongil",
    "Seil",
    "Samhwa",
    "Daeil",
    "Myeongseong",
    "Sunjin",
    "Eunha",
    "Jinju",
    "Hwanggeum",
    "Noeul",
    "Mirinae",
    "Saetbyeol",
    "Haemil",
    "Dure",
    "Sonamu",
    "Bada",
    "Maeul",
    "Gaenari",
    "Hyanggi",
    "Sarang",
    "Haenim",
    "Dalbit",
    "Yeonhwa",
    "Cheonji",
    "Gukmin",
)
NAME_QUALIFIERS: tuple[str, ...] = (
    "Global",
    "Korea",
    "Plus",
    "One",
    "Prime",
    "Smart",
    "Star",
    "First",
    "New",
    "Premier",
    "Busan",
    "Gangnam",
    "Incheon",
    "Daegu",
    "Jeju",
    "Suwon",
    "Pangyo",
)
LEGAL_FORMS: tuple[tuple[str, float], ...] = (
    ("Co., Ltd.", 0.5),
    ("Inc.", 0.2),
    ("Corp.", 0.15),
    ("", 0.15),
)

# --- people (for narratives) ------------------------------------------------------------------

# Surnames with their approximate population shares (Statistics Korea census), and their usual
# romanisation for e-mail addresses.
SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("김", "kim", 21.5),
    ("이", "lee", 14.7),
    ("박", "park", 8.4),
    ("최", "choi", 4.7),
    ("정", "jung", 4.3),
    ("강", "kang", 2.3),
    ("조", "cho", 2.1),
    ("윤", "yoon", 2.1),
    ("장", "jang", 2.0),
    ("임", "lim", 1.7),
    ("한", "han", 1.5),
    ("오", "oh", 1.5),
    ("서", "seo", 1.5),
    ("신", "shin", 1.4),
    ("권", "kwon", 1.4),
    ("황", "hwang", 1.4),
    ("안", "ahn", 1.3),
    ("송", "song", 1.3),
    ("류", "ryu", 1.2),
    ("홍", "hong", 1.1),
)
GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("민수", "minsu"),
    ("지영", "jiyoung"),
    ("서준", "seojun"),
    ("하윤", "hayoon"),
    ("지훈", "jihoon"),
    ("유나", "yuna"),
    ("도현", "dohyun"),
    ("은지", "eunji"),
    ("현우", "hyunwoo"),
    ("소라", "sora"),
    ("태호", "taeho"),
    ("미나", "mina"),
    ("준호", "junho"),
    ("수진", "sujin"),
    ("길동", "gildong"),
    ("영희", "younghee"),
    ("철수", "cheolsu"),
    ("서연", "seoyeon"),
    ("민준", "minjun"),
    ("예린", "yerin"),
    ("성민", "sungmin"),
    ("혜진", "hyejin"),
    ("재원", "jaewon"),
    ("다은", "daeun"),
    ("정훈", "junghoon"),
    ("경희", "kyunghee"),
    ("상우", "sangwoo"),
    ("수빈", "subin"),
)
EMAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("naver.com", 0.45),
    ("gmail.com", 0.25),
    ("daum.net", 0.12),
    ("hanmail.net", 0.08),
    ("kakao.com", 0.06),
    ("nate.com", 0.04),
)
LANDLINE_AREAS: tuple[str, ...] = (
    "02",
    "031",
    "032",
    "051",
    "053",
    "062",
    "042",
    "052",
    "044",
    "033",
    "043",
    "041",
    "063",
    "061",
    "054",
    "055",
    "064",
)
# (bank, digit groups of its account numbers)
BANKS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("국민은행", (6, 2, 6)),
    ("신한은행", (3, 3, 6)),
    ("우리은행", (4, 3, 6)),
    ("하나은행", (3, 6, 5)),
    ("농협", (3, 4, 4, 2)),
    ("카카오뱅크", (4, 2, 7)),
    ("기업은행", (3, 6, 2, 3)),
)

# --- narrative templates --------------------------------------------------------------------
# Bodies by statute, then a closing that carries the complainant's personal data (the masking
# code must find it). Placeholders: company, product, date, amount, name, phone, rrn, email,
# card, account.

BODIES: dict[str, tuple[str, ...]] = {
    "labelling_advertising": (
        "{company}의 광고를 보고 {product} 상품을 구매했는데 광고 내용과 전혀 달랐습니다. "
        "{date}에 구입했고 결제 금액은 {amount}입니다.",
        "'최저가', '100% 환불 보장'이라는 광고를 믿고 {product} 계약을 했는데 실제로는 "
        "추가 요금이 붙었습니다.",
        "{product} 상품 설명에 적힌 사양과 실제 제품이 다릅니다. 허위·과장 광고로 신고합니다.",
    ),
    "terms_conditions": (
        "{date}에 {product} 계약 해지를 요청했으나 {company} 측에서 과도한 위약금({amount})을 "
        "요구합니다.",
        "{product} 환불을 요청한 지 한 달이 넘었는데 업체가 환불을 계속 거부하고 있습니다.",
        "{company}에서 사전 동의 없이 약관을 바꾸고 {product} 요금을 자동으로 갱신 결제했습니다.",
    ),
    "ecommerce": (
        "{date}에 온라인으로 {product} 상품을 주문하고 {amount}을 결제했는데 아직 배송을 받지 "
        "못했습니다.",
        "주문하고 3일 만에 청약철회를 요청했는데 판매자가 단순 변심은 안 된다며 거부합니다. "
        "상품: {product}",
        "{company} 판매자와 연락이 되지 않습니다. 고객센터도 전화를 받지 않고 {product} 주문 "
        "취소도 안 됩니다.",
    ),
    "door_to_door": (
        "{date}에 집으로 찾아온 영업사원이 {product} 계약을 강요했습니다. 연로하신 부모님 명의로 "
        "계약이 체결되었습니다.",
        "전화 권유로 {product} 계약을 했는데 14일 이내에 철회를 요청해도 받아주지 않습니다.",
    ),
    "instalment": (
        "{product} 비용을 12개월 할부로 결제했는데 서비스가 중단된 뒤에도 할부금이 계속 "
        "청구됩니다. 남은 할부금은 {amount}입니다.",
        "{date}에 할부계약 철회를 내용증명으로 보냈지만 {company}에서 처리하지 않고 있습니다.",
    ),
    "general": (
        "{product} 서비스 품질이 너무 나쁩니다. 여러 번 항의했지만 나아지지 않습니다.",
        "{date}에 구입한 {product} 제품에 하자가 있어 교환을 요청했으나 거절당했습니다.",
        "{company}이(가) 갑자기 영업을 중단해서 남은 {product} 이용권({amount})을 쓸 수 없게 "
        "되었습니다.",
        "동의하지 않은 요금 {amount}이 청구되었습니다. 청구 내역 확인을 부탁드립니다.",
    ),
}

# (closing, weight); an empty closing leaves the narrative without personal data.
CLOSINGS: tuple[tuple[str, float], ...] = (
    ("성명 {name}, 연락처 {phone}.", 0.16),
    ("연락처: {phone} / 이메일: {email}", 0.12),
    (
        "신청인 {name}(주민등록번호 {rrn}) 명의로 가입했습니다. 연락은 {phone}으로 부탁드립니다.",
        0.1,
    ),
    ("결제한 카드번호는 {card}이고, 환불은 {account} 계좌로 받고 싶습니다.", 0.08),
    ("신청인 {name}, 전화 {phone}, 메일 {email}", 0.1),
    ("회신은 {email}로 주세요. 급하면 {phone}로 연락 바랍니다.", 0.08),
    ("[상담원 메모] {name} 고객 {phone} 통화, 카드 {card} 결제 취소 요청.", 0.07),
    ("본인확인: {name} {rrn}", 0.06),
    ("환불계좌 {account} (예금주 {name}), 연락처 {phone}", 0.07),
    ("어머니({name}, {rrn}) 대신 접수합니다. 제 번호는 {phone}입니다.", 0.06),
    ("", 0.1),
)
