"""Two app processes (`streamlit run`, started as tests/conftest.py's streamlit_server does) on one PostgreSQL, as
docs/deploy.md deploys them: a change saved on one server's page is on the other's page at its next run (its cached
reads are keyed on the database's data version, not on anything the process holds), and a sign-in wait that wrong
passwords on one server started holds on the other. Driven over Streamlit's own websocket (tests/stream_support.py):
AppTest runs the script in this process and cannot span two.

Most of its time is the two processes' start, their first runs (each imports the libraries and opens the database)
and their stop; the journeys themselves take a few seconds. Every wait is on a condition (a run finished, /health
answered), bounded: a run by RUN_TIMEOUT, the whole drive by DRIVE_TIMEOUT."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select
from streamlit.proto.Alert_pb2 import Alert

from tdkt.core import auth
from tdkt.core.db import make_engine, write_session
from tdkt.core.models import User
from tests.conftest import PASSWORD, SECRET, streamlit_server
from tests.stream_support import StreamSession

WRONG = "Sai tên đăng nhập hoặc mật khẩu."
ACCOUNT_WAIT = "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau 15 phút."
PLAN_PAGE = "Tiến độ kế hoạch"
EVIDENCE = "45/BC-SCT (tiến trình thứ nhất)"
FAILURES = 3  # TDKT_SIGN_IN_FAILURES for both servers: fewer wrong sign-ins than the default 5, the same wait
RUN_TIMEOUT = 120  # seconds one run may take: a new process's first runs took 22 s at a load average of 21 on 2 cores
DRIVE_TIMEOUT = 300


def tokens(url: str, *usernames: str) -> list[str]:
    """Sign-in tokens for the accounts, as a browser that signed in earlier holds them in its cookie."""
    engine = make_engine(url)
    with write_session(engine, bump=False) as session:
        found = [auth.issue_token(session, user=session.exec(select(User).where(User.username == name)).one(),
                                  secret=SECRET, hours=1)[0] for name in usernames]
    engine.dispose()
    return found


def cells(run) -> set[str]:
    """Every text cell of the tables the run showed."""
    return {value for table in run.tables() for column in table.columns for value in column.to_pylist()
            if isinstance(value, str)}


async def change_on_one_seen_on_the_other(first: str, second: str, writer: str, reader: str) -> None:
    async with (StreamSession(first, token=writer, timeout=RUN_TIMEOUT) as office,
                StreamSession(second, token=reader, timeout=RUN_TIMEOUT) as leader):
        # A new process's first run imports the libraries: both open the app at once, then Tiến độ kế hoạch, where the
        # second process computes the task table and keeps it.
        await asyncio.gather(office.run(), leader.run())
        form, seen = await asyncio.gather(office.run(PLAN_PAGE), leader.run(PLAN_PAGE))
        assert form.problems() == [] and seen.problems() == []
        assert seen.page_title() == PLAN_PAGE and EVIDENCE not in cells(seen)

        saved = await office.run(values={"Văn bản (số, ký hiệu)": EVIDENCE}, click="Lưu")
        assert saved.problems() == []
        assert [m for m in saved.alerts(Alert.SUCCESS) if m.startswith("Đã lưu nhiệm vụ")], saved.alerts(Alert.SUCCESS)

        again = await leader.run()  # the same page, rerun: the second process reads the change
        assert again.problems() == [] and EVIDENCE in cells(again)


async def sign_in(session: StreamSession, password: str) -> list[str]:
    run = await session.run(values={"Tên đăng nhập": "donvi", "Mật khẩu": password}, click="Đăng nhập")
    assert run.exceptions() == []
    return run.alerts()


async def wait_set_on_one_holds_on_the_other(first: str, second: str) -> None:
    async with StreamSession(first, timeout=RUN_TIMEOUT) as here, StreamSession(second, timeout=RUN_TIMEOUT) as there:
        await asyncio.gather(here.run(), there.run())
        said = [await sign_in(here, f"sai-{i}") for i in range(FAILURES)]
        assert said == [[WRONG]] * (FAILURES - 1) + [[f"{WRONG} {ACCOUNT_WAIT}"]]
        refused = await sign_in(there, PASSWORD)  # the right password, on the other process
        assert refused == [ACCOUNT_WAIT]
        assert there.last.page_title() == "Đăng nhập"


async def both(*journeys) -> None:
    """Run the journeys at once (different accounts): a new process's first runs are the slow part, shared. Bounded
    as a whole: past DRIVE_TIMEOUT the sessions are cancelled and closed, and the servers stop."""
    await asyncio.wait_for(asyncio.gather(*journeys), DRIVE_TIMEOUT)


@contextlib.contextmanager
def two_servers(url: str, directory):
    """Two app servers over one database, started and stopped at the same time (each takes seconds to start and
    3.4 s to stop, measured)."""
    managers = []
    for name in ("a", "b"):
        (directory / name).mkdir()
        managers.append(streamlit_server(url, directory / name))
    with ThreadPoolExecutor(2) as pool:
        started = [pool.submit(manager.__enter__) for manager in managers]
        running = [m for m, future in zip(managers, started, strict=True) if future.exception() is None]
        try:
            yield [future.result() for future in started]
        finally:
            for stopped in [pool.submit(m.__exit__, None, None, None) for m in running]:
                stopped.result()


def test_two_app_processes_on_one_postgresql_share_changes_and_sign_in_waits(pg_server, tmp_path, monkeypatch):
    monkeypatch.setenv("TDKT_SIGN_IN_FAILURES", str(FAILURES))  # the servers' environment is this one's
    url = pg_server.new_database()
    writer, reader = tokens(url, "vanphong", "lanhdao")
    try:
        with two_servers(url, tmp_path) as (first, second):
            # In a thread of its own: a browser test earlier in the run leaves Playwright's event loop on this thread.
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, both(change_on_one_seen_on_the_other(first, second, writer, reader),
                                              wait_set_on_one_holds_on_the_other(first, second))).result()
    finally:
        pg_server.drop(url)
