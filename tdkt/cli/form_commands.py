"""The `forms` command (biểu thống kê of Thông tư 02/2023/TT-BNV as .xlsx or JSON) and `mau-tdkt` (the year's
decisions in the national import layout)."""

from __future__ import annotations

from pathlib import Path

import click

from tdkt.cli import json_output
from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session

FORM_CODES = ("0601", "0602", "0603")


def _xlsx_path(out: str) -> Path:
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter("Tệp phải có đuôi .xlsx.", param_hint="--out")
    return path.resolve()


@click.command("forms")
@click.option("--year", type=int, required=True,
              help="Năm báo cáo Y; kỳ báo cáo của biểu là 01/12/(Y−1) đến 30/11/Y.")
@click.option("--form", "form", type=click.Choice(FORM_CODES), required=True,
              help="Biểu: 0601 (số phong trào thi đua), 0602 (khen thưởng cấp nhà nước), 0603 (khen thưởng cấp bộ, "
                   "tỉnh).")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Ghi biểu ra tệp .xlsx để in, gửi.")
@click.option("--json", "as_json", is_flag=True, help="In biểu thành một đối tượng JSON (chỉ các dòng có mã số).")
@click.option("--receiver", default=None,
              help="Đơn vị nhận báo cáo in trên biểu (mặc định: Sở Nội vụ tỉnh Lạng Sơn).")
def forms_command(year: int, form: str, out: str | None, as_json: bool, receiver: str | None) -> None:
    """Lập biểu thống kê thi đua, khen thưởng theo Thông tư 02/2023/TT-BNV (0601, 0602, 0603) từ dữ liệu; --out
    TỆP.xlsx hoặc --json."""
    from tdkt.forms import form_workbook, tt02
    from tdkt.forms.form_table import default_receiver

    if not out and not as_json:
        raise click.UsageError("Chọn --out TỆP.xlsx để ghi biểu, hoặc --json để in số liệu.")
    path = _xlsx_path(out) if out else None
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    with read_session(engine) as session:
        table = tt02.build(session, form=form, year=year)
    if path is not None:
        path.write_bytes(form_workbook.to_xlsx(table, agency=settings.agency, place=settings.place,
                                               receiver=receiver or default_receiver(settings.place)))
        click.echo(str(path), err=as_json)
    if as_json:
        json_output.echo(table.as_json())


@click.command("mau-tdkt")
@click.option("--year", type=int, required=True, help="Năm thành tích của các quyết định khen thưởng.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Tệp .xlsx sẽ ghi.")
def mau_tdkt_command(year: int, out: str) -> None:
    """Xuất các khen thưởng có quyết định của một năm theo mẫu nhập của hệ thống quốc gia (MauTDKT), mã danh hiệu,
    phân loại đối tượng đã điền."""
    from tdkt.awards import mau_tdkt
    from tdkt.core.permissions import COMMAND_LINE

    path = _xlsx_path(out)
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    with read_session(engine) as session:
        content = mau_tdkt.export_decisions(session, year=year, actor=COMMAND_LINE)
    path.write_bytes(content)
    click.echo(str(path))
