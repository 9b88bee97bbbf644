"""Sign-in throttling: failures kept in the database make an account, or a client address across accounts, wait."""

from __future__ import annotations

import math
import re
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address

from sqlalchemy import delete
from sqlmodel import Session, col, select

from tdkt.core import audit
from tdkt.core.config import Settings
from tdkt.core.errors import Refused
from tdkt.core.models import SignInFailure, utcnow
from tdkt.core.permissions import Actor, require
from tdkt.core.text import format_datetime

ACCOUNT = "tai_khoan"
ADDRESS = "dia_chi"
KIND_LABELS = {ACCOUNT: "Tài khoản", ADDRESS: "Địa chỉ máy"}
# Failures older than this are deleted when a new one is written: a wait is decided by the last window + wait alone,
# and the audit log keeps every failure anyway.
KEEP = timedelta(days=1)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ThrottleError(Refused):
    """An admin's lift was refused (nothing to lift); the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How many failures within the window make an account or a client address wait, and for how long."""

    failures: int = 5
    address_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    wait: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """Return the limits the settings give (TDKT_SIGN_IN_*)."""
        return cls(failures=settings.sign_in_failures, address_failures=settings.sign_in_address_failures,
                   window=timedelta(minutes=settings.sign_in_window_minutes),
                   wait=timedelta(minutes=settings.sign_in_wait_minutes))

    def limit(self, kind: str) -> int:
        """Return how many failures of this kind (account or address) start a wait."""
        return self.failures if kind == ACCOUNT else self.address_failures


@dataclass(frozen=True, slots=True)
class Wait:
    """An account or a client address that may not sign in until `until`."""

    kind: str  # ACCOUNT or ADDRESS
    key: str  # the user name tried, or the address
    until: datetime
    failures: int  # the failures within the window that started it

    def minutes_left(self, now: datetime | None = None) -> int:
        """Return the whole minutes left, rounded up (never 0 while the wait lasts)."""
        seconds = (self.until - (now or utcnow())).total_seconds()
        return max(1, math.ceil(seconds / 60))

    def message(self, now: datetime | None = None) -> str:
        """Return what the sign-in form says, in Vietnamese, with the minutes left."""
        who = "Tài khoản tạm khóa" if self.kind == ACCOUNT else "Máy của bạn tạm bị chặn đăng nhập"
        return f"{who} do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {self.minutes_left(now)} phút."


@dataclass(frozen=True, slots=True)
class Tally:
    """The failures now counted against the account and the address, and the wait in force after one more."""

    account: int
    address: int
    wait: Wait | None


def account_key(username: str | None) -> str:
    """Return the user name as sign-in looks it up (trimmed, lower case), cut to what the table stores."""
    return _CONTROL.sub("", (username or "").strip().lower())[:64]


def client_address(remote: str | None, forwarded_for: Iterable[str] = (), *, trusted_proxies: int = 0) -> str | None:
    """Return the client's address: the connection's own, or, behind `trusted_proxies` proxies of ours, the entry of
    X-Forwarded-For that many hops from its end (entries further left are written by the client and can be forged);
    without that header the connection did not come through the proxy, and its own address is the client's.
    None when unknown (a local connection, or an entry that is no address)."""
    chosen = remote
    hops = [part.strip() for value in forwarded_for for part in value.split(",") if part.strip()]
    if trusted_proxies > 0 and hops:
        chosen = hops[-trusted_proxies] if len(hops) >= trusted_proxies else hops[0]
    if not chosen:
        return None
    try:
        return str(ip_address(chosen.strip("[]")))
    except ValueError:
        return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _wait_from(times: Iterable[datetime], *, limit: int, limits: Limits) -> tuple[datetime | None, int]:
    """Replay failures (oldest first): `limit` of them within the window start a wait, which counts afresh once over.
    Return the end of the last wait (or None) and the failures counted since it started."""
    until, recent = None, deque()
    for at in times:
        if until is not None and at < until:
            continue  # only two attempts racing each other write a failure during a wait: it starts nothing
        recent.append(at)
        while recent[0] <= at - limits.window:
            recent.popleft()
        if len(recent) >= limit:
            until = at + limits.wait
            recent.clear()
    return until, len(recent)


def _failures(session: Session, *, kind: str, key: str, since: datetime) -> list[datetime]:
    column, cleared = ((SignInFailure.username, SignInFailure.account_cleared) if kind == ACCOUNT
                       else (SignInFailure.address, SignInFailure.address_cleared))
    stmt = (select(SignInFailure.at).where(column == key, col(cleared).is_(False), SignInFailure.at > since)
            .order_by(col(SignInFailure.at)))
    return [_aware(at) for at in session.exec(stmt).all()]


def _state(session: Session, *, kind: str, key: str, limits: Limits, now: datetime) -> tuple[Wait | None, int]:
    times = _failures(session, kind=kind, key=key, since=now - limits.window - limits.wait)
    until, counted = _wait_from(times, limit=limits.limit(kind), limits=limits)
    if until is not None and until > now:
        return Wait(kind=kind, key=key, until=until, failures=limits.limit(kind)), 0
    return None, counted


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    return [(ACCOUNT, username)] + ([(ADDRESS, address)] if address else [])


def _longest(waits: Iterable[Wait | None]) -> Wait | None:
    found = [w for w in waits if w is not None]
    return max(found, key=lambda w: (w.until, w.kind == ACCOUNT)) if found else None


def current_wait(session: Session, *, username: str, address: str | None, limits: Limits,
                 now: datetime | None = None) -> Wait | None:
    """Return the wait in force for this account name or this address (the one that ends last), or None."""
    now = now or utcnow()
    return _longest(_state(session, kind=kind, key=key, limits=limits, now=now)[0]
                    for kind, key in _keys(account_key(username), address))


def record_failure(session: Session, *, username: str, address: str | None, limits: Limits,
                   now: datetime | None = None) -> Tally:
    """Write one failed sign-in (a wrong password or an unknown name) and return what is now counted."""
    now = now or utcnow()
    username = account_key(username)
    session.exec(delete(SignInFailure).where(col(SignInFailure.at) < now - KEEP))
    session.add(SignInFailure(at=now, username=username, address=address))
    session.flush()
    states = {kind: _state(session, kind=kind, key=key, limits=limits, now=now)
              for kind, key in _keys(username, address)}
    account, address_state = states[ACCOUNT], states.get(ADDRESS, (None, 0))
    return Tally(account=account[1], address=address_state[1], wait=_longest([account[0], address_state[0]]))


def clear_account(session: Session, *, username: str) -> int:
    """Stop counting an account's failures (a successful sign-in); return how many were counted."""
    rows = session.exec(select(SignInFailure).where(SignInFailure.username == account_key(username),
                                                    col(SignInFailure.account_cleared).is_(False))).all()
    for row in rows:
        row.account_cleared = True
        session.add(row)
    return len(rows)


def waits(session: Session, *, limits: Limits, now: datetime | None = None) -> list[Wait]:
    """Return every account and address waiting now, the longest wait first."""
    now = now or utcnow()
    rows = session.exec(select(SignInFailure).where(SignInFailure.at > now - limits.window - limits.wait)
                        .order_by(col(SignInFailure.at))).all()
    times: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for row in rows:
        if not row.account_cleared:
            times[ACCOUNT, row.username].append(_aware(row.at))
        if row.address and not row.address_cleared:
            times[ADDRESS, row.address].append(_aware(row.at))
    found = []
    for (kind, key), seen in times.items():
        until, _ = _wait_from(seen, limit=limits.limit(kind), limits=limits)
        if until is not None and until > now:
            found.append(Wait(kind=kind, key=key, until=until, failures=limits.limit(kind)))
    return sorted(found, key=lambda w: (-w.until.timestamp(), w.kind != ACCOUNT, w.key))


def lift(session: Session, actor: Actor, *, kind: str, key: str, limits: Limits, now: datetime | None = None) -> int:
    """Let an account or an address sign in again at once: its failures no longer count (audited). Return how many
    failures were cleared; refused when none was counted."""
    require(actor, "quan_tri")
    now = now or utcnow()
    if kind not in KIND_LABELS:
        raise ThrottleError("Chỉ gỡ tạm khóa cho một tài khoản hoặc một địa chỉ máy.")
    key = account_key(key) if kind == ACCOUNT else key.strip()
    wait, _ = _state(session, kind=kind, key=key, limits=limits, now=now)
    if kind == ACCOUNT:
        cleared = clear_account(session, username=key)
    else:
        rows = session.exec(select(SignInFailure).where(SignInFailure.address == key,
                                                        col(SignInFailure.address_cleared).is_(False))).all()
        for row in rows:
            row.address_cleared = True
            session.add(row)
        cleared = len(rows)
    what = f"{KIND_LABELS[kind].lower()} “{key}”"
    if not cleared:
        raise ThrottleError(f"{what[0].upper()}{what[1:]} không có lần đăng nhập sai nào đang được tính: "
                            "không có gì để gỡ.")
    state = f"đang tạm khóa đến {format_datetime(wait.until)}" if wait else "chưa bị tạm khóa"
    audit.record(session, actor, "go_khoa_dang_nhap", "dang_nhap", key,
                 f"Gỡ tạm khóa đăng nhập cho {what} ({state}; bỏ {cleared} lần đăng nhập sai đã tính).")
    return cleared
