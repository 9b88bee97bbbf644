"""Our rank in a cluster with a criteria sheet is one figure wherever it is read: Tổng quan's participation, the
Cụm thi đua page's views and `clusters --json` all take the sheet's ranking, on the demo database."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.clusters import clusters as clusters_module
from tdkt.core.db import make_engine, read_session
from tdkt.reports import overview
from tdkt.scoring import ranking
from tests.conftest import SECRET, sqlite_copy

CLUSTERS = ("Cụm II", "Cụm III")


def cli_ranks(url: str, year: int, monkeypatch) -> dict[str, int | None]:
    """Our rank per cluster as `clusters --year Y --json` prints it."""
    monkeypatch.setenv("TDKT_DATABASE_URL", url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    click_vi.install()
    run = CliRunner().invoke(cli, ["clusters", "--year", str(year), "--json"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    found = {}
    for cluster in json.loads(run.output)["clusters"]:
        us = next(m["name"] for m in cluster["members"] if m["is_us"])
        found[cluster["code"]] = next((r["rank"] for r in cluster["ranking"] if r["name"] == us), None)
    return found


def test_overview_cluster_page_and_cli_give_the_sheets_rank_for_a_cluster_with_a_sheet(demo_template, tmp_path,
                                                                                      monkeypatch):
    url = sqlite_copy(demo_template, tmp_path)
    engine = make_engine(url)
    found, differs = {}, 0
    with read_session(engine) as session:
        years = [y for y in clusters_module.years(session) if y >= 2023]
        for year in years:
            shown = overview.participation(session, year=year).set_index("cluster")
            views = {v.cluster.code: v for v in ranking.year_views(session, year=year)}
            plain = {v.cluster.code: v for v in clusters_module.year_views(session, year=year)}
            for code in CLUSTERS:
                result = ranking.cluster_result(session, year=year, cluster_code=code)
                assert result is not None, f"{code} {year}: the demo gives every past cluster a sheet"
                sheet_rank = next(m.rank for m in result.members if m.is_us)
                rank = shown.loc[code, "rank"]
                assert (None if pd.isna(rank) else int(rank)) == views[code].our_rank == sheet_rank
                assert shown.loc[code, "ranked"] == sum(m.rank is not None for m in result.members)
                found[year, code] = sheet_rank
                differs += plain[code].our_rank != sheet_rank
    engine.dispose()
    for year in years:
        printed = cli_ranks(url, year, monkeypatch)
        assert {code: printed[code] for code in CLUSTERS} == {code: found[year, code] for code in CLUSTERS}
    assert len(found) == 2 * len(years) >= 6
    assert differs  # the events' scores rank us otherwise (2025 Cụm II: 3rd by events, 6th by the sheet)
