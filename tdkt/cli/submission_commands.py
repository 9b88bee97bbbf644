"""The command that prints a year's submissions: `submissions`, each unit's state, date, lateness and missing papers."""

from __future__ import annotations

from datetime import date

import click

from tdkt.cli import json_output
from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session
from tdkt.core.text import format_date, parse_date


def _parse_as_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of") from None


@click.command("submissions")
@click.option("--year", type=int, required=True, help="Năm thành tích của hồ sơ.")
@click.option("--as-of", "as_of", default=None, help="Tính trễ hạn đến ngày dd/mm/yyyy (mặc định hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def submissions_command(year: int, as_of: str | None, as_json: bool) -> None:
    """In tình hình nộp hồ sơ khen thưởng của các phòng, đơn vị trực thuộc, đoàn thể trong một năm."""
    from tdkt.submissions import deadlines, submission_views, submissions  # late: `--help` does not load the domain

    day = _parse_as_of(as_of) or submissions.vietnam_today()
    engine, _ = open_database(Settings.from_env())
    with read_session(engine) as session:
        states = submissions.unit_states(session, year=year, today=day)
        due = deadlines.deadline(session, year=year)
    if as_json:
        json_output.echo(submission_views.json_object(states, year=year, deadline=due))
        return
    click.echo(f"TÌNH HÌNH NỘP HỒ SƠ KHEN THƯỞNG NĂM {year} — hạn nộp {format_date(due)}, tính đến {format_date(day)}")
    if not states:
        click.echo("Chưa có phòng, đơn vị trực thuộc hay tổ chức đoàn thể nào.")
        return
    frame = submission_views.states_frame(states)
    shown = ["Đơn vị", "Trạng thái", "Ngày", "Đúng hạn / trễ hạn", "Số đề nghị", "Giấy tờ còn thiếu"]
    widths = [max(len(str(v)) for v in [name, *frame[name]]) for name in shown]
    for values in [shown, *frame[shown].itertuples(index=False)]:
        click.echo(" | ".join(str(v).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip())
    waiting = sum(1 for s in states if not s.held)
    click.echo(f"{len(states) - waiting}/{len(states)} đơn vị đã nộp; {waiting} đơn vị chưa nộp hoặc phải nộp lại.")
