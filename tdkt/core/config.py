"""Settings read from the environment (TDKT_* variables), with defaults that run on a fresh machine."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tdkt.core.errors import Refused

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'tdkt.db'}"


class ConfigError(Refused):
    """A TDKT_* variable has a value that cannot be used; the message names it."""


def _positive_number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"Biến môi trường {name}={raw!r} phải là một số dương.") from None
    if value <= 0:
        raise ConfigError(f"Biến môi trường {name}={raw!r} phải là một số dương.")
    return value


def _secret_from_file(path: Path) -> str:
    """Return the secret stored beside the embedded database, creating it once (single-process default)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from TDKT_* variables; a bad value raises ConfigError naming the variable."""
        env = os.environ if environ is None else environ
        url = env.get("TDKT_DATABASE_URL") or DEFAULT_DATABASE_URL
        if not url.startswith(("sqlite:", "postgresql")):
            raise ConfigError(
                f"TDKT_DATABASE_URL={url!r} không được hỗ trợ: dùng sqlite:///đường/dẫn.db hoặc postgresql+psycopg://…"
            )
        secret = env.get("TDKT_SECRET_KEY") or ""
        if secret and len(secret) < 32:
            raise ConfigError("TDKT_SECRET_KEY quá ngắn: cần ít nhất 32 ký tự (ví dụ sinh bằng: openssl rand -hex 32).")
        if not secret:
            secret = _secret_from_file(Path(env.get("TDKT_SECRET_FILE") or DATA_DIR / ".secret_key"))
        return cls(
            database_url=url,
            secret_key=secret,
            session_hours=_positive_number(env, "TDKT_SESSION_HOURS", 12.0),
            agency=env.get("TDKT_AGENCY") or "Sở Công Thương Lạng Sơn",
            upload_limit_mb=_positive_number(env, "TDKT_UPLOAD_LIMIT_MB", 20.0),
            max_rows=int(_positive_number(env, "TDKT_MAX_ROWS", 200_000)),
            initial_password=env.get("TDKT_INITIAL_PASSWORD") or "TdKt@2024",
        )
