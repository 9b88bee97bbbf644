"""The backup file: a zip holding one JSON Lines member per table, the file store's attachments by their SHA-256 and
`manifest.json` (format version, schema revision, when, which app, per table its columns, rows and SHA-256).

Members are written and read as streams, so neither a backup nor a restore holds a table in memory. The manifest is
written last (its checksums are known only then); readers find it through the zip's directory.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import IO, Any, BinaryIO

from tdkt.core.backup_codec import KINDS
from tdkt.core.errors import Refused

FORMAT = "tdkt-backup"
FORMAT_VERSION = 1  # a reader refuses a higher one: it cannot know what a newer writer put in
MANIFEST = "manifest.json"
_MANIFEST_LIMIT = 64 << 20  # bytes: a manifest lists tables and files, never rows
_CHUNK = 1 << 20


class BackupRefused(Refused):
    """The backup file cannot be read or does not hold what its manifest says; nothing was written."""


@dataclass(frozen=True, slots=True)
class TableEntry:
    """One table of a backup: its member, its columns as (name, kind), how many rows, the member's SHA-256 and size."""

    name: str
    member: str
    columns: list[tuple[str, str]]
    rows: int
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One attachment of the file store: the SHA-256 it is kept under (also its member's name) and its size."""

    sha256: str
    size: int
    member: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds and where it comes from."""

    revision: str
    created_at: datetime
    app_version: str
    engine: str
    tables: list[TableEntry]
    files: list[FileEntry] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)  # attachments whose file the store did not have
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        """Return how many rows the backup holds in all."""
        return sum(t.rows for t in self.tables)

    @property
    def file_bytes(self) -> int:
        """Return the attachments' total size."""
        return sum(f.size for f in self.files)

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "format_version": self.format_version, "revision": self.revision,
                "created_at": self.created_at.isoformat(timespec="microseconds"), "app_version": self.app_version,
                "engine": self.engine, "tables": [asdict(t) for t in self.tables],
                "files": [asdict(f) for f in self.files], "missing_files": self.missing_files}
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Read a manifest, refusing one this app cannot read (another program's, a newer format, a broken one)."""
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise BackupRefused("Tệp không phải bản sao lưu của TĐKT Dashboard (manifest.json không đúng dạng).")
            if int(data["format_version"]) > FORMAT_VERSION:
                raise BackupRefused(f"Bản sao lưu theo định dạng số {data['format_version']}, mới hơn định dạng "
                                    f"{FORMAT_VERSION} phiên bản ứng dụng này đọc được: nâng cấp ứng dụng trước.")
            tables = [TableEntry(name=str(t["name"]), member=str(t["member"]), rows=int(t["rows"]),
                                 columns=[(str(n), str(k)) for n, k in t["columns"]], sha256=str(t["sha256"]),
                                 size=int(t["size"])) for t in data["tables"]]
            files = [FileEntry(sha256=str(f["sha256"]), size=int(f["size"]), member=str(f["member"]))
                     for f in data.get("files", [])]
            manifest = cls(revision=str(data["revision"]), created_at=datetime.fromisoformat(data["created_at"]),
                           app_version=str(data.get("app_version", "")), engine=str(data.get("engine", "")),
                           tables=tables, files=files, missing_files=[str(s) for s in data.get("missing_files", [])],
                           format_version=int(data["format_version"]))
        except BackupRefused:
            raise
        except (ValueError, KeyError, TypeError) as error:
            raise BackupRefused(f"manifest.json của bản sao lưu bị hỏng ({error.__class__.__name__}: {error}).") \
                from None
        unknown = sorted({k for t in tables for _, k in t.columns} - set(KINDS))
        if unknown:
            raise BackupRefused(f"Bản sao lưu có cột kiểu {', '.join(unknown)} mà phiên bản này chưa đọc được.")
        return manifest


def table_member(name: str) -> str:
    return f"tables/{name}.jsonl"


def file_member(sha256: str) -> str:
    return f"files/{sha256[:2]}/{sha256}"


class Writer:
    """Write a backup into a binary stream, member by member."""

    def __init__(self, out: BinaryIO) -> None:
        # Level 1: JSON Lines still shrink about 6× and deflate costs a fraction of level 6's time.
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True)

    def table(self, name: str, columns: list[tuple[str, str]], lines: Iterable[str]) -> TableEntry:
        """Write a table's lines (each a JSON row ending in a newline); return its entry."""
        member = table_member(name)
        digest, size, rows = hashlib.sha256(), 0, 0
        with self._zip.open(member, "w", force_zip64=True) as out:
            buffer: list[str] = []
            for line in lines:
                buffer.append(line)
                rows += 1
                if len(buffer) == 2000:
                    size += _flush(buffer, out, digest)
            size += _flush(buffer, out, digest)
        return TableEntry(name=name, member=member, columns=columns, rows=rows, sha256=digest.hexdigest(), size=size)

    def file(self, sha256: str, stream: BinaryIO) -> FileEntry:
        """Copy one attachment in, stored as it is (documents are mostly compressed already)."""
        member, size = file_member(sha256), 0
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_STORED
        with self._zip.open(info, "w", force_zip64=True) as out:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                size += len(chunk)
        return FileEntry(sha256=sha256, size=size, member=member)

    def finish(self, manifest: Manifest) -> None:
        """Write the manifest and close the zip."""
        self._zip.writestr(MANIFEST, manifest.to_json())
        self._zip.close()

    def abort(self) -> None:
        """Close the zip after a failure (the caller discards what was written)."""
        self._zip.close()


def _flush(buffer: list[str], out: IO[bytes], digest: Any) -> int:
    if not buffer:
        return 0
    data = "".join(buffer).encode("utf-8")
    buffer.clear()
    digest.update(data)
    out.write(data)
    return len(data)


def open_backup(source: str | BinaryIO) -> zipfile.ZipFile:
    """Open a backup file for reading (refused when it is no zip)."""
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupRefused(f"Không đọc được tệp sao lưu: tệp không phải tệp .zip hoặc đã bị hỏng ({error}).") \
            from None


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    """Return the backup's manifest."""
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise BackupRefused("Tệp .zip này không phải bản sao lưu của TĐKT Dashboard (không có manifest.json).") \
            from None
    if info.file_size > _MANIFEST_LIMIT:
        raise BackupRefused("manifest.json của bản sao lưu lớn bất thường: tệp không phải bản sao lưu hợp lệ.")
    with _member(archive, MANIFEST) as handle:
        return Manifest.from_json(handle.read(_MANIFEST_LIMIT + 1))


class _member:
    """Open a member, turning the zip's own errors (a bad CRC, a cut file) into a Vietnamese refusal."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self._archive, self._name, self._handle = archive, name, None

    def __enter__(self) -> IO[bytes]:
        try:
            self._handle = self._archive.open(self._name)
        except KeyError:
            raise BackupRefused(f"Bản sao lưu thiếu phần “{self._name}” mà manifest.json kê ra.") from None
        return self._handle

    def __exit__(self, kind: Any, error: Any, _trace: Any) -> bool:
        self._handle.close()
        if isinstance(error, zipfile.BadZipFile | EOFError | OSError):
            raise BackupRefused(f"Phần “{self._name}” của bản sao lưu bị hỏng ({error}).") from None
        return False


def table_lines(archive: zipfile.ZipFile, entry: TableEntry) -> Iterator[bytes]:
    """Yield a table's lines as stored, checking at the end that they are the rows and bytes the manifest says."""
    digest, size, rows = hashlib.sha256(), 0, 0
    with _member(archive, entry.member) as handle:
        for line in handle:
            digest.update(line)
            size += len(line)
            rows += 1
            yield line
    if (digest.hexdigest(), size, rows) != (entry.sha256, entry.size, entry.rows):
        raise BackupRefused(f"Bảng “{entry.name}” trong bản sao lưu không khớp mã kiểm tra SHA-256 (hoặc số dòng) "
                            "ghi trong manifest.json: tệp đã bị sửa hoặc hỏng.")


def file_stream(archive: zipfile.ZipFile, entry: FileEntry) -> IO[bytes]:
    """Open one attachment's member (the caller checks its hash as it reads)."""
    try:
        return archive.open(entry.member)
    except KeyError:
        raise BackupRefused(f"Bản sao lưu thiếu tệp đính kèm {entry.sha256[:12]}… mà manifest.json kê ra.") from None


def verify(archive: zipfile.ZipFile, manifest: Manifest, *, collect: dict[str, int]) -> dict[str, set[Any]]:
    """Check every member against the manifest before anything is written: each table's SHA-256, size and rows,
    each attachment's SHA-256 (its name) and size, and that the zip holds nothing the manifest does not list.

    `collect` names, per table, a column whose distinct values to return (the attachments' hashes)."""
    listed = {MANIFEST, *(t.member for t in manifest.tables), *(f.member for f in manifest.files)}
    extra = sorted(set(archive.namelist()) - listed)
    if extra:
        raise BackupRefused(f"Bản sao lưu có phần không ghi trong manifest.json (“{extra[0]}”): tệp đã bị sửa.")
    found: dict[str, set[Any]] = {name: set() for name in collect}
    for entry in manifest.tables:
        index = collect.get(entry.name)
        for line in table_lines(archive, entry):
            if index is not None:
                found[entry.name].add(_cell(line, index, entry.name))
    for entry in manifest.files:
        digest, size = hashlib.sha256(), 0
        with _member(archive, entry.member) as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        if (digest.hexdigest(), size) != (entry.sha256, entry.size):
            raise BackupRefused(f"Tệp đính kèm {entry.sha256[:12]}… trong bản sao lưu không khớp mã SHA-256 của nó: "
                                "tệp đã bị sửa hoặc hỏng.")
    return found


def _cell(line: bytes, index: int, table: str) -> Any:
    try:
        return json.loads(line)[index]
    except (ValueError, IndexError, TypeError):
        raise BackupRefused(f"Một dòng của bảng “{table}” trong bản sao lưu không đọc được.") from None
