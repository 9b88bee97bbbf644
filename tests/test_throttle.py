"""Sign-in throttling: an account or a client address waits after 5 failures in 15 minutes, in the database (every
process sees it), audited, lifted by the admin on Quản trị or the command line; the sign-in form says the wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core import auth, permissions, throttle
from tdkt.core.config import ConfigError, Settings
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import AuditLog, Role, SignInFailure, User, utcnow
from tests.auth_support import cheap_argon2  # noqa: F401  (autouse)
from tests.conftest import APP, PASSWORD, SECRET

LIMITS = throttle.Limits()
START = utcnow().replace(microsecond=0)
ACCOUNT_WAIT = "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {} phút."
ADDRESS_WAIT = "Máy của bạn tạm bị chặn đăng nhập do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {} phút."
WRONG = "Sai tên đăng nhập hoặc mật khẩu."


def attempt(engine, username: str, password: str, *, minutes: float = 0, address: str | None = "10.0.0.7",
            limits: throttle.Limits = LIMITS, start=START) -> auth.SignIn:
    """One sign-in through the app's path (its own committed transaction) at start + minutes (a clock moved by hand,
    so a wait ends without sleeping)."""
    with write_session(engine) as session:
        return auth.sign_in(session, username=username, password=password, address=address, secret=SECRET, hours=1,
                            limits=limits, now=start + timedelta(minutes=minutes))


def message(outcome: auth.SignIn) -> str | None:
    return None if outcome.refusal is None else str(outcome.refusal)


def fail_five(engine, username: str = "vanphong", **where) -> list[str | None]:
    return [message(attempt(engine, username, f"sai-{i}", minutes=i, **where)) for i in range(5)]


def test_the_sixth_attempt_within_15_minutes_is_refused_even_with_the_right_password_and_says_the_wait(engine):
    said = fail_five(engine)
    assert said == [WRONG] * 4 + [f"{WRONG} {ACCOUNT_WAIT.format(15)}"]
    refused = attempt(engine, "VanPhong ", PASSWORD, minutes=5)
    assert (refused.user, message(refused)) == (None, ACCOUNT_WAIT.format(14))
    with pytest.raises(auth.AuthError, match="thử lại sau 14 phút"):
        refused.raise_refusal()
    # Refused before any password check, so a wait costs no Argon2 time and records no further failure.
    with read_session(engine) as session:
        assert len(session.exec(select(SignInFailure)).all()) == 5


def test_the_wait_ends_15_minutes_after_the_fifth_failure_and_then_counts_afresh(engine):
    fail_five(engine)  # the fifth at START + 4 min
    assert message(attempt(engine, "vanphong", PASSWORD, minutes=18.99)) == ACCOUNT_WAIT.format(1)
    assert message(attempt(engine, "vanphong", "sai", minutes=19.5)) == WRONG
    signed = attempt(engine, "vanphong", PASSWORD, minutes=19.6)
    assert (signed.refusal, signed.user.username, bool(signed.token)) == (None, "vanphong", True)


def test_five_failures_spread_over_more_than_15_minutes_make_no_wait(engine):
    said = [message(attempt(engine, "vanphong", "sai", minutes=4 * i)) for i in range(5)]  # 0, 4, …, 16
    assert said == [WRONG] * 5
    assert attempt(engine, "vanphong", PASSWORD, minutes=16.5).user is not None


def test_a_successful_sign_in_clears_the_accounts_failures(engine):
    for i in range(4):
        attempt(engine, "vanphong", "sai", minutes=i, address=None)
    assert attempt(engine, "vanphong", PASSWORD, minutes=4, address=None).user is not None
    said = [message(attempt(engine, "vanphong", "sai", minutes=5 + i, address=None)) for i in range(5)]
    assert said == [WRONG] * 4 + [f"{WRONG} {ACCOUNT_WAIT.format(15)}"]


def test_a_second_engine_sees_the_wait_the_first_one_wrote(engine, db_url):
    fail_five(engine)
    other = make_engine(db_url)  # another app process: nothing shared but the database
    try:
        with read_session(other) as session:
            wait = throttle.current_wait(session, username="vanphong", address=None, limits=LIMITS,
                                         now=START + timedelta(minutes=6))
        assert (wait.kind, wait.key, wait.until, wait.minutes_left(START + timedelta(minutes=6))) == (
            throttle.ACCOUNT, "vanphong", START + timedelta(minutes=19), 13)
        assert message(attempt(other, "vanphong", PASSWORD, minutes=6, address="10.9.9.9")) == ACCOUNT_WAIT.format(13)
    finally:
        other.dispose()


def test_an_address_failing_across_accounts_waits_and_other_addresses_do_not(engine):
    said = [message(attempt(engine, name, "sai", minutes=i, address="203.0.113.5"))
            for i, name in enumerate(["vanphong", "lanhdao", "donvi", "khongco", "quantri"])]
    assert said == [WRONG] * 4 + [f"{WRONG} {ADDRESS_WAIT.format(15)}"]
    assert message(attempt(engine, "lanhdao", PASSWORD, minutes=5, address="203.0.113.5")) == ADDRESS_WAIT.format(14)
    assert attempt(engine, "lanhdao", PASSWORD, minutes=5, address="198.51.100.1").user is not None
    # A success elsewhere clears only that account's count: the address still waits.
    assert message(attempt(engine, "vanphong", PASSWORD, minutes=6, address="203.0.113.5")) == ADDRESS_WAIT.format(13)


def test_unknown_names_are_counted_and_refused_alike(engine):
    assert fail_five(engine, "khong.ton.tai") == [WRONG] * 4 + [f"{WRONG} {ACCOUNT_WAIT.format(15)}"]
    assert message(attempt(engine, "khong.ton.tai", PASSWORD, minutes=5)) == ACCOUNT_WAIT.format(14)


def test_failures_are_audited_with_the_name_and_address_never_the_password(engine):
    attempt(engine, "vanphong", "MatKhauBiMat-9", minutes=0)
    attempt(engine, "nguoi.la", "MatKhauBiMat-8", minutes=1, address="2001:db8::1")
    fail_five(engine, "lanhdao", address="10.0.0.8")
    attempt(engine, "lanhdao", PASSWORD, minutes=6, address="10.0.0.8")
    attempt(engine, "donvi", PASSWORD, minutes=7)
    with read_session(engine) as session:
        rows = [r for r in session.exec(select(AuditLog).order_by(AuditLog.id)).all()
                if r.action.startswith("dang_nhap")]
    assert [(r.action, r.username) for r in rows] == [
        ("dang_nhap_sai", "vanphong"), ("dang_nhap_sai", "nguoi.la")] + [("dang_nhap_sai", "lanhdao")] * 5 + [
        ("dang_nhap_bi_tu_choi", "lanhdao"), ("dang_nhap", "donvi")]
    assert rows[0].summary == ("Đăng nhập sai mật khẩu với tên đăng nhập “vanphong” từ địa chỉ 10.0.0.7: lần 1 của "
                               "tài khoản, lần 1 của địa chỉ trong 15 phút.")
    assert "(không có tài khoản này) từ địa chỉ 2001:db8::1" in rows[1].summary and rows[1].user_id is None
    assert "Tài khoản tạm khóa đăng nhập đến" in rows[6].summary
    assert "đang tạm khóa đến" in rows[7].summary
    stored = " ".join(f"{r.summary} {r.before} {r.after}" for r in rows)
    assert "MatKhauBiMat" not in stored and "sai-" not in stored and PASSWORD not in stored


def test_an_empty_name_or_password_is_refused_without_counting(engine):
    assert [message(attempt(engine, name, pw)) for name, pw in [("", PASSWORD), ("vanphong", "")] * 3] == [
        "Nhập tên đăng nhập và mật khẩu."] * 6
    with read_session(engine) as session:
        assert session.exec(select(SignInFailure)).all() == []


def test_admin_lifts_an_accounts_and_an_addresss_wait_audited(engine, actors):
    fail_five(engine)
    fail_five(engine, "nguoi.la", address="203.0.113.9")
    now = START + timedelta(minutes=5)
    with read_session(engine) as session:
        waiting = throttle.waits(session, limits=LIMITS, now=now)
    assert sorted((w.kind, w.key) for w in waiting) == [
        ("dia_chi", "10.0.0.7"), ("dia_chi", "203.0.113.9"), ("tai_khoan", "nguoi.la"), ("tai_khoan", "vanphong")]
    for role in (Role.VAN_PHONG, Role.LANH_DAO, Role.DON_VI):
        with pytest.raises(permissions.PermissionDenied), write_session(engine) as session:
            throttle.lift(session, actors[role], kind=throttle.ACCOUNT, key="vanphong", limits=LIMITS, now=now)
    with write_session(engine) as session:
        assert throttle.lift(session, actors[Role.QUAN_TRI], kind=throttle.ACCOUNT, key="VanPhong", limits=LIMITS,
                             now=now) == 5
        throttle.lift(session, actors[Role.QUAN_TRI], kind=throttle.ADDRESS, key="10.0.0.7", limits=LIMITS, now=now)
    assert attempt(engine, "vanphong", PASSWORD, minutes=5).user is not None
    with pytest.raises(throttle.ThrottleError, match="không có gì để gỡ"), write_session(engine) as session:
        throttle.lift(session, actors[Role.QUAN_TRI], kind=throttle.ACCOUNT, key="vanphong", limits=LIMITS, now=now)
    with read_session(engine) as session:
        lifts = session.exec(select(AuditLog.summary).where(AuditLog.action == "go_khoa_dang_nhap")
                             .order_by(AuditLog.id)).all()
        left = throttle.waits(session, limits=LIMITS, now=now)
    assert [s.split(" (")[0] for s in lifts] == ["Gỡ tạm khóa đăng nhập cho tài khoản “vanphong”",
                                                 "Gỡ tạm khóa đăng nhập cho địa chỉ máy “10.0.0.7”"]
    assert sorted((w.kind, w.key) for w in left) == [("dia_chi", "203.0.113.9"), ("tai_khoan", "nguoi.la")]


def test_limits_come_from_the_settings(engine, tmp_path):
    env = {"TDKT_SECRET_FILE": str(tmp_path / "k"), "TDKT_SIGN_IN_FAILURES": "3", "TDKT_SIGN_IN_WAIT_MINUTES": "5",
           "TDKT_SIGN_IN_WINDOW_MINUTES": "2", "TDKT_SIGN_IN_ADDRESS_FAILURES": "20", "TDKT_TRUSTED_PROXIES": "1"}
    settings = Settings.from_env(env)
    limits = throttle.Limits.of(settings)
    assert (limits, settings.trusted_proxies) == (throttle.Limits(3, 20, timedelta(minutes=2), timedelta(minutes=5)), 1)
    assert throttle.Limits.of(Settings.from_env({"TDKT_SECRET_FILE": str(tmp_path / "k")})) == LIMITS
    said = [message(attempt(engine, "vanphong", "sai", minutes=m, limits=limits)) for m in (0, 1, 2.5, 3, 3.5)]
    assert said == [WRONG, WRONG, WRONG, WRONG, f"{WRONG} {ACCOUNT_WAIT.format(5)}"]  # 0 and 1 left the window
    for name, value in [("TDKT_SIGN_IN_FAILURES", "0"), ("TDKT_SIGN_IN_FAILURES", "2.5"),
                        ("TDKT_SIGN_IN_WAIT_MINUTES", "-1"), ("TDKT_TRUSTED_PROXIES", "-1"),
                        ("TDKT_TRUSTED_PROXIES", "một")]:
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({**env, name: value})


@pytest.mark.parametrize(("remote", "forwarded", "hops", "expected"), [
    ("198.51.100.7", [], 0, "198.51.100.7"),
    (None, [], 0, None),  # a local connection (Streamlit gives no address for 127.0.0.1)
    ("10.0.0.2", ["1.2.3.4"], 0, "10.0.0.2"),  # no trusted proxy: the header is the client's to forge
    (None, ["1.2.3.4, 203.0.113.8"], 1, "203.0.113.8"),  # the proxy appended the real one; "1.2.3.4" was typed
    (None, ["1.2.3.4", "203.0.113.8, 10.0.0.3"], 2, "203.0.113.8"),
    (None, ["203.0.113.8"], 2, "203.0.113.8"),
    ("10.0.0.2", [], 1, "10.0.0.2"),
    (None, ["không phải địa chỉ"], 1, None),
    ("2001:DB8:0:0::1", [], 0, "2001:db8::1"),
])
def test_client_address_reads_x_forwarded_for_only_behind_trusted_proxies(remote, forwarded, hops, expected):
    assert throttle.client_address(remote, forwarded, trusted_proxies=hops) == expected


@pytest.fixture
def run_cli(monkeypatch, db_url):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    click_vi.install()
    return lambda *args: CliRunner().invoke(cli, list(args))


def test_the_command_line_lifts_a_wait(engine, run_cli):
    now = utcnow()  # the command runs on the real clock
    for i in range(5):
        attempt(engine, "vanphong", "sai", minutes=-i * 0.1, address="203.0.113.4", start=now)
    assert message(attempt(engine, "vanphong", PASSWORD, address=None, start=now)) == ACCOUNT_WAIT.format(15)
    done = run_cli("user", "unlock", "vanphong")
    assert (done.exit_code, done.output) == (0, "Đã gỡ tạm khóa đăng nhập cho tài khoản vanphong (bỏ 5 lần nhập sai "
                                                "đã tính).\n")
    assert attempt(engine, "vanphong", PASSWORD, address=None, start=utcnow()).user is not None
    assert run_cli("user", "unlock", "--address", "203.0.113.4").exit_code == 0
    again = run_cli("user", "unlock", "vanphong")
    assert (again.exit_code, "không có gì để gỡ" in again.output) == (1, True)
    assert run_cli("user", "unlock").exit_code == 2


@pytest.fixture
def app_db(db_url, monkeypatch):
    """Point the app under AppTest at a fresh seeded database of either engine; return an engine on it."""
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def submit(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def test_the_sign_in_form_says_the_wait_in_vietnamese(app_db):
    for _ in range(4):  # now, on the app's own clock
        with write_session(app_db) as session:
            throttle.record_failure(session, username="vanphong", address=None, limits=LIMITS)
    at = submit(AppTest.from_file(APP, default_timeout=30).run(), "vanphong", "sai-lan-5")
    assert [e.value for e in at.error] == [f"{WRONG} {ACCOUNT_WAIT.format(15)}"]
    at = submit(at, "vanphong", PASSWORD)
    assert not at.exception
    assert [e.value for e in at.error] == [ACCOUNT_WAIT.format(15)]
    assert [t.value for t in at.title] == ["TĐKT Dashboard"] and "user_id" not in at.session_state
    with read_session(app_db) as session:
        actions = session.exec(select(AuditLog.action).order_by(AuditLog.id.desc()).limit(2)).all()
    assert actions == ["dang_nhap_bi_tu_choi", "dang_nhap_sai"]


def test_admin_lifts_a_wait_on_quan_tri(app_db):
    for _ in range(5):
        with write_session(app_db) as session:
            throttle.record_failure(session, username="donvi", address="203.0.113.20", limits=LIMITS)
    with read_session(app_db) as session:
        admin_id = session.exec(select(User.id).where(User.username == "quantri")).one()
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = admin_id
    at.switch_page("pages/quan_tri.py").run()
    table = at.dataframe[1].value
    assert list(zip(table["Tài khoản / địa chỉ máy"], table["Loại"], table["Còn lại"], strict=True)) == [
        ("donvi", "Tài khoản", "15 phút"), ("203.0.113.20", "Địa chỉ máy", "15 phút")]
    at.selectbox(key="wait_pick").select("tai_khoan|donvi")
    at.button(key="go_khoa_dang_nhap").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã gỡ tạm khóa đăng nhập cho tài khoản donvi."]
    assert at.selectbox(key="wait_pick").options == ["Địa chỉ máy 203.0.113.20"]
    with read_session(app_db) as session:
        assert [w.key for w in throttle.waits(session, limits=LIMITS)] == ["203.0.113.20"]
        assert session.exec(select(AuditLog.username).where(AuditLog.action == "go_khoa_dang_nhap")).all() == [
            "quantri"]
