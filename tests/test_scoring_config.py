"""Scoring settings: the shipped file equals the defaults, and every bad value has its message."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from scoring.config import (
    DEFAULT_CONFIG_PATH,
    FACTORS,
    ScoringConfig,
    Weights,
    from_mapping,
    load_config,
    weights_from_mapping,
    weights_from_text,
)


def test_shipped_config_file_is_the_documented_defaults() -> None:
    with DEFAULT_CONFIG_PATH.open("rb") as handle:
        assert from_mapping(tomllib.load(handle)) == ScoringConfig()
    assert load_config() == ScoringConfig()


def test_config_is_hashable_and_partial_mappings_keep_defaults() -> None:
    config = from_mapping({"tiers": {"watch": 0.1}, "weights": {"growth": 5}})
    assert config.watch_score == 0.1 and config.weights.growth == 5.0
    assert config.weights.volume == Weights().volume
    assert hash(config) == hash(from_mapping({"tiers": {"watch": 0.1}, "weights": {"growth": 5}}))


def test_weights_normalise_and_override() -> None:
    weights = Weights().updated({"growth": 0})
    shares = weights.normalised()
    assert shares["growth"] == 0 and sum(shares.values()) == pytest.approx(1.0)
    assert list(shares) == list(FACTORS)
    assert weights_from_text("volume=2, growth=1").as_dict()["volume"] == 2.0
    assert weights_from_mapping({"repeat": 0}).repeat == 0.0


def test_issue_weight_lookup_order() -> None:
    config = ScoringConfig()
    assert config.issue_weight("Seller unreachable", "ecommerce") == 3.0  # issue entry
    assert config.issue_weight("Delayed delivery", "ecommerce") == 1.0  # issue entry wins
    assert config.issue_weight("Withdrawal of order refused", "ecommerce") == 1.5  # statute
    assert config.issue_weight("Something new", None) == 1.0  # default
    assert config.issue_weight(None, None) == 1.0


@pytest.mark.parametrize(
    "mapping, message",
    [
        (
            {"window": {}},
            "unknown section 'window' in the scoring config; expected one of ('evidence', 'inputs', 'repeat', 'severity', 'tiers', 'weights').",
        ),
        ({"tiers": {"urgent": 2.0}}, "unknown setting tiers.urgent in the scoring config."),
        ({"tiers": 3}, "[tiers] must be a table; got 3."),
        ({"weights": [1, 2]}, "[weights] must be a table; got [1, 2]."),
        (
            {"weights": {"size": 1.0}},
            "unknown factor in weights: 'size'; expected one of ('volume', 'growth', 'unresolved', 'timeliness', 'severity', 'repeat').",
        ),
        ({"weights": {"growth": -1}}, "weights.growth must be >= 0 and finite; got -1.0."),
        ({"weights": {"growth": "high"}}, "weights.growth must be a number; got 'high'."),
        ({"weights": {f: 0 for f in FACTORS}}, "weights must not all be 0."),
        (
            {"inputs": {"deadline_days": 0}},
            "inputs.deadline_days must be between 1 and 365; got 0.",
        ),
        ({"inputs": {"deadline_days": 14.5}}, "inputs.deadline_days must be an integer; got 14.5."),
        ({"inputs": {"deadline_days": True}}, "inputs.deadline_days must be an integer; got True."),
        ({"inputs": {"history_years": 1}}, "inputs.history_years must be between 2 and 20; got 1."),
        ({"evidence": {"min_complaints": 0}}, "evidence.min_complaints must be >= 1; got 0."),
        ({"evidence": {"fdr_level": 1.5}}, "evidence.fdr_level must be in (0, 1); got 1.5."),
        ({"evidence": {"interval_level": 0}}, "evidence.interval_level must be in (0, 1); got 0."),
        (
            {"evidence": {"volume_quantile": 0.5}},
            "evidence.volume_quantile must be in (0, 0.5); got 0.5.",
        ),
        ({"evidence": {"min_growth_total": -1}}, "evidence.min_growth_total must be >= 0; got -1."),
        ({"evidence": {"factor_cap": 0}}, "evidence.factor_cap must be > 0 and finite; got 0."),
        ({"evidence": {"fdr_level": "5%"}}, "evidence.fdr_level must be a number; got '5%'."),
        (
            {"tiers": {"monitor": 0.9}},
            "tiers must satisfy 0 < watch <= monitor <= investigate; got 0.2 <= 0.9 <= 0.75.",
        ),
        (
            {"tiers": {"watch": 0}},
            "tiers must satisfy 0 < watch <= monitor <= investigate; got 0 <= 0.4 <= 0.75.",
        ),
        ({"repeat": {"years": 0}}, "repeat.years must be between 1 and 20; got 0."),
        (
            {"repeat": {"returning_min_share": 1.2}},
            "repeat.returning_min_share must be in [0, 1]; got 1.2.",
        ),
        (
            {"repeat": {"returning_min_complaints": 0}},
            "repeat.returning_min_complaints must be >= 1; got 0.",
        ),
        (
            {"repeat": {"returning_bonus": -1}},
            "repeat.returning_bonus must be between 0 and 100; got -1.",
        ),
        ({"severity": {"prior_complaints": 0}}, "severity.prior_complaints must be > 0; got 0."),
        ({"severity": {"default_weight": -2}}, "severity.default_weight must be > 0; got -2."),
        (
            {"severity": {"issue_weights": {"Non-delivery": 0}}},
            "severity.issue_weights.Non-delivery must be > 0; got 0.",
        ),
        (
            {"severity": {"statute_weights": {"ecommerce": "x"}}},
            "severity.statute_weights.ecommerce must be a number; got 'x'.",
        ),
        (
            {"severity": {"statute_weights": [1]}},
            "severity.statute_weights must be a table of name = weight; got [1].",
        ),
    ],
)
def test_bad_settings_fail_with_exact_messages(mapping: dict, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        from_mapping(mapping)


@pytest.mark.parametrize(
    "text, message",
    [
        ("growth", "weights must look like name=number[,name=number]; got 'growth'."),
        ("growth=high", "weights must look like name=number[,name=number]; got 'growth=high'."),
        (
            "speed=1",
            "unknown factor in weights: 'speed'; expected one of ('volume', 'growth', 'unresolved', 'timeliness', 'severity', 'repeat').",
        ),
    ],
)
def test_bad_weight_text_fails_with_exact_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        weights_from_text(text)


def test_missing_or_broken_config_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="^scoring config not found: "):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[weights\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid TOML"):
        load_config(broken)
