"""Scoring settings: factor weights, evidence rules, tier thresholds and the issue-weight table.

Every setting has a documented default (docs/methodology.md, config/scoring.toml) and is checked
up front, so a wrong value fails with one exact message before any data is read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from scoring.windows import Windows, scoring_windows

FACTORS: tuple[str, ...] = ("volume", "growth", "unresolved", "timeliness", "severity", "repeat")
TIERS: tuple[str, ...] = ("investigate", "monitor", "watch", "none")
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "scoring.toml"

# Harm to the consumer, relative to an ordinary service complaint (1.0): money lost with nobody
# left to claim it from weighs most. Illustrative defaults for a regulator to set.
DEFAULT_STATUTE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("door_to_door", 2.0),
    ("ecommerce", 1.5),
    ("general", 1.0),
    ("instalment", 2.0),
    ("labelling_advertising", 1.5),
    ("terms_conditions", 1.5),
)
DEFAULT_ISSUE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("Delayed delivery", 1.0),
    ("Instalment charges after cancellation", 2.5),
    ("Non-delivery", 2.5),
    ("Personal data misuse", 2.5),
    ("Poor service quality", 0.5),
    ("Pressure sale at home", 2.5),
    ("Refusal to refund", 2.5),
    ("Seller unreachable", 3.0),
    ("Service discontinued", 3.0),
)


@dataclass(frozen=True, kw_only=True)
class Weights:
    """Relative importance of each factor; the score uses them divided by their sum."""

    volume: float = 1.0
    growth: float = 3.0
    unresolved: float = 1.0
    timeliness: float = 0.5
    severity: float = 0.5
    repeat: float = 0.5

    def __post_init__(self) -> None:
        for name in FACTORS:
            value = getattr(self, name)
            _require_number(f"weights.{name}", value)
            if not value >= 0 or value == float("inf"):
                raise ValueError(f"weights.{name} must be >= 0 and finite; got {value}.")
        if sum(self.as_dict().values()) <= 0:
            raise ValueError("weights must not all be 0.")

    def as_dict(self) -> dict[str, float]:
        """Factor name to weight, in the fixed factor order."""
        return {name: float(getattr(self, name)) for name in FACTORS}

    def normalised(self) -> dict[str, float]:
        """Factor name to weight / sum of weights (they add up to 1)."""
        total = sum(self.as_dict().values())
        return {name: value / total for name, value in self.as_dict().items()}

    def updated(self, overrides: Mapping[str, float] | None) -> Weights:
        """These weights with some factors' weights replaced; unknown names are an error."""
        if not overrides:
            return self
        unknown = sorted(set(overrides) - set(FACTORS))
        if unknown:
            raise ValueError(
                f"unknown factor in weights: {unknown[0]!r}; expected one of {FACTORS}."
            )
        return replace(self, **{k: float(v) if _is_number(v) else v for k, v in overrides.items()})


@dataclass(frozen=True, kw_only=True)
class ScoringConfig:
    """All scoring settings; equal configs give equal scores (usable as a cache key)."""

    weights: Weights = field(default_factory=Weights)
    deadline_days: int = 14
    history_years: int = 5
    min_complaints: int = 30
    fdr_level: float = 0.05
    interval_level: float = 0.95
    volume_quantile: float = 0.05
    min_growth_total: int = 10
    factor_cap: float = 4.0
    investigate_score: float = 0.75
    monitor_score: float = 0.4
    watch_score: float = 0.2
    repeat_years: int = 3
    returning_min_share: float = 0.2
    returning_min_complaints: int = 5
    returning_bonus: float = 1.0
    severity_prior_complaints: float = 30.0
    default_issue_weight: float = 1.0
    statute_weights: tuple[tuple[str, float], ...] = DEFAULT_STATUTE_WEIGHTS
    issue_weights: tuple[tuple[str, float], ...] = DEFAULT_ISSUE_WEIGHTS

    def __post_init__(self) -> None:
        check_config(self)

    def windows(self, as_of: date) -> Windows:
        """The current window, baselines and history for an as-of date."""
        return scoring_windows(as_of, self.history_years)

    def issue_weight(self, issue: str | None, statute: str | None) -> float:
        """Weight of an issue: its own entry, else its statute's, else the default."""
        by_issue, by_statute = dict(self.issue_weights), dict(self.statute_weights)
        if issue is not None and issue in by_issue:
            return by_issue[issue]
        if statute is not None and statute in by_statute:
            return by_statute[statute]
        return self.default_issue_weight


# TOML section -> {key in the file: attribute of ScoringConfig}; messages use the file's names.
SECTIONS: dict[str, dict[str, str]] = {
    "inputs": {"deadline_days": "deadline_days", "history_years": "history_years"},
    "evidence": {
        "min_complaints": "min_complaints",
        "fdr_level": "fdr_level",
        "interval_level": "interval_level",
        "volume_quantile": "volume_quantile",
        "min_growth_total": "min_growth_total",
        "factor_cap": "factor_cap",
    },
    "tiers": {
        "investigate": "investigate_score",
        "monitor": "monitor_score",
        "watch": "watch_score",
    },
    "repeat": {
        "years": "repeat_years",
        "returning_min_share": "returning_min_share",
        "returning_min_complaints": "returning_min_complaints",
        "returning_bonus": "returning_bonus",
    },
    "severity": {
        "prior_complaints": "severity_prior_complaints",
        "default_weight": "default_issue_weight",
        "statute_weights": "statute_weights",
        "issue_weights": "issue_weights",
    },
}
LABELS: dict[str, str] = {
    attribute: f"{section}.{key}"
    for section, keys in SECTIONS.items()
    for key, attribute in keys.items()
}
INTEGER_SETTINGS = (
    "deadline_days",
    "history_years",
    "min_complaints",
    "min_growth_total",
    "repeat_years",
    "returning_min_complaints",
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _require_number(label: str, value: object) -> None:
    if not _is_number(value):
        raise ValueError(f"{label} must be a number; got {value!r}.")


def _check_range(label: str, value: float, low: float, high: float, text: str) -> None:
    if not low <= value <= high:
        raise ValueError(f"{label} must be {text}; got {value}.")


def _check_open_unit(label: str, value: float, high: float = 1.0) -> None:
    if not 0 < value < high:
        raise ValueError(f"{label} must be in (0, {high:g}); got {value}.")


def check_config(config: ScoringConfig) -> None:
    """Raise ValueError naming the first setting that is out of range."""
    if not isinstance(config.weights, Weights):
        raise ValueError(f"weights must be a Weights; got {config.weights!r}.")
    for f in fields(config):
        value = getattr(config, f.name)
        label = LABELS.get(f.name, f.name)
        if f.name in INTEGER_SETTINGS and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError(f"{label} must be an integer; got {value!r}.")
        if f.type == "float":
            _require_number(label, value)
    _check_range(LABELS["deadline_days"], config.deadline_days, 1, 365, "between 1 and 365")
    _check_range(LABELS["history_years"], config.history_years, 2, 20, "between 2 and 20")
    _check_range(LABELS["min_complaints"], config.min_complaints, 1, 10**9, ">= 1")
    _check_open_unit(LABELS["fdr_level"], config.fdr_level)
    _check_open_unit(LABELS["interval_level"], config.interval_level)
    _check_open_unit(LABELS["volume_quantile"], config.volume_quantile, 0.5)
    _check_range(LABELS["min_growth_total"], config.min_growth_total, 0, 10**9, ">= 0")
    if not 0 < config.factor_cap < float("inf"):
        raise ValueError(f"evidence.factor_cap must be > 0 and finite; got {config.factor_cap}.")
    watch, monitor, investigate = config.watch_score, config.monitor_score, config.investigate_score
    if not 0 < watch <= monitor <= investigate < float("inf"):
        raise ValueError(
            "tiers must satisfy 0 < watch <= monitor <= investigate; "
            f"got {watch} <= {monitor} <= {investigate}."
        )
    _check_range(LABELS["repeat_years"], config.repeat_years, 1, 20, "between 1 and 20")
    _check_range(LABELS["returning_min_share"], config.returning_min_share, 0, 1, "in [0, 1]")
    _check_range(
        LABELS["returning_min_complaints"], config.returning_min_complaints, 1, 10**9, ">= 1"
    )
    _check_range(LABELS["returning_bonus"], config.returning_bonus, 0, 100, "between 0 and 100")
    if not config.severity_prior_complaints > 0:
        raise ValueError(
            f"severity.prior_complaints must be > 0; got {config.severity_prior_complaints}."
        )
    if not config.default_issue_weight > 0:
        raise ValueError(f"severity.default_weight must be > 0; got {config.default_issue_weight}.")
    for table in ("statute_weights", "issue_weights"):
        for key, weight in getattr(config, table):
            if not isinstance(key, str) or not key:
                raise ValueError(f"severity.{table} keys must be non-empty text; got {key!r}.")
            _require_number(f"severity.{table}.{key}", weight)
            if not 0 < weight < float("inf"):
                raise ValueError(f"severity.{table}.{key} must be > 0; got {weight}.")


def weights_from_mapping(mapping: Mapping[str, Any], base: Weights | None = None) -> Weights:
    """Weights from a {factor: weight} mapping; factors not named keep `base` (or the defaults)."""
    return (base or Weights()).updated(dict(mapping))


def weights_from_text(text: str, base: Weights | None = None) -> Weights:
    """Weights from 'volume=1,growth=2.5' (the --weights option); unnamed factors keep `base`."""
    overrides: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or number is None:
            raise ValueError(f"weights must look like name=number[,name=number]; got {part!r}.")
        overrides[name.strip()] = number
    return weights_from_mapping(overrides, base)


def _weight_table(label: str, value: object) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{label} must be a table of name = weight; got {value!r}.")
    return tuple(sorted((str(k), v) for k, v in value.items()))


def from_mapping(mapping: Mapping[str, Any]) -> ScoringConfig:
    """A ScoringConfig from sections as in config/scoring.toml; missing keys keep defaults."""
    unknown = sorted(set(mapping) - set(SECTIONS) - {"weights"})
    if unknown:
        expected = tuple(sorted([*SECTIONS, "weights"]))
        raise ValueError(
            f"unknown section {unknown[0]!r} in the scoring config; expected one of {expected}."
        )
    settings: dict[str, Any] = {}
    for section, keys in SECTIONS.items():
        values = mapping.get(section, {})
        if not isinstance(values, Mapping):
            raise ValueError(f"[{section}] must be a table; got {values!r}.")
        extra = sorted(set(values) - set(keys))
        if extra:
            raise ValueError(f"unknown setting {section}.{extra[0]} in the scoring config.")
        for key, value in values.items():
            attribute = keys[key]
            if attribute in ("statute_weights", "issue_weights"):
                value = _weight_table(f"{section}.{key}", value)
            settings[attribute] = value
    weights = mapping.get("weights", {})
    if not isinstance(weights, Mapping):
        raise ValueError(f"[weights] must be a table; got {weights!r}.")
    return ScoringConfig(weights=weights_from_mapping(weights), **settings)


def load_config(path: Path | None = None) -> ScoringConfig:
    """Read and check a scoring TOML file (default: config/scoring.toml); a missing file fails."""
    path = path or DEFAULT_CONFIG_PATH
    try:
        with path.open("rb") as handle:
            mapping = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ValueError(f"scoring config not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"scoring config {path} is not valid TOML: {exc}") from exc
    return from_mapping(mapping)
