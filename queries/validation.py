"""Row-level checks of input tables: every row is typed and kept, or rejected with a reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from queries.source_files import ROW, text_column

ISO_DATE = "%Y-%m-%d"
REJECT_SCHEMA = {ROW: pl.Int64(), "field": pl.String(), "value": pl.String(), "reason": pl.String()}


@dataclass(frozen=True, kw_only=True)
class Check:
    """One rule: rows where `bad` is true are rejected for `field` with the `reason` text."""

    field: str
    bad: pl.Expr
    reason: pl.Expr
    # The offending value as the file held it (default: the field's column as text).
    value: pl.Expr | None = None
    # Columns the reason needs (window expressions), computed only when the check fails.
    helpers: tuple[pl.Expr, ...] = ()
    # When set, `bad` and `helpers` are computed over the rows where this holds only, and are
    # false elsewhere: it must hold for every row they can be true for or depend on.
    within: pl.Expr | None = None


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


TEXT_PREFIX = "__text_"


def clean_text(name: str) -> pl.Expr:
    """Trimmed text with empty strings as null."""
    # replace() is several times faster than when/then/otherwise on a string column.
    return pl.col(name).cast(pl.String).str.strip_chars().replace("", None).alias(name)


def _needs_cleaning(name: str) -> pl.Expr:
    """How many values clean_text would change: empty, or with whitespace at either end."""
    length = pl.col(name).str.len_bytes()
    return ((length == 0) | (pl.col(name).str.strip_chars().str.len_bytes() < length)).sum()


def clean_text_columns(frame: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    """clean_text on the named text columns, rewriting only those where some value changes.

    Most files hold no stray spaces: counting what would change is several times cheaper than
    rebuilding every string column (at 10M rows, ~3 GB of new strings and seconds of work).
    """
    if not names:
        return frame
    # Streaming counts in morsels, so no stripped copy of a long column is held whole.
    counts = frame.lazy().select(_needs_cleaning(n) for n in names).collect(engine="streaming")
    changing = [name for name in names if counts.get_column(name).item()]
    return frame.with_columns(clean_text(name) for name in changing) if changing else frame


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


def _date_columns(rules: TableRules) -> tuple[str, ...]:
    extra = [c for pair in rules.not_before.items() for c in pair if c not in rules.dates]
    return (*rules.dates, *dict.fromkeys(extra))


def _keeps_type(dtype: pl.DataType, name: str, rules: TableRules) -> bool:
    """Whether a typed (Parquet) column already holds what its rule would parse text into."""
    if name in _date_columns(rules):
        return dtype == pl.Date or dtype == pl.Datetime
    if name in rules.numbers:
        return dtype.is_numeric()
    if name in rules.booleans:
        return dtype == pl.Boolean
    return False


def conform_types(frame: pl.DataFrame, rules: TableRules) -> pl.DataFrame:
    """Keep a typed column whose type fits its rule (as Date, Float64, Boolean); the rest as text.

    A CSV's columns are all text already. A Parquet file's typed columns skip parsing but get
    every other check; a column whose type fits no rule is checked as the text a CSV would hold.
    """
    columns = []
    for name, dtype in frame.schema.items():
        if name == ROW or dtype == pl.String:
            continue
        if not _keeps_type(dtype, name, rules):
            columns.append(text_column(name, dtype).alias(name))
        elif dtype == pl.Datetime:
            columns.append(pl.col(name).dt.date())
        elif name in rules.numbers and dtype != pl.Float64:
            columns.append(pl.col(name).cast(pl.Float64))
    return frame.with_columns(columns) if columns else frame


def _parse_text_columns(
    frame: pl.DataFrame, rules: TableRules, date_format: str
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Parse the text columns that rules type, keeping each one's text beside it for reasons."""
    parsers = (
        [(c, parse_date(c, date_format)) for c in _date_columns(rules)]
        + [(c, parse_number(c)) for c in rules.numbers]
        + [(c, parse_bool(c)) for c in rules.booleans]
    )
    text_of = {
        name: f"{TEXT_PREFIX}{name}"
        for name, _ in parsers
        if name in frame.columns and frame.schema[name] == pl.String
    }
    if not text_of:
        return frame, text_of
    parsed = frame.with_columns([pl.col(name).alias(text) for name, text in text_of.items()])
    parsed = parsed.with_columns([expr.alias(name) for name, expr in parsers if name in text_of])
    return parsed, text_of


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
    text_of: Mapping[str, str] | None = None,
) -> list[Check]:
    """Every check for a table, in the order a person would read them.

    Columns named in `text_of` are typed already, with the file's text in the named column;
    the checks that text can fail (not a date, not a number) apply to those columns only.
    """
    text_of = text_of or {}

    def raw(name: str) -> pl.Expr:
        return pl.col(text_of[name]) if name in text_of else pl.col(name).cast(pl.String)

    def given(name: str) -> pl.Expr:
        return pl.col(text_of.get(name, name))

    def check(name: str, bad: pl.Expr, reason: pl.Expr) -> Check:
        return Check(field=name, bad=bad, reason=reason, value=raw(name))

    checks: list[Check] = []
    for name in rules.required:
        checks.append(
            check(name, given(name).is_null(), pl.lit(f"{_label(labels, name)} is empty"))
        )
    for name in rules.dates:
        label = _label(labels, name)
        if name in text_of:
            reason = f"{label} '{{}}' is not a real date ({_format_hint(date_format)})"
            checks.append(
                check(
                    name,
                    given(name).is_not_null() & pl.col(name).is_null(),
                    pl.format(reason, raw(name)),
                )
            )
        checks.append(
            check(
                name,
                pl.col(name) > pl.lit(today),
                pl.format(f"{label} {{}} is in the future", pl.col(name).dt.to_string(ISO_DATE)),
            )
        )
    for name, earlier in rules.not_before.items():
        checks.append(
            check(
                name,
                pl.col(name) < pl.col(earlier),
                pl.format(
                    f"{_label(labels, name)} {{}} is before {_label(labels, earlier)} {{}}",
                    pl.col(name).dt.to_string(ISO_DATE),
                    pl.col(earlier).dt.to_string(ISO_DATE),
                ),
            )
        )
    for name in rules.numbers:
        label = _label(labels, name)
        if name in text_of:
            checks.append(
                check(
                    name,
                    given(name).is_not_null() & pl.col(name).is_null(),
                    pl.format(f"{label} '{{}}' is not a number", raw(name)),
                )
            )
        checks.append(
            check(name, pl.col(name) < 0, pl.format(f"{label} {{}} is negative", raw(name)))
        )
    for name in rules.booleans:
        if name in text_of:
            checks.append(
                check(
                    name,
                    given(name).is_not_null() & pl.col(name).is_null(),
                    pl.format(f"{_label(labels, name)} '{{}}' is not true or false", raw(name)),
                )
            )
    for name, allowed in rules.choices.items():
        checks.append(
            check(
                name,
                pl.col(name).is_not_null() & ~pl.col(name).is_in(list(allowed)),
                pl.format(
                    f"{_label(labels, name)} '{{}}' is not one of {', '.join(allowed)}",
                    pl.col(name),
                ),
            )
        )
    if known_companies is not None:
        for name in rules.company_columns:
            checks.append(
                check(
                    name,
                    pl.col(name).is_not_null() & ~pl.col(name).is_in(known_companies.implode()),
                    pl.format(
                        f"{_label(labels, name)} '{{}}' is not a known company "
                        "(load it into companies first)",
                        pl.col(name),
                    ),
                )
            )
    if rules.unique_key:
        key_columns = list(rules.unique_key)
        key = pl.col(key_columns[0]) if len(key_columns) == 1 else pl.struct(key_columns)
        # Hashing every key into a table is slow at millions of rows; sorted 64-bit hashes
        # find the few rows that can repeat, and the exact check runs on those alone.
        # Signed, so that a difference wraps around and is zero exactly between equal hashes
        # (an unsigned one past 2**63 comes out null); diff() sorts fewer times than comparing
        # with a shifted copy (0.3 s instead of 0.7 s at 10M rows).
        hashed = key.hash().reinterpret(signed=True)
        ordered = hashed.sort()
        maybe_repeated = hashed.is_in(ordered.filter(ordered.diff() == 0).implode())
        first_row = pl.col(ROW).first().over(key_columns).alias("__first_row")
        checks.append(
            Check(
                field=rules.unique_key[0],
                bad=pl.all_horizontal([pl.col(k).is_not_null() for k in key_columns])
                & ~key.is_first_distinct(),
                reason=pl.format(
                    f"{', '.join(_label(labels, k) for k in key_columns)} repeats row {{}}",
                    pl.col("__first_row"),
                ),
                value=raw(rules.unique_key[0]),
                helpers=(first_row,),
                within=maybe_repeated,
            )
        )
    return checks


POSITION = "__position"


def _within(frame: pl.DataFrame, check: Check) -> pl.DataFrame | None:
    """The rows a check with `within` looks at, with their positions in the frame; None if none."""
    assert check.within is not None
    # The mask alone first: usually no row is in it, and filtering a wide frame costs a pass
    # over every column even then.
    mask = frame.select(check.within.fill_null(False)).to_series()
    if not mask.any():
        return None
    return frame.with_row_index(POSITION).filter(mask)


def _flags(
    frame: pl.DataFrame, checks: Sequence[Check], within: Mapping[int, pl.DataFrame | None]
) -> pl.DataFrame:
    """One boolean column per check: true where the row fails it."""
    flags = frame.select(
        *(
            (
                check.bad.fill_null(False) if check.within is None else pl.repeat(False, pl.len())
            ).alias(f"__bad{i}")
            for i, check in enumerate(checks)
        )
    )
    for i, rows in within.items():
        if rows is not None:
            failing = rows.filter(checks[i].bad.fill_null(False)).get_column(POSITION)
            flags = flags.with_columns(flags.get_column(f"__bad{i}").scatter(failing, True))
    return flags


def apply_checks(frame: pl.DataFrame, checks: Sequence[Check]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a frame into rows passing every check and the long list of failures."""
    if not checks or frame.height == 0:
        return frame, pl.DataFrame(schema=REJECT_SCHEMA)
    within = {i: _within(frame, c) for i, c in enumerate(checks) if c.within is not None}
    flags = _flags(frame, checks, within)
    any_bad = flags.select(pl.any_horizontal(pl.all())).to_series()
    if not any_bad.any():
        return frame, pl.DataFrame(schema=REJECT_SCHEMA)
    failures = frame.filter(any_bad).hstack(flags.filter(any_bad).get_columns())
    reject_parts = []
    for i, check in enumerate(checks):
        failed = failures.filter(pl.col(f"__bad{i}"))
        if failed.height == 0:
            continue
        if check.helpers:
            rows = within[i] if i in within else frame
            assert rows is not None  # a row failed the check, so it was within it
            helpers = rows.select(pl.col(ROW), *check.helpers)
            failed = failed.join(helpers, on=ROW, how="left", maintain_order="left")
        value = check.value if check.value is not None else pl.col(check.field).cast(pl.String)
        reject_parts.append(
            failed.select(
                pl.col(ROW),
                pl.lit(check.field, dtype=pl.String).alias("field"),
                value.cast(pl.String).alias("value"),
                check.reason.cast(pl.String).alias("reason"),
            )
        )
    rejects = pl.concat(reject_parts).sort(ROW, maintain_order=True)
    return frame.filter(~any_bad), rejects


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
    """Clean text, check every rule, and return typed valid rows plus reasons for the rest.

    Text columns are parsed once; typed columns that fit their rule (a Parquet file's dates,
    numbers, booleans, see conform_types) are used as they are and get every check but the
    parsing ones. Columns no rule names keep their type (the CFPB mapping's derived flags).
    """
    text_columns = [c for c in frame.columns if c != ROW and frame.schema[c] == pl.String]
    cleaned = clean_text_columns(frame, text_columns)
    parsed, text_of = _parse_text_columns(cleaned, rules, date_format)
    checks = build_checks(
        rules,
        today=today,
        date_format=date_format,
        known_companies=known_companies,
        labels=labels or {},
        text_of=text_of,
    )
    valid, rejects = apply_checks(parsed, [*checks, *extra_checks])
    return Checked(valid.drop(list(text_of.values())), rejects)
