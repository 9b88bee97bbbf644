"""The commands that import spreadsheets, `import` and `import-records`, and how they print each file's report."""

from __future__ import annotations

import errno
import functools
import json
import sys
from datetime import date
from pathlib import Path

import click

from tdkt.cli.context import open_database
from tdkt.core import permissions
from tdkt.core.config import Settings
from tdkt.core.db import write_session


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--year", type=int, default=None, help="Năm thành tích (mặc định: theo tiêu đề danh sách, rồi năm nay).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
@click.option("--force", is_flag=True, help="Vẫn nhập tệp đã từng nhập.")
@click.option("--json", "as_json", is_flag=True, help="In mỗi tệp một đối tượng JSON trên một dòng (JSON Lines).")
@click.option("--award-map", "award_maps", multiple=True, metavar="“CHỮ TRONG TỆP=DANH HIỆU”",
              help="Hiểu một danh hiệu chưa rõ cấp khen trong tệp là một danh hiệu của danh mục, cho mọi dòng ghi nó, "
                   "ví dụ --award-map \"Bằng khen=Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh\" (lặp lại được).")
@click.option("--received", default=None, metavar="dd/mm/yyyy",
              help="Ngày nhận danh sách, ghi vào từng đề nghị (mặc định hôm nay; không sau hôm nay).")
def import_command(files: tuple[str, ...], year: int | None, dry_run: bool, force: bool, as_json: bool,
                   award_maps: tuple[str, ...], received: str | None) -> None:
    """Nhập danh sách đề nghị khen thưởng từ tệp Excel/ODS; mỗi tệp là một lô, ghi trọn hoặc không ghi gì."""
    from tdkt.core.cell_issues import ImportIssue
    from tdkt.importing.nomination_lists.pipeline import FileReport, import_file

    received_on = _received(received)
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    award_map = _award_map(engine, award_maps)
    worst = 0
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            report = FileReport(file=path.name, sha256="", year=year or date.today().year, unreadable=True)
            report.issues.append(ImportIssue(path.name, "", None, None, "file_not_found",
                                             f"Không đọc được tệp “{name}”: {_os_reason(error)}. "
                                             "Kiểm tra đường dẫn."))
        else:
            try:
                with write_session(engine) as session:
                    report = import_file(session, permissions.COMMAND_LINE, data, file_name=path.name,
                                         settings=settings, year=year, dry_run=dry_run, force=force,
                                         award_map=award_map, received_on=received_on)
            except Exception as error:  # the transaction rolled back: nothing of this file was written
                report = FileReport(file=path.name, sha256="", year=year or date.today().year, unreadable=True)
                report.issues.append(ImportIssue(path.name, "", None, None, "write_failed",
                                                 f"Không ghi được tệp “{path.name}” vào cơ sở dữ liệu ({error}); "
                                                 "chưa ghi dòng nào. Thử lại hoặc báo quản trị."))
        code = report.exit_code(dry_run=dry_run, force=force)
        worst = max(worst, code)
        if as_json:
            _write_json(report)
        else:
            _print_report(report, dry_run=dry_run)
    sys.exit(worst)


@click.command("import-records")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", required=True, type=click.Choice(["xep_loai", "ky_luat", "khen_truoc", "sang_kien"]),
              help="Loại hồ sơ: xep_loai (kết quả xếp loại), ky_luat (kỷ luật), khen_truoc (khen thưởng đã có), "
                   "sang_kien (sáng kiến).")
@click.option("--year", type=int, default=None, help="Năm cho các dòng không ghi năm.")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
@click.option("--force", is_flag=True, help="Vẫn nhập tệp đã từng nhập.")
@click.option("--json", "as_json", is_flag=True, help="In mỗi tệp một đối tượng JSON trên một dòng (JSON Lines).")
def import_records_command(files: tuple[str, ...], kind: str, year: int | None, dry_run: bool, force: bool,
                           as_json: bool) -> None:
    """Nhập kết quả xếp loại, kỷ luật, khen thưởng đã có hoặc sáng kiến từ tệp Excel/ODS; mỗi tệp một lô, ghi trọn
    hoặc không ghi gì. Mã thoát: 0 đã nhập (hoặc sạch khi chạy thử), 1 có lỗi hoặc tệp đã nhập, 2 tệp không đọc được."""
    from tdkt.importing.record_lists import record_import as record_import

    settings = Settings.from_env()
    engine, _ = open_database(settings)
    worst = 0
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            click.echo(f"Không đọc được tệp “{name}”: {_os_reason(error)}. Kiểm tra đường dẫn.", err=True)
            worst = 2
            continue
        with write_session(engine) as session:
            report = record_import.import_records(session, permissions.COMMAND_LINE, data, kind=kind,
                                                  file_name=path.name, settings=settings, year=year,
                                                  dry_run=dry_run, force=force)
        blocked = report.blocked_reason(force=force)
        code = 2 if report.unreadable else 1 if blocked else 0
        worst = max(worst, code)
        if as_json:
            _write_json(report)
            continue
        click.echo(f"Tệp {report.file}: {len(report.rows)} dòng" + (f" trong {', '.join(report.sheets)}"
                                                                   if report.sheets else "") + ".")
        _print_issues(report.issues)
        if report.imported:
            click.echo(f"  Đã nhập {report.imported} dòng (lô số {report.batch_id}).")
        elif dry_run and not blocked:
            click.echo("  Không có lỗi (chạy thử, chưa ghi).")
        else:
            click.echo(f"  Chưa ghi gì: {blocked or 'chạy thử.'}")
    sys.exit(worst)


def _received(text: str | None) -> date:
    """Return the --received date (today when not given); a usage error in Vietnamese when malformed or future."""
    from tdkt.core.errors import Refused
    from tdkt.importing.nomination_lists.commit import check_received

    try:
        return check_received(text)
    except Refused as error:
        raise click.BadParameter(str(error), param_hint="--received") from None


def _award_map(engine, entries: tuple[str, ...]) -> dict[str, str]:
    """Return the --award-map answers (text as written -> award name), each right side an award of the catalogue."""
    if not entries:
        return {}
    from tdkt.awards.catalog_lookup import Catalogue
    from tdkt.awards.generic_awards import parse_award_map
    from tdkt.core.db import read_session
    from tdkt.core.errors import Refused

    with read_session(engine) as session:
        catalogue = Catalogue(session)
        try:
            return parse_award_map(entries, award_named=catalogue.award)
        except Refused as error:
            raise click.BadParameter(str(error), param_hint="--award-map") from None


def _os_reason(error: OSError) -> str:
    """Say in Vietnamese why the system could not read a file (the system's own text is English)."""
    reasons = {errno.ENOENT: "không có tệp này", errno.EACCES: "không có quyền đọc tệp",
               errno.EPERM: "không có quyền đọc tệp", errno.EISDIR: "đây là một thư mục, không phải tệp"}
    return reasons.get(error.errno, f"lỗi hệ thống khi đọc tệp (mã {error.errno})")


def _print_issues(issues) -> None:
    """Print a file's problems, those that say the same on several rows (an unknown unit) as one line with their row
    count and first rows: "  Cảnh báo (sheet, cột “X”, 1.234 dòng: 8, 9, 15, 20, 31, …): message"; a problem of one
    row as "  Lỗi (sheet, dòng N, cột “X”): message". (A 100k-row list with 50 unknown units printed 37,463 lines.)"""
    from tdkt.importing.issue_groups import group_issues

    for group in group_issues(issues):
        where = group.where()
        click.echo(f"  {group.label}{' (' + where + ')' if where else ''}: {group.message}")


def _write_json(report) -> None:
    """Print the file's JSON line (`as_json()`: one entry per row and problem) as it is encoded, a list's items a
    thousand at a time (`json_fields()`, `_write_list`).

    `json.dumps` of the whole object held its text twice more at once (the string, then its bytes): 501 MiB at the
    peak of a 100k-row import against 366 MiB for the same import written this way.
    """
    from tdkt.importing.gc_pause import paused_gc

    write = functools.partial(click.echo, nl=False)  # click's stdout (its encoding fixes, CliRunner's capture)
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode  # the C encoder, as json.dumps uses
    # 100k records' dicts made the collector walk the whole import's objects again: as_json() took 0.38 s of CPU, and
    # 0.09 s with the collector paused.
    with paused_gc():
        write("{")
        for index, (key, value) in enumerate(report.json_fields().items()):
            write(f"{', ' if index else ''}{encode(key)}: ")
            if isinstance(value, list):
                _write_list(write, encode, value)
            else:
                write(encode(value))
        write("}\n")


def _write_list(write, encode, items: list) -> None:
    """Write a JSON array a thousand items at a time, rows and problems as their dicts (`as_dicts`): 100k records took
    0.74 s so, 1.27 s with one encoder call per item, 0.53 s in one call (which needs the whole text in memory).

    The dicts are made all at once: made and dropped a thousand at a time, 100k records took 0.2-0.3 s more (measured,
    the freed dicts' memory taken again for the next ones), for 21 MiB less at the peak.
    """
    from tdkt.importing.report import as_dicts

    items = as_dicts(items)
    write("[")
    for start in range(0, len(items), 1000):
        write((", " if start else "") + encode(items[start:start + 1000])[1:-1])
    write("]")


def _print_report(report, *, dry_run: bool) -> None:
    click.echo(f"Tệp {report.file}: {len(report.records)} dòng"
               + (f" trong {', '.join(report.sheets)}" if report.sheets else "")
               + ("." if report.unreadable else f", năm {report.year}."))
    _print_issues(report.issues)
    if report.imported:
        click.echo(f"  Đã nhập {report.imported} đề nghị (lô số {report.batch_id}).")
    elif dry_run and not report.errors and not report.unreadable:
        click.echo("  Không có lỗi (chạy thử, chưa ghi).")
    else:
        click.echo("  Chưa ghi gì.")
