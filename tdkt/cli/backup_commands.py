"""The `backup` and `restore` commands: the whole database and the file store's attachments to one portable file, and
back (into SQLite or PostgreSQL, whichever TDKT_DATABASE_URL names)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError

from tdkt.cli.context import CONTEXT
from tdkt.core.config import Settings
from tdkt.core.errors import Refused


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _say(message: str) -> None:
    click.echo(message, err=True)


def _engine(settings: Settings):
    from tdkt.core.db import make_engine  # late: `--help` does not load the domain

    try:
        return make_engine(settings.database_url)
    except Exception as error:  # a URL or driver that cannot be used: say so, in Vietnamese
        raise _unreachable(settings, error) from None


def _unreachable(settings: Settings, error: Exception) -> click.ClickException:
    reason = getattr(error, "orig", None) or error
    return click.ClickException(f"Không mở được cơ sở dữ liệu {settings.database_url.split('@')[-1]}: "
                                f"{reason.__class__.__name__}: {str(reason).strip().splitlines()[0]}")


@click.command("backup", context_settings=CONTEXT)
@click.argument("file", metavar="TỆP", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Sao lưu toàn bộ cơ sở dữ liệu (mọi bảng, cả nhật ký và tài khoản) và các tài liệu đính kèm ra một tệp .zip,
    đọc trong một lần chụp nhất quán khi ứng dụng vẫn chạy. Tệp chứa mật khẩu đã băm và dữ liệu cá nhân: cất giữ
    như chính cơ sở dữ liệu."""
    from tdkt.core import backup  # late: `--help` does not load the domain
    from tdkt.core.db import write_session
    from tdkt.core.file_store import FileStore
    from tdkt.core.permissions import SYSTEM

    settings = Settings.from_env()
    engine = _engine(settings)
    if not file.parent.is_dir():
        raise Refused(f"Không có thư mục “{file.parent}” để ghi tệp sao lưu.")
    started = time.perf_counter()
    # Written under a temporary name in the same folder, then renamed: the name never holds half a backup.
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".partial", dir=file.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            with write_session(engine) as session:
                manifest = backup.create(session, SYSTEM, out, store=FileStore(settings.file_store),
                                         file_name=file.name, progress=_say)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, file)
    except OperationalError as error:  # the server cannot be reached, the file cannot be opened
        raise _unreachable(settings, error) from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    size = file.stat().st_size / (1 << 20)
    click.echo(f"Đã sao lưu vào {file} ({_decimal(size)} MB, {_decimal(time.perf_counter() - started)} giây). "
               + backup.summary_of(manifest))
    if manifest.missing_files:
        _say(f"Cảnh báo: {len(manifest.missing_files)} tài liệu đính kèm không có (hoặc hỏng) trong kho tệp "
             f"{settings.file_store}, nên không có trong bản sao lưu; các dòng trỏ tới chúng vẫn được sao lưu.")


@click.command("restore", context_settings=CONTEXT)
@click.argument("file", metavar="TỆP", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Thay toàn bộ dữ liệu đang có (đề nghị, hồ sơ, tài khoản, nhật ký…) bằng dữ liệu của bản sao lưu.")
def restore_command(file: Path, replace: bool) -> None:
    """Khôi phục cơ sở dữ liệu từ một tệp sao lưu (tạo bởi `backup`, từ SQLite hay PostgreSQL): kiểm tra mã SHA-256
    của mọi bảng và tệp trước khi ghi, rồi thay dữ liệu trong một giao dịch (trọn vẹn hoặc không gì cả); bản sao lưu
    của lược đồ cũ được nâng cấp. Từ chối khi cơ sở dữ liệu đã có dữ liệu ngoài dữ liệu ban đầu, trừ khi có
    --replace."""
    from tdkt.core import backup  # late: `--help` does not load the domain
    from tdkt.core.file_store import FileStore
    from tdkt.core.permissions import SYSTEM

    if not file.is_file():
        raise Refused(f"Không tìm thấy tệp sao lưu “{file}”.")
    settings = Settings.from_env()
    started = time.perf_counter()
    try:
        done = backup.restore(_engine(settings), SYSTEM, str(file), store=FileStore(settings.file_store),
                              replace=replace, file_name=file.name, progress=_say)
    except OperationalError as error:
        raise _unreachable(settings, error) from None
    upgraded = f" Đã nâng cấp lược đồ từ phiên bản {done.upgraded_from}." if done.upgraded_from else ""
    click.echo(f"Đã khôi phục từ {file} ({_decimal(time.perf_counter() - started)} giây). "
               + backup.summary_of(done.manifest) + upgraded)
    if done.replaced:
        click.echo(f"Dữ liệu cũ đã được thay: {backup.describe(done.replaced)}.")
    click.echo("Mọi người đăng nhập bằng tài khoản và mật khẩu của bản sao lưu.")
    if done.missing_files:
        _say(f"Cảnh báo: bản sao lưu không có {len(done.missing_files)} tài liệu đính kèm (đã thiếu khi sao lưu).")
