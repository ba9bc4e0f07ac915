"""The planned world: firms with their planted stories, corporate links and enforcement history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from sample_data import pii, timeline, vocab
from sample_data.config import GeneratorConfig
from sample_data.firms import Firms, daily_rate, make_firms, unique_name

QUARTER_DAYS = 91.31

# (product, onset as a fraction of the period, multiplier, weeks, cause): industry-wide surges.
PRODUCT_SURGES: tuple[tuple[str, float, float, int, str], ...] = (
    ("Gift certificates", 0.24, 5.0, 5, "a gift-certificate platform stopped paying"),
    ("Gym membership", 0.42, 5.0, 6, "a wave of gym closures"),
    ("Package tour", 0.93, 4.0, 4, "a large tour operator went bankrupt"),
)

# Random streams, one per concern, so that changing one part leaves the others' draws alone.
STREAM_FIRMS, STREAM_STORIES, STREAM_LINKS, STREAM_ACTIONS = 1, 2, 3, 4
STREAM_CONTACTS = 5


def stream(config: GeneratorConfig, *keys: int) -> np.random.Generator:
    """An independent generator for one concern (and block) of this config's seed."""
    return np.random.default_rng([config.seed, *keys])


@dataclass(frozen=True)
class Story:
    """One row of the answer key: a planted pattern at one firm (or one product)."""

    kind: str
    firm: int | None
    product: str | None
    onset: date | None
    detail: str


@dataclass(frozen=True)
class Action:
    """One enforcement action against a firm."""

    firm: int
    day: int  # index into the period
    statute: str
    action: str
    fine: float | None


@dataclass(frozen=True)
class Curve:
    """Daily multipliers of a story firm: volume, unresolved share (absolute), response delay."""

    volume: np.ndarray
    unresolved: np.ndarray
    delay: np.ndarray


@dataclass(frozen=True)
class WorldPlan:
    """Everything that decides the complaints, before any complaint row is drawn."""

    config: GeneratorConfig
    firms: Firms
    days: np.ndarray  # datetime64[D], the whole period
    stories: tuple[Story, ...]
    curves: dict[int, Curve]  # firm -> its story curves; other firms are stationary
    product_surge: np.ndarray  # days x products, 1 = no surge
    fixed_counts: dict[int, int]  # firm -> exact number of complaints (tiny firms)
    parent: np.ndarray  # parent firm index or -1
    relations: tuple[tuple[int, int, str], ...]
    actions: tuple[Action, ...]
    contacts: Contacts


@dataclass(frozen=True)
class Contacts:
    """Each firm's representative (a person's name: personal data), phone and address."""

    representative: np.ndarray  # object array of str
    phone: np.ndarray
    address: np.ndarray


@dataclass
class _Planter:
    """Mutable state while stories are planted: free firms, curves, links, actions."""

    config: GeneratorConfig
    firms: Firms
    rng: np.random.Generator
    quarterly: np.ndarray  # expected complaints per quarter at frailty 1
    free: np.ndarray
    eligible: np.ndarray  # may carry a firm-level story: sells no product that surges
    taken_names: set[str]
    stories: list[Story] = field(default_factory=list)
    curves: dict[int, Curve] = field(default_factory=dict)
    fixed_counts: dict[int, int] = field(default_factory=dict)
    relations: list[tuple[int, int, str]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def t(self) -> np.ndarray:
        """Day indices of the period."""
        return np.arange(self.config.days)

    def date(self, index: int) -> date:
        """Calendar day of a period index."""
        return self.config.start + timedelta(days=int(index))

    def monday(self, index: int) -> int:
        """Index of the Monday of the week holding a period index (the next one if before start)."""
        monday = index - self.date(index).weekday()
        return monday if monday >= 0 else monday + 7

    def pick(self, k: int, target: float, among: np.ndarray | None = None) -> np.ndarray:
        """k free firms whose expected quarterly count (at frailty 1) is near `target`."""
        ok = self.free & self.eligible if among is None else self.free & self.eligible & among
        idx = np.flatnonzero(ok)
        if idx.size < k:
            # Small worlds run out of firms in the preferred size band: take the nearest free ones.
            idx = np.flatnonzero(self.free & self.eligible)
        if idx.size < k:
            raise ValueError("too few companies for the planted stories; use more companies.")
        distance = np.abs(np.log(self.quarterly[idx] / target))
        near = idx[distance <= np.log(1.8)]
        if near.size >= k:
            chosen = self.rng.choice(near, k, replace=False)
        else:
            chosen = idx[np.argsort(distance, kind="stable")[:k]]
        self.free[chosen] = False
        return np.sort(chosen)

    def set_level(self, firm: int, target: float, low: float, high: float) -> None:
        """Set a story firm's frailty so it expects about `target` complaints a quarter.

        The frailty stays within [low, high], so the firm's rate remains plausible for its size.
        """
        wanted = target / self.quarterly[firm] * self.rng.uniform(0.9, 1.1)
        self.firms.frailty[firm] = float(np.clip(wanted, low, high))

    def curve(
        self,
        firm: int,
        volume: np.ndarray | None = None,
        unresolved: np.ndarray | None = None,
        delay: np.ndarray | None = None,
    ) -> None:
        """Give a story firm its daily curves (missing ones stay at the firm's constant level)."""
        n = self.config.days
        self.curves[int(firm)] = Curve(
            volume=np.ones(n) if volume is None else volume,
            unresolved=np.full(n, self.firms.unresolved[firm])
            if unresolved is None
            else unresolved,
            delay=np.ones(n) if delay is None else delay,
        )

    def story(
        self,
        kind: str,
        firm: int | None,
        detail: str,
        onset: int | None = None,
        product: str | None = None,
    ) -> None:
        """Record one answer-key row."""
        when = None if onset is None else self.date(onset)
        self.stories.append(Story(kind, None if firm is None else int(firm), product, when, detail))

    def act(self, firm: int, day: int, action: str, statute: str | None = None) -> None:
        """Record an enforcement action; the statute defaults to one the firm's issues concern."""
        if statute is None:
            statute = _likely_statute(self.rng, self.firms.issues[firm])
        fine = None
        if action == "fine":
            size = max(self.quarterly[firm] * self.firms.frailty[firm], 1.0)
            fine = float(np.round(3e7 * size**0.3 * self.rng.lognormal(0.0, 0.6), -6))
            fine = max(fine, 1e6)
        self.actions.append(Action(int(firm), int(day), statute, action, fine))


def _likely_statute(rng: np.random.Generator, issue_mix: np.ndarray) -> str:
    """A statute drawn from the statutes of a firm's issue mix."""
    issue = rng.choice(issue_mix.size, p=issue_mix / issue_mix.sum())
    return vocab.ISSUE_STATUTES[issue][1]


def _pct(x: float) -> str:
    """A share as a whole percentage, e.g. 0.153 -> '15%'."""
    return f"{round(100 * x)}%"


# --- the planted stories -------------------------------------------------------------------


def _plant_big_healthy(p: _Planter, k: int = 5) -> None:
    """Some of the largest firms: high volume, low rate for their size, few unresolved."""
    f = p.firms
    ranked = np.argsort(-f.exposure, kind="stable")
    width = 4 * k
    while (top := ranked[:width][p.eligible[ranked[:width]]]).size < 2 * k:
        width += k
    # Of the largest in customers, the ones with most complaints, one per industry if possible.
    loudest = [int(firm) for firm in top[np.argsort(-p.quarterly[top], kind="stable")][: 2 * k]]
    chosen: list[int] = []
    for firm in loudest:
        if len(chosen) < k and f.industry[firm] not in {f.industry[c] for c in chosen}:
            chosen.append(firm)
    chosen += [firm for firm in loudest if firm not in chosen][: k - len(chosen)]
    for firm in chosen:
        p.free[firm] = False
        f.exposure_known[firm] = True
        f.frailty[firm] = p.rng.uniform(0.5, 0.75)
        f.unresolved[firm] = p.rng.uniform(0.05, 0.08)
        f.delay[firm] = p.rng.uniform(2.0, 4.0)
        f.no_response[firm] = 0.02
        p.story(
            "big_healthy",
            firm,
            f"one of the largest firms ({f.exposure[firm]:,.0f} customers), stable; rate "
            f"{f.frailty[firm]:.2f}x its industry norm, unresolved {_pct(f.unresolved[firm])}",
        )


def _plant_tiny(p: _Planter, k: int = 20) -> None:
    """Firms with only a handful of complaints in the whole period, some all unresolved."""
    f = p.firms
    small = p.quarterly <= np.quantile(p.quarterly, 0.35)
    for j, firm in enumerate(p.rng.permutation(np.flatnonzero(p.free & small))[:k]):
        p.free[firm] = False
        count = int(p.rng.integers(1, 6))
        p.fixed_counts[int(firm)] = count
        f.exposure_known[firm] = p.rng.random() < 0.3
        if j % 5 < 2:
            f.unresolved[firm], f.withdrawn[firm], f.no_response[firm] = 1.0, 0.0, 1.0
            p.story("tiny", firm, f"{count} complaint(s) in the whole period, all unresolved")
        else:
            p.story("tiny", firm, f"{count} complaint(s) in the whole period")


def _plant_deteriorating(p: _Planter, k: int = 10) -> None:
    """Mid-size firms whose complaints climb 4-5x and unresolved share to 60%+ before the end."""
    f = p.firms
    last = p.config.days - 1
    for j, firm in enumerate(p.pick(k, 30.0)):
        p.set_level(firm, 30.0, 0.7, 1.5)
        f.exposure_known[firm] = j % 3 != 2
        # An ordinary responder before the onset, so that the change is the firm's own.
        f.delay[firm], f.no_response[firm] = p.rng.uniform(4.0, 7.0), p.rng.uniform(0.05, 0.15)
        onset = last - int(p.rng.integers(180, 216))
        length = int(p.rng.integers(70, 106))
        factor = p.rng.uniform(4.0, 5.0)
        before, after = p.rng.uniform(0.12, 0.17), p.rng.uniform(0.60, 0.72)
        f.unresolved[firm] = before
        shape = timeline.ramp(p.t, onset, length)
        p.curve(
            firm,
            volume=1.0 + (factor - 1.0) * shape,
            unresolved=before + (after - before) * shape,
            delay=1.0 + 0.6 * shape,
        )
        p.story(
            "deteriorating",
            firm,
            f"complaints x{factor:.1f} from {p.date(onset)} (full by {p.date(onset + length)}), "
            f"unresolved {_pct(before)}->{_pct(after)}, responses slower",
            onset=onset,
        )


def _plant_company_surges(p: _Planter) -> None:
    """Sudden jumps (an operator change) lasting weeks: two early, two near the end."""
    f = p.firms
    last = p.config.days - 1
    starts = [int(0.22 * last), int(0.55 * last), last - 90, last - 45]
    for start, firm in zip(starts, p.pick(len(starts), 50.0), strict=True):
        p.set_level(firm, 50.0, 0.7, 1.5)
        onset = p.monday(start + int(p.rng.integers(0, 14)))
        weeks = int(p.rng.integers(4, 11))
        factor = p.rng.uniform(4.5, 8.0)
        before = f.unresolved[firm]
        shape = timeline.pulse(p.t, onset, 7 * weeks)
        p.curve(
            firm,
            volume=1.0 + (factor - 1.0) * shape,
            unresolved=before + (0.4 - before) * shape,
        )
        p.story(
            "company_surge",
            firm,
            f"complaints x{factor:.1f} within days from {p.date(onset)} for {weeks} weeks "
            f"(operator change), unresolved {_pct(before)}->40% meanwhile",
            onset=onset,
        )
        after = onset + 7 * weeks + int(p.rng.integers(60, 120))
        if after < last - 14:
            p.act(firm, after, ["warning", "corrective order"][int(p.rng.integers(0, 2))])


def _plant_chronic(p: _Planter, k: int = 6) -> None:
    """Persistently high rate for their size, half unresolved, repeatedly sanctioned."""
    f = p.firms
    last = p.config.days - 1
    ladder = ["warning", "corrective order", "fine", "fine"]
    for firm in p.pick(k, 45.0 / 4.2):
        p.set_level(firm, 45.0, 3.5, 5.0)
        f.unresolved[firm] = p.rng.uniform(0.45, 0.55)
        f.withdrawn[firm] = 0.02
        f.delay[firm] = p.rng.uniform(14.0, 25.0)
        f.no_response[firm] = p.rng.uniform(0.4, 0.6)
        tilt = np.array([vocab.DISTRESS_TILT.get(i, 1.0) for i in vocab.ISSUES])
        mix = f.issues[firm] * np.sqrt(tilt)
        f.issues[firm] = mix / mix.sum()
        n_actions = int(p.rng.integers(2, 5))
        days = np.sort(p.rng.choice(np.arange(45, last - 45), n_actions, replace=False))
        for rung, day in enumerate(days):
            action = ladder[rung]
            if rung == 3 and p.rng.random() < 0.5:
                action = "consent decree"
            p.act(firm, int(day), action)
        p.story(
            "chronic",
            firm,
            f"rate {f.frailty[firm]:.1f}x its industry norm all period, unresolved "
            f"~{_pct(f.unresolved[firm])}, {n_actions} enforcement actions",
        )


def _plant_split_harm_group(p: _Planter, k: int = 4) -> None:
    """A parent whose four subsidiaries each rise moderately at the same time."""
    f = p.firms
    last = p.config.days - 1
    big = p.quarterly >= np.quantile(p.quarterly, 0.85)
    parent = int(p.pick(1, float(np.quantile(p.quarterly, 0.92)), among=big)[0])
    f.frailty[parent] = p.rng.uniform(0.8, 1.2)
    # Groups span industries (a retailer owns a travel agency and a card issuer).
    subs = p.pick(k, 18.0)
    stem = str(f.names[parent]).split()[0]
    onset = last - int(p.rng.integers(180, 201))
    factors = p.rng.uniform(1.8, 2.2, k)
    p.story(
        "split_harm_group",
        parent,
        f"group parent, itself stable; its {k} subsidiaries rise together "
        f"(x{factors.mean():.1f} on average) from {p.date(onset)}",
        onset=onset,
    )
    for sub, factor in zip(subs, factors, strict=True):
        p.taken_names.discard(str(f.names[sub]))
        f.names[sub] = unique_name(p.rng, vocab.INDUSTRIES[f.industry[sub]], p.taken_names, stem)
        p.set_level(sub, 18.0, 0.7, 1.5)
        before, after = 0.18, p.rng.uniform(0.32, 0.40)
        f.unresolved[sub] = before
        start = onset + int(p.rng.integers(0, 15))
        shape = timeline.ramp(p.t, start, 60)
        p.curve(
            sub,
            volume=1.0 + (factor - 1.0) * shape,
            unresolved=before + (after - before) * shape,
        )
        p.relations.append((parent, int(sub), "parent"))
        p.story(
            "split_harm_group",
            sub,
            f"subsidiary of {f.ids[parent]}: complaints x{factor:.1f} from {p.date(start)}, "
            f"unresolved {_pct(before)}->{_pct(after)}",
            onset=start,
        )


def _plant_phoenix(p: _Planter) -> None:
    """A fined firm stops trading and a renamed successor carries on with the same conduct."""
    f = p.firms
    last = p.config.days - 1
    industries = [vocab.INDUSTRY_NAMES.index(n) for n in ("fitness", "education", "travel")]
    fly_by_night = np.isin(f.industry, industries)
    old = int(p.pick(1, 30.0 / 2.5, among=fly_by_night)[0])
    new = int(p.pick(1, 3.0, among=f.industry == f.industry[old])[0])
    f.frailty[old] = 2.5
    climb_start = int(0.33 * last)
    fine_day = climb_start + 150 + int(p.rng.integers(0, 30))
    stop = fine_day + int(p.rng.integers(20, 41))
    restart = stop + int(p.rng.integers(7, 22))
    shape = timeline.ramp(p.t, climb_start, 120)
    f.unresolved[old] = 0.25
    p.curve(
        old,
        volume=(1.0 + shape) * (p.t < stop),
        unresolved=0.25 + 0.35 * shape,
        delay=1.0 + shape,
    )
    p.act(old, climb_start + 60, "warning")
    p.act(old, fine_day, "fine")
    # Same conduct at the same scale: the successor's rate matches the predecessor's late level.
    f.frailty[new] = 2.0 * f.frailty[old] * p.quarterly[old] / p.quarterly[new]
    f.unresolved[new], f.delay[new], f.no_response[new] = 0.6, f.delay[old] * 2, 0.5
    f.issues[new] = f.issues[old]
    f.products[new] = f.products[old]
    f.exposure_known[new] = False
    p.curve(new, volume=(p.t >= restart).astype(float))
    p.relations += [(old, new, "successor"), (old, new, "shared_representative")]
    p.story(
        "sanctioned_predecessor",
        old,
        f"complaints x2 from {p.date(climb_start)}, unresolved 25%->60%, fined on "
        f"{p.date(fine_day)}, no complaints from {p.date(stop)} (onset = that stop date)",
        onset=stop,
    )
    p.story(
        "renamed_successor",
        new,
        f"successor of {f.ids[old]} ({f.names[old]}): complaints from {p.date(restart)} at the "
        "predecessor's late level, unresolved 60%",
        onset=restart,
    )


def _plant_product_surges(p: _Planter) -> np.ndarray:
    """Industry-wide surges of one product across every firm that sells it."""
    last = p.config.days - 1
    surge = np.ones((p.config.days, len(vocab.PRODUCTS)))
    for product, position, factor, weeks, cause in PRODUCT_SURGES:
        g = vocab.PRODUCTS.index(product)
        onset = p.monday(int(position * last))
        surge[:, g] *= 1.0 + (factor - 1.0) * timeline.pulse(p.t, onset, 7 * weeks, 4, 14)
        sellers = int((p.firms.products[:, g] > 0).sum())
        p.story(
            "product_surge",
            None,
            f"'{product}' complaints x{factor:g} for {weeks} weeks from {p.date(onset)} at every "
            f"firm that sells it ({sellers} firms): {cause}",
            onset=onset,
            product=product,
        )
    return surge


# --- links between firms and the background enforcement -----------------------------------


def _link_groups(p: _Planter, rng: np.random.Generator, parent: np.ndarray) -> None:
    """Corporate groups among ordinary firms; big stable firms may head one."""
    f = p.firms
    healthy = np.array([s.firm for s in p.stories if s.kind == "big_healthy"], dtype=np.int64)
    big = p.quarterly >= np.quantile(p.quarterly, 0.85)
    heads = np.flatnonzero(big & p.free)
    heads = np.concatenate([healthy, rng.permutation(heads)])[: max(3, f.size // 60)]
    members = rng.permutation(np.setdiff1d(np.flatnonzero(p.free), heads))
    used = 0
    for head in heads:
        size = int(rng.integers(1, 5))
        stem = str(f.names[head]).split()[0]
        for sub in members[used : used + size]:
            parent[sub] = head
            p.relations.append((int(head), int(sub), "parent"))
            if rng.random() < 0.6:
                p.taken_names.discard(str(f.names[sub]))
                f.names[sub] = unique_name(
                    rng, vocab.INDUSTRIES[f.industry[sub]], p.taken_names, stem
                )
        used += size


def _link_platforms(p: _Planter, rng: np.random.Generator) -> None:
    """The three largest marketplaces and the smaller online sellers on them."""
    f = p.firms
    online = f.industry == vocab.INDUSTRY_NAMES.index("e-commerce")
    ranked = np.flatnonzero(online)[np.argsort(-f.exposure[online], kind="stable")]
    platforms, sellers = ranked[:3], ranked[ranked.size // 2 :]
    for platform in platforms:
        count = min(sellers.size, int(rng.integers(5, 26)))
        for seller in np.sort(rng.choice(sellers, count, replace=False)):
            p.relations.append((int(platform), int(seller), "platform_seller"))


def _link_representatives(p: _Planter, rng: np.random.Generator) -> None:
    """Pairs of small firms in one industry that share a representative director."""
    f = p.firms
    small = np.flatnonzero(p.quarterly <= np.median(p.quarterly))
    for _ in range(max(3, f.size // 100)):
        a = rng.choice(small)
        same = small[(f.industry[small] == f.industry[a]) & (small != a)]
        if same.size:
            p.relations.append((int(a), int(rng.choice(same)), "shared_representative"))


def _background_actions(p: _Planter, rng: np.random.Generator) -> None:
    """Occasional actions against ordinary firms, more likely where conduct is worse, any time."""
    f = p.firms
    targets = p.free.copy()
    targets[[s.firm for s in p.stories if s.kind == "big_healthy"]] = True
    idx = np.flatnonzero(targets)
    weight = f.frailty[idx] ** 2 * (f.unresolved[idx] / 0.18) ** 2 * p.quarterly[idx] ** 0.3
    years = p.config.days / 365.25
    count = int(rng.poisson(0.012 * f.size * years))
    kinds = ["warning", "corrective order", "fine", "consent decree"]
    for firm in rng.choice(idx, count, p=weight / weight.sum()):
        action = kinds[rng.choice(4, p=[0.45, 0.35, 0.17, 0.03])]
        p.act(int(firm), int(rng.integers(0, p.config.days)), action)


# Landline area codes by region (vocab.REGIONS order) and street names for addresses.
AREA_CODES: tuple[str, ...] = (
    "02", "051", "053", "032", "062", "042", "052", "044", "031",
    "033", "043", "041", "063", "061", "054", "055", "064",
)  # fmt: skip
STREETS: tuple[str, ...] = (
    "Teheran", "Sejong", "Jong", "Eulji", "Toegye", "Hangang", "Gangnam", "Dosan", "Olympic",
    "Jungang", "Haeun", "Dongil", "Mokdong", "Yeongdong", "Bongeunsa", "Gukhoe", "Yanghwa",
    "Mapo", "Cheonho", "Dalgubeol", "Suseong", "Gwangbok", "Chungjang", "Daehak", "Hwarang",
    "Baekje", "Gaya", "Sinsa", "Apgujeong", "Nonhyeon",
)  # fmt: skip
HOUSE_NUMBERS = 399  # on each road: 1-399
MAIN_ROAD_ADDRESSES = len(STREETS) * HOUSE_NUMBERS  # per region
MAX_REDRAWS = 100
UNDISCLOSED = (
    ("representative", "address"),
    ("phone", "address"),
    ("business_no",),
)


def _distinct_strings(
    rng: np.random.Generator, n: int, draw: Callable[[np.random.Generator, np.ndarray], list[str]]
) -> np.ndarray:
    """n strings from `draw`, redrawn until no two are equal (collisions are rare).

    Raises ValueError when collisions remain after MAX_REDRAWS rounds: `draw` then has too few
    values for n (each round redraws only the clashing ones, so a roomy space settles in a few).
    """
    values = np.array(draw(rng, np.arange(n)), dtype=object)
    for _ in range(MAX_REDRAWS):
        _, first = np.unique(values.astype(str), return_index=True)
        clash = np.ones(n, dtype=bool)
        clash[first] = False
        if not clash.any():
            return values
        values[clash] = draw(rng, np.flatnonzero(clash))
    raise ValueError(
        f"could not draw {n:,} distinct values in {MAX_REDRAWS} rounds: too few to choose from"
    )


def road_addresses(
    rng: np.random.Generator, regions: np.ndarray, side_streets: bool = False
) -> list[str]:
    """A road-name address per firm in `regions` (vocab.REGIONS indices).

    "123 Teheran-ro, Seoul": MAIN_ROAD_ADDRESSES per region. With `side_streets`, ~1.2 million
    per region, such as "45 Sejong-ro 8-gil, Busan" (lane 0 is the road itself).
    """
    streets = rng.integers(0, len(STREETS), regions.size)
    numbers = rng.integers(1, HOUSE_NUMBERS + 1, regions.size)
    names = [vocab.REGIONS[r][0] for r in regions]
    # Drawn only for side streets, so a world without them draws what it always drew.
    lanes = rng.integers(0, 100, regions.size) if side_streets else np.zeros(regions.size, np.int64)
    return [
        f"{n} {STREETS[s]}-ro{f' {lane}-gil' if lane else ''}, {r}"
        for n, s, lane, r in zip(numbers, streets, lanes, names, strict=True)
    ]


def needs_side_streets(home_region: np.ndarray) -> bool:
    """Whether some region holds more than a quarter as many firms as its main roads have
    addresses (a 50,000-firm world puts ~13,400 firms in Gyeonggi).

    Only such crowded worlds draw side streets: a world that fits on main roads draws exactly
    what it drew before side streets existed, so a seed still gives the same sample, whose
    firms the documentation quotes.
    """
    return bool(np.bincount(home_region).max() * 4 > MAIN_ROAD_ADDRESSES)


def _plant_contacts(p: _Planter, rng: np.random.Generator) -> Contacts:
    """Representatives, phones and addresses; recorded links share them, and three pairs of
    ordinary firms share them without any recorded link (story `undisclosed_link`).

    Representatives' names repeat by chance (Korean names do), phones and addresses do not,
    except where planted.
    """
    f = p.firms
    representative = pii.people(rng, f.size)["name"].to_numpy().astype(object)

    def phones(g: np.random.Generator, which: np.ndarray) -> list[str]:
        codes = [AREA_CODES[r] for r in f.home_region[which]]
        first = g.integers(200, 10_000, which.size)
        last = g.integers(0, 10_000, which.size)
        return [f"{c}-{a}-{b:04d}" for c, a, b in zip(codes, first, last, strict=True)]

    phone = _distinct_strings(rng, f.size, phones)
    side_streets = needs_side_streets(f.home_region)
    address = _distinct_strings(
        rng, f.size, lambda g, which: road_addresses(g, f.home_region[which], side_streets)
    )
    for src, dst, relation in p.relations:
        if relation == "shared_representative":
            representative[dst] = representative[src]
    contacts = {"representative": representative, "phone": phone, "address": address}
    registered = np.array([b is not None for b in f.business_no])
    ordinary = p.free & p.eligible & registered
    sized = ordinary & (p.quarterly >= 5.0) & (p.quarterly <= 40.0)
    for shared in UNDISCLOSED:
        # Mid-sized firms with a same-industry partner; small worlds take any free firms.
        pool = sized if _paired(sized, f.industry).any() else ordinary
        if not _paired(pool, f.industry).any():
            pool = p.free & registered
        first = int(rng.choice(np.flatnonzero(_paired(pool, f.industry))))
        partners = np.flatnonzero(pool & (f.industry == f.industry[first]))
        second = int(rng.choice(partners[partners != first]))
        sized[[first, second]] = False
        ordinary[[first, second]] = False
        p.free[[first, second]] = False
        for kind in shared:
            values = f.business_no if kind == "business_no" else contacts[kind]
            values[second] = values[first]
        what = " and ".join(
            k.replace("business_no", "business registration number") for k in shared
        )
        for one, other in ((first, second), (second, first)):
            p.story(
                "undisclosed_link",
                one,
                f"same {what} as {f.ids[other]} ({f.names[other]}); no relation recorded",
            )
    return Contacts(representative, phone, address)


def _paired(pool: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """Firms of the pool that share their industry with another firm of the pool."""
    counts = np.bincount(industry[pool], minlength=int(industry.max()) + 1)
    return pool & (counts[industry] >= 2)


def _sells_no_surging_product(firms: Firms) -> np.ndarray:
    """Firms untouched by the product surges, so that a firm's own story stays its own."""
    surging = [vocab.PRODUCTS.index(product) for product, *_ in PRODUCT_SURGES]
    return ~(firms.products[:, surging] > 0).any(axis=1)


def plan_world(config: GeneratorConfig) -> WorldPlan:
    """Draw the firms, plant the stories, link the firms and write their enforcement history."""
    firms = make_firms(stream(config, STREAM_FIRMS), config.companies)
    rate = daily_rate(firms)
    scale = config.complaints / (rate.sum() * config.days)
    planter = _Planter(
        config=config,
        firms=firms,
        rng=stream(config, STREAM_STORIES),
        quarterly=scale * rate / firms.frailty * QUARTER_DAYS,
        free=np.ones(firms.size, dtype=bool),
        eligible=_sells_no_surging_product(firms),
        taken_names=set(firms.names.tolist()),
    )
    # Busiest stories first: they need the scarcer mid-to-large firms.
    _plant_big_healthy(planter)
    _plant_company_surges(planter)
    _plant_deteriorating(planter)
    _plant_chronic(planter)
    _plant_split_harm_group(planter)
    _plant_phoenix(planter)
    _plant_tiny(planter)
    surge = _plant_product_surges(planter)
    parent = np.full(firms.size, -1)
    for src, dst, relation in planter.relations:
        if relation == "parent":
            parent[dst] = src
    links = stream(config, STREAM_LINKS)
    _link_groups(planter, links, parent)
    _link_platforms(planter, links)
    _link_representatives(planter, links)
    planter.rng = stream(config, STREAM_ACTIONS)
    _background_actions(planter, planter.rng)
    contacts = _plant_contacts(planter, stream(config, STREAM_CONTACTS))
    relations = tuple(dict.fromkeys(planter.relations))  # drop repeated edges, keep order
    actions = tuple(sorted(planter.actions, key=lambda a: (a.day, a.firm)))
    return WorldPlan(
        config=config,
        firms=firms,
        days=timeline.day_range(config.start, config.days),
        stories=tuple(planter.stories),
        curves=planter.curves,
        product_surge=surge,
        fixed_counts=planter.fixed_counts,
        parent=parent,
        relations=relations,
        actions=actions,
        contacts=contacts,
    )
