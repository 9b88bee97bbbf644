"""Shared fixtures: real SQLite files, a real PostgreSQL server (Debian's unless one is given) and chromium."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tdkt.core import auth, permissions
from tdkt.core.config import Settings
from tdkt.core.db import make_engine
from tdkt.core.models import Role, User
from tdkt.seeding.seed import bootstrap

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SECRET = "test-secret-key-0123456789abcdef"
PASSWORD = "MatKhau2024"  # what the fixtures set for every seeded account


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if out and Path(out, "initdb").exists():
            return Path(out)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise RuntimeError("Không tìm thấy PostgreSQL (initdb). Chạy ./scripts/test để cài gói postgresql của Debian.")
    return candidates[-1].parent


class PostgresServer:
    """A PostgreSQL server for the test session; hands out fresh databases cloned from a seeded template."""

    def __init__(self, admin_url: str, stop=None) -> None:
        self.admin_url = admin_url
        self._stop = stop
        self._engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self._names = itertools.count()
        self._template: str | None = None

    def url(self, name: str) -> str:
        return str(sa.engine.make_url(self.admin_url).set(database=name).render_as_string(hide_password=False))

    def _create(self, name: str, template: str | None = None) -> str:
        with self._engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def template(self) -> str:
        """Return the name of a migrated and seeded template database (built once)."""
        if self._template is None:
            name = f"tdkt_tmpl_{os.getpid()}"
            url = self._create(name)
            engine, _ = bootstrap(replace(Settings(), database_url=url, secret_key=SECRET))
            _set_passwords(engine)
            engine.dispose()
            self._template = name
        return self._template

    def new_database(self, *, seeded: bool = True) -> str:
        """Return the URL of a fresh database (seeded from the template unless seeded=False)."""
        name = f"tdkt_t{os.getpid()}_{next(self._names)}"
        return self._create(name, self.template() if seeded else None)

    def drop(self, url: str) -> None:
        """Drop a database handed out, ending its connections (an app under test keeps its engine cached)."""
        with self._engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._engine.dispose()
        if self._stop:
            self._stop()


def _start_postgres() -> PostgresServer:
    bindir = _pg_bindir()
    workdir = tempfile.mkdtemp(prefix="pgtest.", dir="/tmp")
    port = free_port()
    as_root = os.geteuid() == 0

    def run(*cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if as_root else list(cmd)
        subprocess.run(full, check=True, capture_output=True)

    if as_root:
        shutil.chown(workdir, "postgres", "postgres")
    run(str(bindir / "initdb"), "-D", f"{workdir}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--locale=C.UTF-8", "--no-sync")
    run(str(bindir / "pg_ctl"), "-D", f"{workdir}/data", "-l", f"{workdir}/log", "-w", "-o",
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start")

    def stop() -> None:
        subprocess.run((["runuser", "-u", "postgres", "--"] if as_root else [])
                       + [str(bindir / "pg_ctl"), "-D", f"{workdir}/data", "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)

    return PostgresServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server: TDKT_TEST_POSTGRES_URL if set, else Debian's, started in a temp dir."""
    given = os.environ.get("TDKT_TEST_POSTGRES_URL")
    server = PostgresServer(given) if given else _start_postgres()
    yield server
    server.close()


def _set_passwords(engine: sa.Engine) -> None:
    """Give every seeded account a known password, already changed (tests of the first sign-in reset it)."""
    hashed = auth.hash_password(PASSWORD)
    with Session(engine) as session:
        for user in session.exec(select(User)).all():
            user.password_hash = hashed
            user.must_change_password = False
            session.add(user)
        session.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated and seeded SQLite file, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "tdkt.db"
    engine, _ = bootstrap(replace(Settings(), database_url=f"sqlite:///{path}", secret_key=SECRET))
    _set_passwords(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / "tdkt.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo database (`python -m tdkt demo`) as of tests.demo_support.DEMO_TODAY, built once (about 2 s): tests
    read it, or copy it with sqlite_copy before they change anything."""
    from tests.demo_support import build_demo  # here: only the sessions that look at the demo pay for it

    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, sqlite_template) -> str:
    """The URL of a fresh, seeded database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_copy(sqlite_template, tmp_path)
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(db_url) -> Settings:
    return replace(Settings(), database_url=db_url, secret_key=SECRET)


@pytest.fixture
def actors(engine) -> dict[str, permissions.Actor]:
    """The seeded accounts as actors, keyed by role value."""
    with Session(engine) as session:
        return {u.role: permissions.Actor.of(u) for u in session.exec(select(User)).all()}


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "both_engines: a page test that writes; its app_env runs on SQLite and on "
                                       "PostgreSQL")


def pytest_generate_tests(metafunc) -> None:
    """Run the page tests marked both_engines once per engine (the others, which only read, on SQLite)."""
    if "app_env" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("app_env", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def app_env(request, tmp_path, sqlite_template, monkeypatch) -> dict:
    """Point the app (AppTest or a server) at a fresh seeded database, a SQLite file unless the test is marked
    both_engines; return its URL and user ids by role."""
    if getattr(request, "param", "sqlite") == "sqlite":
        url = sqlite_copy(sqlite_template, tmp_path)
    else:
        server = request.getfixturevalue("pg_server")
        url = server.new_database()
        request.addfinalizer(lambda: server.drop(url))
    monkeypatch.setenv("TDKT_DATABASE_URL", url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    engine = make_engine(url)
    with Session(engine) as session:
        ids = {Role(u.role).value: u.id for u in session.exec(select(User)).all()}
    engine.dispose()
    return {"url": url, "users": ids, "engine_url": url}


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError("điều kiện không xảy ra trong thời gian chờ")


TIMEOUT_MS = 30_000  # CI shares two cores with the app server and chromium; waits return as soon as met


@pytest.fixture(scope="session")
def browser():
    """The test session's one chromium (Debian's), launched on first use and closed when the session ends."""
    from playwright.sync_api import sync_playwright  # here, not at the top: tests without a browser never load it

    executable = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if executable is None:
        pytest.fail("Không tìm thấy chromium của Debian: chạy ./scripts/test (cài gói chromium) rồi chạy lại.")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, headless=True)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh browser context and page for one test (helpers: tests/browser_support.py)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


@contextlib.contextmanager
def streamlit_server(db_url: str, directory: Path):
    """Run `streamlit run app.py` on a free port over db_url; yield its URL; stop it afterwards (log in directory)."""
    from urllib.error import URLError
    from urllib.request import urlopen

    def healthy(url: str) -> bool:
        try:
            with urlopen(f"{url}/_stcore/health", timeout=2) as response:
                return response.read() == b"ok"
        except (URLError, ConnectionError, TimeoutError):
            return False

    port = free_port()
    env = {**os.environ, "TDKT_DATABASE_URL": db_url, "TDKT_SECRET_KEY": SECRET}
    log_path = directory / "streamlit.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
             str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: proc.poll() is not None or healthy(url), timeout=30)
            assert proc.poll() is None, log_path.read_text(errors="replace")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
