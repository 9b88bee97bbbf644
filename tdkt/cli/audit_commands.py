"""The `audit` commands: `audit verify` walks the audit log's hash chain and reports the first broken link."""

from __future__ import annotations

import re

import click

from tdkt.cli import json_output
from tdkt.cli.context import CONTEXT, open_database
from tdkt.core.config import Settings
from tdkt.core.db import read_session

_HASH = re.compile(r"^[0-9a-fA-F]{64}$")


@click.group("audit", context_settings=CONTEXT)
def audit_command() -> None:
    """Nhật ký hoạt động: kiểm tra chuỗi mã băm (phát hiện mục bị sửa, xóa hoặc chèn ngoài ứng dụng)."""


def _checkpoint(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _HASH.match(value.strip()):
        raise click.BadParameter("Mã đối chiếu phải là 64 chữ số thập lục phân, như `audit verify` đã in.")
    return value.strip().lower() if value else None


@audit_command.command("verify")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON: ok, entries, head, broken.")
@click.option("--expect", "expect", default=None, callback=_checkpoint, metavar="MÃ_BĂM",
              help="Mã băm đầu chuỗi đã lưu ở nơi khác từ lần kiểm tra trước: chuỗi phải còn chứa nó.")
def verify_command(as_json: bool, expect: str | None) -> None:
    """Kiểm tra toàn bộ nhật ký: mỗi mục phải khớp mã băm của nó và nối tiếp mục trước; in mục hỏng đầu tiên (mã
    thoát 1) hoặc mã băm đầu chuỗi để lưu lại (mã thoát 0)."""
    from tdkt.core import audit_chain

    engine, _ = open_database(Settings.from_env())
    with read_session(engine) as session:
        state = audit_chain.verify(session, expect=expect)
    if as_json:
        json_output.echo(audit_chain.as_json(state))
    else:
        click.echo(f"Nhật ký hoạt động — {audit_chain.summary(state)}")
        if state.checkpoint is not None:
            click.echo(f"Mã đối chiếu có trong chuỗi: mục số {state.checkpoint['seq']} (mã {state.checkpoint['id']}).")
        if state.ok:
            click.echo(f"Mã băm đầu chuỗi (lưu ở nơi khác, lần sau kiểm tra với --expect): {state.head}")
    if not state.ok:
        raise SystemExit(1)
