"""The detectors as regular expressions that Python's `re` and polars (Rust `regex`) read alike.

Rust's regex engine has no lookaround, so a detector cannot say "not preceded by a digit" the
way `(?<!\\d)` does. Each detector is instead written as three groups: (1) text before the value
that is matched and kept, (2) the value itself, replaced by the type token, and (3) text after
it that is matched and kept. Boundaries are therefore characters that are consumed, so two
values separated by a single character ("010-1111-2222,010-3333-4444") need a second pass:
the first pass takes every other one, the second the rest. Every step runs twice (`PASSES`),
and both engines use leftmost-first matching, so `re.sub` and `str.replace_all` give identical
results.

Full-width digits and signs (typed with some Korean IMEs) are matched as they are, rather than
normalised, so that the text around a masked value is returned unchanged. No pattern uses
`\\d`, `\\w` or `\\b`: their Unicode meaning differs between the engines, and `\\b` treats
Hangul as word characters ("주민번호900101-1234567입니다" has no boundary before the digits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product

from privacy import names

PASSES = 2
NUMBER_KINDS: tuple[str, ...] = ("rrn", "card", "phone", "account")
_FULL_WIDTH_SHIFT = ord("０") - ord("0")


@dataclass(frozen=True)
class Step:
    """One detector: a regex whose group 2 is the value of `kind`, groups 1 and 3 are kept."""

    kind: str
    pattern: str


def token(kind: str) -> str:
    """The text that replaces a value of this type: `[phone]`, `[rrn]`, ..."""
    return f"[{kind}]"


def full_width(char: str) -> str:
    """The full-width form of an ASCII digit."""
    return chr(ord(char) + _FULL_WIDTH_SHIFT)


def digit(lo: str = "0", hi: str = "9") -> str:
    """A class of the digits lo..hi in ASCII and full-width forms."""
    return f"[{lo}-{hi}{full_width(lo)}-{full_width(hi)}]"


def literal(text: str) -> str:
    """Digits of `text` matched in either width; `+` in either width; nothing else special."""
    out = []
    for char in text:
        if char.isdigit():
            out.append(f"[{char}{full_width(char)}]")
        elif char == "+":
            out.append("[+＋]")
        else:
            out.append(char)
    return "".join(out)


def either(options: Iterable[str]) -> str:
    """A non-capturing alternation, tried in the given order."""
    return "(?:" + "|".join(options) + ")"


D = digit()
NOT_DIGIT = "[^0-9０-９]"
_HYPHENS = "\\-－‐‑–−"
HYPHEN = f"[{_HYPHENS}]"
SPACE = "[ 　\u00a0]"
# A number ends where no digit follows, and no hyphen followed by a digit either: otherwise the
# phone step would take "02-2856900" out of the account number "4706-02-2856900".
_NOT_DIGIT_OR_HYPHEN = f"[^0-9０-９{_HYPHENS}]"
BEFORE_NUMBER = f"(^|{_NOT_DIGIT_OR_HYPHEN}|(?:^|{NOT_DIGIT}){HYPHEN})"
AFTER_NUMBER = f"({_NOT_DIGIT_OR_HYPHEN}|$|{HYPHEN}(?:{NOT_DIGIT}|$))"
# Between digit groups: a hyphen (or dot, or closing bracket for "(02)") with optional spaces
# around it, or a single space.
GROUP_SEP = f"(?:{SPACE}?[{_HYPHENS}.．)）]{SPACE}?|{SPACE})"
HYPHEN_SEP = f"(?:{SPACE}?{HYPHEN}{SPACE}?)"
# Characters people put in place of digits they hide ("900101-1******", "1234-56**-****-3456").
HIDDEN = "[*＊●xX]"
DIGIT_OR_HIDDEN = "[0-9０-９*＊●xX]"
NOT_HANGUL = "[^가-힣]"


def digits(n: int, m: int | None = None) -> str:
    """n digits, or n to m digits."""
    return f"{D}{{{n}}}" if m is None else f"{D}{{{n},{m}}}"


def partly_hidden(n: int, *, hidden_at_least: int = 0) -> str:
    """A group of n characters: digits, then hidden ones ("56**"), as people hide the tail."""
    options = []
    for k in range(n - hidden_at_least, -1, -1):
        shown = f"{D}{{{k}}}" if k else ""
        hidden = f"{HIDDEN}{{{n - k}}}" if n - k else ""
        options.append(shown + hidden)
    return either(options)


def number_step(kind: str, value: str) -> Step:
    """A step for a value that must not touch other digits on either side."""
    return Step(kind, f"{BEFORE_NUMBER}({value}){AFTER_NUMBER}")


def hidden_end_step(kind: str, value: str) -> Step:
    """A step for a value ending in hidden digits ("900101-1******"): anything may follow.

    Digits right after "******" belong to something else; were they a boundary, masking that
    other number later would let this value match on a second run, and masking would not be
    idempotent.
    """
    return Step(kind, f"{BEFORE_NUMBER}({value})()")


# --- e-mail ----------------------------------------------------------------------------------

# E-mails run after the number steps, and their local part may hold the tokens those steps
# left: "010 1234 5678kim@naver.com" must not become "010 1234 [email]" (the e-mail taking the
# last digit group), nor "01012345678@naver.com" stay "[phone]@naver.com".
# Letters and digits in either width: some Korean IMEs type a whole address full-width
# ("ＫＩＭ＠ｎａｖｅｒ．ｃｏｍ").
_ALNUM = "A-Za-z0-9Ａ-Ｚａ-ｚ０-９"
_LABEL = f"[{_ALNUM}](?:[{_ALNUM}\\-－]*[{_ALNUM}])?"
_LOCAL_PART = f"(?:[{_ALNUM}._%+\\-．＿－＋]|" + either(f"\\[{k}\\]" for k in NUMBER_KINDS) + ")+"
EMAIL = _LOCAL_PART + f"[@＠]{_LABEL}(?:[.．]{_LABEL})*[.．][A-Za-zＡ-Ｚａ-ｚ]{{2,}}"

# --- resident registration numbers ------------------------------------------------------------

_MONTH = either([literal("0") + digit("1", "9"), literal("1") + digit("0", "2")])
_DAY = either([literal("0") + digit("1", "9"), digit("1", "2") + D, literal("3") + digit("0", "1")])
_BIRTH_DATE = D + D + _MONTH + _DAY
_GENDER = digit("1", "8")
# Hyphenated: any 6 + 7, the date and gender digit are not checked (masking must not depend on
# them); the back part may be partly hidden by the complainant ("900101-1******").
RRN_HYPHENATED = f"{digits(6)}{HYPHEN_SEP}{digits(7)}"
RRN_HYPHENATED_HIDDEN = f"{digits(6)}{HYPHEN_SEP}{partly_hidden(7, hidden_at_least=1)}"
# Digits hidden here and there ("900101-12*4567"): only after a plausible birth date and gender
# digit, since "x" and "X" are also letters that may just touch a number.
_RRN_MIXED = f"{_BIRTH_DATE}{HYPHEN_SEP}{_GENDER}{DIGIT_OR_HIDDEN}{{5}}"
# Without the hyphen, 13 digits are a resident number only when they start with a plausible
# birth date and gender digit; other 13-digit runs are left to the card step.
RRN_PLAIN = f"{_BIRTH_DATE}{SPACE}?{_GENDER}{digits(6)}"
RRN_PLAIN_HIDDEN = f"{_BIRTH_DATE}{SPACE}?{_GENDER}{HIDDEN}{{6}}"

# --- card numbers -----------------------------------------------------------------------------

_CARD_GROUPS = f"{digits(4)}(?:{GROUP_SEP}{partly_hidden(4)}){{2}}{GROUP_SEP}"
CARD_GROUPED = either(
    [
        # 4-4-4-4, middle groups possibly hidden ("1234-56**-****-3456"); a 19-digit card's
        # short tail only after a hyphen, so "... 3456 12개월" keeps its 12.
        f"{_CARD_GROUPS}{digits(4)}(?:{HYPHEN_SEP}{digits(1, 3)})?",
        # American Express 4-6-5 and Diners 4-6-4.
        f"{digits(4)}{GROUP_SEP}{partly_hidden(6)}{GROUP_SEP}{digits(4, 5)}",
    ]
)
CARD_GROUPED_HIDDEN = f"{_CARD_GROUPS}{partly_hidden(4, hidden_at_least=1)}"
CARD_PLAIN = digits(13, 19)

# --- phone numbers ----------------------------------------------------------------------------

# After the trunk zero: mobile 010/011/016-019, Seoul 02, other areas 031-064, 070 and 050x.
_PREFIX = either(
    [
        literal("1") + "[016-9０１６-９]",
        literal("2"),
        digit("3", "6") + digit("1", "5"),
        literal("70"),
        literal("50") + D,
    ]
)
_SUBSCRIBER = f"{GROUP_SEP}?{digits(3, 4)}{GROUP_SEP}?{digits(4)}"
_INTERNATIONAL = either(
    ["[+＋]", f"{literal('00')}(?:{literal('700')}|{digit('1', '9')})?{GROUP_SEP}?"]
)
PHONE = either(
    [
        f"{literal('0')}{_PREFIX}{_SUBSCRIBER}",
        # +82, then the number without (or with a bracketed) trunk zero: +82 10-1234-5678,
        # +82-2-123-4567, +82 (0)10-..., and the common +82 010-... as well.
        # The country code after +, or after an international prefix dialled from abroad or
        # from Korea (0082, 001-82, 00700 82).
        f"{_INTERNATIONAL}?{literal('82')}{GROUP_SEP}?"
        f"(?:[(（]{literal('0')}[)）]{SPACE}?|{literal('0')})?"
        f"{_PREFIX}{_SUBSCRIBER}",
    ]
)

# --- bank accounts ----------------------------------------------------------------------------


def account_group_sizes() -> list[tuple[int, ...]]:
    """Digit-group sizes of hyphenated accounts, 10-14 digits in all, as Korean banks print them."""
    sizes: list[tuple[int, ...]] = []
    # Three groups: 3-6, 2-6, then a last group of at least 4 (110-123-456789, 1002-123-456789,
    # 123456-12-123456); dates (2024-03-15) and most codes have a short last group.
    for a, b, c in product(range(3, 7), range(2, 7), range(4, 8)):
        if 10 <= a + b + c <= 14:
            sizes.append((a, b, c))
    # Four groups ending in a short one (123-4567-8901-23, 123-456789-01-234).
    for a, b, c, d in product((3, 4, 6), range(2, 7), range(2, 7), range(1, 4)):
        if 10 <= a + b + c + d <= 14:
            sizes.append((a, b, c, d))
    return sizes


def _trie_regex(paths: list[tuple[str, ...]]) -> str:
    """One regex for a set of atom sequences, sharing common prefixes.

    Python's backtracking engine retries every branch of a flat alternation at every position;
    a trie tries each shared prefix once (the account shapes below run about ten times faster).
    The order of branches does not matter here: with digit-and-hyphen boundaries on both sides,
    every match of a digit-hyphen chain from a given start ends at the same place.
    """
    heads: dict[str, list[tuple[str, ...]]] = {}
    ends = False
    for path in paths:
        if path:
            heads.setdefault(path[0], []).append(path[1:])
        else:
            ends = True
    branches = [head + _trie_regex(rest) for head, rest in heads.items()]
    if not branches:
        return ""
    if ends:
        branches.append("")
    return branches[0] if len(branches) == 1 else either(branches)


ACCOUNT_SHAPED = _trie_regex(
    [
        tuple(atom for k, size in enumerate(sizes) for atom in ([HYPHEN] if k else []) + [D] * size)
        for sizes in account_group_sizes()
    ]
)
# A safety net for hyphen-joined digits that fit no shape above ("010-1111-2222-010-3333-4444"):
# a hyphen next to a digit does not end a number, so without it such a chain would stay whole
# and visible. Four groups or more, so dates (2024-03-15) stay.
DIGIT_CHAIN = f"(?:{D}+{HYPHEN}){{3,}}{D}+"
# Next to a bank word, any 10-14 digits with optional single separators are an account.
ACCOUNT_WORDS = either(
    [
        *("계좌번호", "계좌", "통장", "입금", "송금", "이체", "예금주", "은행", "뱅크", "농협"),
        *("신협", "수협", "새마을금고", "우체국", "증권", "account", "Account", "acct"),
    ]
)
ACCOUNT_NUMBER = f"{D}(?:(?:{HYPHEN}|{SPACE})?{D}){{9,13}}"
# Up to 15 characters between the word and the number, but no digit (the nearest number only)
# and no bracket, so a token masked by a later step never opens a new path to a number.
_ACCOUNT_GAP = "[^0-9０-９\\[\\]]{0,15}"
_ACCOUNT_AFTER = f"{SPACE}?(?:계좌|통장|으로 입금|로 입금)"

# --- names ------------------------------------------------------------------------------------


def _char_class(chars: Iterable[str]) -> str:
    """A regex class of exactly these characters."""
    return "[" + "".join(sorted(set(chars))) + "]"


def name_core() -> str:
    """Surname + one or two given-name syllables, leaving out the NOT_NAMES pairs."""
    blocked: dict[str, set[str]] = {}
    for word in names.NOT_NAMES:
        blocked.setdefault(word[0], set()).add(word[1])
    given = names.GIVEN_SYLLABLES
    tail = f"{_char_class(given)}?"
    options = [f"{s}{_char_class(given)}{tail}" for s in names.COMPOUND_SURNAMES]
    plain = [s for s in names.SURNAMES if s not in blocked]
    options.append(f"{_char_class(plain)}{_char_class(given)}{tail}")
    for surname in names.SURNAMES:
        if surname in blocked:
            first = [g for g in given if g not in blocked[surname]]
            options.append(f"{surname}{_char_class(first)}{tail}")
    return either(options)


NAME = name_core()
_LABEL_SEP = "[ 　:：=(（]*"
NAME_AFTER_LABEL = Step(
    "name",
    f"({either(names.NAME_LABELS)}{_LABEL_SEP})({NAME})"
    f"({NOT_HANGUL}|$|{either(names.NAME_ENDINGS)})",
)
NAME_SELF_INTRO = Step(
    "name",
    f"({either(names.SELF_LABELS)}{SPACE}*)({NAME})({either(names.COPULAS)})",
)
NAME_BEFORE_TITLE = Step("name", f"(^|{NOT_HANGUL})({NAME})({SPACE}?{either(names.NAME_TITLES)})")
ROMAN_NAME = Step(
    "name",
    f"((?:^|[^A-Za-z]){either(names.HONORIFICS)}\\.?{SPACE})"
    "([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})()",
)

# Longer and more specific shapes first, so a value is never half taken by another type:
# resident numbers before cards (13 digits), grouped cards before phones ("0101 2345 6789
# 0123"), phones before accounts, accounts by shape and context before bare 13-19 digit runs,
# then e-mails (taking in any number token in their local part), names last.
STEPS: tuple[Step, ...] = (
    number_step("rrn", either([RRN_HYPHENATED, RRN_PLAIN, _RRN_MIXED + D])),
    hidden_end_step("rrn", either([RRN_HYPHENATED_HIDDEN, RRN_PLAIN_HIDDEN, _RRN_MIXED + HIDDEN])),
    number_step("card", CARD_GROUPED),
    hidden_end_step("card", CARD_GROUPED_HIDDEN),
    number_step("phone", PHONE),
    number_step("account", ACCOUNT_SHAPED),
    number_step("account", DIGIT_CHAIN),
    Step("account", f"({ACCOUNT_WORDS}{_ACCOUNT_GAP})({ACCOUNT_NUMBER}){AFTER_NUMBER}"),
    Step("account", f"{BEFORE_NUMBER}({ACCOUNT_NUMBER})({_ACCOUNT_AFTER})"),
    number_step("card", CARD_PLAIN),
    Step("email", f"()({EMAIL})()"),
    NAME_AFTER_LABEL,
    NAME_SELF_INTRO,
    NAME_BEFORE_TITLE,
    ROMAN_NAME,
)
