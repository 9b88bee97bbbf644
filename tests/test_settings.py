"""Settings: the secret key file made once by many processes starting together, and a bad setting said once in
Vietnamese, on the command line's terms and on the pages (no traceback, no list of internal page files)."""

from __future__ import annotations

import multiprocessing
import secrets
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from tdkt.core.config import MIN_SECRET, ConfigError, Settings
from tests.conftest import APP

STARTS = 48  # processes or threads at once; bench/first_start.py runs 30 rounds of 240


def _start(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        results.put(Settings.from_env({"TDKT_SECRET_FILE": path}).secret_key)
    except Exception as error:  # the test counts every crash
        results.put(f"crash: {error!r}")


def _slow_token(real):
    def token(n: int) -> str:
        time.sleep(0.05)  # widens the moment between making the key file and holding its key, where races live
        return real(n)
    return token


def test_processes_starting_together_on_an_empty_folder_all_read_one_full_key(tmp_path, monkeypatch):
    # With the key made slowly, a create-then-write file is read empty by the processes that come second.
    monkeypatch.setattr(secrets, "token_urlsafe", _slow_token(secrets.token_urlsafe))
    path = tmp_path / "data" / ".secret_key"  # the folder does not exist yet either
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(STARTS), context.Queue()
    processes = [context.Process(target=_start, args=(str(path), barrier, results)) for _ in range(STARTS)]
    for process in processes:
        process.start()
    keys = [results.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert len(set(keys)) == 1 and len(keys[0]) >= MIN_SECRET, set(keys)
    assert path.read_text().strip() == keys[0] and path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [".secret_key"]  # no temporary file left behind


def test_threads_starting_together_all_read_one_full_key(tmp_path, monkeypatch):
    monkeypatch.setattr(secrets, "token_urlsafe", _slow_token(secrets.token_urlsafe))
    path = tmp_path / ".secret_key"
    barrier, keys = threading.Barrier(STARTS), []

    def start() -> None:
        barrier.wait()
        keys.append(Settings.from_env({"TDKT_SECRET_FILE": str(path)}).secret_key)

    threads = [threading.Thread(target=start) for _ in range(STARTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(keys) == STARTS and len(set(keys)) == 1 and len(keys[0]) >= MIN_SECRET


def test_the_key_file_is_kept_and_a_broken_one_is_named(tmp_path):
    path = tmp_path / ".secret_key"
    path.write_text("k" * 40 + "\n")
    assert Settings.from_env({"TDKT_SECRET_FILE": str(path)}).secret_key == "k" * 40
    path.write_text("ngắn")
    with pytest.raises(ConfigError, match=r"\.secret_key hỏng .*xóa tệp đó"):
        Settings.from_env({"TDKT_SECRET_FILE": str(path)})
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="Không tạo hoặc đọc được khóa bí mật .*TDKT_SECRET_KEY"):
        Settings.from_env({"TDKT_SECRET_FILE": str(blocker / "data" / ".secret_key")})


@pytest.mark.parametrize(("name", "value"), [
    ("TDKT_SESSION_HOURS", "abc"), ("TDKT_SESSION_HOURS", "nan"), ("TDKT_SESSION_HOURS", "inf"),
    ("TDKT_UPLOAD_LIMIT_MB", "-1"), ("TDKT_UPLOAD_LIMIT_MB", "0"), ("TDKT_MAX_ROWS", "1.5"),
    ("TDKT_MAX_ROWS", "1e400"), ("TDKT_SECRET_KEY", "x" * (MIN_SECRET - 1)), ("TDKT_DATABASE_URL", "mysql://x"),
])
def test_a_bad_value_is_refused_naming_its_variable(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({"TDKT_SECRET_FILE": str(tmp_path / "k"), name: value})


def test_a_refused_database_url_does_not_show_its_password(tmp_path):
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"TDKT_SECRET_FILE": str(tmp_path / "k"), "TDKT_DATABASE_URL": "mysql://tdkt:b1mat@db/x"})
    assert "b1mat" not in str(refused.value) and "mysql://tdkt:***@db/x" in str(refused.value)


SHORT_KEY_MESSAGE = "TDKT_SECRET_KEY quá ngắn"


@pytest.fixture
def short_key(app_env, monkeypatch) -> dict:
    monkeypatch.setenv("TDKT_SECRET_KEY", "ngan-qua")
    return app_env


def test_a_too_short_key_shows_one_vietnamese_message_and_no_traceback(short_key):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error if SHORT_KEY_MESSAGE in e.value] and len(at.error) == 1
    assert "sửa thiết lập" in at.error[0].value and not at.text_input  # no sign-in form behind it


def test_a_page_opened_straight_with_a_too_short_key_shows_the_message_too(short_key):
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page("pages/tien_do.py")
    at.run()
    assert not at.exception and len(at.error) == 1 and SHORT_KEY_MESSAGE in at.error[0].value

