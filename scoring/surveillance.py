"""Prospective weekly surveillance of many count series at once (numpy; no polars, no I/O).

Each series s has a weekly count y[s, t] and an exposure x[s, t]: what its count is expected to
move with (for a firm, all other complaints that week, so that a jump in everything moves its
expectation too). Week t is judged only on weeks before it, so the evidence for a week never
changes when later weeks arrive:

    rate       r = (sum of cleaned y + prior) / (sum of x) over the reference weeks t-w .. t-1
    season     f = the same-season ratio of the series' group one and two years back (1 if
                   there is not enough history; see `seasonal_factor`), with Var(log f) = v
    expected   mu = r * x[t] * f
    spread     phi = max(1, Pearson X^2 / (n - 1)) over the reference weeks that were not
                   clipped as surges (quasi-Poisson overdispersion)
    predictive y[t] ~ NB with mean mu and variance phi mu + mu^2 (phi / (Y + prior) + v): the
               week's own noise plus the uncertainty of the rate (from Y reference complaints)
               and of the seasonal factor, as Farrington's threshold adds Var(mu-hat). With
               phi = 1 and v = 0 it is exactly the gamma-Poisson posterior predictive.
    evidence   p = P(Y >= y[t]) under that NB.

Past surges are kept out of later baselines (Farrington's and Noufaily's down-weighting of past
outbreaks, done here by winsorising): once week t has been judged, its count enters later
reference windows capped at the predictive `clean_quantile` quantile, and a capped week does not
count towards phi. A lasting change of level is therefore absorbed only slowly.

`robust_total_evidence` judges the all-complaints total itself, against a trimmed mean, for the
data events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from scoring.stats import in_parallel

WEEKS_PER_YEAR = 52


@dataclass(frozen=True, kw_only=True)
class BaselineSettings:
    """How expectations are formed; the defaults are the documented ones (docs/alerts.md)."""

    window_weeks: int = 26
    min_history_weeks: int = 8
    season_half_width: int = 2
    season_years: int = 2
    season_pseudo_count: float = 25.0
    season_limit: float = 4.0
    prior_count: float = 0.5
    clean_quantile: float = 0.99


def check_baseline_settings(settings: BaselineSettings) -> None:
    """Raise ValueError naming the first setting that is out of range."""
    s = settings
    if s.window_weeks < 2:
        raise ValueError(f"window_weeks must be >= 2; got {s.window_weeks}.")
    if not 1 <= s.min_history_weeks <= s.window_weeks:
        raise ValueError(
            "min_history_weeks must be >= 1 and <= window_weeks; "
            f"got {s.min_history_weeks} and {s.window_weeks}."
        )
    if not 0 <= s.season_half_width < s.window_weeks:
        raise ValueError(
            "season_half_width must be >= 0 and < window_weeks; "
            f"got {s.season_half_width} and {s.window_weeks}."
        )
    if s.season_years < 0:
        raise ValueError(f"season_years must be >= 0; got {s.season_years}.")
    if s.season_pseudo_count < 0:
        raise ValueError(f"season_pseudo_count must be >= 0; got {s.season_pseudo_count}.")
    if s.season_limit < 1:
        raise ValueError(f"season_limit must be >= 1; got {s.season_limit}.")
    if s.prior_count <= 0:
        raise ValueError(f"prior_count must be > 0; got {s.prior_count}.")
    if not 0.5 < s.clean_quantile <= 1:
        raise ValueError(f"clean_quantile must be > 0.5 and <= 1; got {s.clean_quantile}.")


@dataclass(frozen=True)
class Evidence:
    """Per series and week (series x weeks); NaN wherever a week was not tested."""

    observed: np.ndarray
    expected: np.ndarray  # mu
    size: np.ndarray  # NB size k of the predictive distribution
    p_upper: np.ndarray  # P(Y >= observed)
    p_lower: np.ndarray  # P(Y <= observed)
    season: np.ndarray  # seasonal factor f used in mu (1 where no history)
    dispersion: np.ndarray  # phi
    reference_mean: np.ndarray  # mean cleaned weekly count of the reference weeks
    cleaned: np.ndarray  # counts as later baselines see them
    # Per week, the typical series' observed / reference mean (see `typical_ratio_of_week`); only
    # when `surveil` is asked for it, which then keeps no reference_mean matrix.
    typical: np.ndarray | None = None

    @property
    def tested(self) -> np.ndarray:
        """True where the week was tested."""
        return np.isfinite(self.p_upper)


def nb_parameters(
    mean: np.ndarray,
    dispersion: np.ndarray,
    reference_count: np.ndarray,
    season_log_variance: np.ndarray | float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """scipy's (n, p) of the predictive NB with variance phi mu + mu^2 (phi / Y + v_season).

    Y is the reference count (with its prior), v_season the variance of the log seasonal
    factor: the week's own noise plus the uncertainty of the estimated mean (as Farrington's
    threshold adds Var(mu-hat)). n = mu / ((phi - 1) + mu (phi / Y + v_season)) and
    p = n / (n + mu); NaN where mu <= 0.
    """
    mu = np.asarray(mean, dtype=float)
    phi = np.asarray(dispersion, dtype=float)
    ref = np.asarray(reference_count, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = mu / ((phi - 1.0) + mu * (phi / ref + season_log_variance))
        prob = size / (size + mu)
    ok = np.isfinite(size) & (size > 0) & (mu > 0)
    return np.where(ok, size, np.nan), np.where(ok, prob, np.nan)


def upper_tail(observed: np.ndarray, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """P(Y >= observed) under NB(size, prob); 1 for a count of 0, NaN where size is NaN."""
    y, size, prob = np.broadcast_arrays(np.asarray(observed, dtype=float), size, prob)
    tail = np.where(np.isfinite(size) & ~np.isnan(y), 1.0, np.nan)
    # Most firm-weeks have no complaint: the tail is evaluated for the others only, in slices
    # on every core (each of 156 weeks scans 50,000 firms at 10M complaints).
    counted = (y > 0) & np.isfinite(size)
    tail[counted] = in_parallel(stats.nbinom.sf, y[counted] - 1, size[counted], prob[counted])
    return tail


def pearson_dispersion(
    rate: np.ndarray,
    sum_y2_over_x: np.ndarray,
    sum_y: np.ndarray,
    sum_x: np.ndarray,
    weeks: np.ndarray,
) -> np.ndarray:
    """Quasi-Poisson phi = max(1, X^2 / (weeks - 1)) from running sums over the weeks used.

    X^2 = sum (y - r x)^2 / (r x) = sum(y^2 / x) / r - 2 sum(y) + r sum(x), for fitted values
    r x of weeks with x > 0. phi is 1 where weeks < 2 or the rate r is 0 (nothing to measure).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = sum_y2_over_x / rate - 2.0 * sum_y + rate * sum_x
        phi = x2 / (weeks - 1.0)
    ok = (weeks >= 2) & (rate > 0) & np.isfinite(phi)
    return np.where(ok, np.maximum(phi, 1.0), 1.0)


def seasonal_factor(
    group_counts: np.ndarray,
    group_exposure: np.ndarray,
    group_start: np.ndarray,
    week: int,
    settings: BaselineSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """Each group's same-season factor for `week` and the variance of its log; (1, 0) without
    history.

    For each past year k (up to season_years) whose weeks are all after the group's start:
    A_k = group count in the season window (week - 52k +/- half width), and B_k = what the
    group's share of exposure in the reference window a year earlier (week - 52k - w .. -1)
    predicts for that season window. f = (sum A + c) / (sum B + c), with c pseudo-counts
    pulling thin groups towards 1, then limited to [1 / limit, limit]. As Poisson counts,
    Var(log f) ~ 1 / (sum A + c) + 1 / (sum R + c), R_k the reference-window group count.
    """
    s = settings
    n_groups = group_counts.shape[0]
    observed = np.zeros(n_groups)
    predicted = np.zeros(n_groups)
    reference_count = np.zeros(n_groups)
    years = np.zeros(n_groups)
    for k in range(1, s.season_years + 1):
        centre = week - WEEKS_PER_YEAR * k
        first = centre - s.window_weeks
        if first < 0:
            break
        ok = group_start <= first
        season = slice(centre - s.season_half_width, centre + s.season_half_width + 1)
        reference = slice(first, centre)
        ref_exposure = group_exposure[:, reference].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(
                ref_exposure > 0, group_counts[:, reference].sum(axis=1) / ref_exposure, 0.0
            )
        observed += np.where(ok, group_counts[:, season].sum(axis=1), 0.0)
        predicted += np.where(ok, share * group_exposure[:, season].sum(axis=1), 0.0)
        reference_count += np.where(ok, group_counts[:, reference].sum(axis=1), 0.0)
        years += ok
    c = s.season_pseudo_count
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = (observed + c) / (predicted + c)
        variance = 1.0 / (observed + c) + 1.0 / (reference_count + c)
    known = (years > 0) & np.isfinite(factor) & np.isfinite(variance)
    factor = np.clip(np.where(known, factor, 1.0), 1.0 / s.season_limit, s.season_limit)
    return factor, np.where(known, variance, 0.0)


def first_weeks(counts: np.ndarray) -> np.ndarray:
    """Index of each row's first non-zero week; the number of weeks for an all-zero row."""
    nonzero = np.asarray(counts) > 0
    return np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), nonzero.shape[1])


@dataclass
class _Window:
    """Running sums over each series' reference weeks (the last w judged weeks)."""

    weeks: np.ndarray  # live weeks
    y: np.ndarray  # cleaned counts
    x: np.ndarray  # reference exposure
    ordinary: np.ndarray  # weeks not clipped: the ones that measure ordinary noise
    ordinary_y: np.ndarray
    ordinary_x: np.ndarray
    ordinary_y2_over_x: np.ndarray

    @classmethod
    def empty(cls, n_series: int) -> _Window:
        """All sums 0."""
        return cls(*(np.zeros(n_series) for _ in range(7)))

    def add(
        self, y: np.ndarray, x: np.ndarray, live: np.ndarray, clipped: np.ndarray, sign: float
    ) -> None:
        """Add (sign 1) or remove (sign -1) one week's column."""
        ordinary = live & ~clipped & (x > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            y2_over_x = np.where(ordinary, y * y / x, 0.0)
        self.weeks += sign * live
        self.y += sign * y
        self.x += sign * x
        self.ordinary += sign * ordinary
        self.ordinary_y += sign * np.where(ordinary, y, 0.0)
        self.ordinary_x += sign * np.where(ordinary, x, 0.0)
        self.ordinary_y2_over_x += sign * y2_over_x


@dataclass
class _History:
    """The loop state of `surveil`: counts, exposures, cleaned counts and group sums so far.

    Week t's cleaned count and clip flag live in column `t % ring` of `cleaned` and `clipped`:
    with every week kept, ring is the number of weeks; otherwise only the window_weeks + 1
    columns a reference window can still read are kept.
    """

    y: np.ndarray
    exposure: np.ndarray  # series x weeks, or one total per week (see `exposure_of`)
    live: np.ndarray
    cleaned: np.ndarray
    clipped: np.ndarray
    ring: int
    group: np.ndarray
    group_start: np.ndarray
    group_counts: np.ndarray  # cleaned, per group and week
    group_exposure: np.ndarray
    window: _Window
    out: dict[str, np.ndarray]
    # Per judged week, the total its reference exposure is the rest of (share models only).
    reference_totals: np.ndarray | None = None
    typical: np.ndarray | None = None  # per week, with typical_min_series
    typical_min_series: int = 0

    def exposure_of(self, t: int) -> np.ndarray:
        """Every series' exposure in week t (0 before a series starts). A one-dimensional
        exposure is all complaints: a series' exposure is the rest of the week's total."""
        if self.exposure.ndim == 2:
            return np.where(self.live[:, t], self.exposure[:, t], 0.0)
        return np.where(self.live[:, t], np.maximum(self.exposure[t] - self.y[:, t], 0.0), 0.0)

    def reference_of(self, t: int) -> np.ndarray:
        """Week t's exposure as a reference week (once judged): in a share model, the rest of
        the reference total after the series' own cleaned count; otherwise its exposure."""
        if self.reference_totals is None:
            return self.exposure_of(t)
        rest = np.maximum(self.reference_totals[t] - self.cleaned[:, t % self.ring], 0.0)
        return np.where(self.live[:, t], rest, 0)


def typical_ratio_of_week(
    observed: np.ndarray, reference_mean: np.ndarray, min_series: int
) -> float:
    """The median of observed / reference mean over the tested series whose reference mean is
    at least 1 a week; NaN when fewer than `min_series` are."""
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = np.isfinite(reference_mean) & (reference_mean >= 1.0)
        if usable.sum() < min_series:
            return math.nan
        return float(np.median(observed[usable] / reference_mean[usable]))


def surveil(
    counts: np.ndarray,
    exposure: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    reference_total: np.ndarray | None = None,
    trim_total: bool = False,
    settings: BaselineSettings = BaselineSettings(),
    clean: bool = True,
    lower_tail: bool = False,
    keep_cleaned: bool = True,
    diagnostics: bool = True,
    typical_min_series: int | None = None,
) -> Evidence:
    """Judge every week of every series against its own past (see the module docstring).

    counts: series x weeks. exposure: series x weeks, or one number per week meaning "all
    complaints", each series' exposure then being that total less its own count (no series x
    weeks matrix is built: 60 MB at 50K firms). A series starts at its first non-zero week;
    weeks before that are not part of it. A week is tested when the series has at least
    min_history_weeks weeks before it and both the reference exposure and the week's exposure
    are positive (a week with no other complaints at all says nothing about one firm). `groups`
    (one integer per series; default: each series its own group) pool the seasonal factor.
    p_lower is only computed with `lower_tail` (NaN otherwise), as only the all-complaints
    total needs it.

    Share models (exposure = all other complaints) must not let a past surge elsewhere lower
    every other series' normal share. With `reference_total` (one value per week), a judged
    week enters later reference windows with exposure reference_total - own cleaned count, and
    a group's seasonal share is taken of reference_total; with `trim_total`, the reference
    total is the sum of this call's own cleaned counts (for series that partition all
    complaints, such as products). Otherwise weeks keep `exposure` as reference exposure and a
    group's share is taken of its members' summed exposure.

    Without `keep_cleaned`, the cleaned counts are only kept while a reference window can read
    them (NaN in the evidence); without `diagnostics`, season and dispersion are not kept
    (NaN): nothing but inspection reads them, and at 50K firms each is a 60 MB matrix. With
    `typical_min_series`, each week's `typical_ratio_of_week` is kept in `typical` instead of
    the reference_mean matrix (NaN), which nothing else reads.
    """
    check_baseline_settings(settings)
    w = settings.window_weeks
    y = np.asarray(counts, dtype=float)
    n_series, n_weeks = y.shape
    x = np.asarray(exposure, dtype=float)
    if x.shape not in (y.shape, (n_weeks,)):
        raise ValueError(f"exposure must be {y.shape} or ({n_weeks},); got {x.shape}.")
    start = first_weeks(y)
    # The loop reads and writes one week (a column) of every series at a time, so every
    # series x weeks array it makes is column-major: a week is contiguous, not 50,000 reads
    # a row's length apart (the counts from alerts.weekly_matrix are laid out the same way).
    live = (np.arange(n_weeks)[:, None] >= start[None, :]).T
    group = np.arange(n_series) if groups is None else np.asarray(groups, dtype=np.int64)
    n_groups = int(group.max()) + 1 if n_series else 0
    group_start = np.full(n_groups, n_weeks)
    np.minimum.at(group_start, group, start)
    shared = reference_total is not None or trim_total
    ring = n_weeks if keep_cleaned else min(w + 1, n_weeks)
    names = ("expected", "size", "p_upper")
    names += ("ref_mean",) if typical_min_series is None else ()
    names += ("p_lower",) if lower_tail else ()
    names += ("season", "dispersion") if diagnostics else ()
    h = _History(
        y=y,
        exposure=x,
        live=live,
        cleaned=np.empty((n_series, ring), order="F"),
        clipped=np.zeros((n_series, ring), dtype=bool, order="F"),
        ring=ring,
        group=group,
        group_start=group_start,
        group_counts=np.zeros((n_groups, n_weeks)),
        group_exposure=np.zeros((n_groups, n_weeks)),
        window=_Window.empty(n_series),
        out={name: np.full(y.shape, np.nan, order="F") for name in names},
        reference_totals=np.zeros(n_weeks) if shared else None,
        typical=None if typical_min_series is None else np.full(n_weeks, np.nan),
        typical_min_series=typical_min_series or 0,
    )
    if reference_total is not None:
        h.group_exposure[:] = np.asarray(reference_total, dtype=float)[None, :]
    elif not trim_total:
        for t in range(n_weeks):
            h.group_exposure[:, t] = np.bincount(group, h.exposure_of(t), minlength=n_groups)
    for t in range(n_weeks):
        # Week t's column starts as its count (the ring's column may hold week t - ring's).
        h.cleaned[:, t % ring] = y[:, t]
        h.clipped[:, t % ring] = False
        _judge_week(h, t, settings, clean, lower_tail)
        cleaned = h.cleaned[:, t % ring]
        h.group_counts[:, t] = np.bincount(group, cleaned, minlength=n_groups)
        if h.reference_totals is not None:
            # From now on week t is a reference week: measure it against the trimmed total, so
            # that a surge anywhere else does not shrink this series' normal share.
            total = reference_total[t] if reference_total is not None else cleaned.sum()
            h.group_exposure[:, t] = total
            h.reference_totals[t] = total
        _slide(h, t, w)
    o = h.out
    # What was not asked for: one NaN seen through every cell, not a 60 MB matrix at 50K firms.
    unasked = np.broadcast_to(np.float64(np.nan), y.shape)
    return Evidence(
        observed=y,
        expected=o["expected"],
        size=o["size"],
        p_upper=o["p_upper"],
        p_lower=o.get("p_lower", unasked),
        season=o.get("season", unasked),
        dispersion=o.get("dispersion", unasked),
        reference_mean=o.get("ref_mean", unasked),
        cleaned=h.cleaned if keep_cleaned else unasked,
        typical=h.typical,
    )


def _slide(h: _History, t: int, w: int) -> None:
    """Move the reference window on: week t joins it, week t - w leaves it."""
    for week, sign in ((t, 1.0), (t - w, -1.0)):
        if week >= 0:
            slot = week % h.ring
            h.window.add(
                h.cleaned[:, slot], h.reference_of(week), h.live[:, week], h.clipped[:, slot], sign
            )


def _judge_week(h: _History, t: int, s: BaselineSettings, clean: bool, lower_tail: bool) -> None:
    """Test week t of every series that can be tested; record the evidence and clean week t."""
    win = h.window
    exposure = h.exposure_of(t)
    testable = (win.weeks >= s.min_history_weeks) & (win.x > 0) & (exposure > 0)
    rows = np.flatnonzero(testable)
    if rows.size == 0:
        return
    ry, rx = win.y[rows], win.x[rows]
    phi = pearson_dispersion(
        ry / rx,
        win.ordinary_y2_over_x[rows],
        win.ordinary_y[rows],
        win.ordinary_x[rows],
        win.ordinary[rows],
    )
    factor, log_variance = seasonal_factor(h.group_counts, h.group_exposure, h.group_start, t, s)
    groups = h.group[rows]
    prior_total = ry + s.prior_count
    mu = prior_total / rx * exposure[rows] * factor[groups]
    size, prob = nb_parameters(mu, phi, prior_total, log_variance[groups])
    observed = h.y[rows, t]
    p_upper = upper_tail(observed, size, prob)
    o = h.out
    o["expected"][rows, t] = mu
    o["size"][rows, t] = size
    o["p_upper"][rows, t] = p_upper
    if lower_tail:
        o["p_lower"][rows, t] = stats.nbinom.cdf(observed, size, prob)
    if "season" in o:
        o["season"][rows, t] = factor[groups]
        o["dispersion"][rows, t] = phi
    reference_mean = ry / win.weeks[rows]
    if h.typical is None:
        o["ref_mean"][rows, t] = reference_mean
    else:
        h.typical[t] = typical_ratio_of_week(observed, reference_mean, h.typical_min_series)
    if clean and s.clean_quantile < 1:
        # y > ppf(q) exactly when P(Y >= y) <= 1 - q: the quantile is needed for those only.
        over = np.flatnonzero(p_upper <= 1.0 - s.clean_quantile)
        cap = stats.nbinom.ppf(s.clean_quantile, size[over], prob[over])
        clip = np.isfinite(cap) & (observed[over] > cap)
        hit = rows[over[clip]]
        h.cleaned[hit, t % h.ring] = cap[clip]
        h.clipped[hit, t % h.ring] = True


def trimmed_mean(values: np.ndarray, trim: float) -> float:
    """Mean of the values left after dropping the `trim` share at each end (NaN if empty)."""
    if values.size == 0:
        return math.nan
    ordered = np.sort(values)
    cut = int(math.floor(trim * ordered.size))
    return float(ordered[cut : ordered.size - cut].mean())


def robust_total_evidence(
    total: np.ndarray, settings: BaselineSettings, trim: float = 0.25
) -> Evidence:
    """Judge each week of one all-complaints series against a robust level of the weeks before.

    Expected: the `trim`-trimmed mean of the last window_weeks weeks (from the first week with
    a complaint; at least min_history_weeks), floored at prior_count / weeks so that an empty
    past still predicts a little. Spread: phi = max(1, (1.4826 MAD)^2 / expected), the MAD taken
    around the window's median. Neither moves when a few weeks of the window are themselves
    jumps or gaps (up to a quarter of them), so one event does not hide the next, a month of
    missing data does not make the month after it look like a jump, and a lasting change of
    level becomes the new normal after about half a window. No seasonal factor: agency-wide
    seasonality is far below the change a data event means. Predictive: NB as in `surveil`
    with the expected count of the window as reference count.
    """
    check_baseline_settings(settings)
    s = settings
    y = np.asarray(total, dtype=float).reshape(-1)
    n_weeks = y.size
    start = int(first_weeks(y[None, :])[0])
    out = {name: np.full(n_weeks, np.nan) for name in ("mu", "phi", "ref", "mean")}
    for t in range(max(start + s.min_history_weeks, 0), n_weeks):
        window = y[max(start, t - s.window_weeks) : t]
        level = max(trimmed_mean(window, trim), s.prior_count / window.size)
        mad = float(np.median(np.abs(window - np.median(window))))
        out["mu"][t] = level
        out["phi"][t] = max(1.0, (1.4826 * mad) ** 2 / level)
        out["ref"][t] = level * window.size + s.prior_count
        out["mean"][t] = window.mean()
    size, prob = nb_parameters(out["mu"], out["phi"], out["ref"])
    tested = np.isfinite(size)
    p_upper = np.where(tested, upper_tail(y, size, prob), np.nan)
    p_lower = np.where(tested, stats.nbinom.cdf(y, size, prob), np.nan)
    row = lambda a: a[None, :]  # noqa: E731 - one series
    return Evidence(
        observed=row(y),
        expected=row(np.where(tested, out["mu"], np.nan)),
        size=row(size),
        p_upper=row(p_upper),
        p_lower=row(p_lower),
        season=row(np.where(tested, 1.0, np.nan)),
        dispersion=row(out["phi"]),
        reference_mean=row(out["mean"]),
        cleaned=row(y.copy()),
    )


def shift_log_likelihood(
    observed: np.ndarray, expected: np.ndarray, size: np.ndarray, shift: float
) -> np.ndarray:
    """log NB(y; shift * mu, k) - log NB(y; mu, k), the CUSUM increment for a rise by `shift`.

    = k log((k + mu) / (k + shift mu)) + y log(shift (k + mu) / (k + shift mu)); NaN where the
    week was not tested.
    """
    y, mu, k = (np.asarray(a, dtype=float) for a in (observed, expected, size))
    with np.errstate(divide="ignore", invalid="ignore"):
        # log((k + mu) / (k + shift mu)) as log1p, exact also when k is huge (near Poisson).
        # In place, in the same operation order: three matrices at 50K firms instead of six.
        log_ratio = np.multiply(mu, -(shift - 1.0))
        denominator = np.multiply(mu, shift)
        denominator += k
        log_ratio /= denominator
        del denominator
        np.log1p(log_ratio, out=log_ratio)
        per_complaint = log_ratio + math.log(shift)
        per_complaint *= y
        log_ratio *= k
        log_ratio += per_complaint
        return log_ratio


def change_point(increments: np.ndarray, last: int, earliest: int) -> int:
    """Page's change-point estimate: the week tau in [earliest, last] maximising the summed
    increments over tau .. last (ties go to the later week; untested weeks stop the search)."""
    best, best_sum, running = last, -np.inf, 0.0
    for tau in range(last, earliest - 1, -1):
        value = increments[tau]
        if not np.isfinite(value):
            break
        running += value
        if running > best_sum:
            best, best_sum = tau, running
    return best
