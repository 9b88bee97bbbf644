"""The cluster's summary table read back as a user gets it (python-docx, openpyxl), from a real database (SQLite and
PostgreSQL): dated by the day the results were published, signed by the year's cụm phó and cụm trưởng with the title
each signs with, and no placeholder text where a name is not known."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tdkt.clusters import cluster_writes
from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Cluster, Role
from tdkt.reports import scoring_summary
from tdkt.scoring import entries, outputs, ranking, rounds, sheet_writes, sheets
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import DIEM, DINH_TINH
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec
from tests.scoring_results_support import cluster_result

SETTINGS = Settings(secret_key="k" * 40)
SHEET = SheetSpec(groups=(GroupSpec("I. Chuyên môn", 100.0),),
                  criteria=(CriterionSpec("I. Chuyên môn", "1", "Phong trào", 100.0, DINH_TINH, DIEM),),
                  total_points=100.0)
PUBLISHED, PRINTED = date(2025, 1, 15), date(2025, 3, 2)
PLACEHOLDERS = ("[", "…", "...", "Họ và tên người ký", "Họ tên")


@pytest.fixture
def published(engine, actors):
    """Cụm II of 2024: Sở Xây dựng cụm trưởng, Sở Tài chính cụm phó, both scored; published on 15/01/2025."""
    office = actors[Role.VAN_PHONG]
    with write_session(engine) as session:
        cluster = session.exec(select(Cluster).where(Cluster.year == 2024, Cluster.code == "Cụm II")).one()
        head = cluster_writes.add_member(session, office, cluster_id=cluster.id, name="Sở Xây dựng", role="cum_truong")
        deputy = cluster_writes.add_member(session, office, cluster_id=cluster.id, name="Sở Tài chính",
                                           role="cum_pho")
        sheet_writes.save_sheet(session, office, cluster_id=cluster.id, spec=SHEET)
        sheet = sheets.load(session, cluster_id=cluster.id)
        (criterion,) = sheet.spec.criteria
        entries.record_entries(session, office, [
            EntryInput(m.id, criterion.id, v, evidence_number="1/BC", evidence_date=date(2024, 11, 1))
            for m, v in ((head, 90.0), (deputy, 80.0))], round=rounds.TU_CHAM, reason="", today=date(2024, 11, 20))
        rounds.publish(session, office, sheet_id=sheet.id, today=PUBLISHED)
    with read_session(engine) as session:
        return (ranking.cluster_result(session, year=2024, cluster_code="Cụm II"),
                outputs.signers(session, year=2024, cluster_code="Cụm II"))


def no_placeholder(texts: list[str]) -> list[str]:
    return [t for t in texts if any(p in t for p in PLACEHOLDERS)]


def test_the_docx_is_dated_by_the_publication_and_signed_by_the_deputy_and_the_head(published):
    result, signers = published
    document = docx.Document(BytesIO(scoring_summary.document(result, settings=SETTINGS, signers=signers,
                                                              today=PRINTED)))
    header, _, signatures = document.tables
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs][1] == "SỞ XÂY DỰNG"  # the head issues the table
    assert [p.text for p in right.paragraphs if p.text][-1] == "Lạng Sơn, ngày 15 tháng 01 năm 2025"
    texts = [p.text for p in document.paragraphs if p.text]
    assert "(Kết quả chính thức (đã công bố ngày 15/01/2025); tổng điểm tối đa của bảng tiêu chí: 100 điểm)" in texts
    deputy, head = signatures.rows[0].cells
    assert [p.text for p in deputy.paragraphs] == ["CỤM PHÓ", "SỞ TÀI CHÍNH", "GIÁM ĐỐC",
                                                   "(Ký, ghi rõ họ tên, đóng dấu)", "", "", "", "", ""]
    assert [p.text for p in head.paragraphs] == ["CỤM TRƯỞNG", "SỞ XÂY DỰNG", "GIÁM ĐỐC",
                                                 "(Ký, ghi rõ họ tên, đóng dấu)", "", "", "", "", ""]
    cells = [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    assert no_placeholder(texts + cells) == []


def test_the_xlsx_is_dated_by_the_publication_and_signed_by_the_deputy_and_the_head(published):
    result, signers = published
    ws = load_workbook(BytesIO(scoring_summary.workbook(result, settings=SETTINGS, signers=signers,
                                                        today=PRINTED))).active
    assert ws["A2"].value == "SỞ XÂY DỰNG" and ws["A3"].value == "Lạng Sơn, ngày 15 tháng 01 năm 2025"
    assert ws["A5"].value.startswith("(Kết quả chính thức (đã công bố ngày 15/01/2025);")
    below = [c.value for r in ws.iter_rows(min_row=scoring_summary.HEADER_ROW + len(result.members) + 1)
             for c in r if c.value]
    assert below == ["CỤM PHÓ", "CỤM TRƯỞNG", "SỞ TÀI CHÍNH", "SỞ XÂY DỰNG", "GIÁM ĐỐC", "GIÁM ĐỐC",
                     "(Ký, ghi rõ họ tên, đóng dấu)", "(Ký, ghi rõ họ tên, đóng dấu)"]
    assert no_placeholder([str(c.value) for r in ws.iter_rows() for c in r if c.value]) == []


def test_a_known_name_is_printed_under_the_signature_and_a_missing_deputy_leaves_blank_lines():
    signers = outputs.Signers(head="Ủy ban nhân dân huyện Cao Lộc", head_name="Nguyễn Văn An")
    document = docx.Document(BytesIO(scoring_summary.document(cluster_result(), settings=SETTINGS, signers=signers,
                                                              today=PRINTED)))
    deputy, head = document.tables[-1].rows[0].cells
    assert [p.text for p in head.paragraphs] == ["CỤM TRƯỞNG", "ỦY BAN NHÂN DÂN HUYỆN CAO LỘC", "CHỦ TỊCH",
                                                 "(Ký, đóng dấu)", "", "", "", "", "Nguyễn Văn An"]
    assert [p.text for p in deputy.paragraphs] == ["CỤM PHÓ", "", "THỦ TRƯỞNG ĐƠN VỊ",
                                                   "(Ký, ghi rõ họ tên, đóng dấu)", "", "", "", "", ""]


def test_a_draft_is_dated_the_day_it_is_printed():
    draft = cluster_result(final=False)
    ws = load_workbook(BytesIO(scoring_summary.workbook(draft, settings=SETTINGS, today=PRINTED))).active
    assert ws["A3"].value == "Lạng Sơn, ngày 02 tháng 3 năm 2025"
    assert scoring_summary.dated(replace(draft, final=True, published_on=PUBLISHED), PRINTED) == PUBLISHED


def test_the_signers_are_the_years_head_and_first_deputy(engine, published):
    assert published[1] == outputs.Signers(head="Sở Xây dựng", deputy="Sở Tài chính")
    with read_session(engine) as session:
        assert outputs.signers(session, year=2024, cluster_code="Cụm IX") == outputs.Signers()
