"""Settings read from the environment (TDKT_* variables), with defaults that run on a fresh machine."""

from __future__ import annotations

import errno
import math
import os
import re
import secrets
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import tdkt.core.clock  # noqa: F401  (for its effect: the process's day is Vietnam's)
from tdkt.core.errors import Refused

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'tdkt.db'}"
# The sign-in cookie's name (auth.COOKIE_NAME): here too, so that the sign-in page sees there is none to look up
# without importing auth and the database layer (pages/_common.may_be_signed_in).
SESSION_COOKIE = "tdkt_phien"


class ConfigError(Refused):
    """A TDKT_* variable has a value that cannot be used; the message names it."""


def _positive_number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:  # "nan" and "inf" parse as floats too
        raise ConfigError(f"Biến môi trường {name}={raw!r} phải là một số dương, ví dụ {name}={default:g}.")
    return value


def _positive_whole(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _positive_number(environ, name, default)
    if not float(value).is_integer():
        raise ConfigError(f"Biến môi trường {name}={environ.get(name)!r} phải là một số nguyên dương, "
                          f"ví dụ {name}={default}.")
    return int(value)


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    """A whole number that may be 0 (how many proxies stand in front of the app)."""
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    if not raw.strip().isdigit():
        raise ConfigError(f"Biến môi trường {name}={raw!r} phải là một số nguyên không âm, ví dụ {name}={default}.")
    return int(raw)


def _folder(environ: Mapping[str, str], name: str, default: Path) -> str:
    """A folder path; a relative one is taken from the project's root, whatever the working directory."""
    raw = (environ.get(name) or "").strip()
    return str(PROJECT_ROOT / raw if raw and not Path(raw).is_absolute() else Path(raw) if raw else default)


_YES, _NO = {"1", "true", "yes", "on", "co", "có"}, {"0", "false", "no", "off", "khong", "không"}


def _smtp(environ: Mapping[str, str]) -> dict:
    """The reminder e-mail server (TDKT_SMTP_*): off while TDKT_SMTP_HOST is empty; STARTTLS unless told not to."""
    raw = (environ.get("TDKT_SMTP_STARTTLS") or "1").strip().lower()
    if raw not in _YES | _NO:
        raise ConfigError(f"Biến môi trường TDKT_SMTP_STARTTLS={raw!r} phải là 1 (dùng STARTTLS) hoặc 0 (không).")
    starttls = raw in _YES
    host, user = (environ.get("TDKT_SMTP_HOST") or "").strip(), (environ.get("TDKT_SMTP_USER") or "").strip()
    sender = (environ.get("TDKT_SMTP_FROM") or "").strip() or (user if "@" in user else "")
    if host and "@" not in sender:
        raise ConfigError("Đã đặt TDKT_SMTP_HOST nhưng chưa có địa chỉ gửi: đặt TDKT_SMTP_FROM, ví dụ "
                          "TDKT_SMTP_FROM=\"Văn phòng Sở <vanphong@example.gov.vn>\".")
    return {"smtp_host": host, "smtp_port": _positive_whole(environ, "TDKT_SMTP_PORT", 587 if starttls else 25),
            "smtp_user": user, "smtp_password": environ.get("TDKT_SMTP_PASSWORD") or "", "smtp_from": sender,
            "smtp_starttls": starttls}


MIN_SECRET = 32
_KEY_WAIT = 2.0  # seconds a starting process waits for a key file another one is still writing (no hard links)


_OS_REASONS = {errno.EACCES: "không có quyền", errno.EPERM: "không có quyền", errno.EROFS: "ổ đĩa chỉ đọc",
               errno.ENOSPC: "ổ đĩa hết chỗ", errno.ENOTDIR: "một phần đường dẫn là tệp, không phải thư mục",
               errno.EEXIST: "một phần đường dẫn là tệp, không phải thư mục", errno.EISDIR: "đường dẫn là thư mục"}


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _write_key_once(path: Path) -> None:
    """Put a new key at `path` unless one is there: the first writer wins, and the file appears whole or not at all.

    The key goes to a temporary file beside it, is flushed to disk, then hard-linked to the final name, which fails
    if another process got there first (bench/first_start.py, 30 rounds of 240 processes at one barrier: the old
    create-then-write crashed 3 on FileExistsError and gave 2 an empty key; this, none)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48))
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return
        except OSError:  # a file system without hard links: exclusive create, readers wait for the content
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(Path(temporary).read_text(encoding="utf-8"))
                out.flush()
                os.fsync(out.fileno())
        fsync_folder(path.parent)
    finally:
        os.unlink(temporary)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a crash after it must not lose the file's name)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _secret_from_file(path: Path) -> str:
    """Return the secret stored beside the embedded database, creating it once, safely from many processes at once."""
    try:
        key = _read_key(path)
        if not key:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_key_once(path)
            key = _read_key(path)
            deadline = time.monotonic() + _KEY_WAIT
            while len(key) < MIN_SECRET and time.monotonic() < deadline:
                time.sleep(0.02)
                key = _read_key(path)
    except OSError as error:
        reason = _OS_REASONS.get(error.errno or 0, error.strerror or str(error))
        raise ConfigError(
            f"Không tạo hoặc đọc được khóa bí mật tại {path} ({reason}): cấp quyền ghi thư mục đó, hoặc đặt "
            f"TDKT_SECRET_KEY (ít nhất {MIN_SECRET} ký tự) hay TDKT_SECRET_FILE (một đường dẫn ghi được)."
        ) from None
    if len(key) < MIN_SECRET:
        raise ConfigError(
            f"Tệp khóa bí mật {path} hỏng ({len(key)} ký tự, cần ít nhất {MIN_SECRET}): xóa tệp đó để ứng dụng tạo "
            "khóa mới (mọi phiên đăng nhập sẽ phải đăng nhập lại), hoặc đặt TDKT_SECRET_KEY."
        )
    return key


def _redacted(url: str) -> str:
    """The URL without its password, fit to show on a page."""
    return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", url)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, read once at start."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = ""
    session_hours: float = 12.0
    agency: str = "Sở Công Thương Lạng Sơn"
    parent_agency: str = "UBND TỈNH LẠNG SƠN"
    place: str = "Lạng Sơn"
    upload_limit_mb: float = 20.0
    max_rows: int = 200_000
    initial_password: str = "TdKt@2024"
    # Dossier documents (tdkt.core.file_store): the store's folder (a shared volume when several app processes
    # run) and the largest document accepted.
    file_store: str = str(DATA_DIR / "files")
    attachment_limit_mb: float = 20.0
    # The largest backup the admin may upload on Sao lưu & khôi phục (held in memory there; the CLI streams any size).
    backup_limit_mb: float = 200.0
    # Reminder e-mails (tdkt.submissions.reminders): off while smtp_host is empty.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    smtp_starttls: bool = True
    # Sign-in throttling (tdkt.core.throttle): this many failures within the window make the account, or the client
    # address across accounts, wait this long.
    sign_in_failures: int = 5
    sign_in_address_failures: int = 5
    sign_in_window_minutes: float = 15.0
    sign_in_wait_minutes: float = 15.0
    # How many reverse proxies of ours stand in front of the app: the client address is then read from
    # X-Forwarded-For (the entry that many hops from its end); 0 trusts no such header (docs/deploy.md).
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from TDKT_* variables; a bad value raises ConfigError naming the variable."""
        env = os.environ if environ is None else environ
        url = env.get("TDKT_DATABASE_URL") or DEFAULT_DATABASE_URL
        if not url.startswith(("sqlite:", "postgresql")):
            raise ConfigError(f"TDKT_DATABASE_URL={_redacted(url)!r} không được hỗ trợ: dùng sqlite:///đường/dẫn.db "
                              "hoặc postgresql+psycopg://người_dùng:mật_khẩu@máy/tên_csdl.")
        secret = env.get("TDKT_SECRET_KEY") or ""
        if secret and len(secret) < MIN_SECRET:
            raise ConfigError(f"TDKT_SECRET_KEY quá ngắn ({len(secret)} ký tự): cần ít nhất {MIN_SECRET} ký tự "
                              "(ví dụ sinh bằng: openssl rand -hex 32), hoặc bỏ biến này để ứng dụng tự tạo khóa.")
        if not secret:
            secret = _secret_from_file(Path(env.get("TDKT_SECRET_FILE") or DATA_DIR / ".secret_key"))
        return cls(
            database_url=url,
            secret_key=secret,
            session_hours=_positive_number(env, "TDKT_SESSION_HOURS", 12.0),
            agency=env.get("TDKT_AGENCY") or "Sở Công Thương Lạng Sơn",
            upload_limit_mb=_positive_number(env, "TDKT_UPLOAD_LIMIT_MB", 20.0),
            max_rows=_positive_whole(env, "TDKT_MAX_ROWS", 200_000),
            initial_password=env.get("TDKT_INITIAL_PASSWORD") or "TdKt@2024",
            file_store=_folder(env, "TDKT_FILE_STORE", DATA_DIR / "files"),
            attachment_limit_mb=_positive_number(env, "TDKT_ATTACHMENT_LIMIT_MB", 20.0),
            backup_limit_mb=_positive_number(env, "TDKT_BACKUP_LIMIT_MB", 200.0),
            **_smtp(env),
            sign_in_failures=_positive_whole(env, "TDKT_SIGN_IN_FAILURES", 5),
            sign_in_address_failures=_positive_whole(env, "TDKT_SIGN_IN_ADDRESS_FAILURES", 5),
            sign_in_window_minutes=_positive_number(env, "TDKT_SIGN_IN_WINDOW_MINUTES", 15.0),
            sign_in_wait_minutes=_positive_number(env, "TDKT_SIGN_IN_WAIT_MINUTES", 15.0),
            trusted_proxies=_count(env, "TDKT_TRUSTED_PROXIES", 0),
        )
