"""Statistical building blocks, vectorised over firms with numpy and scipy.

- exact conditional (binomial) test and Clopper-Pearson interval for a Poisson rate ratio;
- Benjamini-Hochberg adjusted p-values (q-values);
- DuMouchel's gamma-Poisson shrinker: a two-component gamma mixture prior fitted by marginal
  likelihood (a negative binomial mixture), EBGM and posterior quantiles such as EB05;
- beta-binomial empirical-Bayes shrinkage of a rate toward a group rate, with its prior strength
  fitted by marginal likelihood;
- Spiegelhalter's exact binomial funnel-plot limits.

Inputs are array-like; NaN marks "not computable" in every output, never an exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

import numpy as np
from scipy import optimize, special, stats

FloatArray = np.ndarray


def _floats(values: object) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


# Quantile inversions cost ~0.5 us per firm each; scipy.special's loops release the GIL, so a
# large array is split across the machine's cores.
PARALLEL_ABOVE = 16_384
WORKERS = max(1, min(4, os.cpu_count() or 1))


T = TypeVar("T")


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="radar-stats")


def in_parallel(function: Callable[..., FloatArray], *args: object) -> FloatArray:
    """function(*args) for an element-wise function, in WORKERS slices when the input is large."""
    arrays = np.broadcast_arrays(*(_floats(a) for a in args))
    shape = arrays[0].shape
    if arrays[0].size < PARALLEL_ABOVE or WORKERS < 2:
        return function(*arrays)
    flat = [a.ravel() for a in arrays]
    cuts = np.linspace(0, flat[0].size, WORKERS + 1).astype(np.int64)
    parts = _pool().map(
        lambda k: function(*(f[cuts[k] : cuts[k + 1]] for f in flat)), range(WORKERS)
    )
    return np.concatenate(list(parts)).reshape(shape)


def each_in_parallel(function: Callable[[int], T], count: int) -> list[T]:
    """[function(0), ..., function(count - 1)], computed on WORKERS threads, in order.

    For independent pieces of array work that release the GIL (one week of a scan each); the
    results do not depend on which thread computed them.
    """
    if count < 2 or WORKERS < 2:
        return [function(k) for k in range(count)]
    return list(_pool().map(function, range(count)))


def per_distinct(function: Callable[..., FloatArray], *args: object) -> FloatArray:
    """in_parallel(function, *args), evaluated once per distinct tuple of arguments.

    Most firms are small, so at 50,000 firms a rate's (successes, trials) pairs take only a few
    thousand distinct values: computing each quantile once and scattering it back is exact and
    several times cheaper than one inversion per firm.
    """
    distinct, inverse, shape = _distinct_arguments(args)
    return in_parallel(function, *distinct)[inverse].reshape(shape)


def per_distinct_at(
    function: Callable[..., FloatArray], args: tuple[object, ...], values: tuple[float, ...]
) -> list[FloatArray]:
    """[per_distinct(function, *args, value) for value in values], finding the distinct
    argument tuples once (a shrunk rate's two interval ends, a funnel's four limits)."""
    distinct, inverse, shape = _distinct_arguments(args)
    return [in_parallel(function, *distinct, value)[inverse].reshape(shape) for value in values]


def _distinct_arguments(
    args: tuple[object, ...],
) -> tuple[list[FloatArray], np.ndarray, tuple[int, ...]]:
    """The distinct tuples of broadcast arguments (one array per argument), each element's
    tuple number, and the broadcast shape."""
    arrays = np.broadcast_arrays(*(_floats(a) for a in args))
    columns = [np.ascontiguousarray(a.ravel()) for a in arrays]
    first, inverse = _distinct_rows(columns)
    return [column[first] for column in columns], inverse, arrays[0].shape


def _distinct_rows(columns: list[FloatArray]) -> tuple[np.ndarray, np.ndarray]:
    """Index of one row per distinct tuple, and each row's tuple number (bitwise equality)."""
    # Sorting the floats' bit patterns as integers: exact, NaN-safe and faster than np.unique
    # on rows, which compares them as opaque bytes.
    bits = [column.view(np.int64) for column in columns]
    order = np.lexsort(bits[::-1])
    starts = np.zeros(order.size, dtype=bool)
    starts[:1] = True
    for key in bits:
        ordered = key[order]
        starts[1:] |= ordered[1:] != ordered[:-1]
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return order[starts], inverse


# --- exact rate-ratio test ---------------------------------------------------------------


def clopper_pearson(
    successes: object, trials: object, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Exact two-sided interval for a binomial proportion; NaN where trials is 0 or missing."""
    x, n = _floats(successes), _floats(trials)
    tail = (1.0 - level) / 2.0
    ok = np.isfinite(x) & np.isfinite(n) & (n > 0)
    # Evaluate the beta quantiles on safe arguments only; the edges x = 0 and x = n are exact.
    safe_x = np.where(ok, x, 1.0)
    safe_n = np.where(ok, n, 2.0)
    low = np.where(
        safe_x > 0,
        per_distinct(special.betaincinv, np.maximum(safe_x, 1e-300), safe_n - safe_x + 1, tail),
        0.0,
    )
    high = np.where(
        safe_x < safe_n,
        per_distinct(special.betaincinv, safe_x + 1, np.maximum(safe_n - safe_x, 1e-300), 1 - tail),
        1.0,
    )
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


@dataclass(frozen=True)
class RateRatioTest:
    """Per-firm results of the conditional test of count / baseline against a null ratio."""

    ratio: FloatArray  # (count / baseline) / null_ratio; inf when baseline is 0 < count
    low: FloatArray  # Clopper-Pearson limits turned into rate-ratio limits
    high: FloatArray
    pvalue: FloatArray  # NaN where count + baseline is 0


def rate_ratio_test(
    count: object,
    baseline: object,
    null_ratio: object,
    *,
    alternative: str = "greater",
    level: float = 0.95,
) -> RateRatioTest:
    """Exact test of H0: E[count] / E[baseline] = null_ratio, conditional on count + baseline.

    Given the total, count is Binomial(total, pi0) with pi0 = r0 / (1 + r0) under H0 (Poisson
    counts). `null_ratio` is the expected count / baseline ratio, e.g. the ratio of the periods'
    lengths, times a trend. The two-sided p-value is twice the smaller one-sided p-value (capped
    at 1), as in Fay's rateratio.test. Rows with total 0 or a missing or non-positive null ratio
    get NaN everywhere.
    """
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(
            f"alternative must be 'greater', 'less' or 'two-sided'; got {alternative!r}."
        )
    x, b, r0 = _floats(count), _floats(baseline), _floats(null_ratio)
    total = x + b
    ok = np.isfinite(total) & (total > 0) & np.isfinite(r0) & (r0 > 0)
    pi0 = np.where(ok, r0 / (1.0 + r0), 0.5)
    n = np.where(ok, total, 1.0)
    k = np.where(ok, x, 0.0)
    if alternative == "greater":
        p = stats.binom.sf(k - 1, n, pi0)
    elif alternative == "less":
        p = stats.binom.cdf(k, n, pi0)
    else:
        greater, less = stats.binom.sf(k - 1, n, pi0), stats.binom.cdf(k, n, pi0)
        p = np.minimum(1.0, 2.0 * np.minimum(greater, less))
    pi_low, pi_high = clopper_pearson(k, n, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b > 0, (x / b) / r0, np.where(x > 0, np.inf, np.nan))
        low = pi_low / (1.0 - pi_low) / r0
        high = np.where(pi_high < 1.0, pi_high / (1.0 - pi_high) / r0, np.inf)
    nan = np.full(x.shape, np.nan)
    return RateRatioTest(
        ratio=np.where(ok, ratio, nan),
        low=np.where(ok, low, nan),
        high=np.where(ok, high, nan),
        pvalue=np.where(ok, p, nan),
    )


def bh_qvalues(pvalues: object) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values over the finite entries; NaN stays NaN."""
    p = _floats(pvalues)
    q = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        q[finite] = stats.false_discovery_control(np.clip(p[finite], 0.0, 1.0), method="bh")
    return q


# --- gamma-Poisson shrinker (DuMouchel 1999) -------------------------------------------------


@dataclass(frozen=True)
class GammaMixture:
    """Prior of a relative rate: weight * Gamma(alpha1, beta1) + (1-weight) * Gamma(alpha2, beta2).

    Gammas are shape/rate parameterised (mean alpha / beta); component 1 has the smaller mean.
    """

    alpha1: float
    beta1: float
    alpha2: float
    beta2: float
    weight: float

    def as_array(self) -> FloatArray:
        """(alpha1, beta1, alpha2, beta2, weight)."""
        return np.array([self.alpha1, self.beta1, self.alpha2, self.beta2, self.weight])


# DuMouchel's (1999) starting point and the alternatives openEBGM suggests.
GAMMA_STARTS: tuple[tuple[float, float, float, float, float], ...] = (
    (0.2, 0.1, 2.0, 4.0, 1 / 3),
    (0.1, 0.1, 10.0, 10.0, 0.2),
    (0.3, 0.5, 6.0, 6.0, 0.5),
    (0.5, 0.3, 12.0, 12.0, 0.8),
    (2.0, 2.0, 0.5, 0.25, 0.9),
)
_LOG_BOUNDS = (np.log(1e-3), np.log(1e4))
_LOGIT_BOUNDS = (-12.0, 12.0)
FALLBACK_PRIOR = GammaMixture(alpha1=1.0, beta1=1.0, alpha2=1.0, beta2=1.0, weight=0.5)


def _nb_logpmf(n: FloatArray, e: FloatArray, a: float, b: float) -> FloatArray:
    """log P(N = n) when N ~ Poisson(lambda * E) and lambda ~ Gamma(a, rate b)."""
    return _logpmf(special.gammaln(a + n), special.gammaln(n + 1.0), n, e, a, b)


def _logpmf(
    gammaln_a_n: FloatArray,
    log_factorial: FloatArray,
    n: FloatArray,
    e: FloatArray,
    a: float,
    b: float,
) -> FloatArray:
    """_nb_logpmf with gammaln(a + n) and gammaln(n + 1) given."""
    return (
        gammaln_a_n
        - special.gammaln(a)
        - log_factorial
        + a * np.log(b / (b + e))
        + special.xlogy(n, e / (b + e))
    )


def _unpack(theta: FloatArray) -> tuple[float, float, float, float, float]:
    a1, b1, a2, b2 = np.exp(theta[:4])
    return a1, b1, a2, b2, float(special.expit(theta[4]))


@dataclass(frozen=True)
class _Counts:
    """The counts of a fit, with what the likelihood needs of them alone worked out once.

    Counts take a few hundred distinct values among tens of thousands of rows, so the gamma
    functions of a + n are evaluated per distinct count and gathered: the same values, at
    half the cost of an evaluation (every optimiser step evaluates the likelihood).
    """

    n: FloatArray
    distinct: FloatArray
    index: np.ndarray  # each row's position in `distinct`
    log_factorial: FloatArray  # gammaln(n + 1)

    @classmethod
    def of(cls, n: FloatArray) -> _Counts:
        """The terms of these counts."""
        distinct, index = np.unique(n, return_inverse=True)
        return cls(n, distinct, index, special.gammaln(n + 1.0))

    def gammaln_plus(self, a: float) -> FloatArray:
        """gammaln(a + n) per row."""
        return special.gammaln(a + self.distinct)[self.index]

    def digamma_plus(self, a: float) -> FloatArray:
        """digamma(a + n) per row."""
        return special.digamma(a + self.distinct)[self.index]


def _mixture_logpmf(counts: _Counts, e: FloatArray, a: float, b: float) -> FloatArray:
    """_nb_logpmf(counts.n, e, a, b), from the counts' precomputed terms."""
    return _logpmf(counts.gammaln_plus(a), counts.log_factorial, counts.n, e, a, b)


def _mixture_nll(
    theta: FloatArray,
    n: FloatArray,
    e: FloatArray,
    weight: FloatArray | None = None,
    counts: _Counts | None = None,
) -> tuple[float, FloatArray]:
    """Negative marginal log-likelihood and gradient in (log a, log b of both, logit w).

    `weight` counts how many firms each (n, e) row stands for (1 each when omitted); `counts`
    is `_Counts.of(n)` when the caller evaluates many times.
    """
    counts = _Counts.of(n) if counts is None else counts
    w_row = np.ones_like(n) if weight is None else weight
    a1, b1, a2, b2, p = _unpack(theta)
    l1 = np.log(p) + _mixture_logpmf(counts, e, a1, b1)
    l2 = np.log1p(-p) + _mixture_logpmf(counts, e, a2, b2)
    total = np.logaddexp(l1, l2)
    q = np.exp(l1 - total)
    grad = np.empty(5)
    for j, (a, b, w) in enumerate(((a1, b1, q), (a2, b2, 1.0 - q))):
        d_a = counts.digamma_plus(a) - special.digamma(a) + np.log(b / (b + e))
        d_b = a / b - (a + n) / (b + e)
        grad[2 * j] = -a * np.sum(w_row * w * d_a)
        grad[2 * j + 1] = -b * np.sum(w_row * w * d_b)
    grad[4] = -np.sum(w_row * (q - p))
    return -float(np.sum(w_row * total)), grad


# Above this many firms the prior is fitted on squashed data (DuMouchel and Pregibon's "data
# squashing", as in DuMouchel's MGPS): firms with the same count and an expected count within
# SQUASH_RESOLUTION of each other (relative) become one weighted row. The likelihood moves by far
# less than the optimiser's tolerance, and a 100,000-firm fit runs several times faster.
SQUASH_ABOVE = 20_000
SQUASH_RESOLUTION = 1e-2


def squash(n: FloatArray, e: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rows with equal n and log(e) equal to SQUASH_RESOLUTION, merged: (n, e, weight).

    The merged e is the weighted mean of its rows' e, so the rows' total exposure is kept.
    """
    bins = np.round(np.log(e) / SQUASH_RESOLUTION).astype(np.int64)
    counts = n.astype(np.int64)
    # Integers sort as their own bit patterns: the groups come in (n, bin) order, as np.unique
    # over rows would give them, at a fraction of its cost.
    first, inverse = _distinct_rows([counts, bins])
    weight = np.bincount(inverse, minlength=first.size).astype(np.float64)
    e_sum = np.bincount(inverse, weights=e, minlength=first.size)
    return counts[first].astype(np.float64), e_sum / weight, weight


def fit_gamma_mixture(count: object, expected: object) -> GammaMixture:
    """Maximum marginal likelihood two-gamma prior for count ~ Poisson(lambda * expected).

    Rows with missing or non-positive expected counts are ignored. With fewer than 3 usable
    rows or no counts at all there is nothing to learn from, and FALLBACK_PRIOR (mean 1, wide)
    is returned. The best of several fixed starting points wins, so the fit is deterministic.
    """
    n, e = _floats(count), _floats(expected)
    ok = np.isfinite(n) & np.isfinite(e) & (e > 0) & (n >= 0)
    n, e = n[ok], e[ok]
    if n.size < 3 or n.sum() == 0:
        return FALLBACK_PRIOR
    weight = None
    if n.size > SQUASH_ABOVE and np.all(n == np.round(n)):
        n, e, weight = squash(n, e)
    bounds = [_LOG_BOUNDS] * 4 + [_LOGIT_BOUNDS]
    counts = _Counts.of(n)
    best: tuple[float, FloatArray] | None = None

    def from_start(start: tuple[float, ...]) -> optimize.OptimizeResult:
        theta0 = np.array([*np.log(start[:4]), special.logit(start[4])])
        # SLSQP rather than L-BFGS-B: same optimum here, and L-BFGS-B's many tiny LAPACK calls
        # stall for milliseconds each when OpenBLAS threads compete for a busy 2-core machine.
        return optimize.minimize(
            _mixture_nll,
            theta0,
            args=(n, e, weight, counts),
            jac=True,
            method="SLSQP",
            bounds=bounds,
        )

    # The starts are independent and their likelihood is array work that releases the GIL;
    # the best is still chosen in GAMMA_STARTS order, so the fit does not depend on timing.
    for result in _pool().map(from_start, GAMMA_STARTS):
        if np.isfinite(result.fun) and (best is None or result.fun < best[0] - 1e-9):
            best = (float(result.fun), result.x)
    if best is None:
        return FALLBACK_PRIOR
    a1, b1, a2, b2, p = _unpack(best[1])
    if a1 / b1 > a2 / b2:
        a1, b1, a2, b2, p = a2, b2, a1, b1, 1.0 - p
    return GammaMixture(alpha1=a1, beta1=b1, alpha2=a2, beta2=b2, weight=p)


def _posterior_parts(n: FloatArray, e: FloatArray, prior: GammaMixture) -> tuple[FloatArray, ...]:
    """Posterior mixture weight of component 1 and both components' shapes and rates."""
    l1 = np.log(prior.weight) + _nb_logpmf(n, e, prior.alpha1, prior.beta1)
    l2 = np.log1p(-prior.weight) + _nb_logpmf(n, e, prior.alpha2, prior.beta2)
    total = np.logaddexp(l1, l2)
    # Counts with expected 0 are impossible under both components: keep the prior's weight.
    with np.errstate(invalid="ignore"):
        q = np.where(np.isfinite(total), np.exp(l1 - total), prior.weight)
    return q, prior.alpha1 + n, prior.beta1 + e, prior.alpha2 + n, prior.beta2 + e


def ebgm(count: object, expected: object, prior: GammaMixture) -> FloatArray:
    """Empirical Bayes geometric mean exp(E[log lambda | n]); NaN where expected is missing or < 0.

    With expected = 0 the count says nothing about the rate and the prior's value is returned.
    """
    n, e = _floats(count), _floats(expected)
    ok = np.isfinite(n) & np.isfinite(e) & (e >= 0) & (n >= 0)
    q, a1, r1, a2, r2 = _posterior_parts(np.where(ok, n, 0.0), np.where(ok, e, 0.0), prior)
    log_mean = q * (special.digamma(a1) - np.log(r1)) + (1 - q) * (special.digamma(a2) - np.log(r2))
    return np.where(ok, np.exp(log_mean), np.nan)


def posterior_quantile(
    prob: float, count: object, expected: object, prior: GammaMixture, *, iterations: int = 64
) -> FloatArray:
    """The prob-quantile of the posterior of lambda (prob=0.05 gives EB05), by safeguarded Halley.

    The mixture's quantile lies between its two components' quantiles, which bracket the
    search. Halley steps on log(lambda) are taken while they stay inside the bracket, halvings
    otherwise, until every firm has converged (`_converged`); three or four steps usually do.
    NaN as in `ebgm`.
    """
    n, e = _floats(count), _floats(expected)
    ok = np.isfinite(n) & np.isfinite(e) & (e >= 0) & (n >= 0)
    q, a1, r1, a2, r2 = _posterior_parts(np.where(ok, n, 0.0), np.where(ok, e, 0.0), prior)
    x1, log_gamma1 = _shape_terms(a1, prob)
    x2, log_gamma2 = _shape_terms(a2, prob)
    # A quantile can underflow to 0 for a near-zero shape; the search needs a positive bracket.
    u1 = np.log(np.maximum(x1 / r1, 1e-300))
    u2 = np.log(np.maximum(x2 / r2, 1e-300))
    lo, hi = np.minimum(u1, u2), np.maximum(u1, u2)
    # Starting between the components' quantiles in proportion to their posterior weights
    # takes ~111,000 steps over 50,000 firms where starting at the heavier one's took ~137,000.
    u = q * u1 + (1 - q) * u2
    active = np.arange(u.size)  # firms still moving: converged ones leave the arrays
    for _ in range(iterations):
        if active.size == 0:
            break
        landed, lo_a, hi_a, order = _quantile_step(
            prob,
            u[active],
            lo[active],
            hi[active],
            q[active],
            a1[active],
            r1[active],
            a2[active],
            r2[active],
            log_gamma1[active],
            log_gamma2[active],
        )
        moving = ~_converged(landed - u[active], landed, order)
        u[active], lo[active], hi[active] = landed, lo_a, hi_a
        active = active[moving]
    return np.where(ok, np.exp(u), np.nan)


def _shape_terms(shape: FloatArray, prob: float) -> tuple[FloatArray, FloatArray]:
    """The prob-quantile of Gamma(shape, 1) and gammaln(shape), each computed once per distinct
    shape: it depends on the count alone, which takes a few hundred values over all firms."""
    (distinct,), inverse, _ = _distinct_arguments((shape,))
    quantile = in_parallel(special.gammaincinv, distinct, prob)
    return quantile[inverse], special.gammaln(distinct)[inverse]


# The error left after a step of relative size d is of the order of d**order (3 for Halley, 2
# for Newton, 1 for a halving): each kind stops once that is below 1e-14. A Halley step below
# 1e-5 is then the last one, where waiting for a step below 1e-10 cost most firms one more.
QUANTILE_ERROR = 1e-14
HALVING, NEWTON, HALLEY = 1, 2, 3


def _converged(step: FloatArray, u: FloatArray, order: np.ndarray) -> np.ndarray:
    """Whether each step (in log(lambda), landing at u) leaves less than QUANTILE_ERROR relative
    error, given the order of the method that took it."""
    size = np.abs(step) / np.maximum(1.0, np.abs(u))
    return size < QUANTILE_ERROR ** (1.0 / order)


def _quantile_step(
    prob: float,
    u: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    q: FloatArray,
    a1: FloatArray,
    r1: FloatArray,
    a2: FloatArray,
    r2: FloatArray,
    log_gamma1: FloatArray,
    log_gamma2: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray]:
    """One safeguarded Halley step on u = log(lambda): (new u, narrowed lo, narrowed hi, the
    order of the step taken: HALLEY, NEWTON or HALVING). `log_gamma1` and `log_gamma2` are
    gammaln(a1) and gammaln(a2), the same at every step."""
    x = np.exp(u)
    cdf = q * in_parallel(special.gammainc, a1, r1 * x) + (1 - q) * in_parallel(
        special.gammainc, a2, r2 * x
    )
    below = cdf < prob
    lo = np.where(below, u, lo)
    hi = np.where(below, hi, u)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        # Each component's density times lambda (d cdf / d log(lambda)), and its derivative.
        part1 = q * np.exp(special.xlogy(a1, r1 * x) - r1 * x - log_gamma1)
        part2 = (1 - q) * np.exp(special.xlogy(a2, r2 * x) - r2 * x - log_gamma2)
        curve = part1 * (a1 - r1 * x) + part2 * (a2 - r2 * x)
        # The root of g = log(cdf / prob): for a small shape the cdf grows like lambda**shape,
        # so g is nearly linear in log(lambda) and the steps stay inside the bracket.
        g = np.log(cdf) - np.log(prob)
        slope = (part1 + part2) / cdf
        bend = curve / cdf - slope * slope
        newton = g / slope
        # Halley's correction; where it would more than double Newton's step, Newton's.
        shrink = 1.0 - 0.5 * newton * bend / slope
        halley = shrink > 0.5
        landed = u - np.where(halley, newton / shrink, newton)
    # A step of exactly 0 (the cdf hit prob) has converged; it sits on the bracket's new edge.
    inside = np.isfinite(landed) & (((landed > lo) & (landed < hi)) | (landed == u))
    order = np.where(inside, np.where(halley, HALLEY, NEWTON), HALVING)
    return np.where(inside, landed, 0.5 * (lo + hi)), lo, hi, order


# --- beta-binomial shrinkage ---------------------------------------------------------------

STRENGTH_BOUNDS = (1.0, 1e5)


def prior_rate(successes: float, trials: float, fallback: float) -> float:
    """A group's pooled rate, kept strictly inside (0, 1) by half a success and half a failure.

    With no trials the fallback (the all-firm rate) is used.
    """
    if trials <= 0:
        return fallback
    return (successes + 0.5) / (trials + 1.0)


def fit_beta_binomial_strength(successes: object, trials: object, prior_mean: object) -> float:
    """Maximum marginal likelihood prior strength M (= alpha + beta) around per-firm prior means.

    Each firm's successes ~ BetaBinomial(trials, M * mean, M * (1 - mean)). Firms with no trials
    carry no information and are ignored; M is searched in STRENGTH_BOUNDS on the log scale, so
    data with no extra-binomial variation give the upper bound (shrink almost fully to the mean).
    """
    x, n, m = _floats(successes), _floats(trials), _floats(prior_mean)
    ok = np.isfinite(x) & np.isfinite(n) & np.isfinite(m) & (n > 0)
    x, n, m = x[ok], n[ok], np.clip(m[ok], 1e-9, 1 - 1e-9)
    if x.size < 2:
        return STRENGTH_BOUNDS[1]

    def nll(log_strength: float) -> float:
        strength = np.exp(log_strength)
        a, b = strength * m, strength * (1 - m)
        # log B(x + a, n - x + b) - log B(a, b) through gammaln: half the cost of betaln, and
        # the cancellation error (~1e-10 per firm at the largest strength) is far below xatol.
        log_likelihood = (
            special.gammaln(x + a)
            + special.gammaln(n - x + b)
            - special.gammaln(n + strength)
            - special.gammaln(a)
            - special.gammaln(b)
            + special.gammaln(strength)
        )
        return -float(np.sum(log_likelihood))

    result = optimize.minimize_scalar(
        nll, bounds=tuple(np.log(STRENGTH_BOUNDS)), method="bounded", options={"xatol": 1e-6}
    )
    return float(np.exp(result.x))


@dataclass(frozen=True)
class Shrunk:
    """Posterior mean and equal-tailed credible interval of each firm's rate."""

    rate: FloatArray
    low: FloatArray
    high: FloatArray


def beta_binomial_shrink(
    successes: object, trials: object, prior_mean: object, strength: float, level: float = 0.95
) -> Shrunk:
    """Posterior Beta(M*m + x, M*(1-m) + n - x): mean and interval; the prior where n is 0.

    Missing successes or trials count as 0 (no evidence), so a firm with nothing decided gets
    its group's rate and the prior's interval.
    """
    x = np.nan_to_num(_floats(successes))
    n = np.nan_to_num(_floats(trials))
    m = np.clip(_floats(prior_mean), 1e-9, 1 - 1e-9)
    a = strength * m + x
    b = strength * (1 - m) + n - x
    tail = (1.0 - level) / 2.0
    low, high = per_distinct_at(special.betaincinv, (a, b), (tail, 1.0 - tail))
    return Shrunk(rate=a / (a + b), low=low, high=high)


# --- funnel plot ---------------------------------------------------------------------------


def funnel_limit(target: object, trials: object, prob: float) -> FloatArray:
    """Spiegelhalter's (2005) exact binomial control limit at probability `prob` for each size.

    r is the smallest count with F(r) >= prob, alpha = (F(r) - prob) / (F(r) - F(r - 1)), and
    the limit is (r - alpha) / n, clipped to [0, 1]. NaN where trials is 0 or missing.
    """
    return funnel_limits(target, trials, (prob,))[0]


def funnel_limits(target: object, trials: object, probs: tuple[float, ...]) -> list[FloatArray]:
    """`funnel_limit` at each of `probs`, the distinct (target, size) pairs found once."""
    theta, n = _floats(target), _floats(trials)
    ok = np.isfinite(theta) & np.isfinite(n) & (n > 0)
    size = np.where(ok, n, 1.0)
    p = np.clip(np.where(ok, theta, 0.5), 1e-12, 1 - 1e-12)
    # One target per industry and few distinct sizes: each (target, size) pair is computed once.
    limits = per_distinct_at(_funnel_limit, (p, size), probs)
    return [np.where(ok, limit, np.nan) for limit in limits]


def _funnel_limit(p: FloatArray, size: FloatArray, prob: FloatArray) -> FloatArray:
    """The exact limit for valid rates and sizes (see `funnel_limit`)."""
    r = stats.binom.ppf(prob, size, p)
    at_r = stats.binom.cdf(r, size, p)
    below_r = stats.binom.cdf(r - 1, size, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(at_r > below_r, (at_r - prob) / (at_r - below_r), 0.0)
    return np.clip((r - alpha) / size, 0.0, 1.0)
