"""Find and mask personal data in complaint text: one string, a polars column or a frame.

Each value found is replaced by a language-neutral token naming its type: `[rrn]`, `[card]`,
`[phone]`, `[email]`, `[account]`, `[name]` (see `TOKENS`). Tokens hold no digit, no `@` and no
Hangul, so masked text never matches a detector again: masking is idempotent.

What is masked (the patterns are in `privacy.patterns`):

- rrn: 6 digits, hyphen, 7 digits, whatever the digits (numbers issued since 2020 have random
  final digits, so the checksum only raises confidence); the back part may be hidden
  (`900101-1******`, the birth date is still personal). Without the hyphen, 13 digits that start
  with a valid month, day and gender digit (1-8).
- card: 4-4-4-4 groups (also 4-6-5, 4-6-4, and 4-4-4-4-1..3 with hyphens) separated by
  hyphens, dots or spaces, whether Luhn-valid or not, since a mistyped card number is still a
  card number; and any other run of 13-19 digits (which also masks long order numbers: recall
  first).
- phone: mobile (010, 011, 016-019), landline (02, 031-064), 070 and 050x numbers, with hyphens,
  dots, spaces or nothing between groups, with +82 (or 82, or an international prefix: 0082,
  001-82, 00700 82) in front, in either digit width.
- email: the usual local@domain.tld shape, in ASCII or full-width letters, digits, @ and dots.
- account: hyphenated groups with 10-14 digits in all, 3-4 groups, first group of 3-6 digits
  (110-123-456789, 1002-123-456789, 123456-12-123456, 123-456789-01-234); and 10-14 digits with
  optional single hyphens or spaces up to 15 characters after a bank word (계좌, 계좌번호, 통장,
  입금, 송금, 이체, 예금주, 은행, 뱅크, 농협, ...) or just before 계좌/통장. A 3-2-5 business
  registration number has an account shape and is masked too. As a safety net, any other chain
  of four or more hyphen-joined digit groups is masked as an account as well.
- name: a common surname and one or two common given-name syllables, only after a label
  (성명, 이름, 신청인, 예금주, 담당자, 본인확인, 어머니, ...), before a title (고객, 씨, 님, 과장,
  ...), in a self-introduction before a copula (저는 홍길동입니다), or a romanised name after
  Mr./Ms./Dr.

Values are never touched by two types: longer and more specific shapes run first (rrn, grouped
card, phone, account, bare digit runs, then e-mail, names), each on the text the previous ones
left. An e-mail whose local part holds a number ("01012345678@naver.com") takes the number's
token in, so the whole address becomes one `[email]`.

Neither a digit nor a hyphen touching a digit may come right before or after a number, so a
phone-like tail is never cut out of a longer account number ("4706-02-2856900"); this works
next to Hangul, where `\\b` would not ("주민번호900101-1234567입니다").

Not masked: 10-12 digit runs with no bank word nearby and no account shape, names without a
context, with a rare surname or syllable or a surname alone ("김 과장"), addresses, and
personal data spelled out in words. Masked though not personal: 13-19 digit order or invoice
numbers, business registration numbers, and the odd word shaped like a name before a title
("최우수 고객"); tests/test_masking.py lists the known cases.

`mask_expr` is the one to use on many rows (polars runs the same patterns in Rust); `mask_text`
and `find_pii` are for single texts and reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, NamedTuple

import polars as pl

from privacy.patterns import PASSES, STEPS, token

PII_TYPES: tuple[str, ...] = ("rrn", "card", "phone", "email", "account", "name")
TOKENS: dict[str, str] = {kind: token(kind) for kind in PII_TYPES}

Confidence = Literal["high", "medium", "low"]

_COMPILED = tuple((step.kind, re.compile(step.pattern)) for step in STEPS)
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


class Finding(NamedTuple):
    """One value found: its type, its span in the original text and the text of that span."""

    kind: str
    start: int
    end: int
    text: str


def mask_text(text: str | None) -> str | None:
    """The text with every value found replaced by its type token; None stays None."""
    if text is None:
        return None
    for kind, regex in _COMPILED:
        replacement = rf"\g<1>{TOKENS[kind]}\g<3>"
        for _ in range(PASSES):
            text = regex.sub(replacement, text)
    return text


def mask_expr(column: str | pl.Expr) -> pl.Expr:
    """Polars expression masking a String column exactly like mask_text; nulls stay null."""
    expr = pl.col(column) if isinstance(column, str) else column
    for step in STEPS:
        replacement = "${1}" + TOKENS[step.kind] + "${3}"
        for _ in range(PASSES):
            expr = expr.str.replace_all(step.pattern, replacement)
    return expr


def mask_frame(frame: pl.DataFrame, columns: Sequence[str] = ("narrative",)) -> pl.DataFrame:
    """A copy of the frame with the given String columns masked (a bare string is one column)."""
    names = [columns] if isinstance(columns, str) else list(columns)
    _check_columns(frame, names)
    return frame.with_columns(mask_expr(name) for name in names)


def _check_columns(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    """Raise ValueError unless every column exists in the frame and holds strings."""
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ValueError(f"columns not in frame: {missing}; frame has {frame.columns}.")
    for name in columns:
        dtype = frame.schema[name]
        if dtype not in (pl.String, pl.Null):
            raise ValueError(f"column {name!r} must be String; got {dtype}.")


def find_pii(text: str) -> list[Finding]:
    """Every value mask_text would replace, with its span in `text`, in text order."""
    work = text
    # origin[k] is the span of `text` that character k of `work` stands for (a token's
    # characters all stand for the whole value it replaced).
    origin = [(k, k + 1) for k in range(len(text))]
    findings: list[Finding] = []
    for kind, regex in _COMPILED:
        for _ in range(PASSES):
            work, origin, found = _mask_once(regex, kind, work, origin, text)
            findings = [f for f in findings if not _within_any(f, found)] + found
    return sorted(findings, key=lambda finding: finding.start)


def _within_any(finding: Finding, others: list[Finding]) -> bool:
    """True when another finding's span holds this one (an e-mail took in a number token)."""
    return any(o.start <= finding.start and finding.end <= o.end for o in others)


def _mask_once(
    regex: re.Pattern[str],
    kind: str,
    work: str,
    origin: list[tuple[int, int]],
    text: str,
) -> tuple[str, list[tuple[int, int]], list[Finding]]:
    """One pass of one step over the working text, as re.sub would do it, keeping the spans."""
    mask = TOKENS[kind]
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    found: list[Finding] = []
    done = 0
    for match in regex.finditer(work):
        a, b = match.span(2)
        start, end = origin[a][0], origin[b - 1][1]
        found.append(Finding(kind, start, end, text[start:end]))
        pieces += [work[done:a], mask]
        spans += origin[done:a] + [(start, end)] * len(mask)
        done = b
    if not found:
        return work, origin, found
    pieces.append(work[done:])
    spans += origin[done:]
    return "".join(pieces), spans, found


def ascii_digits(text: str) -> str:
    """The digits of `text` in ASCII, everything else dropped."""
    return "".join(ch for ch in text.translate(_FULL_WIDTH_DIGITS) if "0" <= ch <= "9")


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn check used by payment cards."""
    total = 0
    for k, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if k % 2 else 1)
        total += d - 9 if d > 9 else d
    return bool(digits) and total % 10 == 0


def rrn_checksum_valid(digits: str) -> bool:
    """True when 13 digits carry the pre-2020 resident registration check digit."""
    if len(digits) != 13:
        return False
    weighted = sum(int(d) * w for d, w in zip(digits, _RRN_WEIGHTS, strict=False))
    return (11 - weighted % 11) % 10 == int(digits[12])


def plausible_birth(digits: str) -> bool:
    """True when a resident number starts with a real month and day and a gender digit 1-8."""
    if len(digits) < 7:
        return False
    month, day, gender = int(digits[2:4]), int(digits[4:6]), int(digits[6])
    return 1 <= month <= 12 and 1 <= day <= 31 and 1 <= gender <= 8


def confidence(finding: Finding) -> Confidence:
    """How sure the finding is: checksums and dates raise it; masking never depends on it."""
    digits = ascii_digits(finding.text)
    if finding.kind == "rrn":
        if rrn_checksum_valid(digits) and plausible_birth(digits):
            return "high"
        return "medium" if plausible_birth(digits) else "low"
    if finding.kind == "card":
        if luhn_valid(digits) and len(digits) >= 13:
            return "high"
        return "medium" if len(digits) < len(finding.text) else "low"
    return "high" if finding.kind in ("phone", "email") else "medium"
