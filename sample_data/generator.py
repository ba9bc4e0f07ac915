"""Realistic, deterministic sample data for Complaint Radar: a 1372-like consumer agency.

`build_world(config)` returns the firms, their links, enforcement history, the issue-to-statute
map and the answer key of planted stories; `generate_complaint_chunks(config, world)` streams the
complaints in received-date order, in frames of at most `config.chunk_rows` rows. Same config,
same data.

Complaints per firm and day are Poisson with mean exposure x industry rate x firm frailty x
industry seasonality x weekday/holiday intake x a mild trend (x story curves), scaled to the
configured total. The planted stories (`SampleWorld.stories`, one row per story and firm):

- deteriorating (10 firms): complaints x4-5 and unresolved 12-17% -> 60-72% from an onset 6-7
  months before the end, ramping over 70-105 days; strongest in the quarter ending 2026-09-30.
- company_surge (4): x4.5-8 within days from a Monday, for 4-10 weeks; two early (followed by an
  enforcement action), two in the last three months.
- product_surge (3, company_id null): one product surges at every firm that sells it. Those
  sellers are otherwise ordinary firms; no firm-level story is given to them.
- chronic (6): 3.5-5x the normal rate for their size all along, ~50% unresolved, 2-4 actions.
- big_healthy (5): among the largest firms, 0.5-0.75x the normal rate, 5-8% unresolved.
- tiny (20): 1-5 complaints in the whole period; 8 of them all unresolved.
- split_harm_group (parent + 4): each subsidiary x1.8-2.2 from the same month, unresolved to ~35%.
- sanctioned_predecessor / renamed_successor: the predecessor deteriorates, is fined and stops
  (onset_date = first day without complaints); the successor starts (onset_date) at the same level.
- undisclosed_link (3 pairs): ordinary firms of one industry that share a representative and an
  address, a phone and an address, or a business registration number (one firm registered
  twice), with no relation recorded: what link suggestions should find.

Every other firm is stationary apart from seasonality and trend (and the product surges of the
products it sells). Chunking does not touch the random stream: complaints are drawn in fixed
blocks of `BLOCK_ROWS` rows, each from its own generator seeded by (seed, block), and only then
cut into chunks, so any `chunk_rows` yields the same rows in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from queries import schema
from sample_data import pii, vocab
from sample_data.config import GeneratorConfig
from sample_data.volume import Cells, complaint_cells
from sample_data.world import WorldPlan, plan_world, stream

__all__ = ["GeneratorConfig", "SampleWorld", "build_world", "generate_complaint_chunks"]

BLOCK_ROWS = 50_000
STREAM_ROWS = 6
_EPOCH = date(1970, 1, 1)
_GAMMA_MEDIAN_FACTOR = 1.678  # median of Gamma(shape=2, scale=1)
STATUS_CODES: tuple[str, ...] = ("resolved", "unresolved", "in_progress", "withdrawn")


@dataclass(frozen=True)
class SampleWorld:
    """Everything but the complaints; `stories` is the answer key of the planted patterns."""

    companies: pl.DataFrame  # columns of schema.companies
    company_relations: pl.DataFrame  # src_company_id, dst_company_id, relation
    enforcement_actions: pl.DataFrame  # columns of schema.enforcement_actions
    issue_statutes: pl.DataFrame  # issue, statute
    stories: pl.DataFrame  # story_id, kind, company_id, product, onset_date, detail


def _polars_dtype(column: sa.Column) -> pl.DataType:
    """The polars dtype that holds a warehouse column (text for anything unlisted)."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return pl.Boolean()
    if isinstance(kind, sa.Date):
        return pl.Date()
    if isinstance(kind, sa.Float):
        return pl.Float64()
    if isinstance(kind, sa.Integer):
        return pl.Int64()
    return pl.String()


def polars_schema(table: sa.Table) -> dict[str, pl.DataType]:
    """Polars dtypes for the columns of a warehouse table, in table order."""
    return {column.name: _polars_dtype(column) for column in table.columns}


def _frame(table: sa.Table, columns: dict[str, Any]) -> pl.DataFrame:
    """A frame with exactly the table's columns and dtypes; missing columns are all null."""
    target = polars_schema(table)
    height = max((len(v) for v in columns.values()), default=0)
    return pl.DataFrame(
        {
            name: pl.Series(name, columns.get(name, [None] * height), dtype=dtype, strict=False)
            for name, dtype in target.items()
        }
    )


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Identifiers like K000000001: a prefix and a zero-padded number."""
    digits = pl.Series(numbers, dtype=pl.Int64).cast(pl.String).str.zfill(width)
    return pl.select(pl.concat_str([pl.lit(prefix), pl.lit(digits)])).to_series()


def _three_significant(x: np.ndarray) -> np.ndarray:
    """Round positive numbers to three significant digits, as firms report their size."""
    magnitude = np.floor(np.log10(np.maximum(x, 1.0)))
    step = 10.0 ** np.maximum(magnitude - 2, 0)
    return np.round(x / step) * step


def _world_frames(plan: WorldPlan) -> SampleWorld:
    """The world's tables from its plan."""
    f = plan.firms
    ids = f.ids
    published = np.where(f.exposure_known, _three_significant(f.exposure), np.nan)
    companies = _frame(
        schema.companies,
        {
            "company_id": ids,
            "name": f.names.tolist(),
            "business_no": f.business_no.tolist(),
            "industry": [vocab.INDUSTRY_NAMES[k] for k in f.industry],
            "parent_id": [ids[p] if p >= 0 else None for p in plan.parent],
            "exposure": pl.Series(published).fill_nan(None),
            "representative": plan.contacts.representative.tolist(),
            "phone": plan.contacts.phone.tolist(),
            "address": plan.contacts.address.tolist(),
        },
    )
    relations = _frame(
        schema.company_relations,
        {
            "src_company_id": [ids[s] for s, _, _ in plan.relations],
            "dst_company_id": [ids[d] for _, d, _ in plan.relations],
            "relation": [r for _, _, r in plan.relations],
        },
    )
    actions = _frame(
        schema.enforcement_actions,
        {
            "action_id": _ids("E", np.arange(1, len(plan.actions) + 1), 5),
            "company_id": [ids[a.firm] for a in plan.actions],
            "action_date": [plan.days[a.day].item() for a in plan.actions],
            "statute": [a.statute for a in plan.actions],
            "action": [a.action for a in plan.actions],
            "fine_amount": [a.fine for a in plan.actions],
        },
    )
    issues = _frame(
        schema.issue_statutes,
        {"issue": list(vocab.ISSUES), "statute": [s for _, s in vocab.ISSUE_STATUTES]},
    )
    stories = _frame(
        schema.sample_stories,
        {
            "story_id": [f"S{k:03d}" for k in range(1, len(plan.stories) + 1)],
            "kind": [s.kind for s in plan.stories],
            "company_id": [None if s.firm is None else ids[s.firm] for s in plan.stories],
            "product": [s.product for s in plan.stories],
            "onset_date": [s.onset for s in plan.stories],
            "detail": [s.detail for s in plan.stories],
        },
    )
    return SampleWorld(companies, relations, actions, issues, stories)


def build_world(config: GeneratorConfig) -> SampleWorld:
    """Firms, links, enforcement history, issue statutes and the planted stories of a config."""
    return _world_frames(plan_world(config))


# --- complaints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RowModel:
    """Per-firm and per-day lookup tables that turn (day, firm) into complaint attributes."""

    plan: WorldPlan
    names: pl.Series
    slot: np.ndarray  # firm -> row in the curve tables, -1 for stationary firms
    volume: np.ndarray  # slots x days
    unresolved: np.ndarray
    delay: np.ndarray
    tilt: np.ndarray  # issue weights of "excess" complaints relative to usual ones
    issue_statute: np.ndarray  # issue -> statute index
    amount_median: np.ndarray  # industry -> KRW
    amount_missing: np.ndarray  # issue -> probability
    channel_p: np.ndarray
    region_p: np.ndarray
    narrative_share: np.ndarray  # channel -> probability
    bodies: tuple[str, ...]  # all statutes' bodies, grouped by statute
    body_offset: np.ndarray  # statute -> first body
    body_count: np.ndarray
    closings: tuple[str, ...]
    closing_p: np.ndarray


def _row_model(plan: WorldPlan, names: pl.Series) -> _RowModel:
    """Precompute the lookup tables once per run."""
    firms = plan.firms
    slot = np.full(firms.size, -1)
    story_firms = list(plan.curves)
    slot[story_firms] = np.arange(len(story_firms))
    curves = [plan.curves[k] for k in story_firms]
    counts = [len(vocab.BODIES[s]) for s in vocab.STATUTES]
    return _RowModel(
        plan=plan,
        names=names,
        slot=slot,
        volume=np.stack([c.volume for c in curves]),
        unresolved=np.stack([c.unresolved for c in curves]),
        delay=np.stack([c.delay for c in curves]),
        tilt=np.array([vocab.DISTRESS_TILT.get(i, 1.0) for i in vocab.ISSUES]),
        issue_statute=np.array([vocab.STATUTES.index(s) for _, s in vocab.ISSUE_STATUTES]),
        amount_median=np.array([i.amount_median for i in vocab.INDUSTRIES]),
        amount_missing=np.array(
            [vocab.AMOUNT_MISSING.get(i, vocab.AMOUNT_MISSING_DEFAULT) for i in vocab.ISSUES]
        ),
        channel_p=_normalised([w for _, w in vocab.CHANNELS]),
        region_p=_normalised([w for _, w in vocab.REGIONS]),
        narrative_share=np.array([vocab.NARRATIVE_SHARE[c] for c, _ in vocab.CHANNELS]),
        bodies=tuple(b for s in vocab.STATUTES for b in vocab.BODIES[s]),
        body_offset=np.concatenate([[0], np.cumsum(counts)[:-1]]),
        body_count=np.array(counts),
        closings=tuple(c for c, _ in vocab.CLOSINGS),
        closing_p=_normalised([w for _, w in vocab.CLOSINGS]),
    )


def _normalised(weights: list[float]) -> np.ndarray:
    """Weights scaled to sum to 1."""
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _categorical(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows x categories) matrix of unnormalised weights."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(weights.shape[0]) * cumulative[:, -1]
    return np.minimum((cumulative <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _dates(epoch_days: np.ndarray) -> pl.Series:
    """Dates from days since 1970-01-01 (NaN -> null)."""
    return pl.Series(epoch_days.astype(float)).fill_nan(None).cast(pl.Int32).cast(pl.Date)


def _outcomes(
    m: _RowModel,
    rng: np.random.Generator,
    firm: np.ndarray,
    day: np.ndarray,
    unresolved: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status code, days to response and days to closing (NaN when none) of each complaint."""
    f, n = m.plan.firms, firm.size
    slot = m.slot[firm]
    s = np.maximum(slot, 0)
    u = rng.random(n)
    withdrawn = u < f.withdrawn[firm]
    unresolved_ = ~withdrawn & (u < f.withdrawn[firm] + (1 - f.withdrawn[firm]) * unresolved)
    silent = unresolved_ & (rng.random(n) < f.no_response[firm])
    median = f.delay[firm] * np.where(slot >= 0, m.delay[s, day], 1.0)
    respond = np.ceil(rng.gamma(2.0, median / _GAMMA_MEDIAN_FACTOR))
    # Resolved: closed days after the answer; unresolved: mediation drags on; silent firm: the
    # agency closes the file after a month or two; withdrawn: the consumer gives up early.
    close = np.select(
        [withdrawn, silent, unresolved_],
        [
            1 + np.floor(rng.gamma(1.5, 4.0, n)),
            30 + rng.integers(0, 31, n).astype(float),
            respond + 3 + np.floor(rng.gamma(2.0, 8.0, n)),
        ],
        default=respond + 1 + np.floor(rng.gamma(2.0, 3.0, n)),
    )
    respond = np.where(silent | (withdrawn & (respond > close)), np.nan, respond)
    status = np.select([withdrawn, unresolved_], [3, 1], default=0)
    # Anything not finished by the end of the period is still being handled.
    left = m.plan.config.days - 1 - day
    still_open = close > left
    status = np.where(still_open, 2, status)
    close = np.where(still_open, np.nan, close)
    respond = np.where(respond > left, np.nan, respond)
    return status, respond, close


def _amounts(
    m: _RowModel, rng: np.random.Generator, firm: np.ndarray, issue: np.ndarray, excess: np.ndarray
) -> np.ndarray:
    """Claimed damage in KRW rounded to 1,000 won, NaN when not stated."""
    median = m.amount_median[m.plan.firms.industry[firm]] * np.where(excess, 1.3, 1.0)
    amount = np.maximum(np.round(median * rng.lognormal(0.0, 1.0, firm.size), -3), 1000.0)
    return np.where(rng.random(firm.size) < m.amount_missing[issue], np.nan, amount)


def _narratives(
    m: _RowModel,
    rng: np.random.Generator,
    firm: np.ndarray,
    product: np.ndarray,
    issue: np.ndarray,
    received: np.ndarray,
    amount: np.ndarray,
) -> pl.Series:
    """Korean complaint texts that carry the complainant's personal data."""
    n = firm.size
    fallback = np.round(m.amount_median[m.plan.firms.industry[firm]] * rng.lognormal(0, 1, n), -4)
    won = pl.Series(np.where(np.isnan(amount), fallback, amount)).cast(pl.Int64)
    when = _dates(received - rng.integers(0, 46, n))
    slots = pl.DataFrame(
        {
            "company": m.names.gather(firm),
            "product": pl.Series(vocab.PRODUCTS).gather(product),
            "date": pl.select(
                pl.format("{}년 {}월 {}일", when.dt.year(), when.dt.month(), when.dt.day())
            ).to_series(),
            "amount": pl.select(
                pl.when(won >= 10_000)
                .then(pl.format("{}만원", won // 10_000))
                .otherwise(pl.format("{}원", won))
            ).to_series(),
            "phone": pii.phone_numbers(rng, n),
            "rrn": pii.resident_numbers(rng, n),
            "card": pii.card_numbers(rng, n),
            "account": pii.bank_accounts(rng, n),
        }
    ).hstack(pii.people(rng, n))
    statute = m.issue_statute[issue]
    body = m.body_offset[statute] + (rng.random(n) * m.body_count[statute]).astype(np.int64)
    closing = rng.choice(len(m.closings), n, p=m.closing_p)
    texts = pl.DataFrame(
        {
            "body": pii.fill_templates(body, m.bodies, slots),
            "closing": pii.fill_templates(closing, m.closings, slots),
        }
    )
    return texts.select(
        pl.concat_str([pl.col("body"), pl.col("closing")], separator=" ").str.strip_chars()
    ).to_series()


def _complaint_block(m: _RowModel, cells: Cells, lo: int, hi: int) -> pl.DataFrame:
    """Complaints lo..hi-1 of the run, drawn from the block's own random stream."""
    plan = m.plan
    f, n_firms = plan.firms, plan.firms.size
    rng = stream(plan.config, STREAM_ROWS, lo // BLOCK_ROWS)
    rows = np.arange(lo, hi)
    flat = cells.flat[np.searchsorted(cells.cumulative, rows, side="right")]
    day, firm = flat // n_firms, flat % n_firms
    n = rows.size
    slot = m.slot[firm]
    s = np.maximum(slot, 0)
    volume = np.where(slot >= 0, m.volume[s, day], 1.0)
    product = _categorical(rng, f.products[firm] * plan.product_surge[day])
    surge = plan.product_surge[day, product]
    # "Excess" complaints are the ones a story adds on top of the firm's usual flow; they are
    # about refunds, vanished sellers and closures more than the usual complaints are.
    product_excess = rng.random(n) < 1.0 - 1.0 / surge
    excess = product_excess | (rng.random(n) < 1.0 - 1.0 / np.maximum(volume, 1.0))
    issue = _categorical(rng, f.issues[firm] * np.where(excess[:, None], m.tilt, 1.0))
    channel = rng.choice(m.channel_p.size, n, p=m.channel_p)
    region = np.where(
        rng.random(n) < f.local[firm],
        f.home_region[firm],
        rng.choice(m.region_p.size, n, p=m.region_p),
    )
    unresolved = np.where(slot >= 0, m.unresolved[s, day], f.unresolved[firm])
    unresolved = np.where(product_excess, np.maximum(unresolved, 0.55), unresolved)
    status, respond, close = _outcomes(m, rng, firm, day, unresolved)
    amount = _amounts(m, rng, firm, issue, excess)
    received = (plan.config.start - _EPOCH).days + day
    written = np.flatnonzero(rng.random(n) < m.narrative_share[channel])
    narrative = pl.Series("narrative", [None] * n, dtype=pl.String)
    if written.size:
        narrative = narrative.scatter(
            written,
            _narratives(
                m,
                rng,
                firm[written],
                product[written],
                issue[written],
                received[written],
                amount[written],
            ),
        )
    return _frame(
        schema.complaints,
        {
            "complaint_id": _ids("K", rows + 1, 9),
            "received_date": _dates(received),
            "company_id": pl.Series(f.ids).gather(firm),
            "product": pl.Series(vocab.PRODUCTS).gather(product),
            "issue": pl.Series(vocab.ISSUES).gather(issue),
            "channel": pl.Series([c for c, _ in vocab.CHANNELS]).gather(channel),
            "region": pl.Series([r for r, _ in vocab.REGIONS]).gather(region),
            "status": pl.Series(STATUS_CODES).gather(status),
            "responded_date": _dates(received + respond),
            "closed_date": _dates(received + close),
            "amount": pl.Series(amount).fill_nan(None),
            "narrative": narrative,
        },
    )


def _check_world(plan: WorldPlan, world: SampleWorld) -> None:
    """Refuse a world that was not built from the same config."""
    ids = world.companies.get_column("company_id")
    if ids.len() != plan.firms.size or not (ids == pl.Series(plan.firms.ids)).all():
        raise ValueError("world does not match config: build it with build_world(config).")


def generate_complaint_chunks(
    config: GeneratorConfig, world: SampleWorld
) -> Iterator[pl.DataFrame]:
    """Complaints in received-date order, in frames of at most config.chunk_rows rows."""
    plan = plan_world(config)
    _check_world(plan, world)
    return _chunks(_row_model(plan, world.companies.get_column("name")), config.chunk_rows)


def _chunks(m: _RowModel, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Draw fixed blocks of complaints and re-cut them into chunks of chunk_rows."""
    cells = complaint_cells(m.plan)
    pending: list[pl.DataFrame] = []
    held = 0
    for lo in range(0, cells.total, BLOCK_ROWS):
        block = _complaint_block(m, cells, lo, min(lo + BLOCK_ROWS, cells.total))
        pending.append(block)
        held += block.height
        while held >= chunk_rows:
            joined = pl.concat(pending)
            yield joined.slice(0, chunk_rows)
            pending, held = [joined.slice(chunk_rows)], held - chunk_rows
    if held:
        yield pl.concat(pending)
