"""The `report` command: a period's review report as figures (.xlsx, JSON) or a draft (.docx)."""

from __future__ import annotations

from pathlib import Path

import click

from tdkt.cli import json_output
from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session
from tdkt.core.text import parse_date


@click.command("report")
@click.option("--year", type=int, required=True, help="Năm báo cáo.")
@click.option("--period", "period_kind", type=click.Choice(["h1", "year"]), default="h1", show_default=True,
              help="Kỳ báo cáo: h1 = sơ kết 6 tháng (01/01–30/06; đề nghị theo ngày nhận, quyết định theo ngày quyết "
                   "định), year = tổng kết cả năm (01/01–31/12; đề nghị và quyết định theo năm thành tích).")
@click.option("--start", default=None, help="Ngày bắt đầu kỳ dd/mm/yyyy (mặc định 01/01; chỉ với --period h1).")
@click.option("--end", default=None, help="Ngày kết thúc kỳ dd/mm/yyyy (mặc định 30/06; chỉ với --period h1).")
@click.option("--cluster", default=None, help="Cụm thi đua của báo cáo, ví dụ “Cụm II” hoặc “Cụm III”.")
@click.option("--out", default=None, type=click.Path(dir_okay=False),
              help="Ghi báo cáo ra tệp .xlsx (số liệu) hoặc .docx (dự thảo báo cáo).")
@click.option("--json", "as_json", is_flag=True, help="In số liệu báo cáo thành một đối tượng JSON.")
def report_command(year: int, period_kind: str, start: str | None, end: str | None, cluster: str | None,
                   out: str | None, as_json: bool) -> None:
    """Lập báo cáo sơ kết/tổng kết TĐKT của một kỳ, so với cùng kỳ năm trước (--out .xlsx/.docx hoặc --json); JSON
    ghi "basis": "ngay_nhan" (h1) hoặc "nam_thanh_tich" (year)."""
    from tdkt.reports import reports

    if not out and not as_json:
        raise click.UsageError("Chọn --out TỆP.xlsx hoặc TỆP.docx để ghi báo cáo, hoặc --json để in số liệu.")
    if period_kind == "year" and (start or end):
        raise click.UsageError(f"--start/--end không dùng với --period year. {reports.YEAR_HAS_NO_DATES}")
    suffix = Path(out).suffix.lower() if out else None
    if out and suffix not in (".xlsx", ".docx"):
        raise click.BadParameter("Tệp báo cáo phải có đuôi .xlsx (số liệu) hoặc .docx (dự thảo báo cáo).",
                                 param_hint="--out")
    days = {}
    for name, text in (("start", start), ("end", end)):
        try:
            days[name] = parse_date(text) if text else None
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint=f"--{name}") from None
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    with read_session(engine) as session:
        if as_json:
            data = reports.figures(session, year=year, period=period_kind, cluster=cluster, **days)
        if suffix == ".docx":
            from tdkt.reports import report_docx

            content = report_docx.draft(session, year=year, period=period_kind, cluster=cluster,
                                        settings=settings, **days)
        elif out:
            content = reports.to_xlsx_report(session, year=year, period=period_kind, cluster=cluster, **days)
    if out:
        path = Path(out).resolve()
        path.write_bytes(content)
        click.echo(str(path))
    if as_json:
        json_output.echo(data)
