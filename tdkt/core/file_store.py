"""The file store: uploaded documents kept under their SHA-256 in one folder (data/files, or a shared volume).

A file is written under a temporary name, flushed to disk, then renamed to `ab/cd/<sha256>`: a name is either
absent or holds the whole file, so two app processes (or two uploads of the same bytes) never see half a file.
The user's file name never becomes a path. Callers write the file first and the database row after it, in one
transaction: a row always has its file; a file without a row (the transaction failed, the row was deleted) is an
orphan that `sweep` removes once it is old enough that no upload still on its way can be counting on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tdkt.core.config import fsync_folder
from tdkt.core.errors import Refused

CHUNK = 1 << 20  # bytes read and hashed at a time
_SHA = re.compile(r"[0-9a-f]{64}")
_INCOMING = ".incoming"
SWEEP_AGE = 24 * 3600.0  # seconds: an orphan younger than this may belong to an upload still committing


class StoreError(Refused):
    """The file store cannot take or give a file; the message is Vietnamese."""


class TooLarge(StoreError):
    """The file is larger than the limit; nothing was kept."""


def _mb(n: float) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


@dataclass(slots=True)
class Incoming:
    """A file received into the store's temporary area: its hash and size, not yet kept under its name."""

    path: Path
    sha256: str
    size: int
    kept: bool = False

    def head(self, n: int = 8192) -> bytes:
        """Return the first n bytes (to tell the file's kind)."""
        with self.path.open("rb") as handle:
            return handle.read(n)

    def tail(self, n: int = 8192) -> bytes:
        """Return the last n bytes."""
        with self.path.open("rb") as handle:
            handle.seek(max(0, self.size - n))
            return handle.read(n)


class FileStore:
    """Content-addressed files in a folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        """Return where the file with this SHA-256 lives (the hash is checked: it is the only part of the path)."""
        if not _SHA.fullmatch(sha256 or ""):
            raise StoreError("Mã SHA-256 của tệp không hợp lệ.")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        """Return True when the store holds this file."""
        return self.path_of(sha256).is_file()

    def _folder(self, path: Path) -> Path:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"Không ghi được vào kho tệp {self.root} ({error.strerror or error}): người quản trị "
                             "máy chủ kiểm tra quyền ghi thư mục này hoặc biến TDKT_FILE_STORE.") from None
        return path

    @contextlib.contextmanager
    def receive(self, stream: BinaryIO, *, limit: int, name: str = "") -> Iterator[Incoming]:
        """Copy a stream into the temporary area, hashing it; refuse it (TooLarge) past `limit` bytes, without
        reading it all. Yield the Incoming file; what `keep` did not keep is deleted when the block ends."""
        declared = getattr(stream, "size", None)
        if isinstance(declared, int) and declared > limit:
            raise TooLarge(f"Tệp “{name}” nặng {_mb(declared)} MB, vượt giới hạn {_mb(limit)} MB của một tài liệu.")
        handle, temporary = tempfile.mkstemp(prefix="up-", dir=self._folder(self.root / _INCOMING))
        incoming = Incoming(Path(temporary), "", 0)
        try:
            digest = hashlib.sha256()
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(min(CHUNK, limit + 1 - incoming.size)):
                    incoming.size += len(chunk)
                    if incoming.size > limit:
                        raise TooLarge(f"Tệp “{name}” nặng hơn {_mb(limit)} MB, vượt giới hạn của một tài liệu.")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            incoming.sha256 = digest.hexdigest()
            yield incoming
        finally:
            if not incoming.kept:
                incoming.path.unlink(missing_ok=True)

    def keep(self, incoming: Incoming) -> str:
        """Put a received file under its SHA-256 (once: the same bytes already there are kept, and marked fresh so
        that `sweep` leaves them to the upload now counting on them); return the hash."""
        target = self.path_of(incoming.sha256)
        self._folder(target.parent)
        if target.is_file():
            os.utime(target)
            incoming.path.unlink(missing_ok=True)
        else:
            os.replace(incoming.path, target)
            fsync_folder(target.parent)
        incoming.kept = True
        return incoming.sha256

    def read(self, sha256: str) -> bytes:
        """Return a stored file's bytes."""
        try:
            return self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            raise StoreError("Không tìm thấy tệp trong kho tệp (có thể kho đã bị xóa hoặc chuyển chỗ): người quản "
                             "trị máy chủ kiểm tra biến TDKT_FILE_STORE.") from None

    def stored(self) -> Iterator[tuple[str, float]]:
        """Yield (sha256, last modified as a timestamp) of every stored file."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if _SHA.fullmatch(path.name) and path.is_file():
                yield path.name, path.stat().st_mtime

    def sweep(self, referenced: set[str], *, age: float = SWEEP_AGE, dry_run: bool = False,
              now: float | None = None) -> list[str]:
        """Remove the files no row refers to and the temporary files left by interrupted uploads, when older than
        `age` seconds; return the hashes removed (or that would be)."""
        now = time.time() if now is None else now
        removed = [sha for sha, mtime in self.stored() if sha not in referenced and now - mtime > age]
        if not dry_run:
            for sha in removed:
                self.path_of(sha).unlink(missing_ok=True)
            for path in (self.root / _INCOMING).glob("up-*") if (self.root / _INCOMING).is_dir() else ():
                if now - path.stat().st_mtime > age:
                    path.unlink(missing_ok=True)
        return removed
