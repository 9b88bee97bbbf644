"""The cluster scoring commands: `scores` prints a cluster's criteria sheet and ranking for a year, `import-scores`
records a filled member sheet (all or nothing)."""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path

import click

from tdkt.cli import json_output
from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session


@click.command("scores")
@click.option("--year", type=int, required=True, help="Năm.")
@click.option("--cluster", "cluster_code", required=True, metavar="MÃ_CỤM", help="Mã cụm, ví dụ \"Cụm II\".")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def scores_command(year: int, cluster_code: str, as_json: bool) -> None:
    """In bảng tiêu chí chấm điểm của một cụm trong năm (nhóm, tiêu chí, điểm tối đa) và kết quả của từng thành viên:
    tự chấm, thẩm định, điểm cộng, điểm trừ, tổng điểm, điểm tối đa áp dụng, tỷ lệ và xếp hạng."""
    from tdkt.scoring import ranking

    engine, _ = open_database(Settings.from_env())
    with read_session(engine) as session:
        _require_sheet(session, year, cluster_code)
        data = ranking.scores_object(session, year=year, cluster_code=cluster_code)
    if as_json:
        json_output.echo(data)
        return
    for line in scores_lines(data):
        click.echo(line)


def _require_sheet(session, year: int, cluster_code: str) -> None:
    """Refuse a cluster the year does not have, or one without a criteria sheet, naming what the year has."""
    from tdkt.scoring.sheets import cluster_named, sheet_row

    cluster = cluster_named(session, year=year, cluster_code=cluster_code)
    if cluster is None:
        from tdkt.clusters import clusters as clusters_module

        codes = [v.cluster.code for v in clusters_module.year_views(session, year=year)]
        raise click.ClickException(f"Năm {year} không có cụm “{cluster_code}”. "
                                   + (f"Các cụm của năm {year}: {', '.join(codes)}." if codes else
                                      f"Năm {year} chưa có cụm thi đua nào."))
    if sheet_row(session, cluster_id=cluster.id) is None:
        raise click.ClickException(f"{cluster.code} năm {year} chưa có bảng tiêu chí chấm điểm: lập bảng tiêu chí "
                                   "trên trang Cụm thi đua & giao ước trước.")


def _points(value: float | None) -> str:
    from tdkt.scoring.kinds import points_text

    return "—" if value is None else points_text(value)


def _percent(value: float | None) -> str:
    from tdkt.core.text import format_number

    return "—" if value is None else f"{format_number(value, 2)}%"


def scores_lines(data: dict) -> list[str]:
    """Return `scores` as the lines it prints: the groups with their maxima and criteria, then the members' table."""
    from tdkt.scoring.kinds import KINDS

    state = "kết quả đã công bố" if data.get("final") else "dự thảo, chưa công bố"
    lines = [f"CHẤM ĐIỂM THI ĐUA {data['cluster'].upper()} NĂM {data['year']} ({state})",
             f"Tổng điểm tối đa: {_points(data['max_points'])}", "", "BẢNG TIÊU CHÍ"]
    for group in data["groups"]:
        lines.append(f"  {group['name']} — tối đa {_points(group['max_points'])} điểm")
        for criterion in group["criteria"]:
            kind = "gồm các tiêu chí con" if criterion.get("sub_criteria") else KINDS.get(criterion["kind"],
                                                                                        criterion["kind"])
            lines.append(f"    {criterion['code']}. {criterion['name']} — {_points(criterion['max_points'])} điểm "
                         f"({kind})")
            for sub in criterion.get("sub_criteria", []):
                lines.append(f"      {sub['code']}. {sub['name']} — {_points(sub['max_points'])} điểm "
                             f"({KINDS.get(sub['kind'], sub['kind'])})")
    lines += ["", "KẾT QUẢ CỦA CÁC THÀNH VIÊN"]
    head = ["Hạng", "Thành viên", "Tự chấm", "Thẩm định", "Cộng", "Trừ", "Tổng", "Tối đa", "Tỷ lệ"]
    rows = [[str(m["rank"]) if m["rank"] is not None else "—", ("★ " if m["is_us"] else "") + m["name"],
             _points(m["self_score"]), _points(m["appraised_score"]), _points(m["bonus"]), _points(m["penalty"]),
             _points(m["total"]) if m["rank"] is not None else "—", _points(m["applicable_max"]),
             _percent(m["percent"]) if m["rank"] is not None else "—"] for m in data["members"]]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        cells = [row[i].ljust(widths[i]) if i == 1 else row[i].rjust(widths[i]) for i in range(len(head))]
        lines.append("  " + "  ".join(cells).rstrip())
    if not data["members"]:
        lines.append("  Cụm chưa có thành viên.")
    elif all(m["rank"] is None for m in data["members"]):
        lines.append("  Chưa thành viên nào được chấm điểm.")
    lines.append("  (★: Sở Công Thương; “—”: chưa chấm. Tỷ lệ = tổng điểm / điểm tối đa áp dụng, xếp hạng theo tỷ lệ.)")
    return lines


@click.command("import-scores")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", type=int, required=True, help="Năm.")
@click.option("--cluster", "cluster_code", required=True, metavar="MÃ_CỤM", help="Mã cụm, ví dụ \"Cụm II\".")
@click.option("--round", "round_", required=True, type=click.Choice(["self", "appraisal"]),
              help="Vòng: self (tự chấm của thành viên) hoặc appraisal (thẩm định của trưởng cụm).")
@click.option("--reason", default=None, help="Lý do ghi vào nhật ký (mặc định: nhập từ tệp).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON trên một dòng.")
def import_scores_command(file: str, year: int, cluster_code: str, round_: str, reason: str | None, dry_run: bool,
                          as_json: bool) -> None:
    """Nhập bảng chấm điểm đã điền của thành viên (mẫu tải từ trang, hoặc bảng tổng hợp có cột “Đơn vị”) vào một vòng
    chấm: ghi trọn hoặc không ghi gì; vòng đã khóa (quá hạn, đã công bố) bị từ chối. Mã thoát: 0 đã ghi (hoặc sạch
    khi chạy thử), 1 tệp có lỗi, 2 tệp không đọc được hoặc sai cụm, năm."""
    from tdkt.core.cell_issues import ImportIssue
    from tdkt.core.errors import Refused
    from tdkt.core.permissions import COMMAND_LINE
    from tdkt.scoring import entries, member_template

    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as error:
        _fail("file_not_found", f"Không đọc được tệp “{file}”: {_os_reason(error)}. Kiểm tra đường dẫn.", as_json,
              path.name, year, cluster_code, round_)
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    with read_session(engine) as session:
        try:
            _require_sheet(session, year, cluster_code)
        except click.ClickException as error:  # a usage error, as import-records: exit 2
            _fail("no_sheet", error.message, as_json, path.name, year, cluster_code, round_)
    kind = member_template.round_kind(round_)
    why = (reason or "").strip() or f"Nhập từ tệp {path.name}"
    report = None
    try:
        with write_session(engine) as session:
            report = member_template.read_member_sheet(session, data, file_name=path.name, year=year,
                                                       cluster_code=cluster_code, round=kind, settings=settings)
            if not report.errors and not dry_run:
                report.changed = entries.record_entries(session, COMMAND_LINE, report.entries, round=kind,
                                                        reason=why)
                report.imported = len(report.rows)
    except Refused as error:  # checked again while writing: the transaction rolled back, nothing of the file written
        if report is None:
            _fail("refused", str(error), as_json, path.name, year, cluster_code, round_)
        report.imported = report.changed = 0
        report.issues.append(ImportIssue(path.name, "", None, None, "refused", str(error)))
    code = 2 if report.unreadable else 1 if report.errors else 0
    if as_json:
        click.echo(_one_line(report.as_json()))
    else:
        _print(report, dry_run=dry_run)
    sys.exit(code)


def _os_reason(error: OSError) -> str:
    """Say in Vietnamese why the system could not read a file (the system's own text is English)."""
    reasons = {errno.ENOENT: "không có tệp này", errno.EACCES: "không có quyền đọc tệp",
               errno.EPERM: "không có quyền đọc tệp", errno.EISDIR: "đây là một thư mục, không phải tệp"}
    return reasons.get(error.errno, f"lỗi hệ thống khi đọc tệp (mã {error.errno})")


def _one_line(data: dict) -> str:
    """Return the object as one JSON line, missing values as null."""
    return json.dumps(json_output.clean(data), ensure_ascii=False, allow_nan=False, default=str)


def _fail(code: str, message: str, as_json: bool, file: str, year: int, cluster: str, round_: str) -> None:
    """Say why the file cannot be imported at all (its JSON line when asked for one) and exit 2."""
    if as_json:
        click.echo(_one_line({"file": file, "year": year, "cluster": cluster, "round": round_, "sheets": [],
                              "members": [], "rows": 0, "skipped": 0, "imported": 0, "changed": 0,
                              "errors": [{"sheet": "", "row": None, "column": None, "code": code,
                                          "message": message}], "warnings": [], "records": []}))
    else:
        click.echo(f"Lỗi: {message}", err=True)
    sys.exit(2)


def _print(report, *, dry_run: bool) -> None:
    from tdkt.importing.issue_groups import group_issues
    from tdkt.scoring.rounds import ROUNDS

    members = ", ".join(report.members)
    click.echo(f"Tệp {report.file}: {len(report.rows)} tiêu chí đã điền"
               + (f" của {members}" if members else "")
               + (f" trong {', '.join(report.sheets)}" if report.sheets else "")
               + f" — {report.cluster} năm {report.year}, vòng {ROUNDS[report.round].lower()}.")
    for group in group_issues(report.issues):  # as import-records prints them: a problem of many rows once
        where = group.where()
        click.echo(f"  {group.label}{' (' + where + ')' if where else ''}: {group.message}")
    if report.skipped:
        click.echo(f"  {report.skipped} tiêu chí để trống: giữ nguyên, không ghi.")
    if report.imported:
        click.echo(f"  Đã ghi {report.imported} tiêu chí ({report.changed} thay đổi).")
    elif dry_run and not report.errors:
        click.echo("  Không có lỗi (chạy thử, chưa ghi).")
    else:
        click.echo("  Chưa ghi gì: sửa các lỗi trên rồi nhập lại cả tệp.")
