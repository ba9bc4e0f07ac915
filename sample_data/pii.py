"""Fake personal data in Korean formats, vectorised, for narratives the masking code must clean."""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np
import polars as pl

from sample_data import vocab

_FULLWIDTH = [chr(0xFF10 + k) for k in range(10)]
_RRN_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])


def _pick(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(p.size, size=n, p=p / p.sum())


def _digits(rng: np.random.Generator, n: int, k: int, *, lead_nonzero: bool = False) -> pl.Series:
    """n strings of k random decimal digits (first digit not 0 when asked)."""
    low = 10 ** (k - 1) if lead_nonzero else 0
    return pl.Series(rng.integers(low, 10**k, n)).cast(pl.String).str.zfill(k)


def _choose(options: Sequence[pl.Expr]) -> pl.Expr:
    """Expression taking option k where column `shape` equals k."""
    expr = options[-1]
    for k in range(len(options) - 2, -1, -1):
        expr = pl.when(pl.col("shape") == k).then(options[k]).otherwise(expr)
    return expr


def fullwidth(text: pl.Expr) -> pl.Expr:
    """Replace ASCII digits with their full-width forms (as typed with some Korean IMEs)."""
    return text.str.replace_many(list(string.digits), _FULLWIDTH)


def people(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Korean full names (hangul) and matching e-mail addresses."""
    sur = _pick(rng, [w for _, _, w in vocab.SURNAMES], n)
    given = rng.integers(0, len(vocab.GIVEN_NAMES), n)
    # The textbook placeholder name turns up in real complaints too.
    placeholder = rng.random(n) < 0.02
    sur = np.where(placeholder, [s for s, _, _ in vocab.SURNAMES].index("홍"), sur)
    given = np.where(placeholder, [g for g, _ in vocab.GIVEN_NAMES].index("길동"), given)
    sur_h = np.array([s for s, _, _ in vocab.SURNAMES])[sur]
    sur_r = np.array([r for _, r, _ in vocab.SURNAMES])[sur]
    giv_h = np.array([g for g, _ in vocab.GIVEN_NAMES])[given]
    giv_r = np.array([r for _, r in vocab.GIVEN_NAMES])[given]
    domains = np.array([d for d, _ in vocab.EMAIL_DOMAINS])[
        _pick(rng, [w for _, w in vocab.EMAIL_DOMAINS], n)
    ]
    frame = pl.DataFrame(
        {
            "sur_h": sur_h,
            "giv_h": giv_h,
            "sur_r": sur_r,
            "giv_r": giv_r,
            "nn": _digits(rng, n, 2),
            "nnnn": _digits(rng, n, 4),
            "domain": domains,
            "shape": rng.integers(0, 4, n),
        }
    )
    sur_r_, giv_r_ = pl.col("sur_r"), pl.col("giv_r")
    local = _choose(
        [
            pl.concat_str([giv_r_, pl.lit("."), sur_r_, pl.col("nn")]),
            pl.concat_str([sur_r_, giv_r_, pl.col("nnnn")]),
            pl.concat_str([giv_r_, pl.lit("_"), pl.col("nn")]),
            pl.concat_str([giv_r_, sur_r_]),
        ],
    )
    return frame.select(
        name=pl.concat_str([pl.col("sur_h"), pl.col("giv_h")]),
        email=pl.concat_str([local, pl.lit("@"), pl.col("domain")]),
    )


def phone_numbers(rng: np.random.Generator, n: int) -> pl.Series:
    """Mobile and landline numbers in the shapes people actually type them."""
    shape = _pick(rng, [0.38, 0.15, 0.10, 0.08, 0.05, 0.14, 0.10], n)
    areas = np.array(vocab.LANDLINE_AREAS)[rng.integers(0, len(vocab.LANDLINE_AREAS), n)]
    three = rng.random(n) < 0.4
    frame = pl.DataFrame(
        {
            "shape": shape,
            "mid": _digits(rng, n, 4, lead_nonzero=True),
            "last": _digits(rng, n, 4),
            "area": areas,
            "lmid": pl.Series(
                np.where(three, rng.integers(200, 1000, n), rng.integers(2000, 10000, n))
            ).cast(pl.String),
        }
    )
    mid, last = pl.col("mid"), pl.col("last")
    dashed = pl.concat_str([pl.lit("010-"), mid, pl.lit("-"), last])
    expr = _choose(
        [
            dashed,
            pl.concat_str([pl.lit("010"), mid, last]),
            pl.concat_str([pl.lit("+82 10-"), mid, pl.lit("-"), last]),
            pl.concat_str([pl.lit("010 "), mid, pl.lit(" "), last]),
            pl.concat_str([pl.lit("010."), mid, pl.lit("."), last]),
            pl.concat_str([pl.col("area"), pl.lit("-"), pl.col("lmid"), pl.lit("-"), last]),
            fullwidth(dashed),
        ],
    )
    return frame.select(expr.alias("phone")).to_series()


def resident_numbers(rng: np.random.Generator, n: int) -> pl.Series:
    """Resident registration numbers with a valid check digit, hyphenated or not."""
    year = rng.integers(1950, 2007, n)
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    female = rng.integers(0, 2, n)
    gender = np.where(year < 2000, 1, 3) + female
    serial = rng.integers(0, 100_000, n)
    yy = year % 100
    digits = np.column_stack(
        [yy // 10, yy % 10, month // 10, month % 10, day // 10, day % 10, gender]
        + [(serial // 10**k) % 10 for k in range(4, -1, -1)]
    )
    check = (11 - (digits @ _RRN_WEIGHTS) % 11) % 10
    front = pl.Series(yy * 10_000 + month * 100 + day).cast(pl.String).str.zfill(6)
    back = pl.Series(gender * 1_000_000 + serial * 10 + check).cast(pl.String)
    frame = pl.DataFrame(
        {"shape": _pick(rng, [0.7, 0.2, 0.1], n), "front": front, "back": back, "g": gender}
    )
    expr = _choose(
        [
            pl.concat_str([pl.col("front"), pl.lit("-"), pl.col("back")]),
            pl.concat_str([pl.col("front"), pl.col("back")]),
            # Already half-masked by the complainant: the birth date part is still personal data.
            pl.concat_str(
                [pl.col("front"), pl.lit("-"), pl.col("g").cast(pl.String), pl.lit("******")]
            ),
        ],
    )
    return frame.select(expr.alias("rrn")).to_series()


def luhn_check_digits(payload: np.ndarray) -> np.ndarray:
    """Check digit that makes each row of 15 payload digits a Luhn-valid 16-digit number."""
    doubled = payload.copy()
    # In a 16-digit number the digits at even offsets from the left are the doubled ones.
    doubled[:, 0::2] *= 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    return (10 - doubled.sum(axis=1) % 10) % 10


def card_numbers(rng: np.random.Generator, n: int) -> pl.Series:
    """Luhn-valid 16-digit card numbers, grouped by dashes, spaces or not at all."""
    payload = rng.integers(0, 10, (n, 15))
    payload[:, 0] = np.array([4, 5, 9])[rng.integers(0, 3, n)]
    digits = np.column_stack([payload, luhn_check_digits(payload)])
    groups = digits.reshape(n, 4, 4) @ np.array([1000, 100, 10, 1])
    frame = pl.DataFrame(
        {f"g{k}": pl.Series(groups[:, k]).cast(pl.String).str.zfill(4) for k in range(4)}
        | {"shape": _pick(rng, [0.7, 0.15, 0.15], n)}
    )
    parts = [pl.col(f"g{k}") for k in range(4)]
    expr = _choose(
        [
            pl.concat_str(parts, separator="-"),
            pl.concat_str(parts, separator=" "),
            pl.concat_str(parts),
        ],
    )
    return frame.select(expr.alias("card")).to_series()


def bank_accounts(rng: np.random.Generator, n: int) -> pl.Series:
    """Bank name and account number in that bank's digit grouping."""
    bank = rng.integers(0, len(vocab.BANKS), n)
    columns: dict[str, pl.Series | np.ndarray] = {"shape": bank}
    options = []
    for b, (name, groups) in enumerate(vocab.BANKS):
        names = [f"b{b}_{k}" for k in range(len(groups))]
        for col, width in zip(names, groups, strict=True):
            columns[col] = _digits(rng, n, width)
        number = pl.concat_str([pl.col(c) for c in names], separator="-")
        options.append(pl.concat_str([pl.lit(name + " "), number]))
    frame = pl.DataFrame(columns)
    return frame.select(_choose(options).alias("account")).to_series()


def template_expr(template: str) -> pl.Expr:
    """Polars expression that fills a str.format-style template from same-named columns."""
    pieces: list[pl.Expr] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append(pl.lit(literal))
        if field:
            pieces.append(pl.col(field))
    return pl.concat_str(pieces) if pieces else pl.lit("")


def fill_templates(choice: np.ndarray, templates: Sequence[str], slots: pl.DataFrame) -> pl.Series:
    """Row i becomes templates[choice[i]] filled from row i of `slots`."""
    parts = []
    for t, template in enumerate(templates):
        rows = np.flatnonzero(choice == t)
        if rows.size:
            sub = slots[rows]
            parts.append(sub.select(pl.Series("row", rows), template_expr(template).alias("text")))
    return pl.concat(parts).sort("row")["text"] if parts else pl.Series("text", [], pl.String)
