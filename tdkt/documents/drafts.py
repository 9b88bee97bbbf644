"""The drafts the Office signs, made from the year's data in one click: the tờ trình to the province or the Ministry,
the attached list, the Giám đốc Sở's decision with its money, the public notice of nominees (Law Điều 84 k5).

Each is its kind's template (the Office's own for the year, else the built-in one) rendered by docxtpl in a sandbox,
with the fields of tdkt.documents.fields; every draft made is recorded in the register (tdkt.documents.register).
The decree named is the one in force on the document's date: NĐ 98/2023/NĐ-CP until 30/06/2025, NĐ 152/2025/NĐ-CP
from 01/07/2025.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from io import BytesIO
from typing import Literal

from docxtpl import DocxTemplate
from jinja2 import TemplateError
from sqlmodel import Session

from tdkt.core.config import Settings
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore
from tdkt.core.permissions import Actor, require
from tdkt.core.text import format_date, format_number
from tdkt.documents import nominees
from tdkt.documents.fields import DRAFT_KINDS
from tdkt.documents.nominees import ROMAN, Selection, Stage
from tdkt.documents.register import record_generated
from tdkt.documents.templates import sandbox, template_bytes
from tdkt.reports.report_docx import SIGNER_NAME, place_and_date

LAW = "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
ND_98 = "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều " \
        "của Luật Thi đua, khen thưởng"
ND_152 = "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết, hướng dẫn thi hành " \
         "Luật Thi đua, khen thưởng"
ND_152_FROM = date(2025, 7, 1)
NOTICE_DAYS = 7  # the comment period when none is given: a week from the notice's date
Level = Literal["tinh", "bo"]
Signer = Literal["giam_doc", "pho_giam_doc"]
TARGET_WORDS = {"tap_the": "tập thể", "ca_nhan": "cá nhân", "ho_gia_dinh": "hộ gia đình"}


@dataclass(frozen=True, slots=True)
class Request:
    """What to draft: the kind and year, and the options of that kind."""

    kind: str
    year: int
    day: date                      # the document's date
    to: Level = "tinh"             # tờ trình (and its list): the province or the Ministry
    attached_to: str = "to_trinh"  # danh sách: the document it goes with (to_trinh / quyet_dinh)
    start: date | None = None      # công khai: the comment period
    end: date | None = None
    decision: str | None = None    # quyết định: its number, and those already decided by it
    stage: Stage | None = None     # công khai: before or after the council (None: as the year's steps say)
    signer: Signer = "giam_doc"


@dataclass(frozen=True, slots=True)
class Draft:
    """A draft made: its file name, bytes, and the options it was made with, in words."""

    file_name: str
    data: bytes
    detail: str
    count: int


def decree_in_force(day: date) -> str:
    """Return the decree guiding the Law on a day (NĐ 152/2025 from 01/07/2025, NĐ 98/2023 before)."""
    return ND_152 if day >= ND_152_FROM else ND_98


def _count_words(selection: Selection) -> str:
    parts = [f"{format_number(selection.count(t))} {w}" for t, w in TARGET_WORDS.items() if selection.count(t)]
    return " và ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else (parts[0] if parts else "0 cá nhân")


def _rows(selection: Selection, *, money: bool) -> list[dict]:
    rows = []
    for i, group in enumerate(selection.groups):
        rows.append({"muc": True, "stt": ROMAN[i], "ten": f"{group.label.upper()} ({group.count})", "chuc_vu": "",
                     "don_vi": "", "so_tien": ""})
        for j, award in enumerate(group.awards, start=1):
            rows.append({"muc": True, "stt": f"{j}", "ten": f"{award.award} ({len(award.nominees)})", "chuc_vu": "",
                         "don_vi": "", "so_tien": ""})
            for k, n in enumerate(award.nominees, start=1):
                amount = "" if not money else format_number(n.amount) if n.amount is not None else "—"
                rows.append({"muc": False, "stt": f"{k}", "ten": n.name, "chuc_vu": n.position, "don_vi": n.unit,
                             "so_tien": amount})
    return rows


def _summary(selection: Selection, *, money: bool) -> list[dict]:
    lines = []
    for award in selection.award_names:
        of_award = [n for n in selection.nominees if n.award == award]
        counts = [f"{sum(n.target == t for n in of_award)} {w}" for t, w in TARGET_WORDS.items()
                  if any(n.target == t for n in of_award)]
        text = f"{award}: {', '.join(counts)}"
        if money:
            text += f"; tiền thưởng {format_number(sum(n.amount or 0 for n in of_award))} đồng"
        lines.append({"dong": text + ";"})
    if lines:
        lines[-1]["dong"] = lines[-1]["dong"][:-1] + "."
    return lines


def _common(settings: Settings, request: Request, selection: Selection, *, number: str) -> dict:
    return {
        "co_quan_cap_tren": settings.parent_agency.upper(), "co_quan": settings.agency.upper(),
        "ten_co_quan": settings.agency, "so_ky_hieu": number, "dia_danh_ngay": place_and_date(settings.place,
                                                                                             request.day),
        "ngay": format_date(request.day), "nam": request.year, "nguoi_ky": SIGNER_NAME,
        "chuc_vu_ky": ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] if request.signer == "pho_giam_doc" else ["GIÁM ĐỐC"],
        "dong": _rows(selection, money=False), "tong_hop": _summary(selection, money=False),
        "tong_tap_the": selection.count("tap_the"), "tong_ca_nhan": selection.count("ca_nhan"),
        "tong_ho_gia_dinh": selection.count("ho_gia_dinh"), "tong_so": len(selection.nominees),
        "dem": _count_words(selection), "noi_nhan": ["- Lãnh đạo Sở;", "- Lưu: VT, VP."],
        "can_cu": [], "trich_yeu": "", "tieu_de_danh_sach": "", "kem_theo": "",
    }


def _proposal(settings: Settings, request: Request, selection: Selection) -> dict:
    decider = "Chủ tịch Ủy ban nhân dân tỉnh" if request.to == "tinh" else "Bộ trưởng Bộ Công Thương"
    to_whom = f"Hội đồng Thi đua - Khen thưởng tỉnh {settings.place}" if request.to == "tinh" else "Bộ Công Thương"
    decree = decree_in_force(request.day)
    return {**_common(settings, request, selection, number="Số: …/TTr-SCT"),
            "trich_yeu": f"Về việc đề nghị {decider} khen thưởng năm {request.year}", "kinh_gui": to_whom,
            "cap_quyet_dinh": decider, "nghi_dinh": decree,
            "can_cu": [f"Căn cứ {LAW};", f"Căn cứ {decree};",
                       f"Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng {settings.agency} xét khen thưởng năm "
                       f"{request.year}."],
            "tieu_de_danh_sach": f"DANH SÁCH ĐỀ NGHỊ {decider.upper()} KHEN THƯỞNG NĂM {request.year}",
            "kem_theo": f"(Kèm theo Tờ trình số …/TTr-SCT ngày {format_date(request.day)} của {settings.agency})"}


def _decision(settings: Settings, request: Request, selection: Selection) -> dict:
    number = request.decision or "…/QĐ-SCT"
    decree = decree_in_force(request.day)
    return {**_common(settings, request, selection, number=f"Số: {number}"),
            "dong": _rows(selection, money=True), "tong_hop": _summary(selection, money=True),
            "so_quyet_dinh": number, "nghi_dinh": decree,
            "trich_yeu": f"Về việc tặng danh hiệu thi đua và Giấy khen năm {request.year}",
            "can_cu": [f"Căn cứ {LAW};", f"Căn cứ {decree};",
                       f"Căn cứ Quyết định số …/QĐ-UBND của Ủy ban nhân dân tỉnh {settings.place} quy định chức "
                       f"năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {settings.agency};",
                       "Xét đề nghị của Hội đồng Thi đua - Khen thưởng Sở và Chánh Văn phòng Sở."],
            "noi_nhan": ["- Lãnh đạo Sở;", "- Các phòng, đơn vị thuộc Sở;", "- Lưu: VT, VP."],
            "tong_tien": format_number(selection.total_money),
            "muc_luong": format_number(selection.salary) if selection.salary else "…",
            "tieu_de_danh_sach": f"DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG NĂM {request.year}",
            "kem_theo": f"(Kèm theo Quyết định số {number} ngày {format_date(request.day)} của Giám đốc "
                        f"{settings.agency})"}


def _notice(settings: Settings, request: Request, selection: Selection, stage: Stage) -> dict:
    start = request.start or request.day
    end = request.end or start + timedelta(days=NOTICE_DAYS)
    if end < start:
        raise Refused(f"Ngày hết hạn nhận ý kiến ({format_date(end)}) trước ngày bắt đầu ({format_date(start)}): "
                      "chọn lại thời gian nhận ý kiến.")
    when = ("sau khi Hội đồng Thi đua - Khen thưởng Sở xét" if stage == "sau"
            else "trước khi Hội đồng Thi đua - Khen thưởng Sở xét")
    return {**_common(settings, request, selection, number="Số: …/TB-SCT"),
            "trich_yeu": f"Công khai danh sách tập thể, cá nhân đề nghị khen thưởng năm {request.year}",
            "tu_ngay": format_date(start), "den_ngay": format_date(end), "giai_doan": when,
            "noi_nhan": ["- Lãnh đạo Sở;", "- Các phòng, đơn vị thuộc Sở;", "- Trang thông tin điện tử của Sở;",
                         "- Lưu: VT, VP."],
            "tieu_de_danh_sach": f"DANH SÁCH CÔNG KHAI TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ KHEN THƯỞNG NĂM {request.year}",
            "kem_theo": f"(Kèm theo Thông báo số …/TB-SCT ngày {format_date(request.day)} của {settings.agency})"}


def context(session: Session, settings: Settings, request: Request) -> tuple[dict, Selection, str]:
    """Return a draft's fields, the nominations it lists and its options in words (refused when it lists none)."""
    kind = request.kind
    if kind not in DRAFT_KINDS:
        raise Refused(f"Không soạn được loại văn bản “{kind}”: chọn một trong {', '.join(DRAFT_KINDS)}.")
    parent = request.attached_to if kind == "danh_sach" else kind
    if parent == "quyet_dinh" and request.decision:
        signed = nominees.decision_date(session, year=request.year, decision=request.decision)
        request = replace(request, day=signed or request.day)  # a recorded decision keeps its own date
    if parent == "quyet_dinh":
        selection = nominees.for_decision(session, year=request.year, day=request.day, decision=request.decision)
        fields, detail = _decision(settings, request, selection), "Quyết định của Giám đốc Sở"
        detail += f" số {request.decision}" if request.decision else ""
    elif parent == "to_trinh":
        selection = nominees.for_proposal(session, year=request.year, to=request.to)
        fields = _proposal(settings, request, selection)
        detail = "Trình UBND tỉnh" if request.to == "tinh" else "Trình Bộ Công Thương"
    elif kind == "cong_khai":
        selection, stage = nominees.for_notice(session, year=request.year, stage=request.stage)
        fields = _notice(settings, request, selection, stage)
        detail = f"Nhận ý kiến {fields['tu_ngay']}–{fields['den_ngay']}, {fields['giai_doan']}"
    else:
        raise Refused(f"Danh sách kèm theo “{parent}” không có: chọn to-trinh hoặc quyet-dinh.")
    if kind == "danh_sach":
        detail = f"Kèm theo {detail[0].lower()}{detail[1:]}"
    if not selection.nominees:
        raise Refused(_nothing(kind if kind != "danh_sach" else parent, request))
    return fields, selection, detail


def _nothing(kind: str, request: Request) -> str:
    if kind == "quyet_dinh":
        return (f"Năm {request.year} chưa có đề nghị nào “Hội đồng đã xét” thuộc thẩm quyền của Giám đốc Sở (Lao "
                "động tiên tiến, Chiến sĩ thi đua cơ sở, Tập thể lao động tiên tiến, Giấy khen): ghi kết quả bỏ "
                "phiếu ở trang Hội đồng TĐKT (hoặc chuyển các danh hiệu không cần bỏ phiếu sang “Hội đồng đã xét” ở "
                "trang Hồ sơ đề nghị) rồi soạn lại; soạn lại một quyết định đã ký thì ghi số quyết định.")
    if kind == "to_trinh":
        level = "Chủ tịch UBND tỉnh và cấp nhà nước" if request.to == "tinh" else "Bộ Công Thương"
        return (f"Năm {request.year} chưa có đề nghị nào “Hội đồng đã xét” thuộc thẩm quyền của {level}: ghi kết "
                "quả bỏ phiếu ở trang Hội đồng TĐKT (hoặc chuyển các đề nghị không cần bỏ phiếu sang bước “Hội đồng "
                "đã xét” ở trang Hồ sơ đề nghị) rồi soạn lại.")
    return f"Năm {request.year} chưa có đề nghị nào để công khai."


def render(template: bytes, fields: dict) -> bytes:
    """Fill a template's fields (docxtpl, sandboxed, values escaped) and return the .docx."""
    document = DocxTemplate(BytesIO(template))
    try:
        document.render(fields, jinja_env=sandbox(), autoescape=True)
    except TemplateError as error:
        raise Refused(f"Mẫu văn bản không điền được: {error.message or error}. Tải mẫu có sẵn về, sửa lại rồi tải "
                      "lên lại.") from None
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def file_name(request: Request) -> str:
    """Return a draft's file name: "to_trinh_tinh_2025.docx", "danh_sach_quyet_dinh_2025.docx"…"""
    middle = {"to_trinh": f"_{request.to}", "danh_sach": f"_{request.attached_to}"}.get(request.kind, "")
    if request.kind == "danh_sach" and request.attached_to == "to_trinh":
        middle += f"_{request.to}"
    return f"{request.kind}{middle}_{request.year}.docx"


def make(session: Session, actor: Actor | None, request: Request, *, settings: Settings,
         store: FileStore | None = None) -> Draft:
    """Draft a document from the year's data and its template, and record it in the register (the Office)."""
    require(actor, "soan_van_ban")
    fields, selection, detail = context(session, settings, request)
    template, own = template_bytes(session, kind=request.kind, year=request.year, store=store)
    data = render(template, fields)
    detail = f"{detail}; {len(selection.nominees)} đối tượng" + ("; mẫu riêng của Văn phòng" if own else "")
    name = file_name(request)
    record_generated(session, actor, year=request.year, kind=request.kind, filename=name, content=data,
                     detail=detail, store=store)
    return Draft(name, data, detail, len(selection.nominees))


def request_for(kind: str, year: int, day: date, **options) -> Request:
    """Return a Request from the command line's or the page's words ("to-trinh", attached_to "quyet-dinh")."""
    request = Request(kind=kind.replace("-", "_"), year=year, day=day)
    if "attached_to" in options and options["attached_to"]:
        options["attached_to"] = options["attached_to"].replace("-", "_")
    return replace(request, **{k: v for k, v in options.items() if v is not None})

