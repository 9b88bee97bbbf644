"""Glue shared by app.py and the pages: engine, sessions, the signed-in user, the year, the sign-in cookie, the
refusal and not-found pages, and Streamlit's own words in Vietnamese where it lets us (the file picker)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import streamlit as st
from streamlit import config as streamlit_config
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.pages_manager import PagesManager

from tdkt.core.config import SESSION_COOKIE, ConfigError, Settings
from tdkt.core.text import format_number

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from tdkt.core.models import User
    from tdkt.core.permissions import Actor

# The database layer (SQLAlchemy, SQLModel and the models: 0.6 s of CPU on a fresh process, 1.5–3 s of wall time
# under the CI's load) is imported by the functions that use it, at their first call: a fresh server's sign-in page
# draws its form before any of it (app.py, `may_be_signed_in`), and every later run finds it imported.
# st.context.cookies reads the cookie server-side on every connection; the component only writes/deletes it.

PAGES_DIR = Path(__file__).resolve().parent
HOME = "pages/tong_quan.py"  # app.py's default page: served at the root URL; /tong_quan leads there (home_alias)
REFUSAL = "Bạn không có quyền xem trang này."
NOT_FOUND = "Không tìm thấy trang"


@st.cache_resource(show_spinner="Đang mở cơ sở dữ liệu…")
def _open(url: str) -> tuple[Engine, bool]:
    """Migrate and seed the database once per process and URL; return the engine and the demo flag."""
    from tdkt.core import options
    from tdkt.core.db import read_session
    from tdkt.seeding import seed

    settings = Settings.from_env()
    engine, _ = seed.bootstrap(settings)
    with read_session(engine) as session:
        demo = bool(options.get(session, "demo", False))
    return engine, demo


def settings() -> Settings:
    """Return the settings from the environment (read on every run so tests can point elsewhere); a bad setting
    stops the run with its one Vietnamese message, no traceback (a page file opened straight from its URL)."""
    try:
        return Settings.from_env()
    except ConfigError as error:
        show_config_error(error)
        st.stop()


def config_error() -> ConfigError | None:
    """Return what is wrong with the settings, or None (app.py asks before it builds the navigation)."""
    try:
        Settings.from_env()
    except ConfigError as error:
        return error
    return None


def show_config_error(error: ConfigError) -> None:
    """Say which setting is wrong and what to do, in one message."""
    st.error(f"**Ứng dụng chưa chạy được vì một thiết lập của máy chủ chưa đúng.** {error} Người quản trị máy chủ "
             "sửa thiết lập này rồi khởi động lại ứng dụng.")


def engine() -> Engine:
    """Return the engine of the configured database."""
    return _open(settings().database_url)[0]


def is_demo() -> bool:
    """Return True when the open database is the demo one."""
    return _open(settings().database_url)[1]


@contextmanager
def db_read() -> Iterator[Session]:
    """Yield a read session."""
    from tdkt.core.db import read_session

    with read_session(engine()) as session:
        yield session


@contextmanager
def db_write(*, bump: bool = True) -> Iterator[Session]:
    """Yield a session in one write transaction (bump=False: sign-in bookkeeping, see `db.write_session`)."""
    from tdkt.core.db import write_session

    with write_session(engine(), bump=bump) as session:
        yield session


def current_user() -> User | None:
    """Return the signed-in user, reloaded from the database on every run: the browser's session token must still
    resolve, so a session ended anywhere (sign-out, password changed or reset, account locked, role or unit changed)
    is out at its next run, in every app process; the sign-in page then says why (`session_ended`)."""
    if not may_be_signed_in():
        return None  # no token to look up: the database is not opened for it
    from tdkt.core import auth

    state, secret = st.session_state, settings().secret_key
    with db_read() as session:
        if "token" not in state and state.get("user_id") is not None:
            # Only AppTest signs in by setting user_id alone; a browser's session always holds its token.
            found = auth.get_user(session, user_id=state["user_id"])
            if found is not None and found.active:
                return found
            state.pop("user_id", None)
        held = state.get("token")
        token = held or (None if state.get("signed_out") else st.context.cookies.get(auth.COOKIE_NAME))
        found = auth.user_from_token(session, token=token, secret=secret)
        if found is None and token:
            state["session_ended"] = auth.ended_notice(session, token=token, secret=secret)
    if found is None:
        if token:  # an ended token, held or in the cookie: drop both rather than look it up on every run
            for key in ("user_id", "token"):
                state.pop(key, None)
            state.update(signed_out=True, pending_cookie_delete=True)
        return None
    state.update(user_id=found.id, token=token)
    return found


def may_be_signed_in() -> bool:
    """Return False when this run has nothing that could name a signed-in user: no token held, no user id (AppTest's
    way), no sign-in cookie (or one this tab signed out of). `current_user` is then None without the database, which
    a fresh server's first sign-in page opens only after drawing its form."""
    state = st.session_state
    if state.get("token") or state.get("user_id") is not None:
        return True
    return not state.get("signed_out") and bool(st.context.cookies.get(SESSION_COOKIE))


def current_session() -> str | None:
    """Return the id of this browser's sign-in session (the one kept when its user changes the password)."""
    from tdkt.core import auth

    return auth.token_session(st.session_state.get("token"), secret=settings().secret_key)


def client_address() -> str | None:
    """Return the browser's address for sign-in throttling: the connection's, or X-Forwarded-For's only behind
    TDKT_TRUSTED_PROXIES proxies of ours (docs/deploy.md); None for a local connection."""
    from tdkt.core import throttle

    hops = settings().trusted_proxies
    forwarded = st.context.headers.get_all("X-Forwarded-For") if hops else []
    return throttle.client_address(st.context.ip_address, forwarded, trusted_proxies=hops)


def actor() -> Actor | None:
    """Return the signed-in user as an Actor for permission checks."""
    from tdkt.core.permissions import Actor

    user = current_user()
    return Actor.of(user) if user else None


def run_through_app() -> None:
    """Rerun through app.py when Streamlit ran this page file alone.

    Until a run of the process calls `st.navigation`, Streamlit treats pages/ as an old-style multipage folder: the
    first request to a page's URL on a fresh server (a reload, a bookmark of /tien_do) runs that file without app.py,
    so the sidebar lists every file of pages/ and the year selector and role menu are missing. The flag it keeps for
    this is the one `st.navigation` clears; clearing it and rerunning runs app.py, whose menu opens the same URL.
    Only on a server: AppTest resets the flag before every run and tests page files run this way (there the
    page's own refusals are what is tested; tests/test_browser_fresh_url.py tests the server).
    """
    if PagesManager.uses_pages_directory and not streamlit_config.get_option("global.appTest"):  # AppTest patches it
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_page(action: str = "xem") -> Actor:
    """Stop the page with a Vietnamese message unless the signed-in user may do the action."""
    from tdkt.core.permissions import Actor, can

    run_through_app()
    user = current_user()
    if user is not None and user.must_change_password:
        # app.py holds this gate, but a fresh server can open a page file straight from its URL (see app.py).
        st.error("Bạn cần đổi mật khẩu trước khi dùng hệ thống: mở trang chủ để đặt mật khẩu mới.")
        home_link(to_sign_in=True)
        st.stop()
    who = Actor.of(user) if user else None
    if who is None or not can(who, action):
        st.error(REFUSAL if who else "Bạn cần đăng nhập.")
        home_link(to_sign_in=who is None)
        st.stop()
    return who


def home_link(*, to_sign_in: bool = False) -> None:
    """A link back to Tổng quan, or to the app's main page to sign in; none where the run does not have that page
    (a page file that a fresh server runs alone has every file of pages/ and app.py; app.py's menu has Tổng quan)."""
    target, label = ("app.py", "Về trang đăng nhập") if to_sign_in else (HOME, "Về trang Tổng quan")
    try:
        st.page_link(target, label=label, icon=":material/home:")
    except StreamlitAPIException:  # not a page of this run: the sidebar is the way back
        pass


def page_paths() -> list[str]:
    """Return the URL path of every page file (pages/*.py but the _helpers): the known paths a browser may ask for."""
    return sorted(p.stem for p in PAGES_DIR.glob("*.py") if not p.name.startswith("_"))


def requested_path() -> str:
    """Return the page path the browser's address asks for, "" for the app's root (and under AppTest, which has no
    address): st.context.url without the scheme, host and server.baseUrlPath, decoded ("t%E1%BB%95ng" → "tổng")."""
    path = unquote(urlparse(st.context.url or "").path).strip("/")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    if base and (path == base or path.startswith(f"{base}/")):
        path = path[len(base):].strip("/")
    return path


def _unknown_path(listed: set[str]) -> list[str]:
    """Return the asked path when no page has it (and Streamlit can serve a page there: no "/" inside), else []."""
    asked = requested_path()
    known = listed | set(page_paths()) | {Path(HOME).stem}
    return [asked] if asked and asked not in known and "/" not in asked else []


def refused_page() -> None:
    """What a URL of a page outside the role's menu shows (app.py registers it hidden at every such path)."""
    st.header("Bạn không có quyền mở trang này", anchor=False)
    st.error(REFUSAL)
    st.caption("Trang này không có trong danh mục của tài khoản bạn. Chọn một trang ở thanh bên; cần dùng trang này "
               "thì đề nghị người quản trị cấp quyền.")
    home_link()


def not_found_page() -> None:
    """What a URL no page has shows, instead of Streamlit's English "Page not found" dialog."""
    st.title(NOT_FOUND, anchor=False)
    st.info(f"Địa chỉ “/{requested_path()}” không phải một trang của TĐKT Dashboard: có thể địa chỉ gõ chưa đúng "
            "hoặc trang đã đổi tên. Chọn một trang ở thanh bên.")
    home_link()


def home_alias() -> None:
    """What "/tong_quan" typed by hand shows: Tổng quan at the app's root, where the menu has it."""
    st.switch_page(HOME)


def with_refusals(menu: dict[str, list]) -> dict[str, list]:
    """Return the role's menu with, hidden, the refusal page at the URL of every page file the menu lacks, and the
    not-found page at an unknown URL the browser asks for: Streamlit shows its English "Page not found… Running the
    app's main page" for any URL no page of st.navigation has, and a page's URL is its file name.

    Tổng quan, the default page, is served at the root; its file name's URL goes to it through `home_alias`. That
    needs app.py to give the default page url_path="": a page's id is the hash of its url_path (the file name when
    none is given), even for the default page served at "", and two pages with one id are refused."""
    home = Path(HOME).stem
    listed = {page.url_path for section in menu.values() for page in section} | {home}
    hidden = [st.Page(home_alias, title="Tổng quan", url_path=home, visibility="hidden")]
    hidden += [st.Page(refused_page, title="Không có quyền mở trang", url_path=path, visibility="hidden")
               for path in page_paths() if path not in listed]
    hidden += [st.Page(not_found_page, title=NOT_FOUND, url_path=path, visibility="hidden")
               for path in _unknown_path(listed)]
    first = next(iter(menu))
    return {**menu, first: [*menu[first], *hidden]}


def gate_pages(view: Callable[[], None], title: str, url_path: str | None = None) -> list:
    """Return the signing-in (or first password change) view as the only page, served at the root and, hidden, at
    every page's URL and an unknown one asked for: no English "Page not found", and once signed in the browser is
    still on the page it asked for."""
    own = {url_path or getattr(view, "__name__", "")}  # the first page's own path: a second page there would clash
    paths = [p for p in page_paths() if p not in own] + _unknown_path(own)
    return [st.Page(view, title=title, url_path=url_path, default=True),
            *(st.Page(view, title=title, url_path=p, visibility="hidden") for p in paths)]


def _css_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a CSS string: quotes and backslashes escaped as in JSON


def file_uploader(label: str, types: list[str], *, key: str, multiple: bool = False, max_mb: float | None = None,
                  help: str | None = None, container=None):
    """st.file_uploader with Streamlit's own words in Vietnamese: the button reads “Chọn tệp” and the line beside it
    “Tối đa 20 MB một tệp · .xlsx, .ods” instead of "Upload" and "20MB per file • XLSX, ODS". Streamlit offers no
    option for either, so CSS on its stable test ids (stFileUploaderDropzone…, stBaseButton-secondary) under this
    uploader's key class swaps the text; the English it still writes is listed in docs/DESIGN.md."""
    limit = max_mb if max_mb is not None else float(st.get_option("server.maxUploadSize"))
    note = f"Tối đa {format_number(limit, 0 if limit == int(limit) else 1)} MB một tệp · " + ", ".join(
        f".{t}" for t in types)
    scope = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    st.html(f"""<style>
{scope} [data-testid='stFileUploaderDropzoneInstructions'] span {{ font-size: 0; }}
{scope} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{ content: {_css_text(note)};
  font-size: 0.875rem; }}
{scope} [data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer'] p {{ font-size: 0; }}
{scope} [data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer'] p::after {{
  content: {_css_text("Chọn tệp")}; font-size: 0.875rem; }}
</style>""")
    return (container or st).file_uploader(label, type=types, accept_multiple_files=multiple, key=key, help=help,
                                           max_upload_size=None if max_mb is None else max(1, math.ceil(max_mb)))


def sign_in(username: str, password: str) -> None:
    """Check the credentials under the throttle, start a session and queue the cookie; raises auth.AuthError once the
    failure it records (and audits) is committed."""
    from tdkt.core import auth, throttle

    cfg = settings()
    with db_write(bump=False) as session:  # sessions and failures only: every cached figure stays current
        result = auth.sign_in(session, username=username, password=password, address=client_address(),
                              secret=cfg.secret_key, hours=cfg.session_hours, limits=throttle.Limits.of(cfg))
        user_id = result.user.id if result.user else None
    result.raise_refusal()
    st.session_state.pop("session_ended", None)
    st.session_state.update(user_id=user_id, token=result.token, signed_out=False,
                            pending_cookie=(result.token, result.expires.isoformat()))


def sign_out() -> None:
    """Revoke the session server-side and queue the cookie's deletion."""
    from tdkt.core import audit, auth

    cfg = settings()
    who = actor()
    with db_write(bump=False) as session:
        auth.revoke_token(session, token=st.session_state.get("token"), secret=cfg.secret_key)
        if who:
            audit.record(session, who, "dang_xuat", "nguoi_dung", who.id, f"{who.username} đăng xuất.")
    for key in ("user_id", "token", "pending_cookie"):
        st.session_state.pop(key, None)
    st.session_state["signed_out"] = True
    st.session_state["pending_cookie_delete"] = True


def cookie_script(token: str | None, *, expires: datetime | None = None, secure: bool = False) -> str:
    """Return the <script> that writes the sign-in cookie (token) or deletes it (None) with document.cookie: path /,
    SameSite=Strict, expiring with the session (an HTTP date), Secure only on HTTPS (a browser drops a Secure cookie
    that a plain-HTTP page writes). It cannot be HttpOnly: JavaScript writes it (docs/deploy.md)."""
    when = format_datetime((expires or datetime(1970, 1, 1, tzinfo=UTC)).astimezone(UTC), usegmt=True)
    parts = [f"{SESSION_COOKIE}={token or ''}", "path=/", f"expires={when}", "samesite=strict"]
    if secure:
        parts.append("secure")
    return f"<script>document.cookie = {json.dumps('; '.join(parts))};</script>"


def flush_cookie() -> None:
    """Write or delete the sign-in cookie queued by sign_in/sign_out, in the browser, by a script in this run's page.
    A component would do it too, but a component answers with a value, and that answer is a rerun of the page the
    browser was on when it drew the component: a click made meanwhile (a link just after signing in) was undone."""
    pending = st.session_state.pop("pending_cookie", None)
    if pending:
        token, expires = pending
        secure = (st.context.url or "").startswith("https:")
        st.html(cookie_script(token, expires=datetime.fromisoformat(expires), secure=secure),
                unsafe_allow_javascript=True)
    if st.session_state.pop("pending_cookie_delete", False):
        st.html(cookie_script(None), unsafe_allow_javascript=True)


def _plan_years() -> list[int]:
    from tdkt.plan import plan  # here, not at the top: it imports pandas, which the sign-in page does not need

    with db_read() as session:
        return plan.years(session)


def year_options() -> list[int]:
    """Return the years to choose from, newest first: every plan year and this year (nominations and records of the
    current year are entered before its plan is copied)."""
    return sorted(set(_plan_years()) | {date.today().year}, reverse=True)


def selected_year() -> int:
    """Return the year chosen in the sidebar (the latest year with a plan by default, else this year). The choice is
    also kept under a plain key: Streamlit drops a widget's key after a run that did not draw it (a page run on its
    own, as AppTest runs it, or a rerun that stops before the sidebar), and the year must not fall back then."""
    state = st.session_state
    year = state.get("year", state.get("year_kept"))
    state["year_kept"] = year
    if year in year_options():
        return year
    found = _plan_years()
    return found[0] if found else date.today().year


def show_error(error: Exception) -> None:
    """Show a refused action's Vietnamese message."""
    st.error(str(error))


def show_findings(frame, *, limit: int = 200, key: str = "findings") -> None:
    """List rule findings as readable lines (who — award, then each reason with its article), the first `limit`.

    More than ten are gathered by award and reasons (`finding_groups`), with a toggle back to one line each."""
    from tdkt.awards.finding_groups import GROUP_FROM, group_findings, listing

    if len(frame) >= GROUP_FROM and not st.toggle("Xem từng đề nghị", key=f"{key}_each",
                                                  help="Tắt: gộp các đề nghị cùng danh hiệu và cùng lý do."):
        for group in group_findings(frame)[:limit]:
            where = f" · dòng {listing(group.rows, noun='dòng')}" if group.rows else ""
            st.markdown(f"**{group.award}** — {len(group.names)} đề nghị{where}")
            st.caption(listing(group.names) + "  \n" + group.reasons.replace("\n", "  \n"))
        return
    for row in frame.head(limit).itertuples():
        where = f"Dòng {row.row} · " if hasattr(row, "row") else ""
        unit = f" ({row.unit})" if getattr(row, "unit", None) else ""
        st.markdown(f"{where}**{row.name}** — {row.award}{unit}")
        st.caption(row.reasons.replace("\n", "  \n"))
    if len(frame) > limit:
        st.caption(f"… và {len(frame) - limit} đề nghị khác: tải bảng .xlsx để xem đủ.")
