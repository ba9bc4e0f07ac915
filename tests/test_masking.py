"""Masking of personal data: recall on planted values, false positives, properties, examples."""

from __future__ import annotations

import ast
import re
import string
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy import (
    PII_TYPES,
    TOKENS,
    Finding,
    confidence,
    find_pii,
    mask_expr,
    mask_frame,
    mask_text,
)
from privacy.patterns import STEPS
from sample_data import pii, vocab

SEED = 9_2026
CORPUS_ROWS = 2_000
RECALL_FLOOR = {"rrn": 0.99, "card": 0.99, "phone": 0.99, "email": 0.99, "account": 0.95}
# Names are only found in context (a label before, a title after); in those contexts we expect
# at least this much, the generator's names all use common surnames and syllables.
NAME_RECALL_FLOOR = 0.90
PRIVACY_DIR = Path(__file__).resolve().parent.parent / "privacy"


@dataclass(frozen=True)
class Planted:
    """A personal value put into a text: its type and span."""

    kind: str
    start: int
    end: int


# --- building the planted corpus ----------------------------------------------------------------


def fill(template: str, values: dict[str, str]) -> tuple[str, list[Planted]]:
    """Fill a str.format template and note where each personal value landed."""
    parts: list[str] = []
    planted: list[Planted] = []
    at = 0
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        at += len(literal)
        if field is None:
            continue
        value = values[field]
        if field in PII_TYPES:
            # "국민은행 123456-12-123456": the bank name is not personal, the number is.
            skip = value.index(" ") + 1 if field == "account" else 0
            planted.append(Planted(field, at + skip, at + len(value)))
        parts.append(value)
        at += len(value)
    return "".join(parts), planted


def company_names(rng: np.random.Generator, n: int) -> list[str]:
    """Firm names in the sample world's style ("Hanbit Mall Co., Ltd.")."""
    words = [w for industry in vocab.INDUSTRIES for w in industry.words]
    forms = [f for f, _ in vocab.LEGAL_FORMS]
    return [
        f"{vocab.NAME_STEMS[a]} {words[b]} {forms[c]}".strip()
        for a, b, c in zip(
            rng.integers(0, len(vocab.NAME_STEMS), n),
            rng.integers(0, len(words), n),
            rng.integers(0, len(forms), n),
            strict=True,
        )
    ]


def plain_slots(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    """Values of the non-personal placeholders: company, product, date, amount."""
    companies = company_names(rng, n)
    products = rng.integers(0, len(vocab.PRODUCTS), n)
    years, months, days = (
        rng.integers(2023, 2027, n),
        rng.integers(1, 13, n),
        rng.integers(1, 29, n),
    )
    amounts = rng.integers(1, 500, n)
    return [
        {
            "company": companies[k],
            "product": vocab.PRODUCTS[products[k]],
            "date": f"{years[k]}년 {months[k]}월 {days[k]}일",
            "amount": f"{amounts[k]}만원" if k % 3 else f"{amounts[k] * 1000:,}원",
        }
        for k in range(n)
    ]


def personal_slots(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    """Personal values from sample_data.pii, in the shapes the generator plants."""
    people = pii.people(rng, n)
    columns = {
        "name": people["name"],
        "email": people["email"],
        "phone": pii.phone_numbers(rng, n),
        "rrn": pii.resident_numbers(rng, n),
        "card": pii.card_numbers(rng, n),
        "account": pii.bank_accounts(rng, n),
    }
    return [{key: str(col[k]) for key, col in columns.items()} for k in range(n)]


BODIES = tuple(b for statute in vocab.STATUTES for b in vocab.BODIES[statute])
CLOSINGS = tuple((c, w) for c, w in vocab.CLOSINGS if c)
# The contexts the requirement names, beyond the generator's own closings.
NAME_CONTEXTS = (
    "{name} 고객님께서 환불을 요청하셨습니다.",
    "{name}씨 명의로 계약되었습니다.",
    "{name} 님 앞으로 청구서가 왔습니다.",
    "저는 {name}입니다. 도와주세요.",
    "성명: {name}",
    "이름 {name}, 연락처는 따로 드리겠습니다.",
    "담당자 {name}에게 세 번 연락했습니다.",
    "{name} 과장이 환불을 거절했습니다.",
    "제 이름은 {name}이고 피해자입니다.",
    "예금주: {name}",
)


def planted_corpus(seed: int, n: int) -> list[tuple[str, list[Planted]]]:
    """Narratives as the generator writes them (a body, then a closing with personal data)."""
    rng = np.random.default_rng(seed)
    plain, personal = plain_slots(rng, n), personal_slots(rng, n)
    weights = np.array([w for _, w in CLOSINGS])
    bodies = rng.integers(0, len(BODIES), n)
    closings = rng.choice(len(CLOSINGS), n, p=weights / weights.sum())
    rows = []
    for k in range(n):
        template = f"{BODIES[bodies[k]]} {CLOSINGS[closings[k]][0]}"
        rows.append(fill(template, plain[k] | personal[k]))
    return rows


def name_corpus(seed: int, n: int) -> list[tuple[str, list[Planted]]]:
    """Names from sample_data.pii in each of the contexts the requirement lists."""
    rng = np.random.default_rng(seed)
    people = pii.people(rng, n)["name"]
    return [fill(NAME_CONTEXTS[k % len(NAME_CONTEXTS)], {"name": people[k]}) for k in range(n)]


def pii_free_texts(seed: int, n: int) -> list[str]:
    """Narrative bodies and closings with every personal placeholder left blank."""
    rng = np.random.default_rng(seed)
    blank = dict.fromkeys(PII_TYPES, "")
    plain = plain_slots(rng, n)
    texts = [BODIES[k % len(BODIES)].format_map(plain[k]) for k in range(n)]
    texts += [c.format_map(blank) for c, _ in CLOSINGS]
    texts += [c.format_map(blank) for c in NAME_CONTEXTS]
    return texts


# --- harder shapes than the generator's ------------------------------------------------------------

# Shapes the issue names beyond the generator's own: +82 and international prefixes, spaces,
# full-width digits, numbers glued to Hangul, resident numbers without a hyphen or issued since
# 2020 (random final digits), Amex grouping, full-width e-mail addresses.
PHONE_SHAPES = (
    "010-{m}-{l}",
    "010 {m} {l}",
    "010.{m}.{l}",
    "010{m}{l}",
    "010 - {m} - {l}",
    "+82 10-{m}-{l}",
    "+82-10-{m}-{l}",
    "+82 (0)10 {m} {l}",
    "+8210{m}{l}",
    "0082-10-{m}-{l}",
    "001-82-10-{m}-{l}",
    "00700 82 10 {m} {l}",
    "02-{m}-{l}",
    "02) {m}-{l}",
    "031-{m}-{l}",
    "070-{m}-{l}",
    "0505-{m}-{l}",
)
HARD_TEMPLATES = {
    "phone": (
        "연락처{phone}로 연락 주세요.",
        "전화: {phone}",
        "사무실 ({phone} 입니다",
        "{phone}번",
    ),
    "rrn": ("주민번호{rrn}이고 명의도용입니다.", "주민등록번호: {rrn}", "생년월일 {rrn} 본인"),
    "card": ("카드{card}로 결제했습니다.", "카드번호 {card} 결제취소", "{card}카드"),
    "email": ("메일{email} 으로 보냈습니다.", "이메일: {email}", "({email})"),
    "account": ("환불은 {account}로 받고 싶습니다.", "입금 계좌: {account}", "{account} 계좌로"),
}
FULL_WIDTH = str.maketrans(
    "0123456789-+@.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "０１２３４５６７８９－＋＠．ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
)


def _digits(rng: np.random.Generator, n: int) -> str:
    """n random digits."""
    return "".join(str(d) for d in rng.integers(0, 10, n))


def hard_value(kind: str, rng: np.random.Generator) -> str:
    """One personal value of `kind` in one of the harder shapes, a third of them full-width."""
    if kind == "phone":
        shape = PHONE_SHAPES[rng.integers(len(PHONE_SHAPES))]
        value = shape.format(m=_digits(rng, int(rng.integers(3, 5))), l=_digits(rng, 4))
    elif kind == "rrn":
        month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
        front = f"{int(rng.integers(0, 100)):02d}{month:02d}{day:02d}"
        gender = str(rng.integers(1, 9))
        value = [
            f"{front}-{gender}{_digits(rng, 6)}",
            f"{front}{gender}{_digits(rng, 6)}",
            f"{front} {gender}{_digits(rng, 6)}",
            f"{front} - {gender}{_digits(rng, 6)}",
            f"{front}-{gender}******",
            f"{_digits(rng, 6)}-{_digits(rng, 7)}",  # issued since 2020: any digits
        ][rng.integers(6)]
    elif kind == "card":
        payload = [int(d) for d in _digits(rng, 15)]
        digits = "".join(map(str, payload)) + str(luhn_digit(payload))
        sep = ["-", " ", "", " - "][rng.integers(4)]
        value = (
            sep.join(digits[k : k + 4] for k in range(0, 16, 4))
            if rng.random() < 0.8
            else f"3{_digits(rng, 3)}{sep or '-'}{_digits(rng, 6)}{sep or '-'}{_digits(rng, 5)}"
        )
    elif kind == "email":
        local = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789._"), 8))
        local = "k" + local.strip("._") + "9"
        domain = vocab.EMAIL_DOMAINS[rng.integers(len(vocab.EMAIL_DOMAINS))][0]
        value = f"{local}@{domain}"
        value = value.upper() if rng.random() < 0.15 else value
    else:
        bank, groups = vocab.BANKS[rng.integers(len(vocab.BANKS))]
        grouped = "-".join(_digits(rng, k) for k in groups)
        number = grouped if rng.random() < 0.5 else _digits(rng, int(rng.integers(10, 15)))
        return f"{bank} {number.translate(FULL_WIDTH) if rng.random() < 1 / 3 else number}"
    return value.translate(FULL_WIDTH) if rng.random() < 1 / 3 else value


def luhn_digit(payload: list[int]) -> int:
    """The check digit that makes payload + digit pass the Luhn test."""
    total = 0
    for k, d in enumerate(reversed(payload)):
        d = d * 2 if k % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def hard_corpus(seed: int, n: int) -> list[tuple[str, list[Planted]]]:
    """Short complaint sentences, each with one value in a harder shape, glued to Hangul."""
    rng = np.random.default_rng(seed)
    kinds = list(HARD_TEMPLATES)
    rows = []
    for k in range(n):
        kind = kinds[k % len(kinds)]
        templates = HARD_TEMPLATES[kind]
        template = templates[rng.integers(len(templates))]
        rows.append(fill(template, {kind: hard_value(kind, rng)}))
    return rows


def test_recall_per_type_on_harder_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    m = measure(hard_corpus(SEED + 5, 5_000))
    with capsys.disabled():
        print("\n" + report("Harder shapes (+82, full-width, glued to Hangul; 5000 rows)", m))
    for kind in HARD_TEMPLATES:
        assert m.recall(kind) >= RECALL_FLOOR[kind], report("recall below floor", m)
        assert m.masked[kind] == m.planted[kind], report("a planted value stayed visible", m)
    assert sum(m.extra.values()) == 0, m.extra


# Ordinary complaint sentences with no personal data, written to include the words the name and
# account detectors key on (labels, titles, bank words), amounts, dates and service numbers.
ORDINARY_SENTENCES = (
    "고객센터에 여러 번 전화했지만 연결이 되지 않았습니다.",
    "담당자 연결이 안 되고 상담원 안내도 없었습니다.",
    "이번 달 요금이 2배로 청구되었습니다.",
    "결제 금액 1,250,000원 중 환불은 300,000원만 받았습니다.",
    "2024-03-15에 계약하고 2024.04.01에 해지를 요청했습니다.",
    "12개월 할부, 월 45,000원씩 납부 중입니다.",
    "고객님께 죄송하다는 말만 반복합니다.",
    "사장님이 환불은 절대 안 된다고 했습니다.",
    "기사님이 설치한 다음 날 바로 고장이 났습니다.",
    "이용 고객 모두가 같은 피해를 보고 있습니다.",
    "본인 명의로 가입한 적이 없는 상품입니다.",
    "담당자 정보를 알려주지 않습니다.",
    "저는 정말 억울합니다.",
    "저는 소비자입니다. 도와주세요.",
    "저는 주부입니다.",
    "상담원 말로는 14일 이내에만 철회가 된다고 합니다.",
    "택배 송장번호를 받았지만 조회가 되지 않습니다.",
    "모델명 AX-2024 제품을 3대 구매했습니다.",
    "고객센터 1588-1234로 연락하라는 문자만 옵니다.",
    "VIP 고객 혜택이라며 연회비 150,000원을 청구했습니다.",
    "신규 고객 이벤트라고 해서 가입했습니다.",
    "장기 고객인데도 위약금을 요구합니다.",
    "우리 가족 4명 모두 피해를 봤습니다.",
    "한국소비자원에 문의하라고만 합니다.",
    "전화 권유로 계약한 지 3일 만에 철회를 요청했습니다.",
    "남편 명의 카드로 결제했습니다.",
    "예금주 확인 후 환불해 준다고 했습니다.",
    "허위·과장 광고로 신고합니다.",
    "차량 정비 후 엔진 경고등이 켜졌습니다.",
    "계좌 이체로 50만원을 보냈습니다.",
    "접수번호 20240315-0001 건입니다.",
    "오후 3시 30분에 방문하기로 했는데 오지 않았습니다.",
    "조치 결과를 2주 안에 알려준다고 했습니다.",
    "현재 고객 응대가 전혀 되지 않습니다.",
    "여성 고객만 대상으로 한 이벤트였습니다.",
    "아버지 대신 제가 접수합니다.",
    "어머니께서 70세 이상이라 계약 철회가 가능하다고 들었습니다.",
    "성명란에 이름을 적지 않았는데 계약서가 작성되었습니다.",
    "피해자 구제를 요청합니다.",
    "담당자 변경 후에도 처리가 되지 않았습니다.",
    # Written after the detectors, as a held-out check: 진상 고객 and 정회원 님 were masked as
    # names then, and were added to privacy.names.NOT_NAMES.
    "김치냉장고 고객 서비스가 엉망입니다.",
    "정수기 렌탈 기사님이 오지 않습니다.",
    "안마의자 설치 기사 연락처를 모릅니다.",
    "유선 상담 후 고객 번호를 받았습니다.",
    "우선 고객님 정보 확인이 필요하다고 했습니다.",
    "공식 대리점 사장 말이 다릅니다.",
    "지점장 님이 환불을 약속했습니다.",
    "한우 선물세트 주문 고객입니다.",
    "진상 고객 취급을 받았습니다.",
    "방문 기사님이 오지 않았어요.",
    "배송 기사님이 물건을 두고 갔습니다.",
    "오늘 오후 고객센터 연결이 안 됩니다.",
    "안녕하세요 고객님.",
    "장애인 고객에 대한 배려가 없습니다.",
    "노약자 고객도 있습니다.",
    "정회원 님만 가능하다고 합니다.",
    "요가 강사님이 그만뒀습니다.",
    "한의원 원장님이 환불을 거부했습니다.",
    "교육 담당자 박 과장이 전화를 안 받습니다.",
    "김 대리님이 처리해 준다고 했습니다.",
    "상담원 김씨가 불친절했습니다.",
    "저는 대학생이고 첫 계약이었습니다.",
    "저는 회사원인데 시간이 없습니다.",
    "저는 이용자이고 피해를 봤습니다.",
    "본인 인증을 했는데도 안 됩니다.",
    "신청인 주소는 서울입니다.",
    "담당자 부재로 연결이 안 됩니다.",
    "담당자 이름도 안 알려줍니다.",
    "성명 미기재로 반려되었습니다.",
    "예금주 불일치로 환불이 안 됐습니다.",
    "어머니 연세가 80세이십니다.",
    "남편 휴대폰으로 결제됐습니다.",
    "아내 카드로 결제했습니다.",
    "상담사 안내와 실제 조건이 달랐습니다.",
    "가입자 본인만 해지 가능하다고 합니다.",
    "계약자 변경이 안 된다고 합니다.",
    "작성자 본인 확인 절차가 복잡합니다.",
    "수령인 부재로 반송되었습니다.",
    "보호자 동의 없이 미성년자와 계약했습니다.",
    "2024년 10월 31일 23시 59분에 결제되었습니다.",
    "환불 예정일은 11월 15일입니다.",
    "쿠폰 코드 ABCD-1234-EFGH",
    "통화 녹음 파일 2024-03-15_1432.m4a",
)
# Text without personal data that is masked anyway, with what it becomes. Most are numbers
# masked on purpose (recall first): 13-19 digits look like a card number, a business
# registration number or a gift-card PIN has a bank-account shape. One is a word the name
# detector cannot tell from a name ("최우" starts real names such as 최우식).
KNOWN_FALSE_POSITIVES = {
    "주문번호 2024031512345678 건입니다.": "주문번호 [card] 건입니다.",
    "송장번호 6012345678901 조회 불가": "송장번호 [card] 조회 불가",
    "제품 시리얼 SN2024031500123": "제품 시리얼 SN[card]",
    "사업자등록번호 123-45-67890인 업체입니다.": "사업자등록번호 [account]인 업체입니다.",
    "상품권 PIN 번호 1234-5678-9012 를 알려줬는데 사용이 안 됩니다.": (
        "상품권 PIN 번호 [account] 를 알려줬는데 사용이 안 됩니다."
    ),
    "최우수 고객이라더니 혜택이 없습니다.": "[name] 고객이라더니 혜택이 없습니다.",
}


# --- measuring ----------------------------------------------------------------------------------


def covered(p: Planted, findings: list[Finding], kind: str | None) -> bool:
    """True when one finding (of `kind`, or of any kind when None) covers the planted span."""
    return any(
        f.start <= p.start and p.end <= f.end and (kind is None or f.kind == kind) for f in findings
    )


@dataclass(frozen=True)
class Measure:
    """Counts per type on a planted corpus."""

    planted: Counter[str]
    typed: Counter[str]  # covered by a finding of the right type
    masked: Counter[str]  # covered by any finding
    extra: Counter[str]  # findings that overlap no planted value

    def recall(self, kind: str) -> float:
        """Share of planted values of this type found as this type (nan when none planted)."""
        return self.typed[kind] / self.planted[kind] if self.planted[kind] else float("nan")


def measure(rows: list[tuple[str, list[Planted]]]) -> Measure:
    """Recall per type and unplanted findings over a corpus."""
    planted, typed, masked, extra = Counter(), Counter(), Counter(), Counter()
    for text, values in rows:
        findings = find_pii(text)
        for p in values:
            planted[p.kind] += 1
            typed[p.kind] += covered(p, findings, p.kind)
            masked[p.kind] += covered(p, findings, None)
        for f in findings:
            if not any(f.start < p.end and p.start < f.end for p in values):
                extra[f.kind] += 1
    return Measure(planted, typed, masked, extra)


def report(title: str, m: Measure) -> str:
    """A small table of recall per type."""
    lines = [title, f"{'type':<8}{'planted':>9}{'recall':>9}{'masked':>9}{'extra':>7}"]
    for kind in PII_TYPES:
        if m.planted[kind]:
            masked = m.masked[kind] / m.planted[kind]
            lines.append(
                f"{kind:<8}{m.planted[kind]:>9}{m.recall(kind):>9.4f}{masked:>9.4f}"
                f"{m.extra[kind]:>7}"
            )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, list[Planted]]]:
    """The generator-style planted corpus."""
    return planted_corpus(SEED, CORPUS_ROWS)


@pytest.fixture(scope="module")
def masked_corpus(corpus: list[tuple[str, list[Planted]]]) -> list[str | None]:
    """mask_text of each corpus narrative."""
    return [mask_text(text) for text, _ in corpus]


def test_recall_per_type_on_generator_narratives(
    corpus: list[tuple[str, list[Planted]]], capsys: pytest.CaptureFixture[str]
) -> None:
    m = measure(corpus)
    with capsys.disabled():
        print("\n" + report(f"Generator-style narratives ({CORPUS_ROWS} rows, seed {SEED})", m))
    for kind, floor in RECALL_FLOOR.items():
        assert m.recall(kind) >= floor, report("recall below floor", m)
    assert m.recall("name") >= NAME_RECALL_FLOOR, report("name recall below floor", m)
    assert sum(m.extra.values()) == 0, m.extra


def test_name_recall_in_listed_contexts(capsys: pytest.CaptureFixture[str]) -> None:
    m = measure(name_corpus(SEED + 1, 2_000))
    with capsys.disabled():
        print("\n" + report("Names in the requirement's contexts (2000 rows)", m))
    assert m.recall("name") >= NAME_RECALL_FLOOR
    assert sum(m.extra.values()) == 0, m.extra


def test_no_planted_value_survives_masking(
    corpus: list[tuple[str, list[Planted]]], masked_corpus: list[str | None]
) -> None:
    leaks = [
        (text[p.start : p.end], masked)
        for (text, values), masked in zip(corpus, masked_corpus, strict=True)
        for p in values
        if masked is None or text[p.start : p.end] in masked
    ]
    assert leaks == []


def test_false_positives_on_text_without_personal_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    generated = pii_free_texts(SEED + 2, 2_000)
    generated_hits = [(t, f) for t in generated for f in find_pii(t)]
    written = [*ORDINARY_SENTENCES, *KNOWN_FALSE_POSITIVES]
    written_hits = [(t, f) for t in written for f in find_pii(t)]
    with capsys.disabled():
        print(
            f"\nFalse positives: {len(generated_hits)} findings in {len(generated)} PII-free "
            f"generator texts; {len(written_hits)} in {len(written)} hand-written sentences "
            f"without personal data:"
        )
        for text, finding in written_hits:
            print(f"  {finding.kind}: {finding.text!r} in {text!r}")
    assert generated_hits == []
    assert {t for t, _ in written_hits} == set(KNOWN_FALSE_POSITIVES)


@pytest.mark.parametrize(("text", "expected"), sorted(KNOWN_FALSE_POSITIVES.items()))
def test_known_false_positives(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_mask_expr_equals_mask_text_row_by_row(
    corpus: list[tuple[str, list[Planted]]], masked_corpus: list[str | None]
) -> None:
    others = [t for t, _ in name_corpus(SEED + 3, 300)] + pii_free_texts(SEED + 4, 200)
    others += [*ORDINARY_SENTENCES, *KNOWN_FALSE_POSITIVES, *(t for t, _ in EXAMPLES), None, ""]
    texts = [t for t, _ in corpus] + others
    frame = pl.DataFrame({"narrative": texts}, schema={"narrative": pl.String})
    vectorised = frame.select(mask_expr("narrative")).to_series().to_list()
    assert vectorised == masked_corpus + [mask_text(t) for t in others]


# --- exact examples -----------------------------------------------------------------------------

EXAMPLES = (
    ("연락처 010-1234-5678로 주세요", "연락처 [phone]로 주세요"),
    ("주민번호900101-1234567입니다", "주민번호[rrn]입니다"),
    ("주민번호 9001011234567 입니다", "주민번호 [rrn] 입니다"),
    ("생년월일 포함 900101-1****** 입니다", "생년월일 포함 [rrn] 입니다"),
    # A number issued since 2020: random final digits, an impossible date even; still masked.
    ("주민등록번호 209913-4123456", "주민등록번호 [rrn]"),
    ("+82 10-1234-5678", "[phone]"),
    ("+82-10-1234-5678로", "[phone]로"),
    ("전화 +82 (0)10 1234 5678", "전화 [phone]"),
    ("010 1234 5678 / 010.1234.5678 / 01012345678", "[phone] / [phone] / [phone]"),
    ("사무실 02-123-4567, 경기 031-1234-5678", "사무실 [phone], 경기 [phone]"),
    ("연락처 ０１０－１２３４－５６７８번", "연락처 [phone]번"),
    ("010-1111-2222,010-3333-4444", "[phone],[phone]"),
    ("메일 kim.minsu12@naver.com 으로", "메일 [email] 으로"),
    ("카드번호 4111-1111-1111-1111이고", "카드번호 [card]이고"),
    ("카드 1234 5678 9012 3456 결제", "카드 [card] 결제"),
    ("카드 4111111111111111 결제", "카드 [card] 결제"),
    ("카드 1234-****-****-5678 결제", "카드 [card] 결제"),
    ("환불은 110-123-456789로", "환불은 [account]로"),
    ("우리은행 1002-123-456789", "우리은행 [account]"),
    ("기업은행 123-456789-01-234", "기업은행 [account]"),
    ("계좌번호 12345678901 로 입금", "계좌번호 [account] 로 입금"),
    ("3333012345678 계좌로 보내 주세요", "[account] 계좌로 보내 주세요"),
    ("홍길동 고객이 전화함", "[name] 고객이 전화함"),
    ("홍길동씨가 계약", "[name]씨가 계약"),
    ("홍길동 님 앞", "[name] 님 앞"),
    ("저는 홍길동입니다", "저는 [name]입니다"),
    ("성명: 홍길동", "성명: [name]"),
    ("이름 홍길동", "이름 [name]"),
    ("담당자 김민수", "담당자 [name]"),
    ("김민수 과장", "[name] 과장"),
    ("남궁민수 고객", "[name] 고객"),
    ("Mr. Kim Minsu called", "Mr. [name] called"),
    (
        "신청인 이영희(주민등록번호 550505-2345678) 명의로 가입했습니다.",
        "신청인 [name](주민등록번호 [rrn]) 명의로 가입했습니다.",
    ),
    (
        "환불계좌 국민은행 123456-12-123456 (예금주 박서준)",
        "환불계좌 국민은행 [account] (예금주 [name])",
    ),
    ("주문 3건, 합계 1,200,000원, 2024-03-15 결제", "주문 3건, 합계 1,200,000원, 2024-03-15 결제"),
    ("고객센터 1588-1234", "고객센터 1588-1234"),
    # Cases found while building the detectors (by the corpus or by hypothesis).
    ("카카오뱅크 4706-02-2856900 계좌로", "카카오뱅크 [account] 계좌로"),  # not 4706-[phone]
    ("농협 010-1913-5499-93 계좌로", "농협 [account] 계좌로"),  # not [phone]-93
    ("9001011******0101234567", "[rrn][phone]"),
    ("01012345678@naver.com 으로", "[email] 으로"),  # not [phone]@naver.com
    ("000101 1000000aa0@naver.com", "[email]"),  # not 000101 [email]
    ("+8210-1234-5678 3번", "[phone] 3번"),
    ("카드 1234 5678 9012 3456 12개월", "카드 [card] 12개월"),
    ("카드 1234-56**-****-3456", "카드 [card]"),
    ("주민번호 900101-12*4567", "주민번호 [rrn]"),
    ("010-1111-2222-010-3333-4444", "[account]"),  # safety net for unknown hyphen chains
    # International prefixes and full-width e-mail addresses (added with issue 9).
    ("해외에서 0082-10-1234-5678로", "해외에서 [phone]로"),
    ("001-82-10-1234-5678 번호", "[phone] 번호"),
    ("00700 82 2 123 4567", "[phone]"),
    ("메일 ＫＩＭ＠ｎａｖｅｒ．ｃｏｍ으로", "메일 [email]으로"),
    ("ｋｉｍ．ｍｉｎｓｕ＠gmail.com", "[email]"),
)


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_exact_masking(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_find_pii_reports_type_span_and_text() -> None:
    text = "성명 홍길동, 연락처 010-1234-5678"
    assert find_pii(text) == [
        Finding("name", 3, 6, "홍길동"),
        Finding("phone", 12, 25, "010-1234-5678"),
    ]


def test_none_stays_none() -> None:
    assert mask_text(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Check digit by hand: 9*2+0*3+0*4+1*5+0*6+1*7+1*8+2*9+3*2+4*3+5*4+6*5 = 124, (11 - 124 % 11) % 10 = 8.
        ("900101-1234568", "high"),
        ("900101-1234567", "medium"),  # plausible birth date, check digit off (issued since 2020)
        ("901399-9234567", "low"),
        ("4111-1111-1111-1111", "high"),  # the Luhn-valid Visa test number
        ("4111-1111-1111-1112", "medium"),  # grouped, not Luhn-valid: still masked
        ("4111111111111112", "low"),
    ],
)
def test_confidence(text: str, expected: str) -> None:
    (finding,) = find_pii(text)
    assert confidence(finding) == expected


# --- frames -------------------------------------------------------------------------------------


def test_mask_frame_masks_only_the_named_columns() -> None:
    frame = pl.DataFrame({"id": ["010-1234-5678"], "narrative": ["연락처 010-1234-5678"], "n": [1]})
    masked = mask_frame(frame)
    assert masked.to_dicts() == [{"id": "010-1234-5678", "narrative": "연락처 [phone]", "n": 1}]
    assert mask_frame(frame, "id")["id"].to_list() == ["[phone]"]


def test_mask_frame_rejects_missing_columns() -> None:
    frame = pl.DataFrame({"text": ["a"]})
    with pytest.raises(
        ValueError, match=r"^columns not in frame: \['narrative'\]; frame has \['text'\]\.$"
    ):
        mask_frame(frame)


def test_mask_frame_rejects_non_string_columns() -> None:
    frame = pl.DataFrame({"narrative": [1]})
    with pytest.raises(ValueError, match=r"^column 'narrative' must be String; got Int64\.$"):
        mask_frame(frame)


def test_privacy_imports_only_stdlib_numpy_and_polars() -> None:
    allowed = set(sys.stdlib_module_names) | {"numpy", "polars", "privacy", "__future__"}
    found = {
        path.name: sorted(roots - allowed)
        for path in PRIVACY_DIR.glob("*.py")
        if (roots := imported_roots(path)) - allowed
    }
    assert found == {}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a Python file imports."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


# --- properties ---------------------------------------------------------------------------------

_D = st.integers(0, 9).map(str)
SEPARATORS = ("-", " ", ".", "", " - ", "－")


def digit_string(n: int) -> st.SearchStrategy[str]:
    """n random digits."""
    return st.lists(_D, min_size=n, max_size=n).map("".join)


@st.composite
def in_some_width(draw: st.DrawFn, text: str) -> str:
    """The text with its digits in ASCII, full-width or a mix."""
    mode = draw(st.sampled_from(["ascii", "full", "mixed"]))
    out = []
    for char in text:
        wide = mode == "full" or (mode == "mixed" and draw(st.booleans()))
        out.append(chr(ord(char) + 0xFEE0) if wide and char.isdigit() else char)
    return "".join(out)


@st.composite
def phones(draw: st.DrawFn) -> str:
    """Mobile, landline and +82 numbers with any separators."""
    sep = [draw(st.sampled_from(SEPARATORS)) for _ in range(2)]
    prefix = draw(
        st.sampled_from(["10", "11", "16", "17", "19", "2", "31", "51", "64", "70", "505"])
    )
    mid = draw(digit_string(draw(st.sampled_from([3, 4]))))
    number = f"{prefix}{sep[0]}{mid}{sep[1]}{draw(digit_string(4))}"
    trunk = draw(
        st.sampled_from(
            ["domestic", "+82 ", "+82-", "+82 (0)", "+82 0", "+82", "0082-", "001 82 ", "00700-82-"]
        )
    )
    number = "0" + number if trunk == "domestic" else trunk + number
    return draw(in_some_width(number))


@st.composite
def resident_numbers(draw: st.DrawFn) -> str:
    """Hyphenated (any digits), half-hidden, and plain (plausible birth date) RRNs."""
    shape = draw(st.sampled_from(["hyphen", "hidden", "plain"]))
    hyphen = draw(st.sampled_from(["-", "－", " - "]))
    if shape == "hyphen":
        number = draw(digit_string(6)) + hyphen + draw(digit_string(7))
    else:
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 31))
        front = f"{draw(digit_string(2))}{month:02d}{day:02d}{draw(st.integers(1, 8))}"
        if shape == "hidden":
            number = front[:6] + hyphen + front[6] + "******"
        else:
            number = (
                front[:6] + draw(st.sampled_from(["", " "])) + front[6:] + draw(digit_string(6))
            )
    return draw(in_some_width(number))


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """Grouped 4-4-4-4 and 4-6-5 cards and plain 13-19 digit runs."""
    shape = draw(st.sampled_from(["4444", "465", "plain"]))
    if shape == "plain":
        number = draw(digit_string(draw(st.integers(13, 19))))
    else:
        sizes = (4, 4, 4, 4) if shape == "4444" else (4, 6, 5)
        groups = [draw(digit_string(k)) for k in sizes]
        seps = [draw(st.sampled_from(["-", " ", "－", " - "])) for _ in groups[1:]]
        number = groups[0] + "".join(s + g for s, g in zip(seps, groups[1:], strict=True))
    return draw(in_some_width(number))


@st.composite
def emails(draw: st.DrawFn) -> str:
    """Addresses with a varied local part and a common or random domain."""
    local = draw(st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,14}", fullmatch=True))
    label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
    domain = draw(
        st.sampled_from([d for d, _ in vocab.EMAIL_DOMAINS])
        | st.builds("{}.{}".format, label, st.sampled_from(["com", "net", "co.kr", "kr"]))
    )
    address = f"{local}@{domain}"
    return address.translate(FULL_WIDTH) if draw(st.booleans()) else address


@st.composite
def accounts(draw: st.DrawFn) -> tuple[str, str]:
    """(template, number): a bank's grouping, or any 10-14 digits next to a bank word."""
    if draw(st.booleans()):
        bank, groups = draw(st.sampled_from(vocab.BANKS))
        return bank + " {account}", "-".join(draw(digit_string(k)) for k in groups)
    template = draw(
        st.sampled_from(
            ["계좌 {account}", "계좌번호: {account}", "입금 {account}", "{account} 계좌로"]
        )
    )
    return template, draw(digit_string(draw(st.integers(10, 14))))


@st.composite
def names_in_context(draw: st.DrawFn) -> tuple[str, str]:
    """(template, name) with a sample-world name in one of the listed contexts."""
    surname = draw(st.sampled_from([s for s, _, _ in vocab.SURNAMES]))
    given_name = draw(st.sampled_from([g for g, _ in vocab.GIVEN_NAMES]))
    return draw(st.sampled_from(NAME_CONTEXTS)), surname + given_name


# Numbers may touch Hangul or letters, never another digit or a group separator. E-mails do
# not touch ASCII letters: "kim@naver.comabc" has no knowable end. Names sit between spaces or
# punctuation (their contexts carry the Hangul).
NUMBER_EDGE = st.sampled_from(list("가나다호은는로입 ,:;!?/'\"(\nabcXYZ"))
EMAIL_EDGE = st.sampled_from(list("가나다호은는로입 ,:;!?/'\"(\n"))
NAME_EDGE = st.sampled_from(list(" ,;!?/\n"))
EDGES = {"{name}": NAME_EDGE, "{email}": EMAIL_EDGE}
FILLER = st.text(
    alphabet=st.sampled_from(list("가나다라성명고객님씨김이박 abcxyz0123456789-.,@+")), max_size=12
)


NUMBER_STRATEGIES: dict[str, st.SearchStrategy[str]] = {
    "rrn": resident_numbers(),
    "card": card_numbers(),
    "phone": phones(),
    "email": emails(),
}


@st.composite
def planted_piece(draw: st.DrawFn) -> tuple[str, str]:
    """(template, value) for one personal value of a random type."""
    kind = draw(st.sampled_from(PII_TYPES))
    if kind == "account":
        return draw(accounts())
    if kind == "name":
        return draw(names_in_context())
    return "{" + kind + "}", draw(NUMBER_STRATEGIES[kind])


@st.composite
def texts_with_planted_values(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """Arbitrary filler with 1-4 personal values inserted; the values' spans."""
    parts, spans, at = [], [], 0
    for _ in range(draw(st.integers(1, 4))):
        template, value = draw(planted_piece())
        edge = next((e for key, e in EDGES.items() if key in template), NUMBER_EDGE)
        head, tail = template.split("{", 1)[0], template.split("}", 1)[1]
        before = draw(FILLER) + draw(edge) + head
        parts += [before, value, tail + draw(edge)]
        spans.append((at + len(before), at + len(before) + len(value)))
        at += len(before) + len(value) + len(tail) + 1
    parts.append(draw(FILLER))
    return "".join(parts), spans


def splice(text: str, findings: list[Finding]) -> str:
    """The text with each finding replaced by its token."""
    out, done = [], 0
    for f in findings:
        out += [text[done : f.start], TOKENS[f.kind]]
        done = f.end
    return "".join(out) + text[done:]


# Derandomised so that a run is reproducible; much longer random runs were done by hand.
PROPERTY_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(texts_with_planted_values())
def test_planted_values_never_survive_masking(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    masked = mask_text(text)
    assert masked is not None
    findings = find_pii(text)
    for start, end in spans:
        assert any(f.start <= start and end <= f.end for f in findings), (text[start:end], text)
        assert text[start:end] not in masked
    assert find_pii(masked) == []
    assert mask_text(masked) == masked
    assert splice(text, findings) == masked


# Pieces that stress how detectors meet: digit groups, separators, labels, titles, tokens.
PIECES = (
    *("010", "-", "1234", "5678", "０１０", "－", " ", ".", "+82", "82", "(0)", "02", "900101"),
    *("1234567", "9001011", "******", "4111", "@", "naver.com", "kim", "계좌", "입금", "110"),
    *("456789", "12", "성명", ":", "김", "이", "민수", "길동", "고객", "씨", "님", "저는"),
    *("입니다", "담당자", "과장", "Mr.", "Kim", "가", "(", ")", ",", "[", "]", "name", "0"),
)


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join) | st.text(max_size=40))
def test_masking_is_a_fixpoint_on_any_text(text: str) -> None:
    masked = mask_text(text)
    assert masked is not None
    assert find_pii(masked) == []
    assert mask_text(masked) == masked
    assert splice(text, find_pii(text)) == masked


@PROPERTY_SETTINGS
@given(
    st.lists(
        texts_with_planted_values().map(lambda case: case[0]) | st.text(max_size=40),
        min_size=1,
        max_size=6,
    )
)
def test_masked_text_matches_no_pattern_in_either_regex_engine(texts: list[str]) -> None:
    # What the dashboard runs (polars' Rust regex over a column) and what find_pii runs
    # (Python's re): after masking, no detector pattern matches anywhere, in either engine.
    masked = (
        pl.Series("narrative", texts, dtype=pl.String).to_frame().select(mask_expr("narrative"))
    )
    column = masked.to_series()
    for step in STEPS:
        assert not column.str.contains(step.pattern).any(), step
        assert not any(re.search(step.pattern, text) for text in column.to_list()), step


def test_tokens_are_language_neutral_type_names() -> None:
    assert list(TOKENS.values()) == [f"[{kind}]" for kind in PII_TYPES]
    assert all(find_pii(token) == [] for token in TOKENS.values())
