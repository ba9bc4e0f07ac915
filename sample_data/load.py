"""Write the generated sample world into a warehouse; rerunning it adds only what is missing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from queries import schema
from queries.ingest import load_frame
from queries.rollups import rebuild_rollups
from queries.warehouse import make_engine
from sample_data.generator import GeneratorConfig, build_world, generate_complaint_chunks

ProgressCallback = Callable[[float, str], None]


def _silent(_fraction: float, _message: str) -> None:
    return None


def generate_warehouse(
    engine: Engine,
    *,
    companies: int = GeneratorConfig.companies,
    complaints: int = GeneratorConfig.complaints,
    seed: int = GeneratorConfig.seed,
    progress: ProgressCallback = _silent,
    show_progress: bool = False,
) -> str:
    """Generate the sample world into `engine`; return a one-line summary of what was added."""
    config = GeneratorConfig(companies=companies, complaints=complaints, seed=seed)
    schema.create_schema(engine)
    progress(0.0, "building companies, groups and enforcement history")
    world = build_world(config)
    bar = _terminal_bar(config.complaints) if show_progress else None
    loaded_complaints = 0
    with engine.begin() as connection:
        loaded_companies, _ = load_frame(connection, schema.companies, world.companies)
        load_frame(connection, schema.company_relations, world.company_relations)
        load_frame(connection, schema.enforcement_actions, world.enforcement_actions)
        load_frame(connection, schema.issue_statutes, world.issue_statutes)
        load_frame(connection, schema.sample_stories, world.stories)
    generated = 0
    for chunk in generate_complaint_chunks(config, world):
        # One transaction per chunk keeps memory flat at 10M rows; a rerun tops up what is
        # missing, because rows already present are skipped by key.
        with engine.begin() as connection:
            inserted, _ = load_frame(connection, schema.complaints, chunk)
        loaded_complaints += inserted
        generated += chunk.height
        if bar is not None:
            bar.update(chunk.height)
        progress(min(generated / max(config.complaints, 1), 1.0), f"{generated:,} complaints")
    if bar is not None:
        bar.close()
    progress(1.0, "summing complaints per company and month")
    with engine.begin() as connection:
        rebuild_rollups(connection)
    progress(1.0, "done")
    return (
        f"sample warehouse: {world.companies.height} companies ({loaded_companies} new), "
        f"{loaded_complaints:,} new complaints, seed {seed}"
    )


def _terminal_bar(total: int):  # noqa: ANN202
    import sys

    from tqdm import tqdm

    return tqdm(total=total, unit=" complaints", unit_scale=True, file=sys.stderr)


def ensure_sample_warehouse(path: Path, progress: ProgressCallback = _silent) -> bool:
    """Create the embedded sample warehouse at `path` if it is missing; True if it was created.

    The file is built under a temporary name and renamed when complete, so an interrupted first
    start never leaves a half-filled warehouse behind.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"duckdb:///{partial}")
    try:
        generate_warehouse(engine, progress=progress)
    finally:
        engine.dispose()
    os.replace(partial, path)
    return True
