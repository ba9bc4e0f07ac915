"""Suggested links between firms, for an analyst to accept or reject; never applied silently.

Two company records may be one firm (same business registration number, the same name once
legal forms and punctuation are set aside, a recorded alias naming another firm) or two firms
run by the same people (same representative, phone or address). `propose_links` lists such
pairs with the evidence; only an analyst's acceptance (queries.network.record_link_decision)
turns one into a relation that groups, successors and scores can see.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

SAME_ENTITY = "same_entity"
SHARED_REPRESENTATIVE = "shared_representative"
SHARED_CONTACT = "shared_contact"
# Evidence kinds: what the analyst reads, the relation each suggests and its weight. A
# registration number or a recorded alias all but proves one firm; a phone number or an address
# is specific; a name without its legal form is not ("Hanbit Mall Inc." and "Hanbit Mall Co.,
# Ltd." can be two firms); a representative's name only corroborates: common names repeat.
EVIDENCE: dict[str, tuple[str, str, int]] = {
    "business_no": ("same business registration number", SAME_ENTITY, 3),
    "alias": ("a recorded alias of one is the other's name", SAME_ENTITY, 3),
    "name": ("same name apart from legal form and punctuation", SAME_ENTITY, 1),
    "representative": ("same representative", SHARED_REPRESENTATIVE, 1),
    "phone": ("same phone number", SHARED_CONTACT, 2),
    "address": ("same address", SHARED_CONTACT, 2),
}
CORROBORATING: tuple[str, ...] = ("representative",)
RELATION_ORDER: tuple[str, ...] = (SAME_ENTITY, SHARED_REPRESENTATIVE, SHARED_CONTACT)
# A value shared by more firms than this is a placeholder (a call centre, a registered-agent
# address, "N/A"), not evidence that any two of them belong together.
MAX_BLOCK = 8
LEGAL_FORMS = re.compile(
    r"\b(co|ltd|inc|incorporated|corp|corporation|company|llc|plc|public|limited|lp|llp|na|sa|ag|gmbh"
    r"|the)\b|주식회사|유한회사|\(주\)|\(유\)|㈜"
)
NON_WORD = re.compile(r"[\W_]+")
SUGGESTION_SCHEMA: dict[str, pl.DataType] = {
    "src_company_id": pl.String(),
    "dst_company_id": pl.String(),
    "src_name": pl.String(),
    "dst_name": pl.String(),
    "relation": pl.String(),
    "evidence": pl.String(),
    "kinds": pl.String(),
    "strength": pl.Int64(),
}


def normalise_name(name: str | None) -> str | None:
    """A firm name without case, legal form or punctuation ('EQUIFAX, INC.' -> 'equifax').

    None when fewer than two characters are left (too short to be evidence).
    """
    if name is None:
        return None
    text = unicodedata.normalize("NFKC", name).lower()
    text = LEGAL_FORMS.sub(" ", text.replace(".", ""))
    text = " ".join(NON_WORD.sub(" ", text).split())
    return text if len(text.replace(" ", "")) >= 2 else None


def _digits(column: str, minimum: int) -> pl.Expr:
    """Only the digits of a value, null when fewer than `minimum` or all the same digit."""
    digits = pl.col(column).cast(pl.String).str.replace_all(r"\D", "")
    varied = digits.str.split("").list.n_unique() > 1
    return pl.when((digits.str.len_chars() >= minimum) & varied).then(digits)


def _phone() -> pl.Expr:
    """Digits of a phone number with +82 written as the domestic leading 0.

    Domestic numbers start with 0 (or 1 for nationwide service numbers such as 1588-xxxx), so
    a leading 82 can only be the country code.
    """
    digits = _digits("phone", 8)
    return (
        pl.when(digits.str.starts_with("82") & (digits.str.len_chars() >= 9))
        .then(pl.lit("0") + digits.str.slice(2))
        .otherwise(digits)
    )


def _text(column: str, minimum: int) -> pl.Expr:
    """Lower case, punctuation and spacing folded; null when shorter than `minimum`."""
    text = (
        pl.col(column)
        .cast(pl.String)
        .str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_all(r"[\W_]+", " ")
        .str.strip_chars()
    )
    return pl.when(text.str.replace_all(" ", "").str.len_chars() >= minimum).then(text)


def match_keys(companies: pl.DataFrame, aliases: pl.DataFrame | None = None) -> pl.DataFrame:
    """Long frame (company_id, kind, key) of every normalised value two firms could share.

    Kinds are those of EVIDENCE; columns the companies table does not have are skipped. A
    recorded alias counts as a name of the firm it belongs to (kind "alias").
    """
    parts = []
    columns = {
        "business_no": _digits("business_no", 6),
        "representative": _text("representative", 2),
        "phone": _phone(),
        "address": _text("address", 6),
    }
    for kind, expression in columns.items():
        if kind in companies.columns:
            parts.append(
                companies.select("company_id", pl.lit(kind).alias("kind"), expression.alias("key"))
            )
    names = companies.select("company_id", "name")
    if aliases is not None and aliases.height:
        names = pl.concat([names, aliases.select("company_id", pl.col("alias").alias("name"))])
    parts.append(
        names.with_columns(
            pl.lit("name").alias("kind"),
            pl.col("name").map_elements(normalise_name, return_dtype=pl.String).alias("key"),
        ).select("company_id", "kind", "key")
    )
    return pl.concat(parts).drop_nulls().unique().sort("kind", "key", "company_id")


def _pairs(keys: pl.DataFrame, max_block: int) -> pl.DataFrame:
    """(a, b, kind) for every two firms sharing a key of a kind, a < b; crowded keys dropped."""
    blocks = keys.with_columns(pl.len().over("kind", "key").alias("_n")).filter(
        (pl.col("_n") > 1) & (pl.col("_n") <= max_block)
    )
    return (
        blocks.join(blocks, on=["kind", "key"], suffix="_b")
        .filter(pl.col("company_id") < pl.col("company_id_b"))
        .select(pl.col("company_id").alias("a"), pl.col("company_id_b").alias("b"), pl.col("kind"))
        .unique()
    )


def _closed_pairs(relations: pl.DataFrame, decisions: pl.DataFrame | None) -> pl.DataFrame:
    """Unordered pairs already related, or already decided on by an analyst (either way)."""
    frames = [relations.select("src_company_id", "dst_company_id")]
    if decisions is not None and decisions.height:
        frames.append(decisions.select("src_company_id", "dst_company_id"))
    both = pl.concat(frames)
    return both.select(
        pl.min_horizontal("src_company_id", "dst_company_id").alias("a"),
        pl.max_horizontal("src_company_id", "dst_company_id").alias("b"),
    ).unique()


def propose_links(
    companies: pl.DataFrame,
    relations: pl.DataFrame,
    aliases: pl.DataFrame | None = None,
    decisions: pl.DataFrame | None = None,
    max_block: int = MAX_BLOCK,
) -> pl.DataFrame:
    """Pairs of firms that look linked but are not recorded as such, with the evidence.

    One row per pair (src_company_id < dst_company_id): both names, the suggested relation
    (same_entity for a shared registration number, alias or name; shared_representative when
    the representative matches too; else shared_contact), the evidence in words (never the
    representative's name, phone or address itself), the kinds matched and their summed
    weight (strength, see EVIDENCE). A representative only corroborates a pair found another
    way. Pairs already related in either direction (companies.parent_id included) and pairs an
    analyst has accepted or rejected are left out. Strongest first, then by ids. Nothing is
    written anywhere.
    """
    keys = match_keys(companies, aliases)
    found = keys.filter(~pl.col("kind").is_in(CORROBORATING))
    pairs = pl.concat(
        [
            _name_pairs(found.filter(pl.col("kind") == "name"), companies, aliases, max_block),
            _pairs(found.filter(pl.col("kind") != "name"), max_block),
        ]
    )
    parents = companies.filter(pl.col("parent_id").is_not_null()).select(
        pl.col("parent_id").alias("src_company_id"), pl.col("company_id").alias("dst_company_id")
    )
    closed = _closed_pairs(
        pl.concat([relations.select("src_company_id", "dst_company_id"), parents]), decisions
    )
    pairs = pairs.join(closed, on=["a", "b"], how="anti")
    pairs = pl.concat([pairs, _corroboration(pairs, keys)])
    if pairs.height == 0:
        return pl.DataFrame(schema=SUGGESTION_SCHEMA)
    kind_order = {kind: i for i, kind in enumerate(EVIDENCE)}
    words = {kind: entry[0] for kind, entry in EVIDENCE.items()}
    relation_rank = {r: i for i, r in enumerate(RELATION_ORDER)}
    suggests = {kind: relation_rank[entry[1]] for kind, entry in EVIDENCE.items()}
    weights = {kind: entry[2] for kind, entry in EVIDENCE.items()}
    names = companies.select("company_id", "name")
    grouped = (
        pairs.unique()
        .with_columns(
            pl.col("kind").replace_strict(kind_order).alias("_order"),
            pl.col("kind").replace_strict(suggests).alias("_relation"),
            pl.col("kind").replace_strict(weights).alias("_weight"),
        )
        .sort("a", "b", "_order")
        .group_by("a", "b", maintain_order=True)
        .agg(
            pl.col("kind").replace_strict(words).str.join("; ").alias("evidence"),
            pl.col("kind").str.join(";").alias("kinds"),
            pl.col("_weight").sum().cast(pl.Int64).alias("strength"),
            pl.col("_relation").min(),
        )
    )
    return (
        grouped.with_columns(
            pl.col("_relation").replace_strict(dict(enumerate(RELATION_ORDER))).alias("relation")
        )
        .join(names.rename({"company_id": "a", "name": "src_name"}), on="a", how="left")
        .join(names.rename({"company_id": "b", "name": "dst_name"}), on="b", how="left")
        .sort(["strength", "_relation", "a", "b"], descending=[True, False, False, False])
        .rename({"a": "src_company_id", "b": "dst_company_id"})
        .select(list(SUGGESTION_SCHEMA))
    )


def _name_pairs(
    name_keys: pl.DataFrame,
    companies: pl.DataFrame,
    aliases: pl.DataFrame | None,
    max_block: int,
) -> pl.DataFrame:
    """Pairs sharing a name key; kind "alias" when only a recorded alias makes them match."""
    pairs = _pairs(name_keys, max_block)
    if aliases is None or aliases.height == 0 or pairs.height == 0:
        return pairs
    own = match_keys(companies.select("company_id", "name")).filter(pl.col("kind") == "name")
    by_name = _pairs(own, max_block).select("a", "b", pl.lit(True).alias("_own"))
    return (
        pairs.join(by_name, on=["a", "b"], how="left")
        .with_columns(
            pl.when(pl.col("_own")).then(pl.col("kind")).otherwise(pl.lit("alias")).alias("kind")
        )
        .drop("_own")
    )


def _corroboration(pairs: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """(a, b, kind) for corroborating kinds on which a pair already found also matches."""
    found = pairs.select("a", "b").unique()
    extra = keys.filter(pl.col("kind").is_in(CORROBORATING))
    return (
        found.join(extra.rename({"company_id": "a"}), on="a")
        .join(extra.rename({"company_id": "b"}), on=["b", "kind", "key"])
        .select("a", "b", "kind")
    )
