"""Reference values for the statistics behind each factor, with how each value was obtained."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize, special
from scipy import stats as sps

from scoring import stats
from scoring.windows import add_months, default_as_of, month_end_on_or_before, scoring_windows

EULER_GAMMA = 0.5772156649015329

# --- exact rate-ratio test -----------------------------------------------------------------


def test_rate_ratio_matches_fays_rateratio_test_example() -> None:
    # Cited: M. P. Fay, "Testing the Ratio of Two Poisson Rates" (vignette of the R package
    # rateratio.test, 2022), section 1: rateratio.test(c(2, 9), c(17877, 16660)) prints
    # p-value = 0.05011, 95% CI 0.02177406 1.00054910, Rate Ratio 0.2070941557.
    # Here count = 2, baseline = 9 and the null ratio is the ratio of the times at risk.
    result = stats.rate_ratio_test([2], [9], [17877 / 16660], alternative="two-sided", level=0.95)
    assert_allclose(result.ratio, [0.2070941557], rtol=1e-9)
    assert_allclose(result.low, [0.02177406], rtol=1e-6)
    assert_allclose(result.high, [1.00054910], rtol=1e-7)
    assert_allclose(result.pvalue, [0.05011], atol=5e-6)


def test_one_sided_p_value_is_the_exact_binomial_tail() -> None:
    # 11 complaints now, 21 in the baseline, null ratio 800/3011 (R's poisson.test example
    # data), so pi0 = 800/3811 and, computed exactly with fractions.Fraction:
    #   sum(comb(32, k) * pi0**k * (1 - pi0)**(32 - k) for k in range(11, 33))
    #   = 0.05600865978769966...
    # scipy.stats.binomtest(11, 32, 800/3811, alternative="greater").pvalue agrees.
    pi0 = Fraction(800, 3811)
    exact = sum(Fraction(math.comb(32, k)) * pi0**k * (1 - pi0) ** (32 - k) for k in range(11, 33))
    result = stats.rate_ratio_test([11], [21], [800 / 3011], alternative="greater")
    assert_allclose(result.pvalue, [float(exact)], rtol=1e-12)
    assert_allclose(result.pvalue, [0.05600865978769966], rtol=1e-12)
    reference = sps.binomtest(11, 32, 800 / 3811, alternative="greater").pvalue
    assert_allclose(result.pvalue, [reference], rtol=1e-12)


def test_each_alternative_of_the_rate_ratio_test_is_its_binomial_tail() -> None:
    # Each alternative computes only the tail(s) it needs; every one must still be the exact
    # binomial test of the count given the total.
    for alternative in ("greater", "less", "two-sided"):
        result = stats.rate_ratio_test(
            [11, 2], [21, 30], [800 / 3011, 0.5], alternative=alternative
        )
        for j, (k, n, pi0) in enumerate([(11, 32, 800 / 3811), (2, 32, 1 / 3)]):
            reference = sps.binomtest(k, n, pi0, alternative=alternative).pvalue
            if alternative == "two-sided":  # Fay's doubling of the smaller tail, not scipy's
                tails = (sps.binom.sf(k - 1, n, pi0), sps.binom.cdf(k, n, pi0))
                reference = min(1.0, 2 * min(tails))
            assert_allclose(result.pvalue[j], reference, rtol=1e-12)


def test_rate_ratio_from_nothing_by_hand() -> None:
    # 3 complaints now, none before, equal periods (pi0 = 1/2): P(X >= 3 | 3) = (1/2)**3.
    # Clopper-Pearson lower limit for 3 of 3 at 95%: 0.025**(1/3) = 0.2924018, so the rate
    # ratio is at least 0.2924018 / (1 - 0.2924018) = 0.4132314; the upper limit is infinite.
    result = stats.rate_ratio_test([3], [0], [1.0], alternative="greater")
    assert_allclose(result.pvalue, [0.125], rtol=1e-12)
    low_pi = 0.025 ** (1 / 3)
    assert_allclose(result.low, [low_pi / (1 - low_pi)], rtol=1e-9)
    assert np.isinf(result.ratio[0]) and np.isinf(result.high[0])


def test_rate_ratio_without_data_is_nan_not_an_error() -> None:
    result = stats.rate_ratio_test([0, 5], [0, 5], [1.0, float("nan")])
    assert np.isnan(result.pvalue).all() and np.isnan(result.ratio).all()


def test_rate_ratio_rejects_unknown_alternative() -> None:
    with pytest.raises(ValueError, match="alternative must be 'greater', 'less' or 'two-sided'"):
        stats.rate_ratio_test([1], [1], [1.0], alternative="bigger")


def test_clopper_pearson_matches_scipys_exact_interval() -> None:
    for x, n in ((0, 10), (3, 10), (10, 10), (47, 120)):
        ci = sps.binomtest(x, n).proportion_ci(confidence_level=0.9, method="exact")
        low, high = stats.clopper_pearson([x], [n], level=0.9)
        assert_allclose([low[0], high[0]], [ci.low, ci.high], rtol=1e-10, atol=1e-15)


# --- Benjamini-Hochberg ----------------------------------------------------------------------


def test_bh_by_hand() -> None:
    # Sorted p: 0.005, 0.01, 0.03, 0.04 (m = 4); p * m / rank = 0.02, 0.02, 0.04, 0.04; the
    # running minimum from the largest down leaves them as they are. NaN (untested) stays NaN.
    q = stats.bh_qvalues([0.01, 0.04, 0.03, 0.005, np.nan])
    assert_allclose(q[:4], [0.02, 0.04, 0.04, 0.02], rtol=1e-12)
    assert np.isnan(q[4])


def test_bh_reproduces_the_1995_paper_example() -> None:
    # Cited: Benjamini & Hochberg (1995), JRSS B 57(1), section 4: 15 p-values from a
    # myocardial infarction study; at q* = 0.05 the procedure rejects the 4 smallest
    # (Bonferroni only the 3 below 0.05/15 = 0.0033).
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240]
    p += [0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    q = stats.bh_qvalues(p)
    assert (q <= 0.05).sum() == 4
    assert list(np.flatnonzero(q <= 0.05)) == [0, 1, 2, 3]


# --- gamma-Poisson shrinker (EBGM) -------------------------------------------------------------


def test_ebgm_with_one_gamma_component_by_hand() -> None:
    # Prior Gamma(1, 1) in both components; n = 3, E = 1: posterior Gamma(4, rate 2).
    # EBGM = exp(E[log lambda]) = exp(digamma(4) - log 2), digamma(4) = 1 + 1/2 + 1/3 - gamma
    # (Euler's constant): exp(11/6 - 0.5772156649) / 2 = 1.7558806.
    # EB05 = 5% quantile of Gamma(4, rate 2) = chi-square(8 df) lower 5% point / 4 =
    # 2.732637 / 4 (chi-square table) = 0.6831592.
    prior = stats.GammaMixture(alpha1=1.0, beta1=1.0, alpha2=1.0, beta2=1.0, weight=0.5)
    assert_allclose(stats.ebgm([3], [1.0], prior), [math.exp(11 / 6 - EULER_GAMMA) / 2], rtol=1e-12)
    assert_allclose(stats.posterior_quantile(0.05, [3], [1.0], prior), [2.732637 / 4], rtol=2e-6)


def test_ebgm_mixture_posterior_matches_numerical_integration() -> None:
    # DuMouchel's (1999) starting prior 1/3 Gamma(0.2, 0.1) + 2/3 Gamma(2, 4); n = 5, E = 1.5.
    # References from Bayes' rule by quadrature, not the conjugate update:
    #   post(l) = prior_pdf(l) * poisson.pmf(5, 1.5 * l); Z = quad(post, 0, inf)
    #   EBGM = exp(quad(log(l) * post(l)) / Z)                    = 2.2796565164934894
    #   EB05 = brentq(lambda x: quad(post, 0, x) / Z - 0.05, ...) = 0.8038935591764649
    # (scipy.integrate.quad with limit=500, brentq xtol=1e-14).
    prior = stats.GammaMixture(alpha1=0.2, beta1=0.1, alpha2=2.0, beta2=4.0, weight=1 / 3)
    assert_allclose(stats.ebgm([5], [1.5], prior), [2.2796565164934894], rtol=1e-8)
    assert_allclose(
        stats.posterior_quantile(0.05, [5], [1.5], prior), [0.8038935591764649], rtol=1e-8
    )


def test_posterior_quantile_where_a_tiny_shape_component_holds_the_quantile() -> None:
    # A fitted 10M-complaint prior: 6% Gamma(0.1187, 0.5688) + 94% Gamma(4.944, 4.9398). With
    # n = 1 and E = 5.7146 the posterior weight of the tiny-shape component is 8.1%, above the
    # 5% asked, so EB05 lies in that component's long tail, 10 orders of magnitude above its own
    # 5% point: a wide bracket. Reference: brentq on the mixture cdf (xtol 1e-15).
    prior = stats.GammaMixture(
        alpha1=0.1187, beta1=0.5688, alpha2=4.944, beta2=4.9398, weight=0.0606
    )
    n, e = 1.0, 5.71455353
    q, a1, r1, a2, r2 = (
        float(v[0]) for v in stats._posterior_parts(np.array([n]), np.array([e]), prior)
    )

    def cdf(x: float) -> float:
        return q * special.gammainc(a1, r1 * x) + (1 - q) * special.gammainc(a2, r2 * x) - 0.05

    reference = optimize.brentq(cdf, 1e-12, 10.0, xtol=1e-15)
    assert_allclose(stats.posterior_quantile(0.05, [n], [e], prior), [reference], rtol=1e-10)


def test_posterior_quantile_is_the_mixture_cdf_root_across_counts_and_expectations() -> None:
    # The same fitted prior over a grid from no complaints to 20,000, expected from 0.01 to
    # 25,000: every EB05 must be the root of the posterior mixture's cdf to 1e-12 (brentq
    # reference, xtol and rtol at their floors). Stopping the search at 1e-9 of error instead of
    # 1e-14 leaves 6e-10 here.
    prior = stats.GammaMixture(
        alpha1=0.1187, beta1=0.5688, alpha2=4.944, beta2=4.9398, weight=0.0606
    )
    counts = np.array([0.0, 1.0, 2.0, 5.0, 20.0, 100.0, 1000.0, 20000.0])
    expected = np.array([0.01, 0.3, 1.0, 5.7, 40.0, 900.0, 25000.0])
    n, e = (grid.ravel() for grid in np.meshgrid(counts, expected))
    q, a1, r1, a2, r2 = stats._posterior_parts(n, e, prior)

    def root(k: int) -> float:
        def cdf(x: float) -> float:
            tail1 = special.gammainc(a1[k], r1[k] * x)
            return q[k] * tail1 + (1 - q[k]) * special.gammainc(a2[k], r2[k] * x) - 0.05

        ends = [special.gammaincinv(a, 0.05) / r for a, r in ((a1[k], r1[k]), (a2[k], r2[k]))]
        low, high = max(min(ends) / 2, 1e-300), 2 * max(ends)
        return optimize.brentq(cdf, low, high, xtol=1e-300, rtol=8.9e-16)

    reference = [root(k) for k in range(n.size)]
    assert_allclose(stats.posterior_quantile(0.05, n, e, prior), reference, rtol=1e-12)


def test_ebgm_shrinks_small_counts_more_than_large_ones() -> None:
    # Same observed/expected ratio of 4, with 4 vs 400 complaints: the small firm's EB05 is
    # pulled toward the prior (about 1), the large firm's stays near 4.
    prior = stats.GammaMixture(alpha1=5.0, beta1=5.0, alpha2=2.0, beta2=0.5, weight=0.9)
    small, large = stats.posterior_quantile(0.05, [4, 400], [1.0, 100.0], prior)
    assert small < 2.0 < 3.5 < large < 4.0


def test_fit_gamma_mixture_is_a_maximum_of_the_marginal_likelihood() -> None:
    # Seeded simulation from 0.9 Gamma(5, 5) + 0.1 Gamma(4, 1): the fitted prior must be at
    # least as likely as the truth (it is the maximum) and recover the mean relative rate.
    rng = np.random.default_rng(20260930)
    size = 4000
    lam = np.where(rng.random(size) < 0.9, rng.gamma(5.0, 1 / 5, size), rng.gamma(4.0, 1.0, size))
    expected = rng.gamma(1.0, 10.0, size)
    count = rng.poisson(lam * expected)
    fitted = stats.fit_gamma_mixture(count, expected)
    truth = np.array([np.log(5), np.log(5), np.log(4), np.log(1), math.log(0.9 / 0.1)])
    as_theta = np.array(
        [*np.log(fitted.as_array()[:4]), math.log(fitted.weight / (1 - fitted.weight))]
    )
    nll_fit, _ = stats._mixture_nll(as_theta, count.astype(float), expected)
    nll_truth, _ = stats._mixture_nll(truth, count.astype(float), expected)
    assert nll_fit <= nll_truth + 1e-6
    prior_mean = (
        fitted.weight * fitted.alpha1 / fitted.beta1
        + (1 - fitted.weight) * fitted.alpha2 / fitted.beta2
    )
    assert prior_mean == pytest.approx(0.9 * 1.0 + 0.1 * 4.0, rel=0.05)


def test_the_mixture_likelihood_is_the_per_firm_negative_binomial_sum() -> None:
    # The fit evaluates gamma functions once per distinct count and gathers them; the value is
    # still the weighted sum of each row's mixture log-probability, read off scipy's nbinom.
    rng = np.random.default_rng(11)
    count = rng.poisson(rng.gamma(0.5, 6.0, 3000)).astype(float)  # many repeated counts
    expected = rng.gamma(1.0, 5.0, 3000)
    weight = rng.integers(1, 4, 3000).astype(float)
    a1, b1, a2, b2, p = 0.3, 0.4, 5.0, 4.0, 0.7
    theta = np.array([*np.log([a1, b1, a2, b2]), math.log(p / (1 - p))])
    # Poisson(lambda * e) with lambda ~ Gamma(a, rate b) is NB(a, b / (b + e)).
    mixture = p * sps.nbinom.pmf(count, a1, b1 / (b1 + expected)) + (1 - p) * sps.nbinom.pmf(
        count, a2, b2 / (b2 + expected)
    )
    value, _ = stats._mixture_nll(theta, count, expected, weight)
    assert value == pytest.approx(-np.sum(weight * np.log(mixture)), rel=1e-12)
    assert np.unique(count).size < 100  # the distinct-count path is what was checked


def test_gamma_mixture_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(7)
    count = rng.poisson(3.0, 200).astype(float)
    expected = rng.gamma(2.0, 1.5, 200)
    theta = np.array([-1.0, -2.0, 0.5, 1.0, -0.3])
    _, grad = stats._mixture_nll(theta, count, expected)
    step = 1e-6
    numeric = [
        (
            stats._mixture_nll(theta + step * e, count, expected)[0]
            - stats._mixture_nll(theta - step * e, count, expected)[0]
        )
        / (2 * step)
        for e in np.eye(5)
    ]
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-5)


def test_fit_gamma_mixture_without_data_falls_back() -> None:
    assert stats.fit_gamma_mixture([0, 0, 0], [1.0, 2.0, 3.0]) == stats.FALLBACK_PRIOR
    assert stats.fit_gamma_mixture([5], [1.0]) == stats.FALLBACK_PRIOR


# --- beta-binomial shrinkage -------------------------------------------------------------------


def test_beta_binomial_shrinkage_matches_robinsons_batting_example() -> None:
    # Cited: D. Robinson, "Introduction to Empirical Bayes: Examples from Baseball Statistics"
    # (2017), prior Beta(81, 219) (mean 0.27, strength 300). By hand:
    #   4 hits in 10:      (81 + 4) / (300 + 10)     = 85 / 310    = 0.274194
    #   300 hits in 1000:  (81 + 300) / (300 + 1000) = 381 / 1300  = 0.293077
    # Interval of Beta(85, 225) by quadrature of x**84 * (1 - x)**224 and brentq on its
    # normalised integral (quad epsrel=1e-13): 0.22604142007820513, 0.3251051658156396.
    shrunk = stats.beta_binomial_shrink([4, 300], [10, 1000], [0.27, 0.27], 300.0, level=0.95)
    assert_allclose(shrunk.rate, [85 / 310, 381 / 1300], rtol=1e-12)
    assert_allclose(
        [shrunk.low[0], shrunk.high[0]], [0.22604142007820513, 0.3251051658156396], rtol=1e-9
    )


def test_beta_binomial_without_trials_returns_the_prior() -> None:
    shrunk = stats.beta_binomial_shrink([0], [0], [0.2], 50.0)
    assert_allclose(shrunk.rate, [0.2], rtol=1e-12)


def test_beta_binomial_strength_is_the_marginal_likelihood_maximum() -> None:
    # Brute force over M = exp(linspace(0, log 1e5, 20001)) of the pure-Python log-likelihood
    #   sum(lgamma(x + a) + lgamma(n - x + b) - lgamma(n + a + b)
    #       - lgamma(a) - lgamma(b) + lgamma(a + b)),  a = M m, b = M (1 - m)
    # with m = (35 + 0.5) / (110 + 1) gives M = 3.3729 (grid step 0.06%).
    x = [2, 10, 0, 7, 3, 12, 1]
    n = [10, 20, 5, 8, 30, 25, 9]
    m = (sum(x) + 0.5) / (sum(n) + 1)
    assert stats.fit_beta_binomial_strength(x, n, [m] * len(x)) == pytest.approx(3.3729, rel=1e-3)


def test_beta_binomial_strength_recovers_a_simulated_prior() -> None:
    rng = np.random.default_rng(3)
    rates = rng.beta(4.0, 16.0, 3000)  # strength 20, mean 0.2
    x = rng.binomial(50, rates)
    assert stats.fit_beta_binomial_strength(
        x, np.full(3000, 50), np.full(3000, 0.2)
    ) == pytest.approx(20, rel=0.15)


def test_prior_rate_stays_inside_the_unit_interval() -> None:
    assert stats.prior_rate(0, 10, 0.3) == pytest.approx(0.5 / 11)
    assert stats.prior_rate(10, 10, 0.3) == pytest.approx(10.5 / 11)
    assert stats.prior_rate(0, 0, 0.3) == 0.3


# --- funnel limits -----------------------------------------------------------------------------


def test_funnel_limits_by_hand() -> None:
    # Spiegelhalter (2005), Statistics in Medicine 24:1185, exact binomial limits:
    # theta = 0.5, n = 4: F(3) = 15/16, F(4) = 1, so r = 4 for p = 0.975,
    # alpha = (1 - 0.975) / (1/16) = 0.4, limit = (4 - 0.4) / 4 = 0.9; for p = 0.025, r = 0,
    # F(0) = 1/16, alpha = (0.0625 - 0.025) / 0.0625 = 0.6, (0 - 0.6) / 4 < 0, clipped to 0.
    assert_allclose(stats.funnel_limit(0.5, 4, 0.975), 0.9, rtol=1e-12)
    assert stats.funnel_limit(0.5, 4, 0.025) == 0.0
    # theta = 0.2, n = 10, p = 0.975 with fractions.Fraction: F(4) = 0.9672065024,
    # F(5) = 0.9936306176, r = 5, limit = (5 - (F(5) - 0.975) / (F(5) - F(4))) / 10
    # = 0.42949388292100693.
    assert_allclose(stats.funnel_limit(0.2, 10, 0.975), 0.42949388292100693, rtol=1e-10)
    assert np.isnan(stats.funnel_limit(0.2, 0, 0.975))


# --- windows -------------------------------------------------------------------------------------


def test_windows_for_a_quarter_end() -> None:
    w = scoring_windows(date(2026, 9, 30))
    assert (w.current_start, w.current_end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert (w.previous_start, w.previous_end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert (w.year_ago_start, w.year_ago_end) == (date(2025, 7, 1), date(2025, 9, 30))
    assert w.trailing_start == date(2025, 7, 1)
    assert w.history_start == date(2021, 7, 1)
    assert (w.days("current"), w.days("previous"), w.days("year_ago")) == (92, 91, 92)


def test_window_ends_at_the_last_month_end_on_or_before_as_of() -> None:
    w = scoring_windows(date(2026, 9, 15))
    assert (w.current_start, w.current_end) == (date(2026, 6, 1), date(2026, 8, 31))
    assert month_end_on_or_before(date(2024, 2, 29)) == date(2024, 2, 29)
    assert month_end_on_or_before(date(2024, 3, 1)) == date(2024, 2, 29)


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2026, 11, 23), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 9, 30)),
        (date(2026, 9, 30), date(2026, 6, 30)),
        (date(2026, 1, 5), date(2025, 12, 31)),
    ],
)
def test_default_as_of_is_the_last_full_quarter(today: date, expected: date) -> None:
    assert default_as_of(today) == expected


def test_add_months_clips_to_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)


def test_per_distinct_evaluates_each_argument_tuple_once_and_scatters_it_back() -> None:
    rng = np.random.default_rng(5)
    a = rng.integers(1, 6, size=40_000).astype(float)
    b = rng.integers(1, 4, size=40_000).astype(float)
    a[::97] = np.nan
    seen: list[int] = []

    def counted(x: np.ndarray, y: np.ndarray, q: np.ndarray) -> np.ndarray:
        seen.append(x.size)
        return special.betaincinv(x, y, q)

    got = stats.per_distinct(counted, a, b, 0.025)
    np.testing.assert_array_equal(got, special.betaincinv(a, b, 0.025))
    assert sum(seen) == 5 * 3 + 3  # every (a, b) pair once, NaN rows once per b


def test_per_distinct_at_finds_the_tuples_once_for_every_last_argument() -> None:
    rng = np.random.default_rng(6)
    a = rng.integers(1, 6, size=30_000).astype(float)
    b = rng.integers(1, 4, size=30_000).astype(float)
    seen: list[int] = []

    def counted(x: np.ndarray, y: np.ndarray, q: np.ndarray) -> np.ndarray:
        seen.append(x.size)
        return special.betaincinv(x, y, q)

    low, high = stats.per_distinct_at(counted, (a, b), (0.025, 0.975))
    np.testing.assert_array_equal(low, special.betaincinv(a, b, 0.025))
    np.testing.assert_array_equal(high, special.betaincinv(a, b, 0.975))
    assert seen == [15, 15]


def test_squash_merges_equal_counts_with_close_expected_and_keeps_exposure() -> None:
    n = np.array([3.0, 1.0, 3.0, 3.0, 0.0, 1.0])
    e = np.array([2.0, 0.5, 2.0 * (1 + 1e-4), 8.0, 0.01, 0.5])
    counts, expected, weight = stats.squash(n, e)
    # Groups in (count, log-expected bin) order: (0, 0.01), (1, 0.5) x2, (3, ~2) x2, (3, 8).
    assert counts.tolist() == [0.0, 1.0, 3.0, 3.0]
    assert weight.tolist() == [1.0, 2.0, 2.0, 1.0]
    assert_allclose(expected * weight, [0.01, 1.0, 2.0 * (2 + 1e-4), 8.0])
    assert_allclose((expected * weight).sum(), e.sum())
