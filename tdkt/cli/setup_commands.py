"""The commands that set the application up: `init`, `user add`, `user unlock`, `demo`."""

from __future__ import annotations

from pathlib import Path

import click
from sqlmodel import select

from tdkt.cli.context import CONTEXT, open_database
from tdkt.core import auth, permissions, throttle
from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.models import ROLE_LABELS, Role, Unit
from tdkt.core.text import fold


def print_accounts(accounts: list[tuple[str, str, str]]) -> None:
    """Print the seeded accounts and their initial passwords."""
    click.echo("Tài khoản ban đầu (bắt buộc đổi mật khẩu ở lần đăng nhập đầu):")
    for username, role, password in accounts:
        click.echo(f"  {username:<10} vai trò {role:<10} mật khẩu {password}")


@click.command()
def init() -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu và nạp dữ liệu ban đầu (chạy lại không thay đổi gì)."""
    settings = Settings.from_env()
    _engine, result = open_database(settings)
    if result.created:
        click.echo("Đã tạo cơ sở dữ liệu và nạp kế hoạch TĐKT năm 2024, đơn vị, cụm thi đua, danh mục khen thưởng.")
        if result.accounts:
            print_accounts(result.accounts)
    else:
        extra = f" Đã bổ sung {result.awards_added} mục khen thưởng mới vào danh mục." if result.awards_added else ""
        extra += f" Đã thêm {', '.join(result.clusters_added)}." if result.clusters_added else ""
        click.echo("Cơ sở dữ liệu đã sẵn sàng." + extra if extra
                   else "Cơ sở dữ liệu đã sẵn sàng, không có gì thay đổi.")


@click.group("user", context_settings=CONTEXT)
def user() -> None:
    """Quản lý tài khoản người dùng."""


def _parse_role(value: str) -> Role:
    wanted = fold(value).replace(" ", "_")
    for role in Role:
        if wanted in (role.value, fold(ROLE_LABELS[role]).replace(" ", "_")):
            return role
    choices = ", ".join(f"{r.value} ({ROLE_LABELS[r]})" for r in Role)
    raise click.BadParameter(f"Vai trò “{value}” không có. Chọn một trong: {choices}.", param_hint="--role")


@user.command("add")
@click.argument("username")
@click.option("--role", "role_text", required=True, help="Vai trò: lanh_dao, van_phong, don_vi hoặc quan_tri.")
@click.option("--unit", "unit_text", default=None, help="Tên đơn vị (bắt buộc với vai trò don_vi).")
@click.option("--name", "display_name", default="", help="Họ tên hiển thị.")
@click.option("--password", default=None, help="Mật khẩu ban đầu (bỏ trống để tạo ngẫu nhiên).")
def user_add(username: str, role_text: str, unit_text: str | None, display_name: str, password: str | None) -> None:
    """Tạo tài khoản USERNAME; người dùng phải đổi mật khẩu ở lần đăng nhập đầu."""
    role = _parse_role(role_text)
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    with write_session(engine) as session:
        unit_id = None
        if unit_text:
            units = session.exec(select(Unit)).all()
            match = [u for u in units if fold(unit_text) in (fold(u.name), fold(u.short_name or ""))]
            if not match:
                names = "; ".join(u.name for u in units)
                raise click.BadParameter(f"Không có đơn vị “{unit_text}”. Các đơn vị: {names}.", param_hint="--unit")
            unit_id = match[0].id
        created, initial = auth.create_user(
            session, permissions.SYSTEM, username=username, display_name=display_name or username,
            role=role, unit_id=unit_id, password=password,
        )
        click.echo(f"Đã tạo tài khoản {created.username} (vai trò {role.label}). Mật khẩu ban đầu: {initial}")
        click.echo("Người dùng phải đổi mật khẩu ở lần đăng nhập đầu.")


@user.command("unlock")
@click.argument("username", required=False)
@click.option("--address", default=None, help="Gỡ tạm khóa cho một địa chỉ máy (IP) thay vì một tài khoản.")
def user_unlock(username: str | None, address: str | None) -> None:
    """Gỡ tạm khóa đăng nhập (do nhập sai mật khẩu nhiều lần) cho tài khoản USERNAME hoặc một địa chỉ máy."""
    if bool(username) == bool(address):
        raise click.UsageError("Ghi tên tài khoản USERNAME hoặc --address ĐỊA_CHỈ (một trong hai).")
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    kind, key = (throttle.ADDRESS, address) if address else (throttle.ACCOUNT, username)
    with write_session(engine) as session:
        cleared = throttle.lift(session, permissions.SYSTEM, kind=kind, key=key, limits=throttle.Limits.of(settings))
    click.echo(f"Đã gỡ tạm khóa đăng nhập cho {throttle.KIND_LABELS[kind].lower()} {key} "
               f"(bỏ {cleared} lần nhập sai đã tính).")


@click.command()
@click.option("--out", "out", default="data/demo.db", show_default=True, type=click.Path(dir_okay=False),
              help="Tệp SQLite của dữ liệu minh họa (không bao giờ là cơ sở dữ liệu thật).")
@click.option("--force", is_flag=True, help="Ghi đè tệp minh họa đã có.")
def demo(out: str, force: bool) -> None:
    """Tạo cơ sở dữ liệu minh họa (“Dữ liệu minh họa”: người và số liệu hư cấu) để xem thử mọi biểu đồ."""
    from tdkt.seeding import demo as demo_module

    settings = Settings.from_env()
    path = Path(out).resolve()
    real = settings.database_url.removeprefix("sqlite:///")
    if settings.database_url.startswith("sqlite:") and Path(real).resolve() == path:
        raise click.ClickException("Tệp minh họa trùng với cơ sở dữ liệu thật (TDKT_DATABASE_URL). "
                                   "Chọn tệp khác với --out.")
    if path.exists() and not force:
        raise click.ClickException(f"Tệp {path} đã có. Thêm --force để tạo lại.")
    summary = demo_module.build(path, settings=settings)
    click.echo(f"Đã tạo dữ liệu minh họa: {path}")
    click.echo(summary)
    click.echo(f"Mở ứng dụng trên dữ liệu này: TDKT_DATABASE_URL=sqlite:///{path} ./scripts/run")
