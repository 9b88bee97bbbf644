"""Reminder e-mails to the units: the deadline coming (N days before it, default 7) while a unit has not submitted,
and a submission returned by the Office; through the SMTP server of the settings (off while TDKT_SMTP_HOST is
empty), each send audited, never twice for one unit, kind and day.

Units' addresses are rows of `unit_email` that the Office keeps on the page Thành phần hồ sơ, nhắc hạn (a unit may
have several). `send` claims a reminder (its unique row, committed) before it talks to the server and marks it sent
afterwards, so two runs at once, or a run repeated by a scheduler, send each reminder at most once; a send that
fails gives its claim back, and a later run tries again.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tdkt.core import audit, options
from tdkt.core.attachment_tables import ReminderSent, UnitEmail
from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.errors import Refused
from tdkt.core.models import UNIT_KIND_LABELS, Unit
from tdkt.core.permissions import Actor, require
from tdkt.core.submission_tables import SUBMITTING_KINDS, SubmissionState, SubmissionStep
from tdkt.core.text import format_date
from tdkt.submissions.submissions import UnitState, unit_states

DAYS_OPTION = "reminder_days"
DEFAULT_DAYS = 7
DEADLINE, RETURNED = "han_nop", "tra_lai"
KIND_LABELS = {DEADLINE: "Nhắc hạn nộp hồ sơ", RETURNED: "Báo hồ sơ bị trả lại"}
_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
EMAIL_COLUMNS = ["unit_id", "unit", "kind", "emails"]
PLAN_COLUMNS = ["unit", "kind", "kind_label", "recipients", "subject", "note"]


class ReminderError(Refused):
    """A reminder setting or send was refused; the message is Vietnamese."""


def reminder_days(session: Session) -> int:
    """Return how many days before the deadline the units that have not submitted are reminded (default 7)."""
    return int(options.get(session, DAYS_OPTION, DEFAULT_DAYS))


def set_reminder_days(session: Session, actor: Actor | None, *, days: int) -> None:
    """Set how many days before the deadline reminders start (the Office; 1 to 60)."""
    require(actor, "nhac_han")
    if not 1 <= int(days) <= 60:
        raise ReminderError("Số ngày nhắc trước hạn phải từ 1 đến 60.")
    before = reminder_days(session)
    options.put(session, DAYS_OPTION, int(days))
    audit.record(session, actor, "sua_cai_dat", "cai_dat", DAYS_OPTION,
                 f"Nhắc hạn nộp hồ sơ qua e-mail từ {int(days)} ngày trước hạn.",
                 before={DAYS_OPTION: before}, after={DAYS_OPTION: int(days)})


def parse_addresses(text: str | None, *, unit: str = "") -> list[str]:
    """Return the addresses of a text ("a@x.vn, b@x.vn; c@x.vn"), each once; refuse one that is not an address."""
    found: list[str] = []
    for part in re.split(r"[,;\s]+", (text or "").strip()):
        if not part:
            continue
        if not _ADDRESS.match(part):
            where = f" của {unit}" if unit else ""
            raise ReminderError(f"“{part}”{where} không phải địa chỉ e-mail (dạng ten@coquan.gov.vn).")
        if part.lower() not in {f.lower() for f in found}:
            found.append(part)
    return found


def unit_emails(session: Session) -> pd.DataFrame:
    """Return every submitting unit (active) with its reminder addresses: columns unit_id, unit, kind, emails."""
    stored = dict(session.exec(select(UnitEmail.unit_id, UnitEmail.emails)).all())
    units = session.exec(select(Unit).where(col(Unit.active), col(Unit.kind).in_([k.value for k in SUBMITTING_KINDS]))
                         .order_by(col(Unit.position), col(Unit.name))).all()
    return pd.DataFrame([{"unit_id": u.id, "unit": u.name, "kind": UNIT_KIND_LABELS.get(u.kind, u.kind),
                          "emails": stored.get(u.id, "")} for u in units], columns=EMAIL_COLUMNS)


def set_unit_emails(session: Session, actor: Actor | None, *, emails: dict[int, str]) -> int:
    """Set units' reminder addresses (unit id → text of addresses; empty removes them); return how many changed."""
    require(actor, "nhac_han")
    changed = 0
    for unit_id, text in emails.items():
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise ReminderError(f"Không tìm thấy đơn vị số {unit_id}.")
        clean = ", ".join(parse_addresses(text, unit=unit.name))
        if len(clean) > 500:
            raise ReminderError(f"Danh sách e-mail của {unit.name} quá dài (tối đa 500 ký tự).")
        row = session.get(UnitEmail, unit_id)
        before = row.emails if row else ""
        if clean == before:
            continue
        if clean:
            row = row or UnitEmail(unit_id=unit_id, emails=clean)
            row.emails = clean
            session.add(row)
        elif row is not None:
            session.delete(row)
        changed += 1
        audit.record(session, actor, "email_don_vi", "don_vi", unit_id,
                     f"E-mail nhận nhắc hạn của {unit.name}: {clean or '(không có)'}.",
                     before={"emails": before}, after={"emails": clean})
    return changed


@dataclass(frozen=True, slots=True)
class Reminder:
    """One e-mail to send to one unit: its kind, addresses, Vietnamese subject and body."""

    unit_id: int
    unit: str
    year: int
    kind: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    reference: str | None = None


@dataclass(slots=True)
class Plan:
    """What a run would send, and the units it leaves out with the reason (no address, already sent today)."""

    reminders: list[Reminder] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (unit, kind, why)

    def frame(self) -> pd.DataFrame:
        """The plan as a table for the page and the CLI: columns PLAN_COLUMNS."""
        rows = [{"unit": r.unit, "kind": r.kind, "kind_label": KIND_LABELS[r.kind],
                 "recipients": ", ".join(r.recipients), "subject": r.subject, "note": ""} for r in self.reminders]
        rows += [{"unit": u, "kind": k, "kind_label": KIND_LABELS[k], "recipients": "", "subject": "", "note": why}
                 for u, k, why in self.skipped]
        return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def _footer(agency: str) -> str:
    return (f"\n\nThư này do TĐKT Dashboard của {agency} gửi tự động; xin đừng trả lời thư này. Cần trao đổi, "
            "xin liên hệ Văn phòng Sở.\n")


def _documents(state: UnitState) -> str:
    if not state.nominations:
        return "Đơn vị chưa có đề nghị khen thưởng nào trong hệ thống."
    text = f"Hồ sơ của đơn vị hiện có {state.nominations} đề nghị"
    if state.missing_documents:
        return text + "; còn thiếu tài liệu: " + "; ".join(state.missing_documents) + "."
    return text + ", đủ tài liệu theo thành phần hồ sơ."


def deadline_message(state: UnitState, *, year: int, today: date, agency: str) -> tuple[str, str]:
    """Return the subject and body of the reminder of a coming deadline."""
    left = state.days_left or 0
    when = "hôm nay là hạn cuối" if left == 0 else f"còn {left} ngày"
    subject = f"[TĐKT] Nhắc hạn nộp hồ sơ khen thưởng năm {year}: {when} (hạn {format_date(state.deadline)})"
    status = {SubmissionState.TRA_LAI: " (hồ sơ đã bị Văn phòng Sở trả lại, cần nộp lại)",
              SubmissionState.THU_HOI: " (đơn vị đã thu hồi hồ sơ, cần nộp lại)"}.get(state.state, "")
    body = (f"Kính gửi: {state.unit},\n\n"
            f"Hạn nộp hồ sơ đề nghị khen thưởng năm {year} về Văn phòng Sở là ngày {format_date(state.deadline)} "
            f"({when}). Đến ngày {format_date(today)}, hồ sơ của đơn vị chưa được nộp{status}.\n\n"
            f"{_documents(state)}\n\n"
            "Đề nghị đơn vị hoàn thiện hồ sơ (danh sách, tờ trình, biên bản, báo cáo thành tích…) và nộp trên TĐKT "
            "Dashboard, trang “Tiếp nhận hồ sơ”, trước hạn." + _footer(agency))
    return subject, body


def returned_message(state: UnitState, *, year: int, agency: str) -> tuple[str, str]:
    """Return the subject and body of the notice that the Office returned the unit's submission."""
    subject = f"[TĐKT] Hồ sơ khen thưởng năm {year} của {state.unit} bị trả lại"
    late = f", đã quá hạn {state.days_late} ngày" if state.days_late else f", còn {state.days_left} ngày"
    when = f"Hạn nộp là ngày {format_date(state.deadline)}{late}"
    body = (f"Kính gửi: {state.unit},\n\n"
            f"Ngày {format_date(state.date)}, Văn phòng Sở đã trả lại hồ sơ đề nghị khen thưởng năm {year} của đơn "
            f"vị{f' ({state.by})' if state.by else ''} với lý do:\n\n{state.reason or '(không ghi lý do)'}\n\n"
            f"{_documents(state)}\n\n"
            f"Đề nghị đơn vị sửa hồ sơ theo lý do trên rồi nộp lại trên TĐKT Dashboard, trang “Tiếp nhận hồ sơ”. "
            f"{when}." + _footer(agency))
    return subject, body


def _returns(session: Session, states: Iterable[UnitState]) -> dict[int, int]:
    """The latest return step of each returned submission: unit id → step id."""
    by_submission = {s.submission_id: s.unit_id for s in states
                     if s.state == SubmissionState.TRA_LAI and s.submission_id is not None}
    if not by_submission:
        return {}
    found = session.exec(select(SubmissionStep.submission_id, SubmissionStep.id)
                         .where(col(SubmissionStep.submission_id).in_(list(by_submission)),
                                SubmissionStep.state == SubmissionState.TRA_LAI.value)
                         .order_by(SubmissionStep.id)).all()
    return {by_submission[submission_id]: step_id for submission_id, step_id in found}


def due_reminders(session: Session, *, year: int, today: date, days: int | None = None,
                  agency: str = Settings.agency) -> Plan:
    """Return the reminders due on `today`: a return not yet told to its unit, and, from `days` days before the
    deadline to the deadline itself, every unit that has not submitted (never, returned or recalled)."""
    days = reminder_days(session) if days is None else days
    states = unit_states(session, year=year, today=today)
    returns = _returns(session, states)
    addresses = dict(session.exec(select(UnitEmail.unit_id, UnitEmail.emails)).all())
    sent = session.exec(select(ReminderSent.unit_id, ReminderSent.kind, ReminderSent.sent_on, ReminderSent.reference)
                        .where(col(ReminderSent.unit_id).in_([s.unit_id for s in states]))).all()
    today_sent = {(u, k) for u, k, on, _ in sent if on == today}
    told = {(u, ref) for u, k, _, ref in sent if k == RETURNED}
    result = Plan()
    for state in states:
        due: list[tuple[str, str, str, str | None]] = []
        step = returns.get(state.unit_id)
        if step is not None and (state.unit_id, str(step)) not in told:
            due.append((RETURNED, *returned_message(state, year=year, agency=agency), str(step)))
        elif not state.held and state.days_left is not None and state.days_left <= days:
            due.append((DEADLINE, *deadline_message(state, year=year, today=today, agency=agency), None))
        for kind, subject, body, reference in due:
            recipients = tuple(parse_addresses(addresses.get(state.unit_id)))
            if (state.unit_id, kind) in today_sent:
                result.skipped.append((state.unit, kind, f"đã gửi ngày {format_date(today)}"))
            elif not recipients:
                result.skipped.append((state.unit, kind, "đơn vị chưa có địa chỉ e-mail nhận nhắc hạn"))
            else:
                result.reminders.append(Reminder(state.unit_id, state.unit, year, kind, recipients, subject, body,
                                                 reference))
    return result


def message(reminder: Reminder, *, sender: str) -> EmailMessage:
    """Return the e-mail of a reminder (UTF-8; the subject encoded for any mail server)."""
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, ", ".join(reminder.recipients), reminder.subject
    email["Date"], email["Message-ID"] = formatdate(localtime=True), make_msgid(domain=sender.rpartition("@")[2]
                                                                                 .strip("> ") or None)
    email.set_content(reminder.body)
    return email


def connect(settings: Settings) -> smtplib.SMTP:
    """Open the configured SMTP server (STARTTLS and login when set); refused in Vietnamese when it cannot be."""
    try:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
        if settings.smtp_starttls:
            server.starttls()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
    except smtplib.SMTPNotSupportedError:
        raise ReminderError(f"Máy chủ thư {settings.smtp_host}:{settings.smtp_port} không hỗ trợ STARTTLS: dùng cổng "
                            "có STARTTLS (thường là 587) hoặc đặt TDKT_SMTP_STARTTLS=0 nếu máy chủ ở mạng nội bộ."
                            ) from None
    except smtplib.SMTPAuthenticationError:
        raise ReminderError(f"Máy chủ thư {settings.smtp_host} từ chối tên đăng nhập hoặc mật khẩu (TDKT_SMTP_USER, "
                            "TDKT_SMTP_PASSWORD).") from None
    except (OSError, smtplib.SMTPException) as error:
        raise ReminderError(f"Không kết nối được máy chủ thư {settings.smtp_host}:{settings.smtp_port} ({error}).") \
            from None
    return server


@dataclass(slots=True)
class Outcome:
    """What a run did: the reminders sent, those left out (with why), those that failed (with the error)."""

    sent: list[Reminder] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def _claim(engine: Engine, reminder: Reminder, today: date) -> int | None:
    """Reserve the unit's reminder of this kind for today (committed); None when another run already has it."""
    try:
        with write_session(engine) as session:
            row = ReminderSent(unit_id=reminder.unit_id, year=reminder.year, kind=reminder.kind, sent_on=today,
                               reference=reminder.reference, recipients=", ".join(reminder.recipients)[:500])
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None


def _settle(engine: Engine, actor: Actor, reminder: Reminder, claim: int, error: str | None) -> None:
    """Mark a claimed reminder sent, or give the claim back after a failure; audit either way."""
    with write_session(engine) as session:
        row = session.get(ReminderSent, claim)
        what = (f"“{KIND_LABELS[reminder.kind]}” năm {reminder.year} tới {reminder.unit} "
                f"({', '.join(reminder.recipients)})")
        if error is None:
            row.status = "da_gui"
            session.add(row)
            audit.record(session, actor, "gui_nhac_han", "don_vi", reminder.unit_id, f"Gửi e-mail {what}.",
                         after={"kind": reminder.kind, "subject": reminder.subject, "reference": reminder.reference})
        else:
            session.delete(row)
            audit.record(session, actor, "gui_nhac_han", "don_vi", reminder.unit_id,
                         f"Không gửi được e-mail {what}: {error}", after={"kind": reminder.kind, "error": error})


def send(engine: Engine, actor: Actor | None, settings: Settings, *, year: int, today: date, days: int | None = None,
         connector: Callable[[Settings], smtplib.SMTP] = connect) -> Outcome:
    """Send the reminders due today (see `plan`) through the configured server; return what was sent."""
    require(actor, "nhac_han")
    if not settings.smtp_host:
        raise ReminderError("Chưa bật e-mail nhắc hạn: người quản trị máy chủ đặt TDKT_SMTP_HOST, TDKT_SMTP_FROM "
                            "(và TDKT_SMTP_USER, TDKT_SMTP_PASSWORD nếu máy chủ thư yêu cầu) rồi khởi động lại.")
    with read_session(engine) as session:
        due = due_reminders(session, year=year, today=today, days=days, agency=settings.agency)
    outcome = Outcome(skipped=list(due.skipped))
    server = None
    try:
        for reminder in due.reminders:
            claim = _claim(engine, reminder, today)
            if claim is None:
                outcome.skipped.append((reminder.unit, reminder.kind, f"đã gửi ngày {format_date(today)}"))
                continue
            try:
                server = server or connector(settings)
                server.send_message(message(reminder, sender=settings.smtp_from))
            except (ReminderError, OSError, smtplib.SMTPException) as error:
                _settle(engine, actor, reminder, claim, str(error))
                outcome.failed.append((reminder, str(error)))
                if isinstance(error, ReminderError):  # the server itself is out of reach: stop here
                    break
                if isinstance(error, OSError | smtplib.SMTPServerDisconnected):
                    server = None  # the connection is gone: the next reminder opens a new one
            else:
                _settle(engine, actor, reminder, claim, None)
                outcome.sent.append(reminder)
    finally:
        if server is not None:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return outcome
