"""The population of firms: size, industry, names, registration numbers and complaint habits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data import vocab

# Weights of the Korean business registration number check digit.
_BIZ_WEIGHTS = np.array([1, 3, 7, 1, 3, 7, 1, 3, 5])


@dataclass
class Firms:
    """Column arrays, one entry per firm; story planting edits them in place."""

    ids: np.ndarray
    names: np.ndarray  # object array of str
    business_no: np.ndarray  # object array of str or None
    industry: np.ndarray  # index into vocab.INDUSTRIES
    exposure: np.ndarray  # true size (customers)
    exposure_known: np.ndarray  # bool: is the size published?
    frailty: np.ndarray  # complaint rate relative to the industry norm
    unresolved: np.ndarray  # share of finished complaints left unresolved
    withdrawn: np.ndarray  # share withdrawn by the consumer
    delay: np.ndarray  # median days until the firm responds
    no_response: np.ndarray  # share of unresolved complaints the firm never answers
    home_region: np.ndarray  # index into vocab.REGIONS
    local: np.ndarray  # share of complainants from the home region
    products: np.ndarray  # firms x products: share of the firm's complaints
    issues: np.ndarray  # firms x issues: relative weight of each issue

    @property
    def size(self) -> int:
        """Number of firms."""
        return int(self.ids.size)


def _quota(shares: np.ndarray, n: int) -> np.ndarray:
    """Counts proportional to shares that add up to n (largest remainder)."""
    raw = shares / shares.sum() * n
    counts = np.floor(raw).astype(np.int64)
    counts[np.argsort(counts - raw)[: n - counts.sum()]] += 1
    return counts


def _pick_weighted(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """n indices drawn with the given weights."""
    return rng.choice(weights.size, size=n, p=weights / weights.sum())


def business_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct registration numbers in the 3-2-5 format with a valid check digit."""
    office = rng.integers(101, 900, n)
    # Middle digits: 81, 86, 87, 88 mark corporations; lower values individual businesses.
    kind = np.where(rng.random(n) < 0.7, rng.choice([81, 86, 87, 88], n), rng.integers(1, 80, n))
    serial = rng.integers(0, 10_000, n)
    # Redraw serials until no two firms share a number (collisions are rare).
    while True:
        key = (office * 100 + kind) * 10_000 + serial
        _, first = np.unique(key, return_index=True)
        clash = np.ones(n, dtype=bool)
        clash[first] = False
        if not clash.any():
            break
        serial[clash] = rng.integers(0, 10_000, int(clash.sum()))
    digits = np.column_stack([(key // 10**k) % 10 for k in range(8, -1, -1)])
    check = (10 - (digits @ _BIZ_WEIGHTS + digits[:, 8] * 5 // 10) % 10) % 10
    return np.array(
        [
            f"{o:03d}-{k:02d}-{s:04d}{c}"
            for o, k, s, c in zip(office, kind, serial, check, strict=True)
        ],
        dtype=object,
    )


def _name(
    rng: np.random.Generator, industry: vocab.Industry, stem: str | None, attempt: int
) -> str:
    """A romanised-Korean firm name for the industry, e.g. 'Hanbit Commerce Co., Ltd.'."""
    stems = vocab.NAME_STEMS
    stem = stem or stems[rng.integers(len(stems))]
    if attempt >= 20:
        # Plain names are used up in crowded industries: add a qualifier ("Hanbit Global Mall").
        stem = f"{stem} {vocab.NAME_QUALIFIERS[rng.integers(len(vocab.NAME_QUALIFIERS))]}"
    if attempt >= 60:
        stem = f"{stem.split()[0]}{stems[rng.integers(len(stems))].lower()}"
    word = industry.words[rng.integers(len(industry.words))]
    forms = np.cumsum([w for _, w in vocab.LEGAL_FORMS])
    form = vocab.LEGAL_FORMS[int(np.searchsorted(forms, rng.random() * forms[-1]))][0]
    return " ".join(part for part in (stem, word, form) if part)


def unique_name(
    rng: np.random.Generator, industry: vocab.Industry, taken: set[str], stem: str | None = None
) -> str:
    """A firm name not in `taken` (which it joins), made more specific as plain ones run out."""
    for attempt in range(1000):
        name = _name(rng, industry, stem, attempt)
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not find a unique firm name")  # pragma: no cover


def _name_pool(industry: vocab.Industry, level: int) -> tuple[list[str], np.ndarray]:
    """All names of one style for an industry, with weights from the legal-form shares.

    Level 0: "Hanbit Commerce Co., Ltd."; 1: "Hanbit Global Commerce Inc."; 2: "Hanbitnuri Mall".
    """
    stems = vocab.NAME_STEMS
    if level == 0:
        heads = list(stems)
    elif level == 1:
        heads = [f"{s} {q}" for s in stems for q in vocab.NAME_QUALIFIERS]
    else:
        heads = [f"{s}{t.lower()}" for s in stems for t in stems if s != t]
    names, weights = [], []
    for head in heads:
        for word in industry.words:
            for form, weight in vocab.LEGAL_FORMS:
                names.append(" ".join(part for part in (head, word, form) if part))
                weights.append(weight)
    return names, np.array(weights)


def _industry_names(rng: np.random.Generator, industry: vocab.Industry, count: int) -> list[str]:
    """`count` distinct names for one industry, plain ones first, as a crowded market has."""
    out: list[str] = []
    for level in range(3):
        names, weights = _name_pool(industry, level)
        # Use at most half of a style before moving on, so that names do not all look alike.
        take = min(count - len(out), len(names) if level == 2 else len(names) // 2)
        # Weighted sampling without replacement (Efraimidis-Spirakis keys).
        keys = rng.random(len(names)) ** (1.0 / weights)
        out += [names[i] for i in np.argsort(-keys, kind="stable")[:take]]
        if len(out) == count:
            return out
    raise ValueError(f"too many firms in {industry.name} for distinct names: {count}")


def _product_mix(rng: np.random.Generator, industry_of: np.ndarray) -> np.ndarray:
    """Each firm sells a random subset of its industry's products, in random proportions."""
    offsets = np.cumsum([0] + [len(i.products) for i in vocab.INDUSTRIES])
    mix = np.zeros((industry_of.size, offsets[-1]))
    for k, industry in enumerate(vocab.INDUSTRIES):
        rows = np.flatnonzero(industry_of == k)
        shares = np.array([s for _, s in industry.products])
        sells = rng.random((rows.size, shares.size)) < 0.7
        sells[np.arange(rows.size), _pick_weighted(rng, shares, rows.size)] = True
        weights = shares * rng.gamma(2.0, 0.5, (rows.size, shares.size)) * sells
        mix[rows, offsets[k] : offsets[k + 1]] = weights
    return mix / mix.sum(axis=1, keepdims=True)


def _issue_mix(rng: np.random.Generator, industry_of: np.ndarray) -> np.ndarray:
    """Each firm's issue weights: its industry's typical issues, with firm-to-firm variation."""
    base = np.zeros((len(vocab.INDUSTRIES), len(vocab.ISSUES)))
    for k, industry in enumerate(vocab.INDUSTRIES):
        for issue, weight in industry.issues:
            base[k, vocab.ISSUES.index(issue)] = weight
    mix = base[industry_of] * rng.gamma(3.0, 1.0 / 3.0, (industry_of.size, base.shape[1]))
    return mix / mix.sum(axis=1, keepdims=True)


def make_firms(rng: np.random.Generator, n: int) -> Firms:
    """Draw n firms: heavy-tailed sizes across industries and ordinary complaint habits."""
    shares = np.array([i.firm_share for i in vocab.INDUSTRIES])
    industry = rng.permutation(np.repeat(np.arange(shares.size), _quota(shares, n)))
    z = rng.normal(size=n)
    centre = np.array([i.log10_exposure for i in vocab.INDUSTRIES])[industry]
    exposure = np.round(10 ** np.clip(centre + 0.8 * z, 1.3, 7.6))
    # Small firms more often report no size to the regulator.
    known = rng.random(n) >= np.where(z < 0, 0.42, 0.08)
    slow = rng.random(n) < 0.06
    deaf = rng.random(n) < 0.04
    local_share = np.array([i.local for i in vocab.INDUSTRIES])[industry]
    population = np.array([w for _, w in vocab.REGIONS])
    names = np.empty(n, dtype=object)
    for k, spec in enumerate(vocab.INDUSTRIES):
        members = np.flatnonzero(industry == k)
        names[members] = _industry_names(rng, spec, members.size)
    business_no = business_numbers(rng, n)
    business_no[rng.random(n) < 0.05] = None
    return Firms(
        ids=np.array([f"C{k:05d}" for k in range(1, n + 1)]),
        names=names,
        business_no=business_no,
        industry=industry,
        exposure=exposure,
        exposure_known=known,
        frailty=rng.gamma(5.0, 0.2, n),
        unresolved=rng.beta(5.4, 24.6, n),
        withdrawn=rng.beta(2.0, 45.0, n),
        delay=np.exp(rng.normal(np.log(5.0), 0.45, n)) * np.where(slow, 3.5, 1.0),
        no_response=np.where(deaf, rng.beta(6.0, 3.0, n), rng.beta(1.0, 8.0, n)),
        home_region=_pick_weighted(rng, population, n),
        local=local_share * rng.uniform(0.6, 1.0, n),
        products=_product_mix(rng, industry),
        issues=_issue_mix(rng, industry),
    )


def daily_rate(firms: Firms) -> np.ndarray:
    """Expected complaints per day per firm before scaling: size x industry rate x frailty."""
    rate = np.array([i.rate for i in vocab.INDUSTRIES])[firms.industry]
    return firms.exposure / 1000.0 * rate / 365.25 * firms.frailty
