"""The audit log's hash chain: entries appended under one lock at commit; the walk finding the first broken link.

Each entry carries `seq` (1, 2, 3… without gaps), `prev_hash` (the hash of entry seq - 1; 64 zeros for the first) and
`hash`, the SHA-256 of its content and `prev_hash` (`entry_hash`). The one row of `audit_chain_head` holds the seq and
hash of the last entry the app wrote, so an entry deleted at the end of the log shows too. Entries are written when
their transaction commits (`queue`, then the session's before_commit hook), not when they are recorded: the chain's
lock is then taken last and held only for the commit, so a long import, or a transaction recording many entries, never
makes another writer wait on it, and no lock order between the chain and other rows can deadlock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, insert, select, true, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from tdkt.core.models import AuditChainHead, AuditLog, utcnow
from tdkt.core.text import format_datetime, format_number

GENESIS = "0" * 64  # the prev_hash of entry 1
SCHEME = "tdkt-audit-v1"  # hashed first: a future scheme gets a new name, and entries keep the one they were made with
HEAD_ID = 1
_PENDING = "tdkt_audit_pending"  # Session.info key: the entries recorded in the open transaction, written at commit
_HEAD = AuditChainHead.__table__
_LOG = AuditLog.__table__
# What the hash covers, in this order (with SCHEME first and prev_hash last); the id is not covered, as it is only the
# database's row number: seq is the entry's place in the chain.
CONTENT = ("seq", "at", "user_id", "username", "action", "entity", "entity_id", "summary", "before", "after")
# Why a chain is broken: the stable codes of `Break.reason` (the CLI's JSON), with what the page and the CLI say.
REASONS = {
    "content_changed": "nội dung bị sửa",
    "missing": "mục bị xóa",
    "order_broken": "thứ tự bị đảo",
    "inserted": "mục bị thêm ngoài ứng dụng",
    "head_missing": "mất đầu chuỗi",
    "checkpoint_not_found": "không thấy mã đối chiếu",
}


def canonical_time(at: datetime) -> str:
    """Return an entry's time as it is hashed: UTC to the microsecond, as either database gives it back.

    PostgreSQL returns the stored instant in the session's time zone, SQLite the UTC wall clock it was given (naive)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(sep=" ", timespec="microseconds")


def entry_hash(entry: Any, prev_hash: str) -> str:
    """Return the SHA-256 (hex) of an entry's content (an AuditLog or a row with its columns) after `prev_hash`.

    Scheme tdkt-audit-v1 must stay as it is: the rows it hashed cannot be rewritten. The migration that chained the
    entries written before the chain existed uses it too."""
    values = [getattr(entry, name) for name in CONTENT]
    values[1] = canonical_time(values[1])
    # ASCII JSON: one byte string per content whatever the text holds, the same on every Python.
    blob = json.dumps([SCHEME, *values, prev_hash], separators=(",", ":"))
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


def queue(session: Session, entry: AuditLog) -> None:
    """Keep an entry to be chained and written when the session's transaction commits (dropped if it rolls back)."""
    session.info.setdefault(_PENDING, []).append(entry)


@event.listens_for(OrmSession, "before_commit")
def _write_queued(session: OrmSession) -> None:
    """Chain and insert the entries the transaction recorded, as the last thing before it commits."""
    pending = session.info.pop(_PENDING, None)
    if pending:
        append(session, pending)


@event.listens_for(OrmSession, "after_transaction_end")
def _drop_queued(session: OrmSession, transaction: Any) -> None:
    """Forget the entries of a transaction that ended without writing them (a rollback, a session closed)."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _take_head(session: OrmSession, count: int) -> tuple[int, str]:
    """Move the head `count` entries on and return the seq and hash it had: the chain's lock, held to the commit.

    The UPDATE locks the head row on PostgreSQL (a writer behind it waits, then reads the row as the first one committed
    it: READ COMMITTED) and takes the database's one write lock on SQLite, so two appends never read the same head."""
    stmt = (update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=_HEAD.c.seq + count)
            .returning(_HEAD.c.seq, _HEAD.c.hash))
    row = session.execute(stmt).first()
    if row is None:  # the head row was deleted outside the app: start it again from the last entry (verify says so)
        last = session.execute(select(_LOG.c.seq, _LOG.c.hash).order_by(_LOG.c.seq.desc()).limit(1)).first()
        session.execute(insert(_HEAD).values(id=HEAD_ID, seq=last.seq if last else 0,
                                             hash=last.hash if last else GENESIS))
        row = session.execute(stmt).first()
    return row.seq - count, row.hash


def append(session: OrmSession, entries: list[AuditLog]) -> None:
    """Chain and insert entries after the head, in the caller's transaction (normally at its commit, see `queue`)."""
    seq, prev = _take_head(session, len(entries))
    now = utcnow()  # taken under the lock: times follow the chain's order
    for entry in entries:
        seq += 1
        entry.seq, entry.at, entry.prev_hash = seq, now, prev
        entry.hash = prev = entry_hash(entry, prev)
    session.add_all(entries)
    session.flush()
    session.execute(update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(hash=prev, entry_id=entries[-1].id))


@dataclass(frozen=True, slots=True)
class Break:
    """The first broken link: where (the entry's seq; id and time when the entry is there) and why."""

    reason: str  # a key of REASONS
    seq: int | None
    id: int | None
    at: datetime | None
    message: str  # Vietnamese: what is wrong, for the page and the CLI


@dataclass(frozen=True, slots=True)
class ChainState:
    """What a walk of the chain found: entries read, the last entry (its hash is the head to keep), the first break."""

    entries: int
    head: str
    head_seq: int
    head_at: datetime | None
    broken: Break | None
    checkpoint: dict[str, Any] | None = None  # the entry whose hash was expected: id, seq, at

    @property
    def ok(self) -> bool:
        """Return True when no link is broken (and the expected hash, if any, is in the chain)."""
        return self.broken is None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _at(row: Any) -> str:
    return f"mục số {format_number(row.seq)} (mã {row.id}, lúc {format_datetime(row.at)})"


def _link(row: Any, prev: Any, head: Any) -> Break | None:
    """Return what is wrong between an entry and the one before it in the walk (None for the first), if anything."""
    prev_seq, prev_hash = (prev.seq, prev.hash) if prev is not None else (0, GENESIS)
    if head is not None and row.seq > head.head_seq:
        return Break("inserted", row.seq, row.id, row.at,
                     f"{_cap(_at(row))} nằm sau mục cuối ứng dụng đã ghi (số {format_number(head.head_seq)}): "
                     "mục này được thêm thẳng vào cơ sở dữ liệu, không qua ứng dụng.")
    if row.seq <= prev_seq:
        return Break("order_broken", row.seq, row.id, row.at,
                     f"{_cap(_at(row))} trùng hoặc lùi số thứ tự so với mục trước (số {format_number(prev_seq)})"
                     ": các mục đã bị đánh số lại hoặc thêm ngoài ứng dụng.")
    if row.seq > prev_seq + 1:
        gap = _numbers(prev_seq + 1, row.seq - 1)
        return Break("missing", prev_seq + 1, row.id, row.at,
                     f"Thiếu {gap} (đã bị xóa khỏi cơ sở dữ liệu): {_at(row)} không còn mục đứng trước nó.")
    if row.hash != entry_hash(row, row.prev_hash):
        return Break("content_changed", row.seq, row.id, row.at,
                     f"Nội dung {_at(row)} đã bị sửa sau khi ghi: mã băm không khớp với nội dung.")
    if row.prev_hash != prev_hash:
        return Break("order_broken", row.seq, row.id, row.at,
                     f"{_cap(_at(row))} không nối tiếp mục số {format_number(prev_seq)}: mục trước đã bị thay "
                     "(mã băm tính lại) hoặc các mục đã bị đổi chỗ.")
    return None


def _numbers(first: int, last: int) -> str:
    return f"mục số {format_number(first)}" if first == last else \
        f"các mục số {format_number(first)}–{format_number(last)}"


def _end(last: Any, head: Any) -> Break | None:
    """Return what is wrong between the last entry read and the head the app recorded, if anything."""
    if head is None:
        return Break("head_missing", None, None, None,
                     "Mất bản ghi đầu chuỗi (audit_chain_head): không biết mục cuối ứng dụng đã ghi, nên không kiểm "
                     "được các mục cuối có bị xóa hay không.")
    last_seq = last.seq if last is not None else 0
    if last_seq < head.head_seq:
        entry_id = head.head_entry_id if last_seq + 1 == head.head_seq else None
        return Break("missing", last_seq + 1, entry_id, None,
                     f"Thiếu {_numbers(last_seq + 1, head.head_seq)} ở cuối nhật ký (đã bị xóa khỏi cơ sở dữ liệu).")
    if last is not None and last.hash != head.head_hash:
        return Break("content_changed", last.seq, last.id, last.at,
                     f"{_cap(_at(last))}, mục cuối, không khớp với đầu chuỗi ứng dụng đã ghi: mục này đã bị "
                     "thay (mã băm tính lại).")
    return None


def _rows(session: Session) -> Iterable[Any]:
    """Yield every entry with the head beside it, by seq, in chunks; one statement, so one snapshot of both."""
    columns = [_LOG.c.id, _LOG.c.prev_hash, _LOG.c.hash, *(_LOG.c[name] for name in CONTENT)]
    head = [_HEAD.c.seq.label("head_seq"), _HEAD.c.hash.label("head_hash"), _HEAD.c.entry_id.label("head_entry_id")]
    heads = select(*head).where(_HEAD.c.id == HEAD_ID).subquery()
    stmt = (select(*columns, *heads.c).select_from(_LOG).join(heads, true(), isouter=True)
            .order_by(_LOG.c.seq, _LOG.c.id).execution_options(yield_per=2000))
    yield from session.execute(stmt)


def verify(session: Session, *, expect: str | None = None) -> ChainState:
    """Walk the whole chain and return its state: entries read, the head, the first broken link.

    `expect` is a hash kept elsewhere earlier (a checkpoint): the chain must still hold an entry with it, or it was
    rewritten before that point (which only someone who can recompute every hash, such as a database superuser,
    could have done without leaving a broken link)."""
    expect = expect.strip().lower() if expect else None
    prev, broken, found, count, head = None, None, None, 0, None
    for row in _rows(session):
        count += 1
        head = row if row.head_seq is not None else None
        if broken is None:
            broken = _link(row, prev, head)
        if expect and row.hash == expect and found is None:
            found = {"id": row.id, "seq": row.seq, "at": row.at}
        prev = row
    if count == 0:
        head = session.execute(select(_HEAD.c.seq.label("head_seq"), _HEAD.c.hash.label("head_hash"),
                                      _HEAD.c.entry_id.label("head_entry_id")).where(_HEAD.c.id == HEAD_ID)).first()
    if broken is None:
        broken = _end(prev, head)
    if broken is None and expect and found is None and expect != GENESIS:
        broken = Break("checkpoint_not_found", None, None, None,
                       f"Không thấy mã đối chiếu {expect[:12]}… trong chuỗi: nhật ký đã bị viết lại trước thời điểm "
                       "lưu mã này (hoặc mã đã chép sai).")
    return ChainState(entries=count, head=prev.hash if prev is not None else GENESIS,
                      head_seq=prev.seq if prev is not None else 0, head_at=prev.at if prev is not None else None,
                      broken=broken, checkpoint=found)


def count_entries(session: Session) -> int:
    """Return how many entries the log holds."""
    return session.execute(select(func.count()).select_from(_LOG)).scalar_one()


def summary(state: ChainState) -> str:
    """Return the chain's state in one Vietnamese sentence (the page's banner, the CLI's first line)."""
    if state.broken is None:
        last = (f", mục cuối số {format_number(state.head_seq)} lúc {format_datetime(state.head_at)}"
                if state.head_at else "")
        return f"Toàn vẹn: đã kiểm tra {format_number(state.entries)} mục{last}, không mục nào bị sửa, xóa hay chèn."
    where = f" tại mục số {format_number(state.broken.seq)}" if state.broken.seq is not None else ""
    return f"Bị sửa đổi{where} ({REASONS[state.broken.reason]}): {state.broken.message}"


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def as_json(state: ChainState) -> dict[str, Any]:
    """Return the state with stable English keys: ok, entries, head, broken (id, seq, at, reason, message) and
    checkpoint (id, seq, at); times in ISO 8601, UTC."""
    broken = state.broken
    return {
        "ok": state.ok,
        "entries": state.entries,
        "head": state.head,
        "broken": None if broken is None else {"id": broken.id, "seq": broken.seq, "at": _iso(broken.at),
                                               "reason": broken.reason, "message": broken.message},
        "checkpoint": None if state.checkpoint is None else {**state.checkpoint, "at": _iso(state.checkpoint["at"])},
    }
