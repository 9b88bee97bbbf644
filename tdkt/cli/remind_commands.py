"""The command a scheduler runs each day: `remind`, the reminder e-mails to the units (deadline coming, returned)."""

from __future__ import annotations

import click

from tdkt.cli import json_output
from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session
from tdkt.core.text import format_date, parse_date


@click.command("remind")
@click.option("--year", type=int, required=True, help="Năm thành tích của hồ sơ.")
@click.option("--dry-run", is_flag=True, help="Chỉ in những thư sẽ gửi, không gửi.")
@click.option("--days", type=click.IntRange(1, 60), default=None,
              help="Nhắc từ bao nhiêu ngày trước hạn (mặc định: số Văn phòng đã đặt, ban đầu 7).")
@click.option("--as-of", "as_of", default=None, help="Xét như vào ngày dd/mm/yyyy (mặc định hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
def remind_command(year: int, dry_run: bool, days: int | None, as_of: str | None, as_json: bool) -> None:
    """Gửi e-mail nhắc hạn nộp hồ sơ khen thưởng cho các đơn vị chưa nộp, và báo hồ sơ bị trả lại.

    Chạy hằng ngày từ bộ lập lịch (cron): mỗi đơn vị nhận mỗi loại thư nhiều nhất một lần một ngày. Máy chủ thư đặt
    trong TDKT_SMTP_HOST, TDKT_SMTP_PORT, TDKT_SMTP_USER, TDKT_SMTP_PASSWORD, TDKT_SMTP_FROM, TDKT_SMTP_STARTTLS.
    """
    from tdkt.core.permissions import COMMAND_LINE  # late: `--help` does not load the domain
    from tdkt.submissions import reminders, submissions

    try:
        day = parse_date(as_of) if as_of else submissions.vietnam_today()
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of") from None
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    if dry_run:
        with read_session(engine) as session:
            due = reminders.due_reminders(session, year=year, today=day, days=days, agency=settings.agency)
        sent, skipped, failed = due.reminders, due.skipped, []
    else:
        outcome = reminders.send(engine, COMMAND_LINE, settings, year=year, today=day, days=days)
        sent, skipped, failed = outcome.sent, outcome.skipped, outcome.failed
    if as_json:
        json_output.echo({
            "year": year, "date": format_date(day), "dry_run": dry_run,
            "sent": [{"unit": r.unit, "kind": r.kind, "to": list(r.recipients), "subject": r.subject} for r in sent],
            "skipped": [{"unit": u, "kind": k, "why": why} for u, k, why in skipped],
            "failed": [{"unit": r.unit, "kind": r.kind, "error": e} for r, e in failed],
        })
    else:
        _echo(year, day, dry_run, sent, skipped, failed, enabled=bool(settings.smtp_host))
    if failed:
        raise SystemExit(1)


def _echo(year, day, dry_run: bool, sent: list, skipped: list, failed: list, *, enabled: bool) -> None:
    """Print a run as lines of Vietnamese text."""
    from tdkt.submissions.reminders import KIND_LABELS

    verb = "Sẽ gửi" if dry_run else "Đã gửi"
    click.echo(f"NHẮC HẠN NỘP HỒ SƠ KHEN THƯỞNG NĂM {year} — ngày {format_date(day)}")
    if not enabled:
        click.echo("E-mail nhắc hạn chưa bật (chưa đặt TDKT_SMTP_HOST): chạy không có --dry-run sẽ báo lỗi.")
    for r in sent:
        click.echo(f"{verb} “{KIND_LABELS[r.kind]}” tới {r.unit} ({', '.join(r.recipients)}): {r.subject}")
    for unit, kind, why in skipped:
        click.echo(f"Bỏ qua “{KIND_LABELS[kind]}” của {unit}: {why}.")
    for r, error in failed:
        click.echo(f"Không gửi được “{KIND_LABELS[r.kind]}” tới {r.unit}: {error}", err=True)
    click.echo(f"{verb} {len(sent)} thư; bỏ qua {len(skipped)}; lỗi {len(failed)}.")
