"""Reminder e-mails through a local SMTP server the tests start (aiosmtpd): Vietnamese subject and body, the window
before the deadline, returns told once, never twice a day, login and STARTTLS, the command and the settings."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core.attachment_tables import ReminderSent
from tdkt.core.config import ConfigError, Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Unit, User
from tdkt.core.permissions import Actor, PermissionDenied
from tdkt.submissions import reminders, submissions
from tests.conftest import APP, SECRET, free_port
from tests.document_support import app_database
from tests.test_pages import signed_in

YEAR = 2025  # no plan that year: the deadline is 15/12/2025
DUE = "[TĐKT] Nhắc hạn nộp hồ sơ khen thưởng năm 2025: còn 5 ngày (hạn 15/12/2025)"


class Inbox:
    """What the local server received: one parsed message per delivery, with its envelope's recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login.decode())
        return AuthResult(success=auth_data.password == b"mat-khau-thu")

    def subjects(self) -> list[str]:
        return [m["Subject"] for _, m in self.messages]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox.authenticate,
                            auth_require_tls=False)
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def mail(smtp, settings) -> tuple[Inbox, Settings]:
    inbox, port = smtp
    return inbox, replace(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                          smtp_from="Văn phòng Sở Công Thương <vanphong@sct.langson.gov.vn>")


@pytest.fixture
def addressed(engine, actors) -> dict[int, str]:
    """Two phòng with reminder addresses: the unit account's and another one."""
    with write_session(engine) as session:
        own = actors["don_vi"].unit_id
        other = next(u for u in session.exec(select(Unit.id).where(Unit.kind == "phong").order_by(Unit.id)).all()
                     if u != own)
        reminders.set_unit_emails(session, actors["van_phong"], emails={own: "donvi@sct.gov.vn; truong@sct.gov.vn",
                                                                        other: "khac@sct.gov.vn"})
        return {u: session.get(Unit, u).name for u in (own, other)}


def send(engine, actors, settings, day: date, **extra) -> reminders.Outcome:
    return reminders.send(engine, actors["van_phong"], settings, year=YEAR, today=day, **extra)


def test_the_reminder_reaches_the_local_server_in_vietnamese_and_is_sent_once_a_day(engine, actors, mail, addressed):
    inbox, settings = mail
    own = actors["don_vi"].unit_id
    outcome = send(engine, actors, settings, date(2025, 12, 10))
    assert sorted(r.unit for r in outcome.sent) == sorted(addressed.values()) and not outcome.failed
    assert inbox.subjects() == [DUE, DUE]
    to_own = next(m for rcpts, m in inbox.messages if "donvi@sct.gov.vn" in rcpts)
    assert to_own["To"] == "donvi@sct.gov.vn, truong@sct.gov.vn"
    assert to_own["From"] == "Văn phòng Sở Công Thương <vanphong@sct.langson.gov.vn>"
    body = to_own.get_content()
    assert body.startswith(f"Kính gửi: {addressed[own]},\n\nHạn nộp hồ sơ đề nghị khen thưởng năm 2025 về Văn phòng Sở "
                           "là ngày 15/12/2025 (còn 5 ngày). Đến ngày 10/12/2025, hồ sơ của đơn vị chưa được nộp.")
    assert "Đơn vị chưa có đề nghị khen thưởng nào trong hệ thống." in body
    assert any("chưa có địa chỉ e-mail" in why for _, _, why in outcome.skipped)

    again = send(engine, actors, settings, date(2025, 12, 10))
    assert again.sent == [] and len(inbox.messages) == 2
    assert {why for _, _, why in again.skipped} >= {"đã gửi ngày 10/12/2025"}

    with write_session(engine) as session:  # the unit submits: the next day only the other one is reminded
        submissions.submit(session, actors["don_vi"], year=YEAR, today=date(2025, 12, 11))
    next_day = send(engine, actors, settings, date(2025, 12, 11))
    assert [r.unit_id for r in next_day.sent] == [u for u in addressed if u != own]
    with read_session(engine) as session:
        audited = session.exec(select(AuditLog.summary).where(AuditLog.action == "gui_nhac_han")).all()
    assert len(audited) == 3 and all(s.startswith("Gửi e-mail “Nhắc hạn nộp hồ sơ” năm 2025 tới ") for s in audited)


@pytest.mark.parametrize(("day", "subject"), [
    (date(2025, 12, 7), None), (date(2025, 12, 8), "còn 7 ngày"), (date(2025, 12, 15), "hôm nay là hạn cuối"),
    (date(2025, 12, 16), None),
])
def test_units_are_reminded_from_n_days_before_the_deadline_to_its_day(engine, actors, addressed, day, subject):
    with read_session(engine) as session:
        due = reminders.due_reminders(session, year=YEAR, today=day)
    assert {r.subject.split(": ", 1)[1].split(" (")[0] for r in due.reminders} == ({subject} if subject else set())
    with read_session(engine) as session:
        assert reminders.due_reminders(session, year=YEAR, today=date(2025, 12, 1), days=14).reminders


def test_a_returned_submission_is_told_once_with_its_reason(engine, actors, mail, addressed):
    inbox, settings = mail
    unit = actors["don_vi"].unit_id
    with write_session(engine) as session:
        submissions.submit(session, actors["don_vi"], year=YEAR, today=date(2025, 12, 1))
    with write_session(engine) as session:
        submissions.send_back(session, actors["van_phong"], year=YEAR, unit_id=unit,
                              reason="Thiếu biên bản họp Hội đồng thi đua – khen thưởng.", today=date(2025, 12, 2))
    first = send(engine, actors, settings, date(2025, 12, 2))
    assert [(r.unit_id, r.kind) for r in first.sent] == [(unit, "tra_lai")]
    assert inbox.subjects() == [f"[TĐKT] Hồ sơ khen thưởng năm 2025 của {addressed[unit]} bị trả lại"]
    body = inbox.messages[0][1].get_content()
    assert "Văn phòng Sở đã trả lại hồ sơ đề nghị khen thưởng năm 2025 của đơn vị" in body
    assert "với lý do:\n\nThiếu biên bản họp Hội đồng thi đua – khen thưởng.\n\n" in body
    assert "Hạn nộp là ngày 15/12/2025, còn 13 ngày." in body
    assert send(engine, actors, settings, date(2025, 12, 3)).sent == []  # told already: not again
    with write_session(engine) as session:
        submissions.submit(session, actors["don_vi"], year=YEAR, today=date(2025, 12, 4))
    with write_session(engine) as session:
        submissions.send_back(session, actors["van_phong"], year=YEAR, unit_id=unit, reason="Sai tên.",
                              today=date(2025, 12, 4))
    assert [r.kind for r in send(engine, actors, settings, date(2025, 12, 4)).sent] == ["tra_lai"]


def test_the_server_login_is_used_and_a_server_without_starttls_is_said_plainly(engine, actors, mail, addressed):
    inbox, settings = mail
    logged = replace(settings, smtp_user="vanphong", smtp_password="mat-khau-thu")
    assert len(send(engine, actors, logged, date(2025, 12, 10)).sent) == 2 and inbox.logins == ["vanphong"]
    secure = replace(settings, smtp_starttls=True)
    outcome = send(engine, actors, secure, date(2025, 12, 11))
    assert outcome.sent == [] and len(outcome.failed) == 1
    assert "không hỗ trợ STARTTLS" in outcome.failed[0][1] and "TDKT_SMTP_STARTTLS=0" in outcome.failed[0][1]
    with read_session(engine) as session:  # the failed claim is given back: a later run tries again
        assert session.exec(select(ReminderSent.sent_on).where(ReminderSent.sent_on == date(2025, 12, 11))).all() == []
        assert session.exec(select(AuditLog.summary).where(AuditLog.summary.startswith("Không gửi được"))).all()
    assert len(send(engine, actors, settings, date(2025, 12, 11)).sent) == 2


def test_sending_needs_a_server_and_the_office_and_addresses_are_checked(engine, actors, settings):
    with pytest.raises(reminders.ReminderError, match="Chưa bật e-mail nhắc hạn"):
        reminders.send(engine, actors["van_phong"], settings, year=YEAR, today=date(2025, 12, 10))
    with pytest.raises(PermissionDenied):
        reminders.send(engine, actors["don_vi"], replace(settings, smtp_host="x"), year=YEAR, today=date(2025, 12, 10))
    with pytest.raises(reminders.ReminderError, match="“donvi.sct.gov.vn” của .* không phải địa chỉ e-mail"), \
            write_session(engine) as session:
        reminders.set_unit_emails(session, actors["van_phong"], emails={actors["don_vi"].unit_id: "donvi.sct.gov.vn"})
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        reminders.set_reminder_days(session, actors["don_vi"], days=3)
    with write_session(engine) as session:
        reminders.set_reminder_days(session, actors["van_phong"], days=3)
    with read_session(engine) as session:
        assert reminders.reminder_days(session) == 3


def test_the_command_sends_and_its_dry_run_only_lists(monkeypatch, db_url, engine, actors, smtp, addressed):
    inbox, port = smtp
    for name, value in {"TDKT_DATABASE_URL": db_url, "TDKT_SECRET_KEY": SECRET, "TDKT_SMTP_HOST": "127.0.0.1",
                        "TDKT_SMTP_PORT": str(port), "TDKT_SMTP_STARTTLS": "0",
                        "TDKT_SMTP_FROM": "vanphong@sct.langson.gov.vn"}.items():
        monkeypatch.setenv(name, value)
    click_vi.install()
    runner = CliRunner()
    dry = runner.invoke(cli, ["remind", "--year", "2025", "--as-of", "10/12/2025", "--dry-run"])
    assert dry.exit_code == 0 and "Sẽ gửi 2 thư" in dry.output and inbox.messages == []
    sent = runner.invoke(cli, ["remind", "--year", "2025", "--as-of", "10/12/2025"])
    assert sent.exit_code == 0, sent.output
    assert "Đã gửi 2 thư" in sent.output and inbox.subjects() == [DUE, DUE]
    again = runner.invoke(cli, ["remind", "--year", "2025", "--as-of", "10/12/2025", "--json"])
    assert again.exit_code == 0 and '"sent": []' in again.output and "đã gửi ngày 10/12/2025" in again.output


def test_the_smtp_settings_are_read_and_checked():
    base = {"TDKT_SECRET_KEY": SECRET}
    off = Settings.from_env(base)
    assert (off.smtp_host, off.smtp_starttls, off.smtp_port, off.attachment_limit_mb) == ("", True, 587, 20.0)
    plain = Settings.from_env(base | {"TDKT_SMTP_HOST": "mail", "TDKT_SMTP_USER": "vp@sct.gov.vn",
                                      "TDKT_SMTP_STARTTLS": "0"})
    assert (plain.smtp_port, plain.smtp_from) == (25, "vp@sct.gov.vn")
    assert "mật" not in repr(replace(plain, smtp_password="mật khẩu"))
    with pytest.raises(ConfigError, match="TDKT_SMTP_FROM"):
        Settings.from_env(base | {"TDKT_SMTP_HOST": "mail"})
    with pytest.raises(ConfigError, match="TDKT_SMTP_STARTTLS"):
        Settings.from_env(base | {"TDKT_SMTP_STARTTLS": "có lẽ"})


# The Office's reminder tab under AppTest, on both engines: addresses saved, the days, what goes out today.
PAGE = "pages/thanh_phan_ho_so.py"


@pytest.fixture
def app_db(db_url, tmp_path, monkeypatch):
    yield from app_database(db_url, tmp_path, monkeypatch)


def test_the_office_keeps_the_units_addresses_and_sees_todays_reminders_on_the_page(app_db):
    at = signed_in(app_db, "van_phong", PAGE)
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Thành phần hồ sơ", "Nhắc hạn qua e-mail"]
    assert any(i.value.startswith("E-mail nhắc hạn chưa bật") for i in at.info)
    with read_session(app_db["engine"]) as session:
        units = reminders.unit_emails(session)
    row = int(units.index[units.unit_id == app_db["unit"]][0])
    at.session_state["nh_emails"] = {"edited_rows": {row: {"E-mail nhận nhắc hạn": "donvi@sct.gov.vn"}},
                                     "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="nh_emails_save").click().run()
    assert not at.exception
    assert "Đã lưu e-mail của 1 đơn vị." in [s.value for s in at.success]
    with read_session(app_db["engine"]) as session:
        saved = reminders.unit_emails(session).set_index("unit_id").emails
    assert saved[app_db["unit"]] == "donvi@sct.gov.vn" and (saved.drop(app_db["unit"]) == "").all()
    assert at.button(key="nh_send").disabled  # no mail server set
    at.number_input[-1].set_value(5)
    next(b for b in at.button if b.label == "Lưu số ngày").click().run()
    assert "Sẽ nhắc từ 5 ngày trước hạn." in [s.value for s in at.success]


def test_the_reminder_tab_is_the_offices_only(app_env):
    at = signed_in(app_env, "don_vi", PAGE)
    assert not at.exception and not at.tabs and not at.data_editor


def test_the_office_sees_the_units_due_today_with_their_addresses(app_db):
    from datetime import timedelta

    from tdkt.core.submission_tables import SubmissionDeadline

    today = submissions.vietnam_today()
    with write_session(app_db["engine"]) as session:
        session.add(SubmissionDeadline(year=today.year, deadline=today + timedelta(days=3)))
        office = session.get(User, app_db["users"]["van_phong"])
        reminders.set_unit_emails(session, Actor.of(office), emails={app_db["unit"]: "donvi@sct.gov.vn"})
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_db["users"]["van_phong"]
    at.session_state["year"] = today.year
    at.switch_page(PAGE).run()
    assert not at.exception
    due = at.dataframe[-1].value
    assert list(due.columns) == ["Đơn vị", "Loại thư", "Gửi tới", "Tiêu đề", "Không gửi vì"]
    row = due[due["Gửi tới"] == "donvi@sct.gov.vn"].iloc[0]
    assert row["Tiêu đề"].endswith(f"còn 3 ngày (hạn {(today + timedelta(days=3)):%d/%m/%Y})")
    assert set(due[due["Gửi tới"] == ""]["Không gửi vì"]) == {"đơn vị chưa có địa chỉ e-mail nhận nhắc hạn"}
    assert "nh_due_xlsx" in [d.key for d in at.get("download_button")]


def test_a_run_that_planned_before_another_sent_finds_the_claim_taken_and_sends_nothing(engine, actors, mail,
                                                                                        addressed, monkeypatch):
    inbox, settings = mail
    with read_session(engine) as session:  # this run plans first…
        stale = reminders.due_reminders(session, year=YEAR, today=date(2025, 12, 10))
    assert len(send(engine, actors, settings, date(2025, 12, 10)).sent) == 2  # …another run sends meanwhile
    monkeypatch.setattr(reminders, "due_reminders", lambda *args, **kwargs: stale)
    late = send(engine, actors, settings, date(2025, 12, 10))
    assert late.sent == [] and len(inbox.messages) == 2
    assert sorted(u for u, _, why in late.skipped if why == "đã gửi ngày 10/12/2025") == sorted(addressed.values())
