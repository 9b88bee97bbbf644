"""The file store's upkeep: `sweep-files` removes the documents no row refers to any more."""

from __future__ import annotations

import click

from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session


@click.command("sweep-files")
@click.option("--dry-run", is_flag=True, help="Chỉ đếm các tệp sẽ xóa, không xóa.")
def sweep_files_command(dry_run: bool) -> None:
    """Xóa khỏi kho tệp các tài liệu không còn hồ sơ nào trỏ tới (đã xóa, hoặc đề nghị đã hoàn tác), cũ hơn một ngày."""
    from tdkt.submissions import attachments  # late: `--help` does not load the domain

    settings = Settings.from_env()
    engine, _ = open_database(settings)
    store = attachments.store_of(settings)
    with read_session(engine) as session:
        removed = attachments.sweep(session, store, dry_run=dry_run)
    verb = "Sẽ xóa" if dry_run else "Đã xóa"
    click.echo(f"{verb} {len(removed)} tệp không còn dùng trong kho tệp {store.root}.")
