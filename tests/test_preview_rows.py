"""The preview's rows: empty cells shown empty (never "None" or "nan"), rows deleted in the table, the rows already on
record dropped in one action, and a unit account's rows of other units flagged on their row before the commit."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pandas as pd
import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.errors import Refused
from tdkt.core.models import Nomination
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing.nomination_lists import commit, pipeline, preview
from tests.conftest import SECRET

SETTINGS = replace(Settings(), secret_key=SECRET)
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"]
OWN = "Phòng Quản lý Công nghiệp"  # the seeded unit account's unit


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    book.active.title = "DS"
    for row in [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], HEADER, *rows]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MIXED = xlsx([
    [1, "Hoàng Văn Nam", "Nam", 1980, "Trưởng phòng", OWN, "CSTĐCS"],
    [2, "Lương Thị Hoa", "Nữ", None, None, "Thanh tra Sở", "LĐTT"],
    [3, "Vi Văn Tùng", "Nam", 1985, "Chuyên viên", None, "LĐTT"],  # no unit: the unit account's own
    [4, "Đỗ Thị Hương", "Nữ", 1992, "Chuyên viên", "Phòng Kinh tế Số", "LĐTT"],  # a unit not known
    ["II. TẬP THỂ"], [1, "Tổ Văn thư", None, None, None, None, "Tập thể lao động tiên tiến"],
])


def check(engine, data: bytes, actor=None, **options) -> pipeline.FileReport:
    with Session(engine) as session:
        return pipeline.check(session, data, file_name="ds.xlsx", settings=SETTINGS, actor=actor, **options)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # reads only: the frame is the same on both engines
def test_the_preview_shows_empty_cells_empty(db_url, engine):
    frame = preview.rows_frame(check(engine, MIXED))
    cells = frame.drop(columns=["row", "category_inferred"]).to_numpy().ravel().tolist()
    assert all(isinstance(c, str) for c in cells) and not {"None", "nan", "NaN", "<NA>"} & set(cells)
    assert frame.loc[frame["row"] == 4, ["birth_year", "position", "gender"]].values.tolist() == [["", "", "Nữ"]]
    assert frame.loc[frame["row"] == 3, "birth_year"].tolist() == ["1980"]  # a year, not "1980.0"


def test_a_row_deleted_in_the_table_is_gone_and_the_others_keep_what_the_reader_found(engine):
    data = xlsx([[1, "Lê Văn Cường", "Nam", "năm ngoái", "Chuyên viên", "Văn phòng Sở", "LĐTT"],
                 [2, "Lê Văn Cường", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
                 [3, "Lê Văn Cường", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"]])
    report = check(engine, data, year=2024)
    assert [(i.row, i.code) for i in report.errors] == [(3, "bad_birth"), (5, "duplicate_in_file")]
    frame = preview.rows_frame(report)
    kept = frame[frame["row"] != 5]  # the repeated row deleted in the grid
    assert preview.edited(frame, kept)
    with Session(engine) as session:
        again = preview.revalidate(session, report, preview.apply_edits(report, kept, frame))
    assert [r.row for r in again.rows] == [3, 4]
    assert [(i.row, i.code) for i in again.errors] == [(3, "bad_birth")]  # row 3 untouched: still unreadable


def test_one_action_drops_every_row_already_on_record(engine):
    first = xlsx([[1, "Lê Văn Cường", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
                  [2, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "CSTĐCS"]])
    with write_session(engine) as session:
        assert pipeline.import_file(session, COMMAND_LINE, first, file_name="dot1.xlsx", settings=SETTINGS).imported
    second = xlsx([[1, "Lê Văn Cường", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
                   [2, "Nông Thị Mai", "Nữ", 1991, "Kế toán", "Văn phòng Sở", "LĐTT"],
                   [3, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "CSTĐCS"]])
    report = check(engine, second)
    on_record = preview.rows_with(report, preview.ON_RECORD)
    assert on_record == {("DS", 3), ("DS", 5)}
    with Session(engine) as session:
        kept = preview.drop_rows(session, report, on_record)
    assert ([r.name for r in kept.records], kept.errors) == (["Nông Thị Mai"], [])
    with write_session(engine) as session:
        done = pipeline.commit_report(session, COMMAND_LINE, kept)
    assert done.imported == 1
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Nomination)).one() == 3


def test_a_unit_accounts_rows_of_other_units_are_errors_on_their_row_before_the_commit(engine, actors):
    unit_user = actors["don_vi"]
    report = check(engine, MIXED, actor=unit_user)
    assert (report.own_unit, report.own_unit_id) == (OWN, unit_user.unit_id)
    assert [(i.row, i.column, i.code) for i in report.errors] == [
        (4, "Đơn vị", "other_unit"), (6, "Đơn vị", "other_unit")]
    assert "thuộc “Thanh tra Sở”" in report.errors[0].message
    assert "“Phòng Kinh tế Số”, chưa có trong danh sách đơn vị" in report.errors[1].message
    # A row without a unit, and a collective of the unit, are the unit's own.
    assert [(r.row, r.unit) for r in report.records if r.row in (5, 8)] == [(5, OWN), (8, OWN)]
    with Session(engine) as session:
        own_only = preview.drop_rows(session, report, preview.rows_with(report, preview.OTHER_UNIT))
        # Checked again (an edit), the scope holds: a row moved to another unit is flagged again.
        frame = preview.rows_frame(own_only)
        frame.loc[frame["row"] == 3, "unit"] = "Văn phòng Sở"
        moved = preview.revalidate(session, own_only, preview.apply_edits(own_only, frame))
    assert (own_only.errors, [r.row for r in own_only.records]) == ([], [3, 5, 8])
    assert [(i.row, i.code) for i in moved.errors] == [(3, "other_unit")]
    with write_session(engine) as session:
        done = pipeline.commit_report(session, unit_user, own_only)
    assert done.imported == 3
    with Session(engine) as session:
        assert set(session.exec(select(Nomination.unit_id)).all()) == {unit_user.unit_id}


def test_the_office_is_not_scoped(engine, actors):
    report = check(engine, MIXED, actor=actors["van_phong"])
    assert report.own_unit is None and "other_unit" not in {i.code for i in report.issues}


def test_the_commit_still_refuses_another_units_rows_given_without_the_check(engine, actors):
    office_check = check(engine, xlsx([[1, "Lương Thị Hoa", "Nữ", 1990, "Chuyên viên", "Thanh tra Sở", "LĐTT"]]))
    with write_session(engine) as session, pytest.raises(Refused, match="thuộc đơn vị khác"):
        commit.commit_batch(session, actors["don_vi"], file_name="ds.xlsx", sha256=office_check.sha256,
                            records=office_check.records, year=2024, sheets=["DS"])


def test_a_records_preview_shows_missing_cells_empty():
    frame = pd.DataFrame({"birth_year": [1987, None], "rating": ["Hoàn thành tốt nhiệm vụ", None],
                          "open": [float("nan"), "Có"]}).astype({"birth_year": "Int64"})
    assert preview.shown(frame).values.tolist() == [["1987", "Hoàn thành tốt nhiệm vụ", ""], ["", "", "Có"]]


def test_the_check_and_the_write_tell_their_progress_in_vietnamese(engine):
    heard: list[tuple[float, str]] = []
    with write_session(engine) as session:
        report = pipeline.import_file(session, COMMAND_LINE, MIXED, file_name="ds.xlsx", settings=SETTINGS,
                                      progress=lambda share, text: heard.append((share, text)))
    assert report.imported == 5
    shares = [share for share, _ in heard]
    assert shares == sorted(shares[: shares.index(1.0) + 1]) + sorted(shares[shares.index(1.0) + 1:])  # check, write
    assert shares.count(1.0) == 2 and all(0 <= s <= 1 for s in shares)
    texts = [text for _, text in heard]
    assert texts[0] == "Đang đọc tệp “ds.xlsx”…" and "Đang kiểm tra 5 dòng…" in texts
    assert "Đang ghi 5 đề nghị…" in texts and texts[-1] == "Đã ghi 5 đề nghị."


def test_the_preview_shows_the_title_split_from_the_name_and_an_edit_of_it_is_kept(engine):
    data = xlsx([[1, "Đại tá Lê Văn Cường", "Nam", 1975, "Chỉ huy trưởng", "Văn phòng Sở", "LĐTT"],
                 [2, "Bà Trần Thị Hoa", "Nữ", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"]])
    report = check(engine, data, year=2024)
    frame = preview.rows_frame(report)
    assert frame[["honorific", "name"]].values.tolist() == [["Đại tá", "Lê Văn Cường"], ["Bà", "Trần Thị Hoa"]]
    edited = frame.copy()
    edited.loc[edited["row"] == 3, "honorific"] = "Thượng tá"
    with Session(engine) as session:
        again = preview.revalidate(session, report, preview.apply_edits(report, edited, frame))
    assert [(r.honorific, r.name) for r in again.rows] == [("Thượng tá", "Lê Văn Cường"), ("Bà", "Trần Thị Hoa")]
