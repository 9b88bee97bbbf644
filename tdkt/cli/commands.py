"""The command line: python -m tdkt init | user add | plan | clusters | demo | import (messages in Vietnamese)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from sqlmodel import select

from tdkt.core import auth, permissions
from tdkt.cli import rules_command, click_vi
from tdkt.plan import plan as plan_module
from tdkt.core.config import ConfigError, Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import ROLE_LABELS, Role, Unit
from tdkt.core.text import fold, format_date, format_number, format_percent, parse_date

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def _open(settings: Settings):
    from tdkt.seeding.seed import bootstrap

    try:
        return bootstrap(settings)
    except Exception as error:  # a database that cannot be reached or migrated: say so, in Vietnamese
        raise click.ClickException(
            f"Không mở được cơ sở dữ liệu {settings.database_url.split('@')[-1]}: {error.__class__.__name__}: {error}"
        ) from None


def print_accounts(accounts: list[tuple[str, str, str]]) -> None:
    """Print the seeded accounts and their initial passwords."""
    click.echo("Tài khoản ban đầu (bắt buộc đổi mật khẩu ở lần đăng nhập đầu):")
    for username, role, password in accounts:
        click.echo(f"  {username:<10} vai trò {role:<10} mật khẩu {password}")


@click.group(context_settings=CONTEXT)
def cli() -> None:
    """TĐKT Dashboard — công cụ quản lý công tác thi đua, khen thưởng."""


@cli.command()
def init() -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu và nạp dữ liệu ban đầu (chạy lại không thay đổi gì)."""
    settings = _settings()
    _engine, result = _open(settings)
    if result.created:
        click.echo("Đã tạo cơ sở dữ liệu và nạp kế hoạch TĐKT năm 2024, đơn vị, cụm thi đua, danh mục khen thưởng.")
        if result.accounts:
            print_accounts(result.accounts)
    else:
        extra = f" Đã bổ sung {result.awards_added} mục khen thưởng mới vào danh mục." if result.awards_added else ""
        extra += f" Đã thêm {', '.join(result.clusters_added)}." if result.clusters_added else ""
        click.echo("Cơ sở dữ liệu đã sẵn sàng, không có gì thay đổi." if not extra else "Cơ sở dữ liệu đã sẵn sàng." + extra)


@cli.group(context_settings=CONTEXT)
def user() -> None:
    """Quản lý tài khoản người dùng."""


def _parse_role(value: str) -> Role:
    wanted = fold(value).replace(" ", "_")
    for role in Role:
        if wanted in (role.value, fold(ROLE_LABELS[role]).replace(" ", "_")):
            return role
    choices = ", ".join(f"{r.value} ({ROLE_LABELS[r]})" for r in Role)
    raise click.BadParameter(f"Vai trò “{value}” không có. Chọn một trong: {choices}.", param_hint="--role")


@user.command("add")
@click.argument("username")
@click.option("--role", "role_text", required=True, help="Vai trò: lanh_dao, van_phong, don_vi hoặc quan_tri.")
@click.option("--unit", "unit_text", default=None, help="Tên đơn vị (bắt buộc với vai trò don_vi).")
@click.option("--name", "display_name", default="", help="Họ tên hiển thị.")
@click.option("--password", default=None, help="Mật khẩu ban đầu (bỏ trống để tạo ngẫu nhiên).")
def user_add(username: str, role_text: str, unit_text: str | None, display_name: str, password: str | None) -> None:
    """Tạo tài khoản USERNAME; người dùng phải đổi mật khẩu ở lần đăng nhập đầu."""
    role = _parse_role(role_text)
    settings = _settings()
    engine, _ = _open(settings)
    with write_session(engine) as session:
        unit_id = None
        if unit_text:
            units = session.exec(select(Unit)).all()
            match = [u for u in units if fold(unit_text) in (fold(u.name), fold(u.short_name or ""))]
            if not match:
                names = "; ".join(u.name for u in units)
                raise click.BadParameter(f"Không có đơn vị “{unit_text}”. Các đơn vị: {names}.", param_hint="--unit")
            unit_id = match[0].id
        try:
            created, initial = auth.create_user(
                session, permissions.SYSTEM, username=username, display_name=display_name or username,
                role=role, unit_id=unit_id, password=password,
            )
        except auth.AuthError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Đã tạo tài khoản {created.username} (vai trò {role.label}). Mật khẩu ban đầu: {initial}")
        click.echo("Người dùng phải đổi mật khẩu ở lần đăng nhập đầu.")


def _parse_as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return parse_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of") from None


@cli.command("plan")
@click.option("--year", type=int, required=True, help="Năm kế hoạch.")
@click.option("--as-of", "as_of", default=None, help="Tính quá hạn đến ngày dd/mm/yyyy (mặc định hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def plan_command(year: int, as_of: str | None, as_json: bool) -> None:
    """In kế hoạch TĐKT của một năm với tiến độ từng nhiệm vụ."""
    day = _parse_as_of(as_of)
    engine, _ = _open(_settings())
    with read_session(engine) as session:
        data = plan_module.plan_object(session, year=year, as_of=day)
        if data is None:
            years = ", ".join(str(y) for y in plan_module.years(session)) or "chưa có"
            raise click.ClickException(f"Năm {year} chưa có kế hoạch. Các năm có kế hoạch: {years}.")
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
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


@cli.command("clusters")
@click.option("--year", type=int, required=True, help="Năm.")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def clusters_command(year: int, as_json: bool) -> None:
    """In cụm thi đua, giao ước nội bộ, tình hình tham gia, xếp hạng và phong trào thi đua của một năm."""
    from tdkt.clusters import clusters as clusters_module

    engine, _ = _open(_settings())
    with read_session(engine) as session:
        data = clusters_module.clusters_object(session, year=year)
        if not data["clusters"] and not data["movements"]:
            years = ", ".join(str(y) for y in clusters_module.years(session)) or "chưa có"
            raise click.ClickException(f"Năm {year} chưa có cụm thi đua hay phong trào nào. Các năm có cụm: {years}.")
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
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


@cli.command()
@click.option("--out", "out", default="data/demo.db", show_default=True, type=click.Path(dir_okay=False),
              help="Tệp SQLite của dữ liệu minh họa (không bao giờ là cơ sở dữ liệu thật).")
@click.option("--force", is_flag=True, help="Ghi đè tệp minh họa đã có.")
def demo(out: str, force: bool) -> None:
    """Tạo cơ sở dữ liệu minh họa (“Dữ liệu minh họa”: người và số liệu hư cấu) để xem thử mọi biểu đồ."""
    from tdkt.seeding import demo as demo_module

    settings = _settings()
    path = Path(out).resolve()
    real = settings.database_url.removeprefix("sqlite:///")
    if settings.database_url.startswith("sqlite:") and Path(real).resolve() == path:
        raise click.ClickException("Tệp minh họa trùng với cơ sở dữ liệu thật (TDKT_DATABASE_URL). Chọn tệp khác với --out.")
    if path.exists() and not force:
        raise click.ClickException(f"Tệp {path} đã có. Thêm --force để tạo lại.")
    try:
        summary = demo_module.build(path, settings=settings)
    except demo_module.DemoError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Đã tạo dữ liệu minh họa: {path}")
    click.echo(summary)
    click.echo(f"Mở ứng dụng trên dữ liệu này: TDKT_DATABASE_URL=sqlite:///{path} ./scripts/run")


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--year", type=int, default=None, help="Năm thành tích (mặc định: theo tiêu đề danh sách, rồi năm nay).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
@click.option("--force", is_flag=True, help="Vẫn nhập tệp đã từng nhập.")
@click.option("--json", "as_json", is_flag=True, help="In mỗi tệp một đối tượng JSON trên một dòng (JSON Lines).")
def import_command(files: tuple[str, ...], year: int | None, dry_run: bool, force: bool, as_json: bool) -> None:
    """Nhập danh sách đề nghị khen thưởng từ tệp Excel/ODS; mỗi tệp là một lô, ghi trọn hoặc không ghi gì."""
    from tdkt.importing.issues import ImportIssue
    from tdkt.importing.nomination_lists.pipeline import FileReport, import_file

    settings = _settings()
    engine, _ = _open(settings)
    worst = 0
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            report = FileReport(file=path.name, sha256="", year=year or date.today().year, unreadable=True)
            report.issues.append(ImportIssue(path.name, "", None, None, "file_not_found",
                                             f"Không đọc được tệp “{name}”: {error.strerror or error}. Kiểm tra đường dẫn."))
        else:
            try:
                with write_session(engine) as session:
                    report = import_file(session, permissions.COMMAND_LINE, data, file_name=path.name, settings=settings,
                                         year=year, dry_run=dry_run, force=force)
            except Exception as error:  # the transaction rolled back: nothing of this file was written
                report = FileReport(file=path.name, sha256="", year=year or date.today().year, unreadable=True)
                report.issues.append(ImportIssue(path.name, "", None, None, "write_failed",
                                                 f"Không ghi được tệp “{path.name}” vào cơ sở dữ liệu ({error}); "
                                                 "chưa ghi dòng nào. Thử lại hoặc báo quản trị."))
        code = report.exit_code(dry_run=dry_run, force=force)
        worst = max(worst, code)
        if as_json:
            click.echo(json.dumps(report.as_json(), ensure_ascii=False, default=str))
        else:
            _print_report(report, dry_run=dry_run)
    sys.exit(worst)


@cli.command("import-records")
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

    settings = _settings()
    engine, _ = _open(settings)
    worst = 0
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            click.echo(f"Không đọc được tệp “{name}”: {error.strerror or error}. Kiểm tra đường dẫn.", err=True)
            worst = 2
            continue
        with write_session(engine) as session:
            report = record_import.import_records(session, permissions.COMMAND_LINE, data, kind=kind, file_name=path.name,
                                                  settings=settings, year=year, dry_run=dry_run, force=force)
        blocked = report.blocked_reason(force=force)
        code = 2 if report.unreadable else 1 if blocked else 0
        worst = max(worst, code)
        if as_json:
            click.echo(json.dumps(report.as_json(), ensure_ascii=False, default=str))
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


def _print_issues(issues) -> None:
    """Print each problem of a file as "  Lỗi (sheet, dòng N, cột “X”): message"."""
    for issue in issues:
        where = ", ".join(p for p in [issue.sheet, f"dòng {issue.row}" if issue.row else "",
                                      f"cột “{issue.column}”" if issue.column else ""] if p)
        label = "Lỗi" if issue.severity == "error" else "Cảnh báo"
        click.echo(f"  {label}{' (' + where + ')' if where else ''}: {issue.message}")


def _print_report(report, *, dry_run: bool) -> None:
    click.echo(f"Tệp {report.file}: {len(report.records)} dòng"
               + (f" trong {', '.join(report.sheets)}" if report.sheets else "") + f", năm {report.year}.")
    _print_issues(report.issues)
    if report.imported:
        click.echo(f"  Đã nhập {report.imported} đề nghị (lô số {report.batch_id}).")
    elif dry_run and not report.errors and not report.unreadable:
        click.echo("  Không có lỗi (chạy thử, chưa ghi).")
    else:
        click.echo("  Chưa ghi gì.")


@cli.command("stats")
@click.option("--year", type=int, required=True, help="Năm thành tích (không phải năm quyết định).")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def stats_command(year: int, as_json: bool) -> None:
    """In thống kê khen thưởng của một năm: số đề nghị, số có quyết định, theo danh hiệu, cấp, đối tượng, giới tính,
    đơn vị, trạng thái, phân loại đối tượng và tiền thưởng."""
    from tdkt.awards import stats as stats_module
    from tdkt.core.text import format_money

    engine, _ = _open(_settings())
    with read_session(engine) as session:
        data = stats_module.summary(session, year=year)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
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


@cli.command("check")
@click.option("--year", type=int, required=True, help="Năm thành tích của các đề nghị cần xét.")
@click.option("--json", "as_json", is_flag=True, help="In một danh sách JSON.")
def check_command(year: int, as_json: bool) -> None:
    """Xét điều kiện khen thưởng theo luật cho mọi đề nghị của một năm: in các đề nghị chưa đủ điều kiện, quy tắc
    và điều khoản căn cứ, lý do."""
    from tdkt.awards import eligibility
    from tdkt.core.permissions import COMMAND_LINE

    engine, _ = _open(_settings())
    with read_session(engine) as session:
        findings = eligibility.judge_nominations(session, year=year, actor=COMMAND_LINE)
        cap = eligibility.share_cap(session, year=year, actor=COMMAND_LINE)
    if as_json:
        click.echo(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=2))
        return
    click.echo(f"XÉT ĐIỀU KIỆN KHEN THƯỞNG NĂM {year}: {len(findings)} đề nghị chưa đủ điều kiện.")
    for finding in findings:
        click.echo(f"• Đề nghị số {finding.nomination_id}: {finding.name} — {finding.award}")
        for failure in finding.failures:
            click.echo(f"    [{failure['rule']}] {failure['reason']} ({failure['basis']})")
    if cap:
        click.echo(f"Cảnh báo [{cap['rule']}]: {cap['reason']} ({cap['basis']})")


@cli.command("report")
@click.option("--year", type=int, required=True, help="Năm báo cáo.")
@click.option("--period", "period_kind", type=click.Choice(["h1", "year"]), default="h1", show_default=True,
              help="Kỳ báo cáo: h1 = sơ kết 6 tháng (01/01–30/06), year = tổng kết cả năm (01/01–31/12).")
@click.option("--start", default=None, help="Ngày bắt đầu kỳ dd/mm/yyyy (mặc định 01/01).")
@click.option("--end", default=None, help="Ngày kết thúc kỳ dd/mm/yyyy (mặc định 30/06 hoặc 31/12).")
@click.option("--cluster", default=None, help="Cụm thi đua của báo cáo, ví dụ “Cụm II” hoặc “Cụm III”.")
@click.option("--out", default=None, type=click.Path(dir_okay=False),
              help="Ghi báo cáo ra tệp .xlsx (số liệu) hoặc .docx (dự thảo báo cáo).")
@click.option("--json", "as_json", is_flag=True, help="In số liệu báo cáo thành một đối tượng JSON.")
def report_command(year: int, period_kind: str, start: str | None, end: str | None, cluster: str | None,
                   out: str | None, as_json: bool) -> None:
    """Lập báo cáo sơ kết/tổng kết TĐKT của một kỳ, so với cùng kỳ năm trước (--out .xlsx/.docx hoặc --json)."""
    from tdkt.reports import reports

    if not out and not as_json:
        raise click.UsageError("Chọn --out TỆP.xlsx hoặc TỆP.docx để ghi báo cáo, hoặc --json để in số liệu.")
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
    settings = _settings()
    engine, _ = _open(settings)
    try:
        with read_session(engine) as session:
            if as_json:
                data = reports.figures(session, year=year, period=period_kind, cluster=cluster, **days)
            if suffix == ".docx":
                from tdkt.reports import report_docx

                content = report_docx.draft(session, year=year, period=period_kind, cluster=cluster,
                                            settings=settings, **days)
            elif out:
                content = reports.to_xlsx_report(session, year=year, period=period_kind, cluster=cluster, **days)
    except reports.ReportError as error:
        raise click.ClickException(str(error)) from None
    if out:
        path = Path(out).resolve()
        path.write_bytes(content)
        click.echo(str(path))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))


rules_command.register(cli)


def main() -> None:
    """Run the CLI; Vietnamese errors exit non-zero."""
    click_vi.install()
    try:
        cli.main(prog_name="python -m tdkt", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
