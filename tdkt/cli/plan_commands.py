"""The commands that print a year's plan and clusters: `plan`, `clusters`."""

from __future__ import annotations

from datetime import date

import click

from tdkt.cli import json_output
from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session
from tdkt.core.text import format_date, format_number, format_percent, parse_date


def _parse_as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return parse_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of") from None


@click.command("plan")
@click.option("--year", type=int, required=True, help="Năm kế hoạch.")
@click.option("--as-of", "as_of", default=None, help="Tính quá hạn đến ngày dd/mm/yyyy (mặc định hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def plan_command(year: int, as_of: str | None, as_json: bool) -> None:
    """In kế hoạch TĐKT của một năm với tiến độ từng nhiệm vụ."""
    from tdkt.plan import plan as plan_module  # late, as every command's domain: pandas loads only where it is used

    day = _parse_as_of(as_of)
    engine, _ = open_database(Settings.from_env())
    with read_session(engine) as session:
        data = plan_module.plan_object(session, year=year, as_of=day)
        if data is None:
            years = ", ".join(str(y) for y in plan_module.years(session)) or "chưa có"
            raise click.ClickException(f"Năm {year} chưa có kế hoạch. Các năm có kế hoạch: {years}.")
    if as_json:
        json_output.echo(data)
        return
    number = f"Số: {data['number'] or '…'}/{data['symbol']}"
    click.echo(f"KẾ HOẠCH {data['title']} — {number}, ngày {data['date'] or '…'}, người ký {data['signer'] or '…'}")
    click.echo(f"Tình trạng tính đến {format_date(day)}:")
    quarter = None
    for task in data["tasks"]:
        if task["quarter"] != quarter:
            quarter = task["quarter"]
            click.echo(f"Quý {quarter}")
        click.echo(f"  {task['number']}. {task['content']}")
        click.echo(f"     Đơn vị: {'; '.join(task['units'])} | Hạn {task['due']} | {task['status']}")


@click.command("clusters")
@click.option("--year", type=int, required=True, help="Năm.")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def clusters_command(year: int, as_json: bool) -> None:
    """In cụm thi đua, giao ước nội bộ, tình hình tham gia, xếp hạng và phong trào thi đua của một năm."""
    from tdkt.clusters import clusters as clusters_module
    from tdkt.scoring import ranking

    engine, _ = open_database(Settings.from_env())
    with read_session(engine) as session:
        # a cluster with a criteria sheet is ranked by the sheet's totals (README, "Cụm thi đua")
        data = ranking.patch_clusters_object(session, clusters_module.clusters_object(session, year=year))
        if not data["clusters"] and not data["movements"]:
            years = ", ".join(str(y) for y in clusters_module.years(session)) or "chưa có"
            raise click.ClickException(f"Năm {year} chưa có cụm thi đua hay phong trào nào. Các năm có cụm: {years}.")
    if as_json:
        json_output.echo(data)
        return
    click.echo(f"CỤM THI ĐUA VÀ GIAO ƯỚC NĂM {year}")
    for cluster in data["clusters"]:
        rate = cluster["participation_rate"]
        click.echo(f"{cluster['code']} — {cluster['name']} | tỷ lệ tham gia "
                   f"{'—' if rate is None else format_percent(rate)}")
        for member in cluster["members"]:
            click.echo(f"  {'★' if member['is_us'] else ' '} {member['name']} ({member['role']})")
        for event in cluster["events"]:
            click.echo(f"  • {event['kind']}, hạn {event['due']}: {event['on_time']} đúng hạn, "
                       f"{event['late']} trễ hạn, {event['pending']} chưa thực hiện")
        for entry in cluster["ranking"]:
            click.echo(f"  Hạng {entry['rank']}: {entry['name']} ({format_number(entry['score'], 2)} điểm)")
    click.echo("PHONG TRÀO THI ĐUA" + ("" if data["movements"] else ": chưa có"))
    for movement in data["movements"]:
        launched = f", phát động {movement['launched']}" if movement["launched"] else ""
        document = f" ({movement['document']})" if movement["document"] else ""
        click.echo(f"  {movement['name']} — {movement['kind']}{launched}{document} — {movement['status']}")
