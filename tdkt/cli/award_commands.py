"""The commands about a year's awards: `stats` (the statistics) and `check` (eligibility of every nomination)."""

from __future__ import annotations

import click

from tdkt.cli import json_output
from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session


@click.command("stats")
@click.option("--year", type=int, required=True, help="Năm thành tích (không phải năm quyết định).")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def stats_command(year: int, as_json: bool) -> None:
    """In thống kê khen thưởng của một năm: số đề nghị, số có quyết định, theo danh hiệu, cấp, đối tượng, giới tính,
    đơn vị, trạng thái, phân loại đối tượng và tiền thưởng."""
    from tdkt.awards import stats as stats_module
    from tdkt.core.text import format_money

    engine, _ = open_database(Settings.from_env())
    with read_session(engine) as session:
        data = stats_module.summary(session, year=year)
    if as_json:
        json_output.echo(data)
        return
    click.echo(f"THỐNG KÊ KHEN THƯỞNG NĂM {year}")
    click.echo(f"{data['nominations']} hồ sơ đề nghị, {data['decisions']} có quyết định; "
               f"tiền thưởng theo quyết định {format_money(data['money'])}.")
    targets = {"ca_nhan": "Cá nhân", "tap_the": "Tập thể", "ho_gia_dinh": "Hộ gia đình"}
    sections = [("Theo danh hiệu, hình thức", data["by_award"]),
                ("Theo cấp khen", {f"Cấp {k}": v for k, v in data["by_level"].items()}),
                ("Theo đối tượng", {targets.get(k, k): v for k, v in data["by_target"].items()}),
                ("Theo giới tính (cá nhân)", data["by_gender"]), ("Theo đơn vị", data["by_unit"]),
                ("Theo trạng thái", data["by_status"]), ("Theo phân loại đối tượng", data["by_category"])]
    for title, counts in sections:
        click.echo(f"{title}:" + ("" if counts else " chưa có"))
        for label, n in counts.items():
            click.echo(f"  {label}: {n}")


@click.command("check")
@click.option("--year", type=int, required=True, help="Năm thành tích của các đề nghị cần xét.")
@click.option("--json", "as_json", is_flag=True, help="In một danh sách JSON.")
def check_command(year: int, as_json: bool) -> None:
    """Xét điều kiện khen thưởng theo luật cho mọi đề nghị của một năm: in các đề nghị chưa đủ điều kiện, quy tắc
    và điều khoản căn cứ, lý do."""
    from tdkt.awards import eligibility
    from tdkt.core.permissions import COMMAND_LINE

    engine, _ = open_database(Settings.from_env())
    with read_session(engine) as session:
        findings = eligibility.judge_nominations(session, year=year, actor=COMMAND_LINE)
        cap = eligibility.share_cap(session, year=year, actor=COMMAND_LINE)
    if as_json:
        json_output.echo([f.as_json() for f in findings])
        return
    click.echo(f"XÉT ĐIỀU KIỆN KHEN THƯỞNG NĂM {year}: {len(findings)} đề nghị chưa đủ điều kiện.")
    for finding in findings:
        click.echo(f"• Đề nghị số {finding.nomination_id}: {finding.name} — {finding.award}")
        for failure in finding.failures:
            click.echo(f"    [{failure['rule']}] {failure['reason']} ({failure['basis']})")
    if cap:
        click.echo(f"Cảnh báo [{cap['rule']}]: {cap['reason']} ({cap['basis']})")
