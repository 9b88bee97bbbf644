"""A collective's row in a list whose name column says "Họ và tên": no gender, birth year or title, a name that is a
unit's or starts like one, and an award only collectives receive. It is read as the collective, not refused as an
individual; a person's row with the same award is still refused."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

from openpyxl import Workbook

from tdkt.core.config import Settings
from tdkt.core.db import read_session
from tdkt.importing.nomination_lists import pipeline
from tests.conftest import SECRET


def _list() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÁ NHÂN, TẬP THỂ ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"])
    ws.append(["TT", "Họ và tên", "Nam/Nữ", "Năm sinh", "Chức vụ, đơn vị công tác", "Hình thức đề nghị"])
    ws.append([1, "Nguyễn Văn An", "Nam", 1980, "Chuyên viên, Văn phòng Sở", "Lao động tiên tiến"])
    ws.append([2, "Phòng Quản lý Thương mại", None, None, "Sở Công Thương", "Tập thể lao động tiên tiến"])
    ws.append([3, "Trung tâm Khuyến công mới", None, None, None, "Tập thể lao động tiên tiến"])
    ws.append([4, "Lê Thị Bình", "Nữ", 1985, "Chuyên viên, Văn phòng Sở", "Tập thể lao động tiên tiến"])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_collective_row_of_a_name_list_is_the_collective(engine):
    with read_session(engine) as session:
        report = pipeline.check(session, _list(), file_name="ds.xlsx",
                                settings=replace(Settings(), secret_key=SECRET))
    targets = {r.row: r.target for r in report.records}
    assert targets == {3: "ca_nhan", 4: "tap_the", 5: "tap_the", 6: "ca_nhan"}
    refused = {(i.row, i.code) for i in report.errors}
    assert {row for row, _ in refused} == {6}, report.errors  # the person is still refused the collective title
    assert not [w for w in report.warnings if w.row in (4, 5) and "giới tính" in w.message]
