"""Benchmark: concurrent sessions through the main pages over Streamlit's websocket, plus a few real browsers.

Run: .venv/bin/python bench/load.py [--sessions 20] [--pages 20] [--think 1.0] [--ramp 0.25] [--browsers 2]
                                    [--duration 300] [--timeout 60] [--bump 0] [--only TITLE] [--no-warm-up]
                                    [--demo PATH] [--json] [-- more `streamlit run` options]
Builds the demo database (`python -m tdkt demo`) in a temp folder, or copies --demo (any seeded SQLite file), gives
its seeded accounts the bench's password, then starts the app as ./scripts/run does (`python -m tdkt init`, then
`streamlit run app.py` with its flags) on a free loopback port, with the flags deploy/tdkt@.service adds
(`--server.address 127.0.0.1`, no file watcher).

Each of --sessions sessions speaks Streamlit's own protocol over `/_stcore/stream` (protobuf BackMsg out, ForwardMsg
in: tests/stream_support.py). It signs in as a browser that signed in before does: its websocket handshake carries
the sign-in cookie `tdkt_phien`, a token the bench issues for it (its own `auth_session` row), which the app reads
server-side on every run; that depends on the cookie's name only, not on the form's layout or widget ids.
First one session opens every page once, timed apart (the warm-up: a new process's first runs import the
libraries). Then the sessions start --ramp seconds apart and take the seeded accounts in turn (Văn phòng, Lãnh đạo,
Đơn vị, Quản trị); each opens the app (its default page, Tổng quan), then visits --pages pages of its sidebar one
after another, starting at another page than the others, waiting --think seconds (0.5–1.5 times it, at random)
between the end of a run and the next click, as a person reads. A page run is timed from the message that asks for
it until the server says the script finished (reruns it asked for included); it is an error when it raised, showed
an error box, showed another page or the sign-in form, or did not finish within --timeout.
At the same time --browsers chromium contexts (Debian's, through Playwright) sign in through the form and click
through their sidebars, timed from the click until the run has finished and a heading is there, and checked for an
exception or an error box: what a person sees under that load. --bump raises the data version every that many
seconds, as another user's write does, so the pages' cached reads are computed again (0: never). --only restricts
the pages visited. Nothing starts after --duration seconds; runs in flight finish.
Prints, per kind of run, the count, median, 95th percentile and errors, the slowest pages, a few errors of each
kind, the app process's peak memory and CPU time per page run (what a run costs whatever else the machine does: the
figure to plan capacity with on a shared machine) and the load average before and after; exits 1 on any error.
tests/test_bench_load.py runs it with 2 sessions, 1 page and 1 browser as a smoke test (no timing asserted).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file's own folder goes off the path: its bench/pages.py would hide the app's pages/ package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from tdkt.core import auth  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.config import Settings  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.db import make_engine, write_session  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.models import Role, User  # noqa: E402 -- needs ROOT on sys.path
from tests.stream_support import StreamError, StreamSession  # noqa: E402 -- needs ROOT on sys.path

SECRET = "bench-load-secret-0123456789abcdef"
PASSWORD = "BenchLoad2024"  # what the browsers type; the bench sets it on its copy of the database
ROLES = [Role.VAN_PHONG, Role.LANH_DAO, Role.DON_VI, Role.QUAN_TRI]
SIGN_IN_PAGE = "Đăng nhập"
WARM, OPEN, VISIT = "Khởi động (mỗi trang 1 lần)", "Mở ứng dụng (websocket)", "Chuyển trang (websocket)"
BROWSER, SIGN_IN = "Trang (trình duyệt)", "Đăng nhập (trình duyệt)"
TARGET_P95 = 3.0
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Counts finished script runs with the page's clock, every 2 ms (React replaces the element, so an observer on the
# attribute misses runs); installed before any page.
WATCH = """
window.__runs = {finished: 0, state: null};
setInterval(() => {
  const app = document.querySelector("[data-testid='stApp']");
  const state = app ? app.getAttribute('data-test-script-state') : null;
  if (state === window.__runs.state) return;
  if (state === 'notRunning' && window.__runs.state !== null) window.__runs.finished += 1;
  window.__runs.state = state;
}, 2);
"""


@dataclass
class Tally:
    """The runs of the whole load: seconds by kind of run, and the errors as said."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    pages: dict[str, list[float]] = field(default_factory=dict)  # the websocket visits' seconds by page title

    def ran(self, kind: str, seconds: float, page: str | None = None) -> None:
        self.seconds.setdefault(kind, []).append(seconds)
        if page is not None:
            self.pages.setdefault(page, []).append(seconds)

    def failed(self, kind: str, what: str) -> None:
        self.errors.setdefault(kind, []).append(what)

    def error_count(self) -> int:
        return sum(len(found) for found in self.errors.values())


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- the database and the app --------------------------------------------------------------------------------------

def prepare_database(directory: Path, given: Path | None) -> str:
    """Return the URL of a copy of the demo database (built when not given) whose seeded accounts are past their
    first sign-in, with the bench's password."""
    path = directory / "demo.db"
    if given:
        shutil.copy(given, path)
    else:
        from tdkt.seeding import demo

        # The demo's drafted documents go to the bench's own folder, never to data/files.
        demo.build(path, settings=replace(Settings(), secret_key=SECRET, file_store=str(directory / "files")))
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    hashed = auth.hash_password(PASSWORD)
    with write_session(engine, bump=False) as session:
        for user in session.exec(select(User)).all():
            user.password_hash, user.must_change_password = hashed, False
            session.add(user)
    engine.dispose()
    return url


def issue_tokens(url: str, count: int) -> list[tuple[str, str]]:
    """Sign `count` sessions in, the seeded accounts in turn: one (role label, token) each, as a browser keeps it."""
    engine = make_engine(url)
    with write_session(engine, bump=False) as session:
        users = {Role(u.role): u for u in session.exec(select(User).where(User.active)).all()}
        roles = [r for r in ROLES if r in users]
        tokens = [(roles[i % len(roles)].value,
                   auth.issue_token(session, user=users[roles[i % len(roles)]], secret=SECRET, hours=12)[0])
                  for i in range(count)]
    engine.dispose()
    return tokens


def bump_version(url: str) -> None:
    """Raise the data version as every write does (an empty write transaction)."""
    engine = make_engine(url)
    with write_session(engine):
        pass
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_memory(pid: int) -> int | None:
    """The process's peak resident memory in MiB (Linux), or None where /proc does not say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(found[0]) // 1024 if found else None


def cpu_seconds(pid: int) -> float | None:
    """The CPU time the process has used (user + system, Linux), or None where /proc does not say."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14 and 15


@dataclass(frozen=True)
class App:
    """The running app: where it answers and its process (to read its memory)."""

    address: str
    pid: int


def wait_healthy(proc: subprocess.Popen, address: str, log_path: Path, limit: float = 60) -> None:
    from urllib.error import URLError
    from urllib.request import urlopen

    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(URLError, ConnectionError, TimeoutError):
            with urlopen(f"{address}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        time.sleep(0.1)
    raise RuntimeError(f"Ứng dụng không khởi động được:\n{log_path.read_text(errors='replace')}")


@contextlib.contextmanager
def app_server(url: str, directory: Path, extra: list[str]) -> Iterator[App]:
    """Start the app as ./scripts/run does, on a free loopback port; yield it; stop it afterwards."""
    env = {**os.environ, "TDKT_DATABASE_URL": url, "TDKT_SECRET_KEY": SECRET,
           "TDKT_FILE_STORE": str(directory / "files")}
    subprocess.run([sys.executable, "-m", "tdkt", "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log_path = directory / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless",
               "true", "--browser.gatherUsageStats", "false", "--server.maxUploadSize",
               os.environ.get("TDKT_UPLOAD_LIMIT_MB", "20"), "--server.address", "127.0.0.1",
               "--server.fileWatcherType", "none", *extra]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        address = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(proc, address, log_path)
            yield App(address, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- the load ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """How long and how much: the bounds every session keeps."""

    pages: int
    think: float
    ramp: float  # seconds between two sessions' start
    only: frozenset[str]  # the page titles to visit (empty: every page of the sidebar)
    timeout: float
    stop_at: float  # time.monotonic() after which nothing starts

    def pause(self, rng: random.Random) -> float:
        return self.think * rng.uniform(0.5, 1.5)

    def over(self) -> bool:
        return time.monotonic() >= self.stop_at


def judge(run, wanted: str | None) -> list[str]:
    """What is wrong with a page run: what it showed as an error, or another page than the one asked for."""
    problems = run.problems()
    if run.page_title() == SIGN_IN_PAGE:
        problems.append("trang đăng nhập hiện ra: phiên không còn đăng nhập")
    elif wanted is not None and run.page_title() != wanted:
        problems.append(f"hiện trang “{run.page_title()}” thay vì “{wanted}”")
    elif not run.headings():
        problems.append(f"trang “{run.page_title()}” không có tiêu đề")
    return problems


async def warm_up(address: str, token: str, tally: Tally, timeout: float) -> None:
    """Open the app and every page once before the load: a new process's first runs import the libraries."""
    async with StreamSession(address, token=token, timeout=timeout) as stream:
        run = await stream.run()
        tally.ran(WARM, run.seconds)
        for title in [p.page_name for p in run.pages if not p.is_hidden][1:]:
            run = await stream.run(title)
            tally.ran(WARM, run.seconds)
            for problem in judge(run, title):
                tally.failed(WARM, f"khởi động, {title}: {problem}")


async def websocket_user(number: int, address: str, token: str, plan: Plan, tally: Tally) -> None:
    """One session: open the app, then visit the sidebar's pages in turn from its own starting point."""
    rng = random.Random(number)
    await asyncio.sleep(number * plan.ramp)
    try:
        async with StreamSession(address, token=token, timeout=plan.timeout) as stream:
            run = await stream.run()
            tally.ran(OPEN, run.seconds)
            for problem in judge(run, None):
                tally.failed(OPEN, f"phiên {number}: {problem}")
            titles = [p.page_name for p in run.pages if not p.is_hidden and (not plan.only or p.page_name in plan.only)]
            for step in range(plan.pages):
                await asyncio.sleep(plan.pause(rng))
                if plan.over() or not titles:
                    return
                title = titles[(number + step + 1) % len(titles)]
                run = await stream.run(title)
                tally.ran(VISIT, run.seconds, title)
                for problem in judge(run, title):
                    tally.failed(VISIT, f"phiên {number}, {title}: {problem}")
    except (StreamError, TimeoutError, OSError) as error:
        tally.failed(VISIT, f"phiên {number}: {type(error).__name__}: {error}")


HEADING = "(document.querySelector('h1') || {textContent: ''}).textContent"


async def mark(page) -> tuple[int, str]:
    """Where the page stands before a click: the runs finished so far and its heading."""
    return await page.evaluate(f"() => [window.__runs.finished, {HEADING}]")


async def browser_finished(page, before: tuple[int, str], timeout: float, href: str | None = None) -> None:
    """Wait until a run started after `before` has finished with a heading on the page (and at `href`). A run is
    known by the count of finished runs or by a new heading: a quick run can start and end between two polls of the
    count while the browser is busy drawing, and then only the heading says it happened."""
    where = f" && location.href === {json.dumps(href)}" if href else ""
    finished, heading = before
    await page.wait_for_function(
        f"() => (window.__runs.finished > {finished} || {HEADING} !== {json.dumps(heading)})"
        f" && document.querySelector(\"{IDLE}\") !== null && document.querySelector('h1') !== null{where}",
        polling="raf", timeout=timeout * 1000)


# What the page is at when a wait gives up: its address, runs finished, whether it is idle, its first heading.
STATE = f"""() => [location.href, window.__runs.finished, document.querySelector("{IDLE}") !== null,
                   (document.querySelector('h1') || {{textContent: 'không có h1'}}).textContent].join(' | ')"""


async def browser_problems(page) -> list[str]:
    found = await page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").all_inner_texts()
    return [text.strip().splitlines()[0] if text.strip() else "lỗi không lời" for text in found]


async def sidebar_links(page, only: frozenset[str]) -> list[str]:
    """The addresses of the sidebar's pages (those titled in `only`, when given), in its order: read in one call (a
    call a link took 5 s for 14 links under load)."""
    links = await page.evaluate("""() => [...document.querySelectorAll("[data-testid='stSidebarNavLink']")].map(
        a => [a.innerText.trim().split('\\n').pop().trim(), a.getAttribute('href')])""")  # the title is after the icon
    return [href for title, href in links if not only or title in only]


async def browser_user(number: int, browser, address: str, username: str, plan: Plan, tally: Tally) -> None:
    """One chromium context: sign in through the form, then click through the sidebar's pages."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    rng = random.Random(1000 + number)
    context = await browser.new_context(viewport={"width": 1400, "height": 1800}, locale="vi-VN")
    await context.add_init_script(WATCH)
    page = await context.new_page()
    page.set_default_timeout(plan.timeout * 1000)
    try:
        await page.goto(address)
        await page.get_by_label("Tên đăng nhập").fill(username)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.locator(IDLE).wait_for()
        before, started = await mark(page), time.perf_counter()
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.get_by_test_id("stSidebarNavLink").first.wait_for()
        await browser_finished(page, before, plan.timeout)
        tally.ran(SIGN_IN, time.perf_counter() - started)
        hrefs = await sidebar_links(page, plan.only)
        for step in range(plan.pages):
            await asyncio.sleep(plan.pause(rng))
            if plan.over() or not hrefs:
                return
            href = hrefs[(number + step + 1) % len(hrefs)]
            before, started = await mark(page), time.perf_counter()
            await page.locator(f"[data-testid='stSidebarNavLink'][href='{href}']").click()
            try:
                await browser_finished(page, before, plan.timeout, href)
            except PlaywrightTimeout:
                state = await page.evaluate(STATE)
                tally.failed(BROWSER, f"trình duyệt {number}, {href}: chưa chạy xong sau {plan.timeout:g} s ({state})")
                continue
            tally.ran(BROWSER, time.perf_counter() - started)
            for problem in await browser_problems(page):
                tally.failed(BROWSER, f"trình duyệt {number}, {href}: {problem}")
    except Exception as error:  # Playwright's own errors and timeouts: say which context and go on
        tally.failed(BROWSER, f"trình duyệt {number}: {type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await context.close()


async def bumper(url: str, every: float, plan: Plan) -> None:
    while every > 0 and not plan.over():
        await asyncio.sleep(every)
        await asyncio.to_thread(bump_version, url)


async def drive(address: str, url: str, args: argparse.Namespace) -> Tally:
    """Run every session and browser at once; return what they saw."""
    tally = Tally()
    tokens = issue_tokens(url, args.sessions + 1)
    warm_token = tokens.pop()[1]
    if args.warm_up:
        await warm_up(address, warm_token, tally, args.timeout)
    plan = Plan(pages=args.pages, think=args.think, ramp=args.ramp, only=frozenset(args.only), timeout=args.timeout,
                stop_at=time.monotonic() + args.duration)
    tasks = [websocket_user(i, address, token, plan, tally) for i, (_, token) in enumerate(tokens)]
    if args.browsers:
        from playwright.async_api import async_playwright

        executable = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable, headless=True)
            names = ["vanphong", "lanhdao", "donvi", "quantri"]
            tasks += [browser_user(i, browser, address, names[i % len(names)], plan, tally)
                      for i in range(args.browsers)]
            bump = asyncio.create_task(bumper(url, args.bump, plan))
            await asyncio.gather(*tasks)
            bump.cancel()
            await browser.close()
    else:
        bump = asyncio.create_task(bumper(url, args.bump, plan))
        await asyncio.gather(*tasks)
        bump.cancel()
    return tally


# --- the report ----------------------------------------------------------------------------------------------------

def summary(tally: Tally, args: argparse.Namespace, load: tuple[tuple[float, ...], tuple[float, ...]]) -> dict:
    """Count, median, 95th percentile and errors per kind of run, and all runs but the browsers' sign-in."""
    kinds = {}
    for kind in (WARM, OPEN, VISIT, BROWSER, SIGN_IN):
        found = tally.seconds.get(kind, [])
        kinds[kind] = {"runs": len(found), "median": statistics.median(found) if found else None,
                       "p95": percentile(found, 0.95) if found else None, "errors": len(tally.errors.get(kind, []))}
    pages = [s for kind in (OPEN, VISIT, BROWSER) for s in tally.seconds.get(kind, [])]
    overall = {"runs": len(pages), "median": statistics.median(pages) if pages else None,
               "p95": percentile(pages, 0.95) if pages else None,
               "errors": tally.error_count()}  # the warm-up's errors too: it runs the same pages
    return {"sessions": args.sessions, "browsers": args.browsers, "pages": args.pages, "think": args.think,
            "ramp": args.ramp,
            "bump": args.bump, "kinds": kinds, "all": overall, "target_p95": TARGET_P95,
            "met": overall["errors"] == 0 and overall["p95"] is not None and overall["p95"] < TARGET_P95,
            "pages_by_median": {page: round(statistics.median(found), 3) for page, found in sorted(
                tally.pages.items(), key=lambda item: -statistics.median(item[1]))},
            "slowest": max(pages) if pages else None,
            "load_before": load[0], "load_after": load[1], "cpus": os.cpu_count(),
            "first_errors": [e for found in tally.errors.values() for e in found[:3]]}  # a few of each kind


def table(result: dict) -> str:
    def seconds(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}s"

    changes = f", dữ liệu đổi mỗi {result['bump']:g} s" if result["bump"] else ""
    lines = [f"{result['sessions']} phiên websocket × {result['pages']} trang, {result['browsers']} trình duyệt, "
             f"nghỉ {result['think']:g} s giữa hai lần bấm, bắt đầu cách nhau {result['ramp']:g} s{changes}",
             f"{'Loại':<28} {'số lần':>6} {'trung vị':>9} {'p95':>8} {'lỗi':>4}"]
    for kind, row in [*result["kinds"].items(), ("Mọi lần chạy trang", result["all"])]:
        lines.append(f"{kind:<28} {row['runs']:>6} {seconds(row['median']):>9} {seconds(row['p95']):>8} "
                     f"{row['errors']:>4}")
    slow = ", ".join(f"{page} {median:.2f}s" for page, median in list(result["pages_by_median"].items())[:5])
    if slow:
        lines.append(f"Trang chậm nhất (trung vị websocket): {slow}; lần chậm nhất {seconds(result['slowest'])}")
    before, after = result["load_before"], result["load_after"]
    if result.get("server_peak_mib"):
        lines.append(f"Bộ nhớ lớn nhất của tiến trình ứng dụng: {result['server_peak_mib']} MiB")
    if result.get("server_cpu_per_run"):
        lines.append(f"CPU của tiến trình ứng dụng: {result['server_cpu_seconds']:g} s, "
                     f"{result['server_cpu_per_run'] * 1000:.0f} ms mỗi lần chạy trang")
    lines.append(f"Tải trung bình của máy (1/5/15 phút): trước {before[0]:.1f}/{before[1]:.1f}/{before[2]:.1f}, "
                 f"sau {after[0]:.1f}/{after[1]:.1f}/{after[2]:.1f}, trên {result['cpus']} lõi")
    lines += [f"  lỗi: {e}" for e in result["first_errors"]]
    lines.append(f"Mục tiêu (không lỗi, p95 dưới {result['target_p95']:g} s): "
                 + ("đạt" if result["met"] else "KHÔNG đạt"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20, help="websocket sessions at once")
    parser.add_argument("--pages", type=int, default=20, help="pages each session visits after opening the app")
    parser.add_argument("--duration", type=float, default=300, help="seconds after which no run starts")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a run's end and the next click")
    parser.add_argument("--ramp", type=float, default=0.25, help="seconds between two sessions' start")
    parser.add_argument("--browsers", type=int, default=2, help="chromium contexts clicking through at the same time")
    parser.add_argument("--bump", type=float, default=0, help="raise the data version every that many seconds")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a page run may take before it is an error")
    parser.add_argument("--demo", type=Path, default=None, help="a seeded SQLite database to copy instead of the demo")
    parser.add_argument("--only", action="append", default=[], metavar="TITLE",
                        help="visit only this page (its sidebar title; repeat for several)")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false",
                        help="start the load on a fresh process (its first runs import the libraries)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("streamlit", nargs="*", help="more `streamlit run` options, after --")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-load.") as folder:
        directory = Path(folder)
        started = time.perf_counter()
        url = prepare_database(directory, args.demo)
        print(f"Dữ liệu sẵn sàng sau {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        with app_server(url, directory, args.streamlit) as app:
            print(f"Ứng dụng sẵn sàng sau {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            load_before, cpu_before = os.getloadavg(), cpu_seconds(app.pid)
            tally = asyncio.run(drive(app.address, url, args))
            cpu_after = cpu_seconds(app.pid)
            print(f"Tải xong sau {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            result = summary(tally, args, (load_before, os.getloadavg()))
            result["server_peak_mib"] = peak_memory(app.pid)
            runs = sum(len(found) for found in tally.seconds.values())
            if cpu_before is not None and cpu_after is not None and runs:
                # What a page run costs the server whatever else the machine does: a capacity to plan with.
                result["server_cpu_seconds"] = round(cpu_after - cpu_before, 2)
                result["server_cpu_per_run"] = round((cpu_after - cpu_before) / runs, 3)
    print(json.dumps(result, ensure_ascii=False) if args.json else table(result))
    return 0 if result["all"]["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
