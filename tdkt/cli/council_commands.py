"""The `council` commands: `council members` replaces a year's Hội đồng TĐKT from a sheet, `council tally` records a
tally sheet's votes and prints each nominee's share and verdict; a sheet with any problem records nothing (exit 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tdkt.cli import json_output
from tdkt.cli.context import CONTEXT, open_database
from tdkt.core import permissions
from tdkt.core.config import Settings
from tdkt.core.db import write_session


@click.group("council", context_settings=CONTEXT)
def council_command() -> None:
    """Hội đồng Thi đua - Khen thưởng: thành viên, kết quả bỏ phiếu."""


class _NothingWritten(Exception):
    """A sheet had problems: leave its transaction by rolling back."""


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise click.ClickException(f"Không đọc được tệp “{path}”: {error.strerror or error}. Kiểm tra đường dẫn.") \
            from None


def _fail(issues, *, as_json: bool) -> None:
    """Print the sheet's problems (file, row, column, message) and exit 1: nothing was recorded."""
    if as_json:
        json_output.echo({"errors": [dict(i.as_dict(), file=i.file) for i in issues]})
    else:
        for i in issues:
            where = ", ".join(filter(None, [i.file, i.sheet and f"trang “{i.sheet}”", i.row and f"dòng {i.row}",
                                            i.column and f"cột “{i.column}”"]))
            click.echo(f"Lỗi — {where}: {i.message}", err=True)
        click.echo("Chưa ghi gì: sửa các lỗi trên rồi chạy lại.", err=True)
    sys.exit(1)


@council_command.command("members")
@click.option("--year", type=int, required=True, help="Năm của Hội đồng (năm thành tích được xét).")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="In danh sách thành viên dạng JSON.")
def members_command(year: int, file: str, as_json: bool) -> None:
    """Thay danh sách thành viên Hội đồng của năm bằng tệp Excel có cột “Họ và tên”, “Chức vụ trong Hội đồng”."""
    from tdkt.core.council_tables import COUNCIL_ROLE_LABELS, CouncilRole
    from tdkt.council.sheet_tally import members_from_sheet

    data = _read(file)
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    try:
        with write_session(engine) as session:
            outcome = members_from_sheet(session, permissions.COMMAND_LINE, data, file_name=Path(file).name,
                                         settings=settings, year=year)
            if outcome.sheet.errors:
                raise _NothingWritten
    except _NothingWritten:
        _fail(outcome.sheet.errors, as_json=as_json)
    rows = [{"name": m.full_name, "role": COUNCIL_ROLE_LABELS[CouncilRole(m.role)], "unit": m.unit,
            "position": m.position} for m in outcome.members]
    if as_json:
        json_output.echo(rows)
        return
    click.echo(f"Đã thay Hội đồng Thi đua - Khen thưởng năm {year}: {len(rows)} thành viên.")
    for row in rows:
        click.echo(f"  {row['role']}: {row['name']}" + (f" ({row['unit']})" if row["unit"] else ""))


def _verdict(passed) -> bool | None:
    """A nominee's pass or fail; None (JSON null) for a title without a vote threshold (None or NaN in the frame)."""
    return None if passed is None or passed != passed else bool(passed)


@council_command.command("tally")
@click.option("--year", type=int, required=True, help="Năm thành tích của các đề nghị được bỏ phiếu.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--round", "round_no", type=click.IntRange(1, 2), default=1, show_default=True,
              help="Vòng bỏ phiếu (2: bỏ phiếu lại cho các đề nghị chưa đạt ở vòng 1).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả từng người dạng một danh sách JSON.")
def tally_command(year: int, file: str, round_no: int, as_json: bool) -> None:
    """Ghi kết quả bỏ phiếu từ tệp Excel có cột “Họ và tên”, “Danh hiệu”, “Số phiếu đồng ý” (và “Đơn vị”)."""
    from tdkt.council.sheet_tally import tally_from_sheet

    data = _read(file)
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    try:
        with write_session(engine) as session:
            outcome = tally_from_sheet(session, permissions.COMMAND_LINE, data, file_name=Path(file).name,
                                       settings=settings, year=year, round_no=round_no)
            if outcome.sheet.errors:
                raise _NothingWritten
    except _NothingWritten:
        _fail(outcome.sheet.errors, as_json=as_json)
    rows = [{"name": r.name, "award": r.award, "votes_for": int(r.votes_for), "members": int(r.members),
             "share": round(float(r.share), 4), "passed": _verdict(r.passed), "basis": r.basis,
             **({"forecast": r.forecast} if isinstance(r.forecast, str) else {})}
            for r in outcome.written.itertuples()]
    if as_json:
        json_output.echo(rows)
        return
    click.echo(f"Đã ghi kết quả bỏ phiếu vòng {round_no} năm {year} của {len(rows)} đề nghị.")
    for row in rows:
        verdict = "Đạt" if row["passed"] else "Chưa đạt"
        click.echo(f"  {row['name']} — {row['award']}: {row['votes_for']}/{row['members']} "
                   f"({100 * row['share']:.1f}%".replace(".", ",") + f") {verdict}; căn cứ {row['basis']}"
                   + (f"; {row['forecast']}" if "forecast" in row else ""))
