"""Accounts and sign-in: password hashing (Argon2), throttled sign-in, sign-in sessions and their tokens (ended on a
credential change), creating and changing users."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select, update

from tdkt.core import audit, throttle
from tdkt.core.config import SESSION_COOKIE
from tdkt.core.errors import Refused
from tdkt.core.models import AuthSession, Role, Unit, User, utcnow
from tdkt.core.permissions import Actor, require
from tdkt.core.text import form_text, format_datetime

# Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet: 19 MiB, 2 passes, 1 lane) instead of
# argon2-cffi's default (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes): measured on the project's 2 shared
# cores, 66–88 ms a check against 0.43–0.74 s, and a first sign-in checks or hashes three times (sign-in, then the
# forced change's old and new password). Hashes made with other parameters still verify and are redone at the next
# sign-in (`check_needs_rehash`).
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verified when the user does not exist, so that an unknown name takes as long as a wrong password: a hash of
# "tdkt-dummy-password" with _HASHER's parameters (tests/test_sign_in_speed.py holds them equal), written here rather
# than made at the process's first sign-in, which paid one more Argon2 hash (35–90 ms of CPU) after its click.
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$Q8sq6zK43pscHqstNiumiw$dRiFDmhweDghcxy9R8qC6/s4PtUgl3njQt6hpdfawQc"
TOKEN_ALGORITHM = "HS256"
COOKIE_NAME = SESSION_COOKIE
MIN_PASSWORD_LENGTH = 8
WRONG_CREDENTIALS = "Sai tên đăng nhập hoặc mật khẩu."
ACCOUNT_LOCKED = "Tài khoản đã bị khóa. Liên hệ quản trị viên."
# Why a sign-in session ended (AuthSession.ended_reason) → what the sign-in page tells the browser that held it.
END_REASONS = {
    "dang_xuat": "Bạn đã đăng xuất.",
    "het_han": "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
    "doi_mat_khau": "Phiên đăng nhập đã kết thúc vì mật khẩu của tài khoản vừa được đổi. Vui lòng đăng nhập lại "
                    "bằng mật khẩu mới.",
    "dat_lai_mat_khau": "Phiên đăng nhập đã kết thúc vì quản trị viên đã đặt lại mật khẩu của tài khoản. Vui lòng "
                        "đăng nhập bằng mật khẩu mới.",
    "sua_tai_khoan": "Phiên đăng nhập đã kết thúc vì quản trị viên đã thay đổi vai trò, đơn vị hoặc trạng thái của "
                     "tài khoản. Vui lòng đăng nhập lại.",
}


class AuthError(Refused):
    """A sign-in or account change was refused; the message is Vietnamese and shown as is."""


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return True when the password matches the hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


def _find(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == throttle.account_key(username))).first()


def _credential_problem(user: User | None, password: str) -> str | None:
    """Return why these credentials do not sign in (a wrong one, or a locked account), or None."""
    if user is None:
        verify_password(_DUMMY_HASH, password)  # the same time as a real account's check
        return WRONG_CREDENTIALS
    if not verify_password(user.password_hash, password):
        return WRONG_CREDENTIALS
    return None if user.active else ACCOUNT_LOCKED


def _signed_in(session: Session, user: User, password: str) -> User:
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.add(user)
    return user


def authenticate(session: Session, *, username: str, password: str) -> User:
    """Return the active user with these credentials, or raise AuthError: the check alone, unthrottled and
    unaudited. The app signs in through `sign_in`, which throttles and audits."""
    user = _find(session, username)
    problem = _credential_problem(user, password)
    if problem:
        raise AuthError(problem)
    return _signed_in(session, user, password)


@dataclass(frozen=True, slots=True)
class SignIn:
    """What a sign-in attempt gave: the user with its session token, or the refusal to raise after committing."""

    user: User | None = None
    token: str = ""
    expires: datetime | None = None
    refusal: AuthError | None = None

    def raise_refusal(self) -> None:
        """Raise the refusal, if any (after the transaction that recorded the failure has committed)."""
        if self.refusal is not None:
            raise self.refusal


def _attempt_actor(user: User | None, tried: str) -> Actor:
    """Who the audit log names for an attempt: the account tried, or the name typed when there is none."""
    if user is not None:
        return Actor.of(user)
    return Actor(id=None, username=tried or "(trống)", role=Role.LANH_DAO)


def _failure_summary(tried: str, user: User | None, address: str | None, tally: throttle.Tally,
                     limits: throttle.Limits) -> str:
    where = f" từ địa chỉ {address}" if address else ""
    summary = (f"Đăng nhập sai mật khẩu với tên đăng nhập “{tried}”{'' if user else ' (không có tài khoản này)'}"
               f"{where}: lần {tally.account} của tài khoản")
    if address:
        summary += f", lần {tally.address} của địa chỉ"
    summary += f" trong {limits.window.total_seconds() / 60:g} phút."
    if tally.wait is not None:
        what = "Tài khoản" if tally.wait.kind == throttle.ACCOUNT else "Địa chỉ"
        summary += f" {what} tạm khóa đăng nhập đến {format_datetime(tally.wait.until)}."
    return summary


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    address: str | None,
    secret: str,
    hours: float,
    limits: throttle.Limits | None = None,
    now: datetime | None = None,
) -> SignIn:
    """Sign in under the throttle: a waiting account or address is refused before any password check; a wrong
    password is recorded and audited (the name tried and the address, never the password); a success clears the
    account's count and starts a session (audited). Bad credentials are returned, not raised, so that the caller
    commits the failure before it raises `SignIn.refusal`."""
    limits = limits or throttle.Limits()
    now = now or utcnow()
    tried = throttle.account_key(username)
    if not tried or not password:
        return SignIn(refusal=AuthError("Nhập tên đăng nhập và mật khẩu."))
    user = _find(session, tried)
    wait = throttle.current_wait(session, username=tried, address=address, limits=limits, now=now)
    if wait is not None:
        audit.record(session, _attempt_actor(user, tried), "dang_nhap_bi_tu_choi", "nguoi_dung",
                     user.id if user else None,
                     f"Từ chối đăng nhập với tên “{tried}”{f' từ địa chỉ {address}' if address else ''}: "
                     f"{throttle.KIND_LABELS[wait.kind].lower()} đang tạm khóa đến {format_datetime(wait.until)}.")
        return SignIn(refusal=AuthError(wait.message(now)))
    problem = _credential_problem(user, password)
    if problem == ACCOUNT_LOCKED:
        audit.record(session, _attempt_actor(user, tried), "dang_nhap_bi_tu_choi", "nguoi_dung", user.id,
                     f"Từ chối đăng nhập của {tried}: tài khoản đã bị khóa.")
        return SignIn(refusal=AuthError(problem))
    if problem:
        tally = throttle.record_failure(session, username=tried, address=address, limits=limits, now=now)
        audit.record(session, _attempt_actor(user, tried), "dang_nhap_sai", "nguoi_dung", user.id if user else None,
                     _failure_summary(tried, user, address, tally, limits))
        message = problem if tally.wait is None else f"{problem} {tally.wait.message(now)}"
        return SignIn(refusal=AuthError(message))
    throttle.clear_account(session, username=tried)
    _signed_in(session, user, password)
    token, expires = issue_token(session, user=user, secret=secret, hours=hours)
    audit.record(session, Actor.of(user), "dang_nhap", "nguoi_dung", user.id,
                 f"{user.username} đăng nhập{f' từ địa chỉ {address}' if address else ''}.")
    return SignIn(user=user, token=token, expires=expires)


def issue_token(session: Session, *, user: User, secret: str, hours: float) -> tuple[str, datetime]:
    """Record a sign-in session and return its signed, expiring token and the expiry time."""
    expires = utcnow() + timedelta(hours=hours)
    record = AuthSession(id=secrets.token_urlsafe(24), user_id=user.id, expires_at=expires)
    session.add(record)
    token = jwt.encode({"sub": str(user.id), "jti": record.id, "exp": expires}, secret, algorithm=TOKEN_ALGORITHM)
    return token, expires


def user_from_token(session: Session, *, token: str | None, secret: str) -> User | None:
    """Return the active user a valid, unexpired, unrevoked token names, else None."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[TOKEN_ALGORITHM], options={"require": ["exp", "sub", "jti"]})
    except jwt.PyJWTError:
        return None
    record = session.get(AuthSession, claims["jti"])
    if record is None or record.revoked_at is not None or str(record.user_id) != claims["sub"]:
        return None
    if _aware(record.expires_at) <= utcnow():
        return None
    user = session.get(User, record.user_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, *, token: str | None, secret: str) -> None:
    """End the sign-in session a token names (signing out), whatever its expiry."""
    if not token:
        return
    try:
        claims = jwt.decode(token, secret, algorithms=[TOKEN_ALGORITHM], options={"verify_exp": False})
    except jwt.PyJWTError:
        return
    record = session.get(AuthSession, claims.get("jti", ""))
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        record.ended_reason = "dang_xuat"
        session.add(record)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def token_session(token: str | None, *, secret: str) -> str | None:
    """Return the id of the sign-in session a token signed with this secret names (expired or not), or None."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[TOKEN_ALGORITHM], options={"verify_exp": False})
    except jwt.PyJWTError:
        return None
    jti = claims.get("jti")
    return jti if isinstance(jti, str) else None


def ended_notice(session: Session, *, token: str | None, secret: str) -> str | None:
    """Return why the session a token names no longer signs in, in Vietnamese (for the sign-in page), or None."""
    jti = token_session(token, secret=secret)
    record = session.get(AuthSession, jti) if jti else None
    if record is None:
        return None
    if record.ended_reason:
        return END_REASONS.get(record.ended_reason)
    return END_REASONS["het_han"] if _aware(record.expires_at) <= utcnow() else None


def end_sessions(session: Session, *, user_id: int, reason: str, keep: str | None = None) -> int:
    """End every open sign-in session of a user but `keep` (the one making the change), so that their tokens stop
    resolving at once in every browser and app process; return how many ended."""
    stmt = (update(AuthSession)
            .where(AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None))
            .values(revoked_at=utcnow(), ended_reason=reason))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    return session.exec(stmt).rowcount


def _ended(count: int, *, other: bool = False) -> str:
    return f" Kết thúc {count} phiên đăng nhập{' khác' if other else ''}." if count else ""


def check_new_password(password: str, *, username: str) -> None:
    """Raise AuthError when a new password is too weak."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Mật khẩu mới cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if password.lower() == username.lower():
        raise AuthError("Mật khẩu mới không được trùng tên đăng nhập.")
    if not (re.search(r"[A-Za-zÀ-ỹ]", password) and re.search(r"\d", password)):
        raise AuthError("Mật khẩu mới cần có cả chữ và số.")


def change_password(session: Session, *, user: User, old_password: str, new_password: str, confirm: str,
                    keep_session: str | None = None) -> None:
    """Change a user's own password after checking the old one; clears the must-change flag and ends every other
    sign-in session of the user (`keep_session`, the one changing it, stays).

    Callers write it with `write_session(bump=False)`: no cached read result holds a password, the must-change flag or
    a sign-in session (the accounts page, Nhật ký and the signed-in user are read afresh on every run), so every new
    account's first change no longer made every other user's cached figures be read again."""
    if not verify_password(user.password_hash, old_password):
        raise AuthError("Mật khẩu hiện tại không đúng.")
    if new_password != confirm:
        raise AuthError("Hai lần nhập mật khẩu mới không khớp.")
    if new_password == old_password:
        raise AuthError("Mật khẩu mới phải khác mật khẩu hiện tại.")
    check_new_password(new_password, username=user.username)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    session.add(user)
    ended = end_sessions(session, user_id=user.id, reason="doi_mat_khau", keep=keep_session)
    audit.record(session, Actor.of(user), "doi_mat_khau", "nguoi_dung", user.id,
                 f"{user.username} đổi mật khẩu.{_ended(ended, other=True)}")


def random_password(length: int = 12) -> str:
    """Return a random initial password with letters and digits (no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if re.search(r"[A-Za-z]", password) and re.search(r"\d", password):
            return password


def get_user(session: Session, *, user_id: int) -> User | None:
    """Return the account with this id (active or not), or None."""
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    """Return every account, by user name."""
    return list(session.exec(select(User).order_by(User.username)).all())


_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def _check_role_unit(session: Session, role: Role, unit_id: int | None) -> None:
    if role == Role.DON_VI and unit_id is None:
        raise AuthError("Tài khoản vai trò “Đơn vị” phải gắn với một đơn vị.")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise AuthError("Đơn vị đã chọn không tồn tại.")


def _display_name(text: str) -> str | None:
    """The display name cleaned like every stored text; a control character or over-long name is refused."""
    return form_text(text, label="Họ tên hiển thị", column=User.display_name, error=AuthError)


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: Role,
    unit_id: int | None = None,
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account that must change its password at first sign-in; return it with its initial password."""
    require(actor, "quan_tri")
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise AuthError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới "
                        "(2–64 ký tự).")
    if session.exec(select(User).where(User.username == username)).first():
        raise AuthError(f"Tên đăng nhập “{username}” đã có.")
    _check_role_unit(session, role, unit_id)
    if password:
        check_new_password(password, username=username)
    password = password or random_password()
    user = User(
        username=username,
        display_name=_display_name(display_name) or username,
        role=role,
        unit_id=unit_id,
        password_hash=hash_password(password),
        must_change_password=True,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "tao_nguoi_dung", "nguoi_dung", user.id, f"Tạo tài khoản {username} ({role.label}).",
                 after=audit.snapshot(user, exclude={"password_hash"}))
    return user, password


def update_user(
    session: Session, actor: Actor, *, user_id: int, display_name: str, role: Role, unit_id: int | None, active: bool
) -> User:
    """Change an account's name, role, unit or active flag; a change of role or unit, or a lock, ends every sign-in
    session of the account (what it may see and do is decided again at its next sign-in)."""
    require(actor, "quan_tri")
    user = session.get(User, user_id)
    if user is None:
        raise AuthError("Không tìm thấy tài khoản.")
    if user.id == actor.id and (role != Role.QUAN_TRI or not active):
        raise AuthError("Không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của chính mình.")
    _check_role_unit(session, role, unit_id)
    before = audit.snapshot(user, exclude={"password_hash"})
    name = _display_name(display_name) or user.username
    access_changed = (Role(user.role), user.unit_id) != (role, unit_id) or (user.active and not active)
    user.display_name, user.role, user.unit_id, user.active = name, role, unit_id, active
    session.add(user)
    session.flush()
    ended = end_sessions(session, user_id=user.id, reason="sua_tai_khoan") if access_changed else 0
    audit.record(session, actor, "sua_nguoi_dung", "nguoi_dung", user.id,
                 f"Sửa tài khoản {user.username}.{_ended(ended)}",
                 before=before, after=audit.snapshot(user, exclude={"password_hash"}))
    return user


def reset_password(session: Session, actor: Actor, *, user_id: int) -> str:
    """Give an account a new random password it must change at next sign-in, ending every sign-in session of the
    account; return the password."""
    require(actor, "quan_tri")
    user = session.get(User, user_id)
    if user is None:
        raise AuthError("Không tìm thấy tài khoản.")
    password = random_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.add(user)
    ended = end_sessions(session, user_id=user.id, reason="dat_lai_mat_khau")
    audit.record(session, actor, "dat_lai_mat_khau", "nguoi_dung", user.id,
                 f"Đặt lại mật khẩu cho {user.username}.{_ended(ended)}")
    return password
