"""Benchmark: named interactions in headless Chromium on the demo database, median of --rounds, as a table.

Run: .venv/bin/python bench/ui.py [--rounds 5] [--demo PATH] [--only TEXT]
Builds the demo database (`python -m tdkt demo`) in a temp folder, or copies --demo, runs `streamlit run app.py` over
it as tests/conftest.py does, and drives Debian's chromium through Playwright (../shared/RECIPES.md). Each round signs
in a fresh Office account that must change its password, then times every interaction from the click until the
app's script run it starts has finished (`[data-testid=stApp]`'s data-test-script-state), what it shows is there,
every element's code is loaded and every plotly chart drawn (`DRAWN`) and the page has stopped changing (checked
at every animation frame); a first view counts from the click on the page's sidebar link. Before each first view
the data version is raised (as any write does), so the page reads the database again instead of its cached results:
that is a page's first view after a change.
Prints interaction, median, target and ok; the targets are issue #20's (a filter, a selection or a tab ≤ 0.5 s, a
page's first view ≤ 1 s, sign-in ≤ 2 s). tests/test_bench_ui.py runs one round as a smoke test (no timing asserted).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file's own folder goes off the path: its name would hide the app's pages/ package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from tdkt.core import auth  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.config import Settings  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.db import make_engine  # noqa: E402 -- needs ROOT on sys.path
from tdkt.core.models import Role, User  # noqa: E402 -- needs ROOT on sys.path

PASSWORD = "BenchUi2024"
NEW_PASSWORD = "BenchUi2025x"
SIGN_IN, FIRST_VIEW, CHANGE = 2.0, 1.0, 0.5
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Drawn: no element still waits for its lazily loaded code (Streamlit's Suspense placeholder, stSkeleton) and every
# plotly chart has its SVG. Without it a step ended while PlotlyChart's 4.7 MB chunk downloaded (no change on the page
# for 150 ms): the 1.2-2.8 s of loading and drawing Tổng quan's charts were counted in the next step (Đăng xuất).
DRAWN = ("document.querySelector(\"[data-testid='stSkeleton']\") === null && [...document.querySelectorAll("
         "\"[data-testid='stPlotlyChart']\")].every(chart => chart.querySelector('.main-svg') !== null)")


@dataclass(frozen=True)
class Step:
    """One timed interaction: `prepare` (untimed) brings the page to it, `act` is the user's click or key press,
    `shown` is a JavaScript expression true once the result is on the page."""

    name: str
    target: float
    act: Callable
    shown: str
    prepare: Callable | None = None
    first_view: bool = False


def build_demo(directory: Path, given: Path | None) -> str:
    """Return the URL of a copy of the demo database (built when not given) with the bench's accounts."""
    path = directory / "demo.db"
    directory.mkdir(parents=True, exist_ok=True)
    if given:
        shutil.copy(given, path)
    else:
        from tdkt.seeding import demo

        # The demo's drafted documents go to the bench's own folder (the server below reads it), not to data/files.
        demo.build(path, settings=replace(Settings(), secret_key="bench-ui-secret-0123456789abcdef",
                                          file_store=str(directory / "files")))
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    hashed = auth.hash_password(PASSWORD)
    with Session(engine) as session:
        office = session.exec(select(User).where(User.username == "vanphong")).one()
        office.password_hash, office.must_change_password = hashed, False
        session.add(office)
        session.commit()
    engine.dispose()
    return url


def add_first_timer(url: str, name: str) -> None:
    """Add an Office account that must change its password at its first sign-in (one per round)."""
    engine = make_engine(url)
    with Session(engine) as session:
        session.add(User(username=name, display_name=f"Văn phòng {name}", role=Role.VAN_PHONG.value,
                         password_hash=auth.hash_password(PASSWORD), must_change_password=True))
        session.commit()
    engine.dispose()


def bump_version(url: str) -> None:
    """Raise the data version as a write does, so that the next view reads the database, not its cached results."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    engine.dispose()


# From the action on, every change of the page is noted; the step ends at the last change before the page stays still
# 150 ms with the run over and the result shown (a change so fast that no running state is ever drawn is still seen).
SETTLE_JS = """
window.__changed = 0;
if (window.__watch) window.__watch.disconnect();
window.__watch = new MutationObserver(() => { window.__changed = performance.now(); });
window.__watch.observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
"""


def timed(page, step: Step) -> float:
    """Run the step's action; return the seconds until the page, its run over and its result shown, last changed.

    Checked at every animation frame; a step that changes nothing at all ends when its result shows, after 2 s. It
    starts once the page before it is drawn: a click made while charts draw waits for them."""
    page.wait_for_function(f"""() => document.querySelector("{IDLE}") !== null && {DRAWN}""", polling="raf")
    page.evaluate(SETTLE_JS)
    start = page.evaluate("performance.now()")
    step.act(page)
    end = page.wait_for_function(
        f"""() => {{
            const now = performance.now();
            const ready = document.querySelector("{IDLE}") !== null && {DRAWN} && ({step.shown});
            if (ready && window.__changed > 0 && now - window.__changed > 150) return window.__changed;
            if (ready && window.__changed === 0 && now - {start} > 2000) return now;
            return false;
        }}""", polling="raf", timeout=30_000).json_value()
    return (end - start) / 1000


def heading(text: str) -> str:
    return f"[...document.querySelectorAll('h1')].some(h => h.textContent.includes({text!r}))"


def text_shown(text: str) -> str:
    return f"document.body.innerText.includes({text!r})"


def sidebar(title: str) -> Callable:
    return lambda page: page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).click()


def choose(label: str, option: str | None, *, tab: str | None = None) -> tuple[Callable, Callable]:
    """Return (prepare, act) picking `option` (None: the second one) in the selectbox labelled `label`: the list
    opens untimed. With `tab`, the box is the one in that tab, opened first (a hidden tab's are not clickable)."""
    def box(page):
        where = page if tab is None else _panel(page, tab)
        return where.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)).first

    def prepare(page):
        if tab is not None:
            page.get_by_role("tab", name=tab, exact=True).click()
        box(page).scroll_into_view_if_needed()
        box(page).get_by_role("button", name="Open").click()
        page.get_by_role("listbox").wait_for()

    def act(page):
        options = page.get_by_role("listbox").get_by_role("option")
        (options.nth(1) if option is None else options.get_by_text(option, exact=True)).click()

    return prepare, act


def fill(page, username: str) -> None:
    """Type the credentials once the sign-in page has settled (the cookie's deletion after a sign-out reruns it, which
    would clear what was typed before)."""
    page.locator(IDLE).wait_for()
    page.wait_for_timeout(300)
    page.locator(IDLE).wait_for()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)


def recover(page, server: str) -> None:
    """After a step that could not be done: open the app again, signed in as the Office (untimed)."""
    page.goto(server)
    page.locator(IDLE).wait_for()
    if page.get_by_label("Tên đăng nhập").count():
        fill(page, "vanphong")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_function(heading("Tổng quan công tác thi đua"))
        page.locator(IDLE).wait_for()


def sign_in_steps(name: str) -> list[Step]:

    def change(page):
        page.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
        page.get_by_label("Mật khẩu mới (ít nhất 8 ký tự, có chữ và số)").fill(NEW_PASSWORD)
        page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)

    overview = heading("Tổng quan công tác thi đua")
    return [
        Step("Đăng nhập lần đầu → trang Đổi mật khẩu", SIGN_IN, prepare=lambda p: fill(p, name),
             act=lambda p: p.get_by_role("button", name="Đăng nhập").click(), shown=heading("Đổi mật khẩu")),
        Step("Đổi mật khẩu bắt buộc → Tổng quan", SIGN_IN, prepare=change,
             act=lambda p: p.get_by_role("button", name="Đổi mật khẩu").click(), shown=overview),
        Step("Đăng xuất → trang Đăng nhập", SIGN_IN,
             act=lambda p: p.get_by_test_id("stSidebar").get_by_role("button", name="Đăng xuất").click(),
             shown=heading("TĐKT Dashboard")),
        Step("Đăng nhập → Tổng quan", SIGN_IN, prepare=lambda p: fill(p, "vanphong"),
             act=lambda p: p.get_by_role("button", name="Đăng nhập").click(), shown=overview),
    ]


def page_steps(year: int) -> list[Step]:
    """Every page's first view, then the interactions inside the pages, in the order a round runs them."""
    pages = [("Tiến độ kế hoạch", f"Tiến độ kế hoạch TĐKT năm {year}"),
             ("Cụm thi đua & giao ước", f"Cụm thi đua & giao ước năm {year}"),
             ("Phong trào thi đua", "Phong trào thi đua"),
             ("Thống kê khen thưởng", f"Thống kê khen thưởng năm {year}"),
             ("Sơ kết / Tổng kết", f"Sơ kết / Tổng kết công tác thi đua, khen thưởng năm {year}"),
             ("Tra cứu cá nhân, tập thể", "Tra cứu cá nhân, tập thể"),
             ("Tiếp nhận hồ sơ", f"năm {year}"),
             ("Hồ sơ đề nghị", f"Hồ sơ đề nghị khen thưởng năm {year}"),
             ("Tổng quan", f"Tổng quan công tác thi đua, khen thưởng năm {year}")]
    steps = [Step(f"Mở trang {title} (lần đầu sau khi dữ liệu đổi)", FIRST_VIEW, act=sidebar(title),
                  shown=heading(expected), first_view=True) for title, expected in pages]

    def visit(title: str, expected: str) -> Callable:
        def go(page):
            sidebar(title)(page)
            page.wait_for_function(heading(expected))
            page.locator(IDLE).wait_for()
        return go

    stats = visit("Thống kê khen thưởng", f"Thống kê khen thưởng năm {year}")
    prepare, act = choose("Đơn vị", "Văn phòng Sở")
    steps.append(Step("Thống kê: lọc theo đơn vị", CHANGE, act=act, shown="true",
                      prepare=lambda p: (stats(p), prepare(p))))
    prepare_award, act_award = choose("Danh hiệu, hình thức", "Lao động tiên tiến")
    steps.append(Step("Thống kê: lọc theo danh hiệu", CHANGE, act=act_award, shown="true", prepare=prepare_award))
    review = visit("Sơ kết / Tổng kết", f"Sơ kết / Tổng kết công tác thi đua, khen thưởng năm {year}")
    steps.append(Step("Sơ kết: chọn kỳ Cả năm", CHANGE, prepare=review, shown=text_shown("Kỳ báo cáo: cả năm"),
                      act=lambda p: p.get_by_test_id("stRadio").get_by_text("Cả năm", exact=True).click()))
    dossiers = visit("Hồ sơ đề nghị", f"Hồ sơ đề nghị khen thưởng năm {year}")
    prepare_status, act_status = choose("Bước", "Đề nghị")
    steps.append(Step("Hồ sơ đề nghị: lọc theo bước", CHANGE, act=act_status, shown="true",
                      prepare=lambda p: (dossiers(p), prepare_status(p))))
    every_step, every_act = choose("Bước", "Tất cả")

    def every_prepare(page):  # the step filter back to all (the one before may show no nomination): untimed
        dossiers(page)
        every_step(page)
        every_act(page)
        page.locator(IDLE).wait_for()
        page.get_by_test_id("stCheckbox").filter(has_text="Chọn tất cả").first.wait_for()

    steps.append(Step("Hồ sơ đề nghị: chọn tất cả đề nghị đang lọc", CHANGE, shown=text_shown("Chuyển sang"),
                      prepare=every_prepare,
                      act=lambda p: p.get_by_test_id("stCheckbox").filter(has_text="Chọn tất cả").first.click()))
    plan = visit("Tiến độ kế hoạch", f"Tiến độ kế hoạch TĐKT năm {year}")
    prepare_task, act_task = choose("Nhiệm vụ", None)
    steps.append(Step("Tiến độ kế hoạch: chọn nhiệm vụ cần cập nhật", CHANGE, act=act_task, shown="true",
                      prepare=lambda p: (plan(p), prepare_task(p))))
    return [*steps, *scoring_and_dossier_steps(year), *council_and_registration_steps(year)]


# Chấm điểm thi đua cụm and the rest of Hồ sơ đề nghị (#20): the cluster, round and member picks, the tabs, the
# dossiers' tick, target step, award, unit and text filters.
def _panel(page, tab: str):
    return page.get_by_role("tabpanel", name=tab)


def _choose_in(tab: str, label: str, option: str | None) -> tuple[Callable, Callable]:
    """`choose` for the selectbox labelled `label` in the tab `tab`."""
    return choose(label, option, tab=tab)


def scoring_and_dossier_steps(year: int) -> list[Step]:
    """Chấm điểm's first view and its interactions, then Hồ sơ đề nghị's besides the step filter and "Chọn tất cả"."""
    title = f"Chấm điểm thi đua cụm năm {year}"

    def scoring(page):
        sidebar("Chấm điểm thi đua cụm")(page)
        page.wait_for_function(heading(title))
        page.locator(IDLE).wait_for()

    def tab(name: str) -> Callable:
        return lambda page: page.get_by_role("tab", name=name, exact=True).click()

    prepare_cluster, act_cluster = choose("Cụm thi đua", None)
    prepare_member, act_member = _choose_in("Vòng chấm", "Thành viên", None)
    # Each tab's `shown` is a text its own part draws (the tabs are lazy: a tab's part is sent when it opens). The
    # member pick of "Điểm theo thành viên" is not timed: the demo's department heads no cluster, it sees only itself.
    steps = [
        Step("Mở trang Chấm điểm thi đua cụm (lần đầu sau khi dữ liệu đổi)", FIRST_VIEW,
             act=sidebar("Chấm điểm thi đua cụm"), shown=heading(title), first_view=True),
        Step("Chấm điểm: chọn cụm", CHANGE, act=act_cluster, shown="true",
             prepare=lambda p: (scoring(p), prepare_cluster(p))),
        Step("Chấm điểm: mở thẻ Vòng chấm", CHANGE, act=tab("Vòng chấm"), shown=text_shown("Bảng tự chấm của")),
        Step("Chấm điểm: chọn vòng chấm", CHANGE, shown=text_shown("Bảng thẩm định của"),
             act=lambda p: _panel(p, "Vòng chấm").get_by_test_id("stRadio").get_by_text("Thẩm định",
                                                                                        exact=True).click()),
        Step("Chấm điểm: chọn thành viên", CHANGE, act=act_member, shown="true", prepare=prepare_member),
        Step("Chấm điểm: mở thẻ Điểm theo thành viên", CHANGE, act=tab("Điểm theo thành viên"),
             shown=text_shown("Tổng điểm / tối đa áp dụng")),
        Step("Chấm điểm: mở thẻ Kết quả", CHANGE, act=tab("Kết quả"), shown=text_shown("Kết quả chấm điểm")),
        Step("Chấm điểm: về thẻ Bảng tiêu chí", CHANGE, act=tab("Bảng tiêu chí"),
             shown=text_shown("Tải bảng tiêu chí (.xlsx)")),
    ]

    def dossiers(page):
        sidebar("Hồ sơ đề nghị")(page)
        page.wait_for_function(heading(f"Hồ sơ đề nghị khen thưởng năm {year}"))
        page.locator(IDLE).wait_for()

    def grid(page):
        return page.get_by_test_id("stDataFrame").filter(has=page.locator("canvas")).last

    def prepare_tick(page):  # Hồ sơ afresh, through another page: no tick nor filter left from the steps before
        sidebar("Tài khoản của tôi")(page)
        page.wait_for_function(heading("Tài khoản của tôi"))
        page.locator(IDLE).wait_for()
        dossiers(page)
        grid(page).scroll_into_view_if_needed()
        grid(page).locator("canvas").first.wait_for()

    prepare_to, act_to = choose("Chuyển sang", "Đã trình cấp trên")
    prepare_award, act_award = choose("Danh hiệu, hình thức", "Lao động tiên tiến")
    prepare_unit, act_unit = choose("Đơn vị", "Văn phòng Sở")
    search = "Tìm theo tên, danh hiệu, đơn vị, quyết định"
    steps += [
        # The first row's "Chọn" box (35 px rows, the header first): a click beside the box selects the cell only.
        Step("Hồ sơ đề nghị: chọn một đề nghị", CHANGE, prepare=prepare_tick, shown=text_shown("Đã chọn 1"),
             act=lambda p: grid(p).click(position={"x": 38, "y": 35 + 35 / 2})),
        Step("Hồ sơ đề nghị: chọn bước chuyển sang", CHANGE, act=act_to, shown=text_shown("Ngày trình"),
             prepare=prepare_to),
        Step("Hồ sơ đề nghị: tìm theo tên", CHANGE, shown="true",
             act=lambda p: (p.get_by_label(search).fill("Nguyễn"), p.get_by_label(search).press("Enter"))),
        Step("Hồ sơ đề nghị: lọc theo danh hiệu", CHANGE, act=act_award, shown="true", prepare=prepare_award),
        Step("Hồ sơ đề nghị: lọc theo đơn vị", CHANGE, act=act_unit, shown="true", prepare=prepare_unit),
    ]
    return steps



# Hội đồng TĐKT and Đăng ký thi đua (#20): their first views, every tab and the filters. The demo's council met once,
# so the round choice ("Vòng 2") is not offered there and not timed. A tab's step waits for a text of that tab only
# (a hidden tab's text is not in innerText) and, through DRAWN, for its charts.
def council_and_registration_steps(year: int) -> list[Step]:
    """Hội đồng TĐKT's first view and tabs, then Đăng ký thi đua's first view, unit filter, search and tabs."""
    council, registered = f"Hội đồng Thi đua - Khen thưởng năm {year}", f"Đăng ký thi đua năm {year}"

    def tab(name: str) -> Callable:
        return lambda page: page.get_by_role("tab", name=name, exact=True).click()

    def registrations(page):
        if not page.evaluate(f"() => {heading(registered)}"):
            sidebar("Đăng ký thi đua")(page)
            page.wait_for_function(heading(registered))
            page.locator(IDLE).wait_for()

    prepare_unit, act_unit = choose("Đơn vị", "Văn phòng Sở")
    prepare_all, act_all = choose("Đơn vị", "Tất cả đơn vị")
    search = "Tìm theo tên, chức vụ, đơn vị, danh hiệu (không cần dấu)"
    stats = text_shown("Đã đề nghị: có đề nghị khen thưởng của năm")
    return [
        Step("Mở trang Hội đồng TĐKT (lần đầu sau khi dữ liệu đổi)", FIRST_VIEW, act=sidebar("Hội đồng TĐKT"),
             shown=heading(council), first_view=True),
        Step("Hội đồng TĐKT: mở thẻ Bỏ phiếu", CHANGE, act=tab("Bỏ phiếu"), shown=text_shown("Ghi kết quả bỏ phiếu")),
        Step("Hội đồng TĐKT: mở thẻ Cuộc họp", CHANGE, act=tab("Cuộc họp"), shown=text_shown("Lưu cuộc họp")),
        Step("Hội đồng TĐKT: mở thẻ Phiếu bầu, biên bản", CHANGE, act=tab("Phiếu bầu, biên bản"),
             shown=text_shown("Biên bản họp Hội đồng vòng 1")),
        Step("Hội đồng TĐKT: mở thẻ Thành viên", CHANGE, act=tab("Thành viên"),
             shown=text_shown("Lưu danh sách thành viên")),
        Step("Mở trang Đăng ký thi đua (lần đầu sau khi dữ liệu đổi)", FIRST_VIEW, act=sidebar("Đăng ký thi đua"),
             shown=heading(registered), first_view=True),
        Step("Đăng ký thi đua: lọc theo đơn vị", CHANGE, act=act_unit, shown="true",
             prepare=lambda p: (registrations(p), prepare_unit(p))),
        Step("Đăng ký thi đua: tìm theo tên", CHANGE, shown="true", prepare=registrations,
             act=lambda p: (p.get_by_label(search).fill("Nguyễn"), p.get_by_label(search).press("Enter"))),
        Step("Đăng ký thi đua: mở thẻ Thống kê", CHANGE, act=tab("Thống kê"), shown=stats),
        Step("Đăng ký thi đua: lọc theo đơn vị trong thẻ Thống kê", CHANGE, act=act_all, shown=stats,
             prepare=prepare_all),
        Step("Đăng ký thi đua: mở thẻ Tải lên bảng đăng ký", CHANGE, act=tab("Tải lên bảng đăng ký"),
             shown=text_shown("Tải mẫu bảng đăng ký")),
        Step("Đăng ký thi đua: mở thẻ Danh sách đăng ký", CHANGE, act=tab("Danh sách đăng ký"),
             shown=text_shown("Thêm đăng ký")),
    ]


def round_(browser, server: str, url: str, number: int, year: int, *, keep: Callable[[Step], bool] = lambda s: True,
           strict: bool = False) -> dict[str, float]:
    """Run one round in a fresh browser context (the steps `keep` keeps, in order); return the seconds of each.

    A step that cannot be done is reported and skipped, or raised when strict (the smoke test)."""
    from playwright.sync_api import Error as PlaywrightError

    name = f"bench{number}"
    add_first_timer(url, name)
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    found: dict[str, float] = {}
    try:
        page.goto(server)
        page.get_by_label("Tên đăng nhập").wait_for()
        for step in [s for s in (*sign_in_steps(name), *page_steps(year)) if keep(s)]:
            try:
                if step.prepare:
                    step.prepare(page)
                if step.first_view:
                    bump_version(url)
                found[step.name] = timed(page, step)
            except PlaywrightError as error:  # say which step could not be done, and go on with the others
                if strict:
                    raise
                print(f"  không làm được “{step.name}”: {str(error).splitlines()[0]}", file=sys.stderr)
                recover(page, server)
    finally:
        context.close()
    return found


def table(rows: list[tuple[str, float, float]]) -> str:
    """Return the rows (interaction, median seconds, target seconds) as a plain-text table with an ok column."""
    width = max(len(r[0]) for r in rows)
    lines = [f"{'Thao tác':<{width}}  {'trung vị':>8}  {'mục tiêu':>8}  đạt"]
    for name, median, target in rows:
        lines.append(f"{name:<{width}}  {median:7.2f}s  {target:7.1f}s  {'có' if median <= target else 'KHÔNG'}")
    return "\n".join(lines)


def measure(server: str, url: str, *, rounds: int, year: int, keep: Callable[[Step], bool] = lambda s: True,
            browser=None, strict: bool = False) -> list[tuple[str, float, float]]:
    """Run the rounds against a running server (in `browser`, else a chromium of its own); return (interaction,
    median seconds, target seconds) in the order the steps ran."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {}
    with contextlib.ExitStack() as stack:
        if browser is None:
            playwright = stack.enter_context(sync_playwright())
            executable = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
            browser = playwright.chromium.launch(executable_path=executable, headless=True)
            stack.callback(browser.close)
        for number in range(rounds):
            for name, seconds in round_(browser, server, url, number, year, keep=keep, strict=strict).items():
                times.setdefault(name, []).append(seconds)
            print(f"  vòng {number + 1}/{rounds} xong", file=sys.stderr, flush=True)
    targets = {s.name: s.target for s in [*sign_in_steps(""), *page_steps(year)]}
    return [(name, statistics.median(found), targets[name]) for name, found in times.items()]


def only(text: str) -> Callable[[Step], bool]:
    """Keep the steps whose name holds `text` (all when empty), and the sign-in ones, which the others need."""
    signing_in = {s.name for s in sign_in_steps("")}
    return lambda step: not text or text in step.name or step.name in signing_in


def demo_year(url: str) -> int:
    """Return the year the app opens on (the latest plan year)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        year = conn.execute(sa.text("SELECT max(year) FROM plan")).scalar_one()
    engine.dispose()
    return int(year)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--demo", type=Path, default=None, help="a demo database to copy instead of building one")
    parser.add_argument("--only", default="", help="time only the interactions whose name contains this text")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import streamlit_server  # the tests' own server runner

    with tempfile.TemporaryDirectory(prefix="tdkt-bench-ui.") as folder:
        directory = Path(folder)
        os.environ["TDKT_FILE_STORE"] = str(directory / "files")  # inherited by the app server
        started = time.perf_counter()
        url = build_demo(directory, args.demo)
        print(f"Dữ liệu minh họa sẵn sàng sau {time.perf_counter() - started:.1f} s", file=sys.stderr)
        before = os.getloadavg()[0]
        with streamlit_server(url, directory) as server:
            rows = measure(server, url, rounds=args.rounds, keep=only(args.only), year=demo_year(url))
    print(table(rows))
    # The wall times stretch with the other processes' load on the shared cores: say it beside them.
    print(f"Tải máy (load average 1 phút, {os.cpu_count()} lõi): {before:.1f} lúc bắt đầu, {os.getloadavg()[0]:.1f} "
          "lúc kết thúc")


if __name__ == "__main__":
    main()
