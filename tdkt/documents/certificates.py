"""The certificates the Giám đốc Sở signs: Giấy khen, and the giấy chứng nhận of the titles he grants (LĐTT, CSTĐCS,
TTLĐTT), one page per decided nomination of a year, for a whole decision or one nomination, as a full certificate or
as the text alone for the department's pre-printed blanks; and the test print that calibrates those."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.core.config import Settings
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Plan, Target, Unit
from tdkt.core.permissions import Actor, require
from tdkt.core.text import clean, fold, format_date, nominee_order
from tdkt.documents import certificate_pdf, register
from tdkt.documents.certificate_layout import KINDS, Layout, full_layout, kind_of, layout_for
from tdkt.reports.report_docx import place_and_date

# The awards each kind prints, by catalogue code.
AWARDS = {"giay_khen": ("GK_GD_SO",), "giay_chung_nhan": ("LDTT", "CSTDCS", "TTLDTT")}
AWARDS_LABELS = {"giay_khen": ("Giấy khen của Giám đốc Sở",),
                 "giay_chung_nhan": ("Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Tập thể lao động tiên tiến")}
TITLES = {"giay_khen": "TẶNG GIẤY KHEN", "giay_chung_nhan": "CHỨNG NHẬN"}
COLUMNS = ["id", "name", "unit", "award", "decision_number", "decision_date", "decision_date_text"]


@dataclass(frozen=True, slots=True)
class Signer:
    """Who a certificate names under its signature: the title, the full name ("" leaves the space for a hand-written
    one), and where the name comes from ("layout": the Office's setting; "plan": the year's plan; "" none)."""

    title: str
    name: str
    source: str = ""
    plan_year: int | None = None


def _plan_signers(session: Session) -> list[tuple[date, str, str, int]]:
    """(day signed, folded title, name, year) of every plan with a signer, oldest first."""
    rows = session.exec(select(Plan.year, Plan.issued_on, Plan.signer_title, Plan.signer)
                        .where(col(Plan.signer).is_not(None))).all()
    return sorted((issued or date(year, 1, 1), fold(title), clean(name), year)
                  for year, issued, title, name in rows if clean(name))


def _signer(layout: Layout, plans: list[tuple[date, str, str, int]], on: date | None) -> Signer:
    """The Office's name for the kind; else whoever signed the latest plan by that day under the same title (a
    Giám đốc's name is known from the plan he signed, never from a deputy's); else none."""
    if layout.signer_name:
        return Signer(layout.signer_title, layout.signer_name, "layout")
    wanted = fold(layout.signer_title)
    found = [p for p in plans if wanted and p[1] == wanted and (on is None or p[0] <= on)]
    if found:
        return Signer(layout.signer_title, found[-1][2], "plan", found[-1][3])
    return Signer(layout.signer_title, "")


def signer_of(session: Session, *, kind: str, on: date | None = None) -> Signer:
    """Return who the kind's certificates of a decision signed on that day (None: today) name as their signer."""
    return _signer(layout_for(session, kind=kind_of(kind)), _plan_signers(session), on)


@dataclass(frozen=True, slots=True)
class Awarded:
    """One nomination of the kind in the year, with what its certificate prints."""

    id: int
    target: str
    name: str
    position: str
    unit: str
    award: str
    achievements: str
    status: str
    decision_number: str | None
    decision_date: date | None

    @property
    def decided(self) -> bool:
        return self.status == NominationStatus.CO_QUYET_DINH and bool(self.decision_number) and bool(
            self.decision_date)


def _label(kind: str) -> str:
    return KINDS[kind].lower() if kind == "giay_khen" else "giấy chứng nhận"


def _nominations(session: Session, *, year: int, kind: str) -> list[Awarded]:
    """Every nomination of the year for the kind's awards, collectives first, then by name."""
    stmt = (select(Nomination, Award.name, Person, Unit.name)
            .join(Award, Nomination.award_id == Award.id)
            .outerjoin(Person, Nomination.person_id == Person.id)
            .outerjoin(Unit, Nomination.unit_id == Unit.id)
            .where(Nomination.year == year, Award.code.in_(AWARDS[kind])))
    found = []
    for nomination, award, person, unit in session.exec(stmt).all():
        if nomination.target == Target.CA_NHAN and person is not None:
            honorific = {"Nam": "Ông", "Nữ": "Bà"}.get(person.gender or "", "")
            name = f"{honorific} {person.full_name}".strip()
        else:
            name = nomination.collective_name or ""
        found.append(Awarded(
            id=nomination.id, target=nomination.target, name=clean(name),
            position=clean(nomination.position or (person.position if person else None)),
            unit=clean(unit or nomination.unit_text), award=award, achievements=clean(nomination.achievements),
            status=nomination.status, decision_number=clean(nomination.decision_number) or None,
            decision_date=nomination.decision_date))
    order = {Target.TAP_THE: 0, Target.HO_GIA_DINH: 1, Target.CA_NHAN: 2}
    return sorted(found, key=lambda a: (a.decision_number or "", order.get(a.target, 3), _name_order(a), a.id))


def _name_order(item: Awarded) -> str:
    """A person by given name (without the "Ông "/"Bà " put before it above), a collective or household as written
    (`text.nominee_order`)."""
    person = item.target == Target.CA_NHAN
    return nominee_order(item.name.removeprefix("Ông ").removeprefix("Bà ") if person else item.name, individual=person)


def _no_decision(item: Awarded) -> Refused:
    return Refused(f"Đề nghị số {item.id} ({item.name}, {item.award}) chưa có quyết định khen thưởng (số và ngày "
                   "quyết định): ghi quyết định ở trang Hồ sơ đề nghị trước khi in.")


def _chosen(items: list[Awarded], *, year: int, kind: str, decision: str | None,
            nomination_id: int | None) -> list[Awarded]:
    """Return the decided nominations to print, or refuse saying why there is nothing."""
    if nomination_id is not None:
        one = [i for i in items if i.id == nomination_id]
        if not one:
            raise Refused(f"Năm {year} không có đề nghị số {nomination_id} thuộc loại {_label(kind)} "
                          f"({', '.join(AWARDS_LABELS[kind])}).")
        if not one[0].decided:
            raise _no_decision(one[0])
        return one
    decided = [i for i in items if i.decided]
    if decision is not None:
        wanted = fold(clean(decision))
        chosen = [i for i in decided if fold(i.decision_number) == wanted]
        if not chosen:
            known = sorted({i.decision_number for i in decided})
            raise Refused(f"Không có {_label(kind)} nào năm {year} theo quyết định số “{clean(decision)}”. "
                          + (f"Các quyết định đã có: {', '.join(known)}." if known
                             else "Năm này chưa có quyết định nào."))
        return chosen
    if not decided:
        if not items:
            raise Refused(f"Năm {year} chưa có đề nghị {', '.join(AWARDS_LABELS[kind])} nào: không có "
                          f"{_label(kind)} để in.")
        raise Refused(f"Năm {year} chưa có {_label(kind)} nào để in: {len(items)} đề nghị "
                      f"{', '.join(AWARDS_LABELS[kind])} chưa có quyết định khen thưởng (số và ngày quyết định). "
                      "Ghi quyết định ở trang Hồ sơ đề nghị trước khi in.")
    return decided


def _reason(item: Awarded, *, kind: str, year: int) -> str:
    if kind == "giay_chung_nhan":
        return f"Đã đạt danh hiệu “{item.award}” năm {year}."
    if item.achievements:
        text = item.achievements
        return text if fold(text).startswith("da ") else f"Đã có thành tích {text[0].lower()}{text[1:]}"
    work = "nhiệm vụ chính trị" if item.target == Target.TAP_THE else "nhiệm vụ"
    return f"Đã có thành tích xuất sắc trong thực hiện {work} năm {year}."


def _unit_line(item: Awarded, agency: str) -> str:
    if item.target == Target.CA_NHAN:
        return ", ".join(part for part in (item.position, item.unit) if part)
    if item.target == Target.TAP_THE:
        return item.unit if item.unit and fold(item.unit) != fold(item.name) else agency
    return ""


def sheet_of(item: Awarded, *, kind: str, year: int, layout: Layout, settings: Settings,
             overlay: bool, signer: str | None = None) -> certificate_pdf.Sheet:
    """Return one certificate's text: on a blank the decision number stands alone (the blank prints "Số:"); the
    signer's name is `signer` when given, else the layout's."""
    decision = (item.decision_number or "") if overlay else (
        f"Quyết định số {item.decision_number}, ngày {format_date(item.decision_date)}")
    texts = {"name": item.name, "unit": _unit_line(item, settings.agency),
             "reason": _reason(item, kind=kind, year=year),
             "decision": decision, "date": place_and_date(settings.place, item.decision_date),
             "signer_title": layout.signer_title, "signer": layout.signer_name if signer is None else signer}
    return certificate_pdf.Sheet(texts=texts, title=TITLES[kind], issuer=f"GIÁM ĐỐC {settings.agency.upper()}")


def render_certificates(session: Session, *, actor: Actor | None, year: int, kind: str, decision: str | None = None,
                        nomination_id: int | None = None, overlay: bool = False,
                        settings: Settings | None = None) -> bytes:
    """Return the PDF of a year's certificates of a kind ("giay-khen", "giay-chung-nhan"): one page per nomination
    with a decision (number and date), narrowed to one decision or one nomination; the full certificate, or
    (overlay) the text alone at the Office's calibrated places. Refused, saying why, when nothing is to print."""
    require(actor, "soan_van_ban")
    stored = kind_of(kind)
    settings = settings or Settings.from_env()
    chosen = _chosen(_nominations(session, year=year, kind=stored), year=year, kind=stored, decision=decision,
                     nomination_id=nomination_id)
    layout = layout_for(session, kind=stored) if overlay else full_layout(session, kind=stored)
    plans = _plan_signers(session)
    sheets = [sheet_of(item, kind=stored, year=year, layout=layout, settings=settings, overlay=overlay,
                       signer=_signer(layout, plans, item.decision_date).name) for item in chosen]
    return certificate_pdf.certificates(sheets, layout, overlay=overlay, title=f"{KINDS[stored]} năm {year}")


def printable(session: Session, *, actor: Actor | None, year: int, kind: str) -> pd.DataFrame:
    """Return the year's nominations of a kind that have a decision, in print order. Columns: COLUMNS."""
    require(actor, "soan_van_ban")
    stored = kind_of(kind)
    rows = [{"id": i.id, "name": i.name, "unit": i.unit, "award": i.award, "decision_number": i.decision_number,
             "decision_date": i.decision_date, "decision_date_text": format_date(i.decision_date)}
            for i in _nominations(session, year=year, kind=stored) if i.decided]
    return pd.DataFrame(rows, columns=COLUMNS)


def sample_sheet(*, kind: str, layout: Layout, settings: Settings, signer: str | None = None) -> certificate_pdf.Sheet:
    """Return the made-up certificate the test print shows in its boxes (longest usual texts)."""
    stored = kind_of(kind)
    item = Awarded(id=0, target=Target.CA_NHAN, name="Bà Nguyễn Thị Hường", position="Chuyên viên",
                   unit="Phòng Quản lý thương mại", award="Lao động tiên tiến" if stored == "giay_chung_nhan"
                   else "Giấy khen của Giám đốc Sở", achievements="", status=NominationStatus.CO_QUYET_DINH,
                   decision_number="125/QĐ-SCT", decision_date=date(2024, 12, 20))
    return sheet_of(item, kind=stored, year=2024, layout=layout, settings=settings, overlay=True, signer=signer)


def calibration_pdf(session: Session, *, actor: Actor | None, kind: str, layout: Layout | None = None,
                   settings: Settings | None = None) -> bytes:
    """Return the calibration test print of a kind: the given layout (a form's, before saving) or the saved one."""
    require(actor, "soan_van_ban")
    stored = kind_of(kind)
    layout = layout or layout_for(session, kind=stored)
    sample = sample_sheet(kind=stored, layout=layout, settings=settings or Settings.from_env(),
                          signer=_signer(layout, _plan_signers(session), None).name)
    return certificate_pdf.calibration_print(layout, sample, title=f"In thử vị trí trên phôi {KINDS[stored]}")


def file_name(*, year: int, kind: str, decision: str | None = None, nomination_id: int | None = None,
              overlay: bool = False) -> str:
    """Return the download's name: giay_khen_2024[_qd_125-QĐ-SCT | _de_nghi_12][_phoi].pdf."""
    scope = f"_de_nghi_{nomination_id}" if nomination_id is not None else (
        "_qd_" + "".join(c if c.isalnum() else "-" for c in clean(decision)) if decision else "")
    return f"{kind_of(kind)}_{year}{scope}{'_phoi' if overlay else ''}.pdf"


def print_and_record(session: Session, *, actor: Actor | None, year: int, kind: str, decision: str | None = None,
                     nomination_id: int | None = None, overlay: bool = False, settings: Settings | None = None,
                     store: FileStore | None = None) -> tuple[str, bytes]:
    """Render the certificates (render_certificates) and keep them in the register of generated documents, in the
    caller's transaction; return the file name and the PDF."""
    pdf = render_certificates(session, actor=actor, year=year, kind=kind, decision=decision,
                              nomination_id=nomination_id, overlay=overlay, settings=settings)
    name = file_name(year=year, kind=kind, decision=decision, nomination_id=nomination_id, overlay=overlay)
    detail = "; ".join(part for part in (
        f"quyết định {clean(decision)}" if decision else "", f"đề nghị số {nomination_id}" if nomination_id else "",
        "in lên phôi" if overlay else "giấy in đầy đủ") if part)
    register.record_generated(session, actor, year=year, kind=kind_of(kind), filename=name, content=pdf,
                              detail=detail, store=store)
    return name, pdf
