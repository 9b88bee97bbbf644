"""Every workbook the app writes keeps formula-like text as text: one test per export, read back with openpyxl and
calamine, and a guard that no module writes a workbook past tdkt.core.workbook."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook
from sqlmodel import Session, select

from tdkt.awards import eligibility, mau_tdkt
from tdkt.core import audit, export
from tdkt.core import workbook as writer
from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Plan, PlanTask, Role, Unit
from tdkt.core.permissions import COMMAND_LINE
from tdkt.core.text import format_datetime
from tdkt.importing.nomination_lists import pipeline, template
from tdkt.importing.record_lists import record_rows, record_template
from tdkt.reports import reports
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[1]
# A unit, an agency, a person, a decision: names a spreadsheet would run as formulas if written as typed.
HOSTILE = ['=HYPERLINK("http://example.invalid/x","Bấm vào đây")', "+1", "-2", "@SUM(A1)"]


def read_back(data: bytes) -> tuple[dict[str, dict[str, object]], set[str]]:
    """Return openpyxl's view (sheet -> coordinate -> cell) after checking that no cell anywhere is a formula or
    starts with an apostrophe the writer added, and calamine's view: every text it reads in the file."""
    book = load_workbook(BytesIO(data))
    cells: dict[str, dict[str, object]] = {}
    for sheet in book.worksheets:
        cells[sheet.title] = {c.coordinate: c for row in sheet.iter_rows() for c in row if c.value is not None}
    every = [c for sheet in cells.values() for c in sheet.values()]
    assert [c.coordinate for c in every if c.data_type == "f"] == []
    assert [c.value for c in every if isinstance(c.value, str) and c.value.startswith("'")] == []
    calamine = CalamineWorkbook.from_filelike(BytesIO(data))
    texts = {value for name in calamine.sheet_names for row in calamine.get_sheet_by_name(name).to_python()
             for value in row if isinstance(value, str)}
    return cells, texts


def assert_text(data: bytes, expected: dict[tuple[str, str], str]) -> dict[str, dict[str, object]]:
    """Each (sheet, cell) holds its text exactly, as a string cell (quote-prefixed when formula-like), for openpyxl
    and for calamine alike; return openpyxl's view."""
    cells, texts = read_back(data)
    for (sheet, coordinate), text in expected.items():
        cell = cells[sheet][coordinate]
        assert (cell.value, cell.data_type) == (text, "s"), (sheet, coordinate)
        assert cell.quotePrefix == writer.is_formula_like(text), (sheet, coordinate)
        assert text in texts, (sheet, coordinate)
    return cells


def test_the_writer_keeps_text_as_text_and_numbers_and_dates_typed():
    frame = pd.DataFrame({
        "Tên": [*HOSTILE, "＝1+1", "\t=1+1", "#N/A", "Bảo\x01 vệ", "x" * 40_000],
        "Số": [1, 2.5, None, 4, 5, 6, 7, 8, 9],
        "Ngày": [date(2024, 1, 5)] * 9,
        "Lúc": [datetime(2024, 1, 5, 3, 0, tzinfo=UTC)] * 9,
    })
    data = export.to_xlsx({"=Cụm [I]: 1/2?": frame, "=Cụm [I]: 1/2!": frame}, title=HOSTILE[0])
    cells = assert_text(data, {
        ("=Cụm I 1 2", "A1"): HOSTILE[0],
        **{("=Cụm I 1 2", f"A{4 + i}"): text for i, text in enumerate([*HOSTILE, "＝1+1", "\t=1+1", "#N/A"])},
        ("=Cụm I 1 2", "A11"): "Bảo vệ",  # a control character the file cannot hold is dropped
    })
    assert list(cells) == ["=Cụm I 1 2", "=Cụm I 1 2!"]
    sheet = cells["=Cụm I 1 2"]
    assert len(sheet["A12"].value) == writer.MAX_TEXT and sheet["A12"].value.endswith("…")
    assert (sheet["B4"].value, sheet["B4"].data_type, sheet["B5"].value, "B6" in sheet) == (1, "n", 2.5, False)
    assert (sheet["C4"].value, sheet["C4"].number_format) == (datetime(2024, 1, 5), "dd/mm/yyyy")
    assert sheet["D4"].value == datetime(2024, 1, 5, 10, 0)  # Vietnam time, as the pages show it


def test_sheet_names_follow_excels_rules_and_stay_unique():
    book = Workbook()
    names = [writer.add_sheet(book, name).title for name in ["'Danh sách'", "a" * 40, "a" * 40, "History", "", "A/B"]]
    assert names[1:] == ["a" * 31, "a" * 27 + " (2)", "History (2)", "Trang", "A B"] and names[0] == "Danh sách"
    assert writer.save(Workbook())  # an empty workbook still saves


def test_nomination_template_writes_agency_unit_and_award_names_as_text():
    data = template.template(year=2024, agency=HOSTILE[0], parent_agency=HOSTILE[1], awards=[HOSTILE[2]],
                             units=[HOSTILE[3], "Văn phòng Sở"])
    cells = assert_text(data, {
        ("Danh sách", "A1"): HOSTILE[1].upper(), ("Danh sách", "A2"): HOSTILE[0].upper(),
        ("Danh sách", "F9"): HOSTILE[0], ("Danh sách", "F11"): HOSTILE[3],  # the example rows' agency and unit
        ("DanhMuc", "A2"): HOSTILE[2], ("DanhMuc", "B2"): HOSTILE[3],
    })
    # What a person picks from the unit and award dropdowns (or types there) is kept as text by Excel too.
    sheet = load_workbook(BytesIO(data))["Danh sách"]
    assert sheet["F20"].number_format == sheet["G20"].number_format == "@" and cells["Danh sách"]["F11"]


@pytest.mark.parametrize("kind", list(record_rows.KINDS))
def test_record_templates_write_agency_unit_and_award_names_as_text(kind):
    data = record_template.template(kind=kind, year=2024, agency=HOSTILE[0], parent_agency=HOSTILE[1],
                                    awards=[HOSTILE[2]], units=[HOSTILE[3]])
    # The example rows' unit: the person's (the collective's is the agency), or the initiative's.
    unit = {"D8": HOSTILE[3]} if kind == "sang_kien" else {"E9": HOSTILE[0], "E11": HOSTILE[3]}
    cells = assert_text(data, {("Danh sách", "A1"): HOSTILE[1].upper(), ("Danh sách", "A2"): HOSTILE[0].upper(),
                               ("DanhMuc", "A2"): HOSTILE[3], **{("Danh sách", k): v for k, v in unit.items()}})
    if kind == "khen_truoc":
        assert cells["DanhMuc"]["B2"].value == HOSTILE[2]


def test_templates_from_the_database_write_its_unit_names_as_text(engine):
    with write_session(engine) as session:
        session.add_all([Unit(name=name, kind="phong", position=-1 - i) for i, name in enumerate(HOSTILE)])
    with read_session(engine) as session:
        made = [template.template_for(session, year=2024, agency="Sở", parent_agency="UBND"),
                record_template.template_for(session, kind="xep_loai", year=2024, agency="Sở", parent_agency="UBND")]
    for data, column in zip(made, "BA", strict=True):
        lists = read_back(data)[0]["DanhMuc"]
        units = {lists[f"{column}{r}"].value: lists[f"{column}{r}"].data_type for r in range(2, 6)}
        assert units == dict.fromkeys(reversed(HOSTILE), "s")


def _upload() -> bytes:
    """A unit's list as Excel stores typed text (string cells), one name as a live formula with no cached value."""
    book = Workbook()
    sheet = book.active
    sheet.title = "DS"
    rows = [["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Hình thức đề nghị"],
            [1, HOSTILE[0], "Nam", 1980, HOSTILE[1], "Văn phòng Sở", HOSTILE[3]],
            [2, "=1+1", "Nữ", 1985, HOSTILE[2], "Văn phòng Sở", "LĐTT"]]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value != "=1+1":
                cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)  # the test's own upload: a workbook as another program wrote it
    return buffer.getvalue()


def test_error_workbook_hands_back_the_upload_with_its_text_as_text_and_no_live_formula(engine):
    data = _upload()
    with write_session(engine) as session:
        report = pipeline.import_file(session, COMMAND_LINE, data, file_name="ds.xlsx",
                                      settings=replace(Settings(), secret_key=SECRET), year=2024, dry_run=True,
                                      force=False)
    assert report.issues
    out = template.error_workbook(data, file_name="ds.xlsx", issues=report.issues,
                                  headers={r.sheet: r.header_row for r in report.results})
    cells = assert_text(out, {("DS", "B2"): HOSTILE[0], ("DS", "E2"): HOSTILE[1], ("DS", "G2"): HOSTILE[3],
                              ("DS", "E3"): HOSTILE[2]})
    assert "B3" not in cells["DS"]  # the sender's formula comes back as the value the import read: none
    summary = [[c.value for c in row] for row in load_workbook(BytesIO(out))["Danh sách lỗi"].iter_rows()]
    assert summary[0] == ["Sheet", "Dòng", "Cột", "Mức", "Mã", "Nội dung"] and len(summary) > 1


def test_national_export_writes_names_units_and_decisions_as_text(engine, actors):
    with write_session(engine) as session:
        unit = Unit(name=HOSTILE[1], kind="phong")
        person = Person(full_name=HOSTILE[0], name_key="x", gender="Nam", position=HOSTILE[2])
        session.add_all([unit, person])
        session.flush()
        award = session.exec(select(Award).where(Award.code == "LDTT")).one()
        session.add(Nomination(year=2024, target="ca_nhan", person_id=person.id, unit_id=unit.id, award_id=award.id,
                               status=NominationStatus.CO_QUYET_DINH.value, decision_number=HOSTILE[3],
                               decision_date=date(2025, 1, 20), decision_authority=HOSTILE[0]))
    with read_session(engine) as session:
        data = mau_tdkt.export_decisions(session, year=2024, actor=actors[Role.VAN_PHONG])
    cells = assert_text(data, {(mau_tdkt.SHEET, "C2"): HOSTILE[0], (mau_tdkt.SHEET, "D2"): HOSTILE[2],
                               (mau_tdkt.SHEET, "E2"): HOSTILE[1], ("Quyết định", "A2"): HOSTILE[3],
                               ("Quyết định", "C2"): HOSTILE[0]})
    assert cells["Quyết định"]["B2"].value == datetime(2025, 1, 20)  # the date stays a date
    assert type(cells[mau_tdkt.SHEET]["T2"].value) is int  # the category code is a number, as in the sample


def test_review_report_workbook_writes_task_text_as_text(engine):
    with write_session(engine) as session:
        plan = Plan(year=2023, title="Kế hoạch 2023")
        session.add(plan)
        session.flush()
        session.add(PlanTask(plan_id=plan.id, quarter=1, number=1, content=HOSTILE[0], due_on=date(2023, 3, 31),
                             status="hoan_thanh", completed_on=date(2023, 3, 20), evidence=HOSTILE[3]))
    with Session(engine) as session:
        data = reports.to_xlsx_report(session, year=2023, period="h1", as_of=date(2024, 1, 15))
    cells = assert_text(data, {("Nhiệm vụ", "C4"): HOSTILE[0], ("Nhiệm vụ", "H4"): HOSTILE[3]})
    assert (cells["Nhiệm vụ"]["A4"].value, cells["Nhiệm vụ"]["D4"].value) == (1, datetime(2023, 3, 31))


def test_audit_log_export_writes_what_users_typed_as_text(engine, actors):
    with write_session(engine) as session:
        audit.record(session, actors[Role.QUAN_TRI], "sua_don_vi", "don_vi", 1, HOSTILE[0])
    with Session(engine) as session:
        frame = audit.search(session, text="example.invalid")
    shown = frame.assign(at=frame["at"].map(format_datetime))[["at", "username", "summary"]]  # as pages/nhat_ky.py
    assert_text(export.to_xlsx({"Nhật ký": shown}, title="Nhật ký hoạt động"), {("Nhật ký", "C4"): HOSTILE[0]})


def test_findings_export_writes_names_and_units_as_text(engine, actors):
    with write_session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.name == "Văn phòng Sở")).one()
        person = Person(full_name=HOSTILE[0], name_key="x", unit_id=unit.id)
        session.add(person)
        session.flush()
        award = session.exec(select(Award).where(Award.code == "CSTDCS")).one()
        session.add(Nomination(year=2024, target="ca_nhan", person_id=person.id, unit_id=unit.id, award_id=award.id))
    with Session(engine) as session:
        findings = eligibility.judge_nominations(session, year=2024, actor=actors[Role.VAN_PHONG],
                                                 today=date(2024, 12, 1))
    frame = eligibility.findings_table(findings)
    assert HOSTILE[0] in set(frame.name)  # a CSTĐCS without a year of LĐTT and an initiative breaks the rules
    data = export.to_xlsx({"Chưa đủ điều kiện": frame}, title="Đề nghị năm 2024 chưa đủ điều kiện theo luật")
    cells = read_back(data)[0]["Chưa đủ điều kiện"]
    found = [c for c in cells.values() if c.value == HOSTILE[0]]
    assert [c.data_type for c in found] == ["s"] and found[0].quotePrefix


def _python_files() -> list[Path]:
    return [p for folder in ("tdkt", "pages") for p in sorted((ROOT / folder).rglob("*.py"))] + [ROOT / "app.py"]


def test_no_module_writes_a_workbook_past_the_one_writer():
    """A module using openpyxl saves only through tdkt.core.workbook.save; pandas' Excel writers are not used."""
    offenders = []
    for path in _python_files():
        if path == ROOT / "tdkt" / "core" / "workbook.py":
            continue
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        uses_openpyxl = any("openpyxl" in ast.unparse(n) for n in imports)
        the_writer = {a.asname or a.name for n in imports if isinstance(n, ast.ImportFrom) and n.module == "tdkt.core"
                      for a in n.names if a.name == "workbook"}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            receiver = node.func.value.id if isinstance(node.func.value, ast.Name) else None
            if node.func.attr in ("to_excel", "ExcelWriter") or (
                    uses_openpyxl and node.func.attr == "save" and receiver not in the_writer):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}")
        if "xlsxwriter" in text:
            offenders.append(f"{path.relative_to(ROOT)}: xlsxwriter")
    assert offenders == []
