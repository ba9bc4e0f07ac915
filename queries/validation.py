"""Row-level checks of input tables: every row is typed and kept, or rejected with a reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from queries.source_files import ROW

ISO_DATE = "%Y-%m-%d"
REJECT_SCHEMA = {ROW: pl.Int64(), "field": pl.String(), "value": pl.String(), "reason": pl.String()}


@dataclass(frozen=True, kw_only=True)
class Check:
    """One rule: rows where `bad` is true are rejected for `field` with the `reason` text."""

    field: str
    bad: pl.Expr
    reason: pl.Expr
    # Columns computed over the whole frame before failures are split off (window expressions).
    helpers: tuple[pl.Expr, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TableRules:
    """How to type and check one table's columns."""

    required: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unique_key: tuple[str, ...] = ()
    company_columns: tuple[str, ...] = ()
    not_before: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    """The rows that passed, typed, and one reject line per failed check."""

    valid: pl.DataFrame
    rejects: pl.DataFrame

    @property
    def rejected_rows(self) -> int:
        """How many input rows were rejected (a row failing two checks counts once)."""
        return self.rejects.get_column(ROW).n_unique() if self.rejects.height else 0


def clean_text(name: str) -> pl.Expr:
    """Trimmed text with empty strings as null."""
    trimmed = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(trimmed == "").then(None).otherwise(trimmed).alias(name)


def parse_date(name: str, date_format: str) -> pl.Expr:
    """The column parsed as a date in the given format, null where it is not a real date."""
    return pl.col(name).str.strptime(pl.Date, date_format, strict=False, exact=True)


def parse_number(name: str) -> pl.Expr:
    """The column as a float, accepting thousands separators; null where it is not a number."""
    return pl.col(name).str.replace_all(",", "").str.strip_chars().cast(pl.Float64, strict=False)


TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")


def parse_bool(name: str) -> pl.Expr:
    """The column as a boolean from true/false, yes/no or 1/0; null where it is none of them."""
    word = pl.col(name).str.to_lowercase()
    return (
        pl.when(word.is_in(TRUE_WORDS))
        .then(True)
        .when(word.is_in(FALSE_WORDS))
        .then(False)
        .otherwise(None)
    )


def _label(labels: Mapping[str, str], name: str) -> str:
    return labels.get(name, name)


def _format_hint(date_format: str) -> str:
    return date_format.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")


def build_checks(
    rules: TableRules,
    *,
    today: date,
    date_format: str,
    known_companies: pl.Series | None,
    labels: Mapping[str, str],
) -> list[Check]:
    """Every check for a table, in the order a person would read them."""
    checks: list[Check] = []
    for name in rules.required:
        checks.append(
            Check(
                field=name,
                bad=pl.col(name).is_null(),
                reason=pl.lit(f"{_label(labels, name)} is empty"),
            )
        )
    for name in rules.dates:
        parsed = parse_date(name, date_format)
        label = _label(labels, name)
        checks.append(
            Check(
                field=name,
                bad=pl.col(name).is_not_null() & parsed.is_null(),
                reason=pl.format(
                    f"{label} '{{}}' is not a real date ({_format_hint(date_format)})", pl.col(name)
                ),
            )
        )
        checks.append(
            Check(
                field=name,
                bad=parsed > pl.lit(today),
                reason=pl.format(f"{label} {{}} is in the future", parsed.dt.to_string(ISO_DATE)),
            )
        )
    for name, earlier in rules.not_before.items():
        later_date, earlier_date = parse_date(name, date_format), parse_date(earlier, date_format)
        checks.append(
            Check(
                field=name,
                bad=later_date < earlier_date,
                reason=pl.format(
                    f"{_label(labels, name)} {{}} is before {_label(labels, earlier)} {{}}",
                    later_date.dt.to_string(ISO_DATE),
                    earlier_date.dt.to_string(ISO_DATE),
                ),
            )
        )
    for name in rules.numbers:
        number = parse_number(name)
        label = _label(labels, name)
        checks.append(
            Check(
                field=name,
                bad=pl.col(name).is_not_null() & number.is_null(),
                reason=pl.format(f"{label} '{{}}' is not a number", pl.col(name)),
            )
        )
        checks.append(
            Check(
                field=name,
                bad=number < 0,
                reason=pl.format(f"{label} {{}} is negative", pl.col(name)),
            )
        )
    for name in rules.booleans:
        checks.append(
            Check(
                field=name,
                bad=pl.col(name).is_not_null() & parse_bool(name).is_null(),
                reason=pl.format(
                    f"{_label(labels, name)} '{{}}' is not true or false", pl.col(name)
                ),
            )
        )
    for name, allowed in rules.choices.items():
        checks.append(
            Check(
                field=name,
                bad=pl.col(name).is_not_null() & ~pl.col(name).is_in(list(allowed)),
                reason=pl.format(
                    f"{_label(labels, name)} '{{}}' is not one of {', '.join(allowed)}",
                    pl.col(name),
                ),
            )
        )
    if known_companies is not None:
        for name in rules.company_columns:
            checks.append(
                Check(
                    field=name,
                    bad=pl.col(name).is_not_null() & ~pl.col(name).is_in(known_companies.implode()),
                    reason=pl.format(
                        f"{_label(labels, name)} '{{}}' is not a known company "
                        "(load it into companies first)",
                        pl.col(name),
                    ),
                )
            )
    if rules.unique_key:
        key = pl.struct(list(rules.unique_key))
        first_row = pl.col(ROW).first().over(list(rules.unique_key)).alias("__first_row")
        checks.append(
            Check(
                field=rules.unique_key[0],
                bad=pl.all_horizontal([pl.col(k).is_not_null() for k in rules.unique_key])
                & ~key.is_first_distinct(),
                reason=pl.format(
                    f"{', '.join(_label(labels, k) for k in rules.unique_key)} repeats row {{}}",
                    pl.col("__first_row"),
                ),
                helpers=(first_row,),
            )
        )
    return checks


def apply_checks(frame: pl.DataFrame, checks: Sequence[Check]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a frame into rows passing every check and the long list of failures."""
    if not checks or frame.height == 0:
        return frame, pl.DataFrame(schema=REJECT_SCHEMA)
    helpers = [expr for check in checks for expr in check.helpers]
    flags = frame.with_columns(helpers).with_columns(
        [check.bad.fill_null(False).alias(f"__bad{i}") for i, check in enumerate(checks)]
    )
    any_bad = pl.any_horizontal([pl.col(f"__bad{i}") for i in range(len(checks))])
    failures = flags.filter(any_bad)
    reject_parts = [
        failures.filter(pl.col(f"__bad{i}")).select(
            pl.col(ROW),
            pl.lit(check.field).alias("field"),
            pl.col(check.field).cast(pl.String).alias("value"),
            check.reason.alias("reason"),
        )
        for i, check in enumerate(checks)
    ]
    rejects = pl.concat(reject_parts).sort(ROW, maintain_order=True)
    helper_names = [expr.meta.output_name() for expr in helpers]
    valid = flags.filter(~any_bad).drop([f"__bad{i}" for i in range(len(checks))] + helper_names)
    return valid, rejects


def validate(
    frame: pl.DataFrame,
    rules: TableRules,
    *,
    today: date,
    date_format: str = ISO_DATE,
    known_companies: pl.Series | None = None,
    labels: Mapping[str, str] | None = None,
    extra_checks: Sequence[Check] = (),
) -> Checked:
    """Clean text, check every rule, and return typed valid rows plus reasons for the rest."""
    text_columns = [c for c in frame.columns if c != ROW and frame.schema[c] == pl.String]
    cleaned = frame.with_columns([clean_text(c) for c in text_columns])
    checks = build_checks(
        rules,
        today=today,
        date_format=date_format,
        known_companies=known_companies,
        labels=labels or {},
    )
    valid, rejects = apply_checks(cleaned, [*checks, *extra_checks])
    typed = valid.with_columns(
        [parse_date(c, date_format).alias(c) for c in rules.dates]
        + [parse_number(c).alias(c) for c in rules.numbers]
        + [parse_bool(c).alias(c) for c in rules.booleans if valid.schema[c] == pl.String]
    )
    return Checked(typed, rejects)
