"""How well a ranking made on one date foresaw the enforcement actions of the following year.

Time split only: the ranking uses data up to the as-of date (its repeat factor ignores later
actions), and it is judged on actions dated after it. Nothing is fitted on the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from scipy import stats

from scoring.windows import add_months

DEFAULT_KS: tuple[int, ...] = (10, 25, 50)
FLAGGED_TIERS: tuple[str, ...] = ("investigate", "monitor")


@dataclass(frozen=True)
class BacktestResult:
    """Precision at k, AUC and lead time of a ranking, with a complaint-count baseline."""

    as_of: date
    horizon_end: date
    firms: int
    firms_actioned: int
    actions: int
    precision_at: tuple[tuple[int, float], ...]
    auc: float | None
    flagged: int
    flagged_actioned: int
    median_lead_days: float | None
    baseline_precision_at: tuple[tuple[int, float], ...]
    baseline_auc: float | None

    def lines(self) -> list[str]:
        """The result as short lines for a terminal or a log."""

        def pct(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f}"

        base_rate = self.firms_actioned / self.firms if self.firms else None
        out = [
            f"backtest as of {self.as_of}: actions after it up to {self.horizon_end}",
            f"evaluated: {self.firms} firms, {self.actions} actions against "
            f"{self.firms_actioned} firms (base rate {pct(base_rate)})",
        ]
        for (k, value), (_, baseline) in zip(
            self.precision_at, self.baseline_precision_at, strict=True
        ):
            out.append(f"precision@{k}: {value:.3f} (by complaint count: {baseline:.3f})")
        out.append(f"AUC: {pct(self.auc)} (by complaint count: {pct(self.baseline_auc)})")
        lead = "n/a" if self.median_lead_days is None else f"{self.median_lead_days:g} days"
        out.append(
            f"median lead time: {lead} from the ranking to the first action, over "
            f"{self.flagged_actioned} of {self.flagged} firms flagged investigate or monitor"
        )
        return out


def auc_score(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties count half); None without both classes."""
    positives = int(labels.sum())
    negatives = labels.size - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = stats.rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def precision_at(
    labels_in_rank_order: np.ndarray, ks: tuple[int, ...]
) -> tuple[tuple[int, float], ...]:
    """Share of actioned firms among the first k, for each k (k larger than the list: all)."""
    out = []
    for k in ks:
        top = labels_in_rank_order[: min(k, labels_in_rank_order.size)]
        out.append((k, float(top.mean()) if top.size else 0.0))
    return tuple(out)


def future_actions(enforcement: pl.DataFrame, as_of: date, horizon_months: int) -> pl.DataFrame:
    """Per firm: number of actions and the first action date after as-of, within the horizon."""
    end = add_months(as_of, horizon_months)
    return (
        enforcement.filter((pl.col("action_date") > as_of) & (pl.col("action_date") <= end))
        .group_by("company_id")
        .agg(
            future_actions=pl.len().cast(pl.Int64), first_future_action=pl.col("action_date").min()
        )
    )


def backtest(
    ranked: pl.DataFrame,
    enforcement: pl.DataFrame,
    as_of: date,
    *,
    horizon_months: int = 12,
    ks: tuple[int, ...] = DEFAULT_KS,
) -> tuple[BacktestResult, pl.DataFrame]:
    """Judge a ranked list (from `combine`) against the actions of the next `horizon_months`.

    Every ranked firm is evaluated; actions against firms not in the list are ignored. Lead
    time is the days from as-of to a flagged (investigate or monitor) firm's first later
    action. Returns the summary and the per-firm outcome frame in rank order.
    """
    outcomes = (
        ranked.select("rank", "company_id", "score", "tier", "complaints")
        .join(future_actions(enforcement, as_of, horizon_months), on="company_id", how="left")
        .with_columns(
            pl.col("future_actions").fill_null(0),
            lead_days=(pl.col("first_future_action") - pl.lit(as_of)).dt.total_days(),
        )
        .sort("rank")
    )
    labels = (outcomes["future_actions"] > 0).to_numpy()
    by_count = outcomes.sort(["complaints", "company_id"], descending=[True, False])
    flagged = outcomes.filter(pl.col("tier").is_in(FLAGGED_TIERS))
    leads = flagged.filter(pl.col("future_actions") > 0)["lead_days"]
    result = BacktestResult(
        as_of=as_of,
        horizon_end=add_months(as_of, horizon_months),
        firms=outcomes.height,
        firms_actioned=int(labels.sum()),
        actions=int(outcomes["future_actions"].sum()),
        precision_at=precision_at(labels, ks),
        auc=auc_score(outcomes["score"].to_numpy(), labels),
        flagged=flagged.height,
        flagged_actioned=leads.len(),
        median_lead_days=float(leads.median()) if leads.len() else None,
        baseline_precision_at=precision_at((by_count["future_actions"] > 0).to_numpy(), ks),
        baseline_auc=auc_score(outcomes["complaints"].to_numpy().astype(float), labels),
    )
    return result, outcomes
