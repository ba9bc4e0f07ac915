"""From cached factors to a ranked list: weights, contributions, score, tier and explanation.

This is the cheap step (no model fits): a dashboard calls it again whenever a weight slider
moves. The score is the weighted mean of the factor points, so the contributions add up to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import polars as pl

from scoring.config import FACTORS, ScoringConfig, Weights
from scoring.factors import PHRASE_PREFIX, phrase_column
from scoring.phrases import DEFAULT_LANGUAGE, check_language, fill, say

LEAD_COLUMNS: tuple[str, ...] = (
    "rank",
    "company_id",
    "name",
    "industry",
    "score",
    "tier",
    "complaints",
    "growth",
    "unresolved_rate",
    "explanation",
)
LEADING_FACTORS = 3
NOTHING_TO_EXPLAIN = say("nothing", DEFAULT_LANGUAGE)
SCORE_DECIMALS = 9  # ties are judged on the score rounded here, so float noise cannot reorder


def resolve_weights(
    weights: Weights | Mapping[str, float] | None, config: ScoringConfig
) -> Weights:
    """The weights to use: the config's, a full Weights, or the config's with some replaced."""
    if weights is None:
        return config.weights
    if isinstance(weights, Weights):
        return weights
    return config.weights.updated(weights)


def _check_factors(factors: pl.DataFrame, language: str) -> None:
    """Raise unless `factors` has what a ranking explained in `language` reads."""
    needed = ["company_id", "complaints", *[f"{f}_factor" for f in FACTORS]]
    for name in needed:
        if name not in factors.columns:
            raise ValueError(
                f"factors frame is missing column {name!r}; build it with compute_factors."
            )
    for factor in FACTORS:
        if phrase_column(factor, language) not in factors.columns:
            raise ValueError(
                f"the factors have no sentences in {language!r}; build them with"
                f" compute_factors(..., languages=[{language!r}])."
            )


def tier_expression(
    config: ScoringConfig, language: str = DEFAULT_LANGUAGE
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The tier of each firm, the rule that put it there, and whether the evidence floor capped it.

    investigate: >= min_complaints complaints and score >= tiers.investigate;
    monitor: >= min_complaints complaints and score >= tiers.monitor;
    watch: score >= tiers.watch (a firm with too few complaints for a higher tier stops here);
    none: the rest.
    """
    score, n = pl.col("score"), pl.col("complaints")
    enough = n >= config.min_complaints
    tier = (
        pl.when(enough & (score >= config.investigate_score))
        .then(pl.lit("investigate"))
        .when(enough & (score >= config.monitor_score))
        .then(pl.lit("monitor"))
        .when(score >= config.watch_score)
        .then(pl.lit("watch"))
        .otherwise(pl.lit("none"))
    )
    capped = ~enough & (score >= config.monitor_score)

    def rule_text(key: str) -> pl.Expr:
        return pl.lit(tier_rule(key, config, language))

    rule = (
        pl.when(enough & (score >= config.investigate_score))
        .then(rule_text("investigate"))
        .when(enough & (score >= config.monitor_score))
        .then(rule_text("monitor"))
        .when(capped)
        .then(rule_text("capped"))
        .when(score >= config.watch_score)
        .then(rule_text("watch"))
        .otherwise(rule_text("none"))
    )
    return tier, rule, capped


def tier_rule(rule: str, config: ScoringConfig, language: str = DEFAULT_LANGUAGE) -> str:
    """The rule that puts a firm in a tier (or, for "capped", keeps it out of one), in words."""
    threshold = {
        "investigate": config.investigate_score,
        "monitor": config.monitor_score,
        "capped": config.monitor_score,
        "watch": config.watch_score,
        "none": config.watch_score,
    }[rule]
    return say(f"tier.{rule}", language, score=f"{threshold:g}", minimum=config.min_complaints)


def leading_factors(contributions: np.ndarray) -> pl.DataFrame:
    """Per firm, the factor index of its 1st..3rd largest positive contribution (null if none).

    Equal contributions keep the fixed factor order.
    """
    order = np.argsort(-contributions, axis=1, kind="stable")[:, :LEADING_FACTORS]
    values = np.take_along_axis(contributions, order, axis=1)
    return pl.DataFrame(
        {
            f"_lead{j}": pl.Series(np.where(values[:, j] > 0, order[:, j], -1), dtype=pl.Int8)
            for j in range(order.shape[1])
        }
    )


def leading_phrases(factors: pl.DataFrame, leads: pl.DataFrame, language: str) -> pl.DataFrame:
    """The sentence of each firm's 1st..3rd leading factor (`_said0`..; null where none).

    The factors' sentence columns are stacked end to end and each lead picks its row from the
    stack: one gather per lead instead of a six-way choice evaluated over every firm.
    """
    size = factors.height
    stacked = pl.concat(
        [
            *[factors[phrase_column(f, language)] for f in FACTORS],
            pl.Series([None], dtype=pl.String),  # where "no lead" points
        ]
    )
    rows = np.arange(size)
    picked = {}
    for j, name in enumerate(leads.columns):
        lead = leads[name].to_numpy().astype(np.int64)
        index = np.where(lead >= 0, lead * size + rows, len(FACTORS) * size)
        picked[f"_said{j}"] = stacked.gather(index)
    return pl.DataFrame(picked)


def explanation_expression(
    leads: int, language: str = DEFAULT_LANGUAGE, inherits: bool = False
) -> pl.Expr:
    """Join the sentences in `_said0`.. (see `leading_phrases`); the 'nothing' sentence when none.

    With `inherits` (the factors carry inherited_actions), a firm that inherited a predecessor's
    record always has the repeat phrase, which names the predecessor, even when repeat
    offending is not among its leading factors: an investigator must see the lineage.
    """
    parts = [pl.col(f"_said{j}") for j in range(leads)]
    if inherits:
        repeat = FACTORS.index("repeat")
        led = pl.lit(False)
        for j in range(leads):
            led = led | (pl.col(f"_lead{j}") == repeat)
        parts.append(
            pl.when((pl.col("inherited_actions") > 0) & ~led).then(
                pl.col(phrase_column("repeat", language))
            )
        )
    joined = pl.concat_str(parts, separator="; ", ignore_nulls=True)
    nothing = say("nothing", language)
    return pl.when(joined.str.len_chars() > 0).then(joined).otherwise(pl.lit(nothing))


def combine(
    factors: pl.DataFrame,
    weights: Weights | Mapping[str, float] | None = None,
    config: ScoringConfig | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> pl.DataFrame:
    """Rank firms: contribution = factor points x weight / sum of weights; score = their sum.

    Ties are broken by complaints (more first), then company_id, so the order is always the
    same. Firms with fewer than `min_complaints` complaints never reach investigate or monitor;
    their explanation says so when that rule capped them. Null factor points count as 0.
    Explanations and tier rules are written in `language` (scoring.phrases.LANGUAGES).
    """
    config = config or ScoringConfig()
    check_language(language)
    _check_factors(factors, language)
    shares = resolve_weights(weights, config).normalised()
    # Arithmetic in numpy, text and ordering in one lazy polars query: this step reruns on every
    # slider move, so it must stay well under 50 ms for 50,000 firms.
    points = np.nan_to_num(
        factors.select([f"{f}_factor" for f in FACTORS]).cast(pl.Float64).to_numpy(), nan=0.0
    )
    contributions = points * np.array([shares[f] for f in FACTORS])
    score = contributions[:, 0].copy()
    for j in range(1, len(FACTORS)):
        score += contributions[:, j]  # the same order as the columns, so they add up exactly
    leads = leading_factors(contributions)
    numeric = [pl.Series(f"{f}_factor", points[:, j]) for j, f in enumerate(FACTORS)]
    numeric += [pl.Series(f"{f}_contribution", contributions[:, j]) for j, f in enumerate(FACTORS)]
    numeric.append(pl.Series("score", score))
    tier, rule, capped = tier_expression(config, language)
    explanation = explanation_expression(
        leads.width, language, "inherited_actions" in factors.columns
    )
    pairs = [c for f in FACTORS for c in (f"{f}_factor", f"{f}_contribution")]
    used = {*LEAD_COLUMNS, *pairs}
    rest = [c for c in factors.columns if c not in used and not c.startswith(PHRASE_PREFIX)]
    order = ranking_order(score, factors)
    computed = pl.DataFrame(numeric)
    passed = factors.select(c for c in factors.columns if c in rest or c in LEAD_COLUMNS)
    # The ~90 evidence columns are put in rank order on another thread while this one writes
    # the text: 38 -> 33 ms at 50,000 firms.
    body = pl.concat([passed.drop(computed.columns, strict=False), computed], how="horizontal")
    ordered = _gather_pool().submit(lambda: body[order])
    # The text is written on a narrow frame and everything else is passed through untouched:
    # a lazy query over all ~90 columns hands back columns split in chunks, and gathering
    # split text columns into rank order costs several times more than gathering whole ones.
    extra = ["inherited_actions", phrase_column("repeat", language)]
    text = (
        factors.select("complaints", *[c for c in extra if c in factors.columns])
        .with_columns(numeric[-1])
        .hstack(leads)
        .hstack(leading_phrases(factors, leads, language))
        .lazy()
        .with_columns(tier.alias("tier"), rule.alias("tier_rule"), explanation.alias("explanation"))
        .select(
            "tier",
            "tier_rule",
            pl.when(capped)
            .then(
                fill(
                    "explanation.capped",
                    language,
                    explanation=pl.col("explanation"),
                    rule=pl.col("tier_rule"),
                )
            )
            .otherwise(pl.col("explanation"))
            .alias("explanation"),
        )
        .collect()
        .rechunk()
    )
    columns = [*LEAD_COLUMNS, *pairs, *rest, "tier_rule"]
    return pl.concat([ordered.result(), text[order]], how="horizontal").select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"), *columns[1:]
    )


@cache
def _gather_pool() -> ThreadPoolExecutor:
    """The threads that put a ranking's evidence columns in rank order."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="radar-rank")


def ranking_order(score: np.ndarray, factors: pl.DataFrame) -> np.ndarray:
    """Row order: score (to SCORE_DECIMALS) descending, complaints descending, company_id.

    compute_factors returns firms sorted by company_id, so row position usually stands in for
    the id (a numeric key sorts several times faster than text); otherwise the ids are ranked.
    """
    ids = factors["company_id"]
    id_rank = (
        np.arange(factors.height)
        if ids.is_sorted() and ids.null_count() == 0
        else ids.rank("ordinal").to_numpy()
    )
    complaints = factors["complaints"].fill_null(0).to_numpy()
    return np.lexsort((id_rank, -complaints, -np.round(score, SCORE_DECIMALS)))
