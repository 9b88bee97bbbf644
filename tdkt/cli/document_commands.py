"""The `docs` command: a draft the Office signs (.docx) or certificates (.pdf) from the year's data, recorded in the
register of generated documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tdkt.cli.context import open_database
from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.text import parse_date

DRAFTS = ("to-trinh", "quyet-dinh", "danh-sach", "cong-khai")
CERTIFICATES = ("giay-khen", "giay-chung-nhan")


def _day(text: str | None, option: str) -> date | None:
    try:
        return parse_date(text) if text else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _certificates(session, *, year: int, kind: str, decision: str | None, nomination: int | None,
                  overlay: bool) -> bytes:
    """Certificates from tdkt.documents.certificates, recorded in the register of generated documents."""
    try:
        from tdkt.documents import certificates
    except ImportError:
        raise click.ClickException("Chức năng in giấy khen, giấy chứng nhận chưa có trong phiên bản này.") from None
    from tdkt.core.permissions import COMMAND_LINE

    options = {"year": year, "kind": kind, "decision": decision, "nomination_id": nomination, "overlay": overlay}
    if hasattr(certificates, "print_and_record"):  # renders and records under the certificates' own file name
        return certificates.print_and_record(session, actor=COMMAND_LINE, **options)[1]
    from tdkt.documents.register import record_generated

    pdf = certificates.render_certificates(session, actor=COMMAND_LINE, **options)
    record_generated(session, COMMAND_LINE, year=year, kind=kind, filename=f"{kind.replace('-', '_')}_{year}.pdf",
                     content=pdf)
    return pdf


@click.command("docs")
@click.option("--year", type=int, required=True, help="Năm thành tích.")
@click.option("--kind", type=click.Choice([*DRAFTS, *CERTIFICATES]), required=True,
              help="Loại văn bản: to-trinh (tờ trình đề nghị khen thưởng), quyet-dinh (quyết định của Giám đốc Sở), "
                   "danh-sach (danh sách kèm theo), cong-khai (thông báo công khai), giay-khen, giay-chung-nhan "
                   "(.pdf).")
@click.option("--to", "to", type=click.Choice(["tinh", "bo"]), default="tinh", show_default=True,
              help="Tờ trình gửi: tinh (Hội đồng TĐKT tỉnh, Chủ tịch UBND tỉnh) hoặc bo (Bộ Công Thương).")
@click.option("--for", "attached_to", type=click.Choice(["to-trinh", "quyet-dinh"]), default="to-trinh",
              show_default=True, help="Danh sách kèm theo văn bản nào.")
@click.option("--from", "start", default=None, help="Công khai: ngày bắt đầu nhận ý kiến dd/mm/yyyy (mặc định hôm "
                                                   "nay).")
@click.option("--to-date", "end", default=None, help="Công khai: ngày hết hạn nhận ý kiến dd/mm/yyyy (mặc định "
                                                     "sau 7 ngày).")
@click.option("--decision", default=None, help="Số quyết định, ví dụ “12/QĐ-SCT”: quyết định ghi số này và gồm cả các "
                                               "đề nghị đã có quyết định số này; giấy khen chỉ của quyết định này.")
@click.option("--nomination", type=int, default=None, help="Giấy khen, giấy chứng nhận của một đề nghị (mã số).")
@click.option("--overlay", is_flag=True, help="Giấy khen: chỉ in chữ lên phôi in sẵn.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Tệp ghi ra (.docx; .pdf cho giấy khen).")
def docs_command(year: int, kind: str, to: str, attached_to: str, start: str | None, end: str | None,
                 decision: str | None, nomination: int | None, overlay: bool, out: str) -> None:
    """Soạn văn bản từ số liệu của năm (tờ trình, danh sách, quyết định, công khai: .docx) hoặc in giấy khen,
    giấy chứng nhận (.pdf); mỗi tệp được ghi vào danh sách văn bản đã tạo."""
    suffix = Path(out).suffix.lower()
    wanted = ".pdf" if kind in CERTIFICATES else ".docx"
    if suffix != wanted:
        raise click.BadParameter(f"Tệp của “{kind}” phải có đuôi {wanted}.", param_hint="--out")
    days = {"start": _day(start, "--from"), "end": _day(end, "--to-date")}
    settings = Settings.from_env()
    engine, _ = open_database(settings)
    with write_session(engine) as session:
        if kind in CERTIFICATES:
            content = _certificates(session, year=year, kind=kind, decision=decision, nomination=nomination,
                                    overlay=overlay)
            detail = None
        else:
            from tdkt.core.permissions import COMMAND_LINE
            from tdkt.documents import drafts

            request = drafts.request_for(kind, year, date.today(), to=to, attached_to=attached_to,
                                         decision=decision, **days)
            made = drafts.make(session, COMMAND_LINE, request, settings=settings)
            content, detail = made.data, made.detail
    path = Path(out).resolve()
    path.write_bytes(content)
    click.echo(str(path) + (f" ({detail})" if detail else ""))
