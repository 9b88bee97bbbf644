"""Failure-finding tests of the council beside tests/test_council.py: thresholds at their boundaries for councils of
other sizes, the rule by meeting date at its edges, ballots against absent members, the tally sheet's bad rows (each
writes nothing), and the round's papers read back from the .docx the council's data makes."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest
from openpyxl import Workbook
from sqlmodel import select

from tdkt.awards import dossier_moves
from tdkt.awards.dossiers import DossierError
from tdkt.core.council_tables import CouncilVote
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Nomination, NominationStatus, Role
from tdkt.council import meetings, members, outcomes, sheet_tally, tallies
from tdkt.council.members import CouncilError
from tdkt.reports import council_papers
from tests.council_support import MEETING, council, meeting, xlsx
from tests.test_dossiers import add_nominations

S = NominationStatus
HEADER = ["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"]


def record(engine, actor, votes, *, round_no=1):
    with write_session(engine) as session:
        return tallies.record(session, actor, year=2024, round_no=round_no, votes=votes)


def stored_votes(engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(CouncilVote)).all())


def state(engine, ids):
    with read_session(engine) as session:
        return [(n.status, n.votes_for, n.council_members) for n in (session.get(Nomination, i) for i in ids)]


# (council size, award, votes, passed): 80% of 9 is 7.2 members, of 10 exactly 8; 90% of 10 exactly 9, of 20 18.
BOUNDARIES = [
    (9, "CSTDCS", [(7, False), (8, True)]),
    (10, "CSTDCS", [(7, False), (8, True), (10, True), (0, False)]),
    (10, "CSTD_TINH", [(8, False), (9, True)]),
    (20, "CSTD_TINH", [(17, False), (18, True)]),
    (15, "CSTD_TINH", [(13, False), (14, True)]),
]


@pytest.mark.parametrize(("size", "award", "cases"), BOUNDARIES, ids=[f"{s}-{a}" for s, a, _ in BOUNDARIES])
def test_thresholds_hold_at_their_boundaries_for_councils_of_other_sizes(engine, actors, size, award, cases):
    office = actors[Role.VAN_PHONG]
    council(engine, office, size=size)
    meeting(engine, office)
    ids = add_nominations(engine, [(f"Người Số {i}", None) for i in range(len(cases))], award=award)
    rows = record(engine, office, {i: votes for i, (votes, _) in zip(ids, cases, strict=True)})
    rows = rows.set_index("nomination_id")
    assert [(int(rows.at[i, "votes_for"]), int(rows.at[i, "members"]), bool(rows.at[i, "passed"])) for i in ids] == \
        [(votes, size, passed) for votes, passed in cases]
    assert all(rows.at[i, "share"] == pytest.approx(votes / size) for i, (votes, _) in zip(ids, cases, strict=True))


def test_a_cờ_thi_đua_is_forecast_against_the_provinces_80_percent(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    low, high = add_nominations(engine, [("Phòng Quản lý công nghiệp", None), ("Phòng Kế hoạch", None)],
                                award="CO_UBND_TINH", collective=True)
    rows = record(engine, office, {low: 11, high: 12}).set_index("nomination_id")
    assert [(bool(rows.at[i, "passed"]), int(rows.at[i, "threshold"])) for i in (low, high)] == [(False, 80),
                                                                                                  (True, 80)]
    assert rows.at[high, "forecast"].startswith("Dự báo đạt ngưỡng ≥ 80% của Hội đồng Thi đua - Khen thưởng tỉnh")


def test_written_votes_count_among_the_voters_and_the_share_is_of_all_members(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = council(engine, office)
    # 15 members: 12 present, one absent voting in writing, two absent: 13 ballots.
    meeting(engine, office, marks={ids[-1]: "vang", ids[-2]: "vang", ids[-3]: "vang_bo_phieu_bang_van_ban"})
    [n] = add_nominations(engine, [("Lê Văn An", None)], award="CSTDCS")
    with pytest.raises(CouncilError, match=r"lớn hơn số thành viên bỏ phiếu \(13"):
        record(engine, office, {n: 14})
    rows = record(engine, office, {n: 12})
    # 12 of 13 ballots is 92%, but the law counts all 15 members: 80% exactly, passed.
    assert (int(rows.votes_for.iloc[0]), int(rows.members.iloc[0]), bool(rows.passed.iloc[0])) == (12, 15, True)
    assert state(engine, [n]) == [(S.DE_NGHI, 12, 15)]


def test_a_meeting_before_the_law_of_2024_is_refused(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office, year=2023)
    with write_session(engine) as session, pytest.raises(CouncilError, match="trước 01/01/2024"):
        meetings.save_meeting(session, office, year=2023, round_no=1, meeting_date=date(2023, 12, 31))


@pytest.mark.parametrize(("on", "rule_says"), [(date(2025, 6, 30), "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7"),
                                               (date(2025, 7, 1), "chưa đối chiếu văn bản Nghị định 152/2025/NĐ-CP")])
def test_the_higher_titles_forecast_follows_the_rule_of_the_meeting_date(engine, actors, on, rule_says):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office, on=on)
    [n] = add_nominations(engine, [("Đỗ Thị Dung", None)], award="CSTD_TINH")
    rows = record(engine, office, {n: 14})
    assert rows.basis.iloc[0].startswith("Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7") and rule_says in rows.basis.iloc[0]
    assert bool(rows.passed.iloc[0]) and rows.forecast.iloc[0].startswith("Dự báo đạt ngưỡng ≥ 90%")


def test_the_first_round_cannot_be_moved_after_the_second(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office, on=date(2025, 1, 20))
    meeting(engine, office, round_no=2, on=date(2025, 1, 27))
    with write_session(engine) as session, pytest.raises(CouncilError, match="vòng 2"):
        meetings.save_meeting(session, office, year=2024, round_no=1, meeting_date=date(2025, 2, 3))


class FormulaText(str):
    """A cell's text that starts with "=" but is text (Excel's leading apostrophe), not a formula."""


def sheet(rows: list[list]) -> bytes:
    """The tally workbook: HEADER, then `rows`; a FormulaText cell is stored as a string, not as a formula."""
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append([str(v) if isinstance(v, FormulaText) else v for v in row])
        for cell, value in zip(book.active[book.active.max_row], row, strict=True):
            if isinstance(value, FormulaText):
                cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tally(engine, actor, settings, rows, *, file_name="phieu.xlsx", data: bytes | None = None):
    with write_session(engine) as session:
        return sheet_tally.tally_from_sheet(session, actor, data if data is not None else sheet(rows),
                                            file_name=file_name, settings=settings, year=2024)


@pytest.fixture
def tally_world(engine, actors):
    """A 15-member council met; CSTĐCS for Lê Văn An and Trần Thị Bình, LĐTT for Ngô Văn Giang (2024), CSTĐCS for
    Lê Văn An in 2023 too."""
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    ids = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    ids += add_nominations(engine, [("Ngô Văn Giang", None)])
    add_nominations(engine, [("Phan Văn Cũ", None)], award="CSTDCS", year=2023)
    return office, ids


BAD_ROWS = {
    "decimal": ([["Lê Văn An", "CSTĐCS", 12.5]], [(2, "Số phiếu đồng ý", "bad_votes")]),
    "text_decimal": ([["Lê Văn An", "CSTĐCS", "12,5"]], [(2, "Số phiếu đồng ý", "bad_votes")]),
    "boolean": ([["Lê Văn An", "CSTĐCS", True]], [(2, "Số phiếu đồng ý", "bad_votes")]),
    "blank": ([["Lê Văn An", "CSTĐCS", None]], [(2, "Số phiếu đồng ý", "no_votes")]),
    "no_award": ([["Lê Văn An", None, 12]], [(2, "Danh hiệu", "no_award")]),
    "negative": ([["Lê Văn An", "CSTĐCS", -1]], [(2, "Số phiếu đồng ý", "refused_vote")]),
    "more_than_members": ([["Lê Văn An", "CSTĐCS", 16]], [(2, "Số phiếu đồng ý", "refused_vote")]),
    "title_without_vote": ([["Ngô Văn Giang", "Lao động tiên tiến", 9]], [(2, "Danh hiệu", "refused_vote")]),
    "other_year": ([["Phan Văn Cũ", "CSTĐCS", 12]], [(2, "Họ và tên", "no_nomination")]),
    "wrong_title": ([["Lê Văn An", "Chiến sĩ thi đua cấp tỉnh", 12]], [(2, "Họ và tên", "no_nomination")]),
    "twice": ([["Lê Văn An", "CSTĐCS", 12], ["le van an", "Chiến sĩ thi đua cơ sở", 13]],
              [(3, "Họ và tên", "duplicate")]),
    "formula_text_name": ([[FormulaText('=HYPERLINK("http://x","Lê Văn An")'), "CSTĐCS", 12]],
                          [(2, "Họ và tên", "no_nomination")]),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_tally_sheet_with_one_bad_row_records_nothing_and_names_that_row(engine, settings, tally_world, case):
    office, ids = tally_world
    rows, expected = BAD_ROWS[case]
    good = ["Trần Thị Bình", "CSTĐCS", 12]
    outcome = tally(engine, office, settings, [*rows, good])
    assert [(i.row, i.column, i.code) for i in outcome.issues if i.severity == "error"] == expected
    assert all(i.file == "phieu.xlsx" for i in outcome.issues)
    assert outcome.written is None and stored_votes(engine) == 0
    assert state(engine, ids) == [(S.DE_NGHI, None, None)] * 3


def test_a_tally_sheet_that_is_no_workbook_or_has_no_rows_records_nothing(engine, settings, tally_world):
    office, _ids = tally_world
    assert [i.code for i in tally(engine, office, settings, [], data=xlsx([HEADER])).issues] == ["no_rows"]
    assert [i.code for i in tally(engine, office, settings, [], data=xlsx([["Tên", "Điểm"], ["A", 1]])).issues] == \
        ["no_header"]
    broken = tally(engine, office, settings, [], data=b"PK\x03\x04 not really a zip", file_name="hong.xlsx")
    assert len(broken.issues) == 1 and broken.issues[0].file == "hong.xlsx" and broken.written is None
    assert stored_votes(engine) == 0


def test_a_tally_sheet_matches_names_typed_in_other_forms(engine, settings, tally_world):
    office, ids = tally_world
    decomposed = "Tra\u0300n Thi\u0323 Bi\u0300nh"  # NFD, as some Mac files hold it
    outcome = tally(engine, office, settings, [["  LÊ   VĂN  AN ", "chien si thi dua co so", "12"],
                                               [decomposed, "CSTĐCS", 11.0]])
    assert outcome.issues == []
    assert state(engine, ids[:2]) == [(S.DE_NGHI, 12, 15), (S.DE_NGHI, 11, 15)]


def test_the_same_person_for_two_titles_is_two_rows_not_a_duplicate(engine, settings, tally_world):
    office, ids = tally_world
    [higher] = add_nominations(engine, [("Lê Văn An", None)], award="CSTD_TINH")
    outcome = tally(engine, office, settings, [["Lê Văn An", "CSTĐCS", 12], ["Lê Văn An", "CSTĐ cấp tỉnh", 14]])
    assert outcome.issues == []
    assert state(engine, [ids[0], higher]) == [(S.DE_NGHI, 12, 15), (S.DE_NGHI, 14, 15)]


def test_the_ballots_list_exactly_the_rounds_nominees_of_each_title(engine, actors, settings):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    low, high = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    [province] = add_nominations(engine, [("Đỗ Thị Dung", None)], award="CSTD_TINH")
    add_nominations(engine, [("Ngô Văn Giang", None)])  # LĐTT: no ballot
    with read_session(engine) as session:
        assert council_papers.ballot_titles(session, year=2024, round_no=1) == [
            "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh"]
        document = docx.Document(BytesIO(council_papers.ballots(
            session, office, year=2024, round_no=1, award_name="Chiến sĩ thi đua cơ sở", settings=settings)))
    names = [t.rows[i].cells[1].text for t in document.tables[1::2] for i in range(1, len(t.rows))]
    assert sorted(names) == sorted(["Lê Văn An", "Trần Thị Bình"] * 15)  # one ballot per member
    record(engine, office, {low: 11, high: 12, province: 14})
    with write_session(engine) as session:
        outcomes.advance_passed(session, office, year=2024, round_no=1, today=MEETING)
    meeting(engine, office, round_no=2)
    with read_session(engine) as session:
        assert council_papers.ballot_titles(session, year=2024, round_no=2) == ["Chiến sĩ thi đua cơ sở"]
        lists = outcomes.ballot_lists(session, year=2024, round_no=2)
    assert lists["Chiến sĩ thi đua cơ sở"].nomination_id.tolist() == [low]


def test_the_minutes_of_a_round_show_the_recorded_votes_against_all_members(engine, actors, settings):
    office = actors[Role.VAN_PHONG]
    ids = council(engine, office)
    meeting(engine, office, marks={ids[-1]: "vang_bo_phieu_bang_van_ban", ids[-2]: "vang"})
    low, high = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    [ldtt] = add_nominations(engine, [("Ngô Văn Giang", None)])
    record(engine, office, {low: 11, high: 12})
    with read_session(engine) as session:
        data = council_papers.minutes(session, office, year=2024, round_no=1, settings=replace(settings))
    document = docx.Document(BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert any("Tổng số thành viên Hội đồng: 15; có mặt: 13; vắng: 2 (trong đó 1 thành viên gửi phiếu bầu" in t
               for t in texts)
    rows = {tuple(c.text for c in r.cells)[1:] for t in document.tables for r in t.rows}
    assert {r for r in rows if r[0] in ("Lê Văn An", "Trần Thị Bình")} >= {
        ("Lê Văn An", rows_unit(rows, "Lê Văn An"), "11/15", "73,3%", "Không đạt"),
        ("Trần Thị Bình", rows_unit(rows, "Trần Thị Bình"), "12/15", "80,0%", "Đạt")}
    assert any(r[0] == "Ngô Văn Giang" and r[-1] == "Không cần bỏ phiếu" for r in rows)
    assert state(engine, [ldtt]) == [(S.DE_NGHI, None, None)]


def rows_unit(rows, name: str) -> str:
    """The unit cell the minutes wrote beside `name` (the seed's first unit)."""
    return next(r[1] for r in rows if r[0] == name and len(r) == 5)


# A name (or any needed cell) holding a formula whose value the file does not store: openpyxl writes formulas so.
FORMULA_ROWS = {
    "name": ([['=CONCATENATE("Lê ","Văn An")', "CSTĐCS", 12]], (2, "Họ và tên")),
    "votes": ([["Lê Văn An", "CSTĐCS", "=10+2"]], (2, "Số phiếu đồng ý")),
    "award": ([["Lê Văn An", '=IF(1,"CSTĐCS","")', 12]], (2, "Danh hiệu")),
}


@pytest.mark.parametrize("case", list(FORMULA_ROWS))
def test_a_tally_cell_holding_a_formula_without_its_value_is_an_error_on_its_row(engine, settings, tally_world, case):
    office, ids = tally_world
    rows, (row, column) = FORMULA_ROWS[case]
    outcome = tally(engine, office, settings, [*rows, ["Trần Thị Bình", "CSTĐCS", 12]])
    [issue] = outcome.issues
    assert (issue.row, issue.column, issue.code) == (row, column, "formula_no_value")
    assert f"Ô cột “{column}” ở dòng {row} là công thức" in issue.message
    assert "gõ thẳng giá trị vào ô" in issue.message and "mở tệp bằng Excel rồi lưu lại" in issue.message
    assert outcome.written is None and stored_votes(engine) == 0
    assert state(engine, ids) == [(S.DE_NGHI, None, None)] * 3


def test_a_formula_whose_value_the_file_stores_is_read_as_that_value(engine, settings, tally_world):
    office, ids = tally_world
    data = sheet([['=CONCATENATE("Lê ","Văn An")', "CSTĐCS", 12]])
    with zipfile.ZipFile(BytesIO(data)) as book:  # what Excel writes on save: the formula and its cached text
        parts = {n: book.read(n) for n in book.namelist()}
    part = "xl/worksheets/sheet1.xml"
    parts[part] = parts[part].replace(b'<c r="A2"><f>', b'<c r="A2" t="str"><f>').replace(
        b"<v></v>", "<v>Lê Văn An</v>".encode(), 1)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, body in parts.items():
            book.writestr(name, body)
    outcome = tally(engine, office, settings, [], data=buffer.getvalue())
    assert outcome.issues == [] and state(engine, ids[:1]) == [(S.DE_NGHI, 12, 15)]


def test_a_members_sheet_with_a_formula_name_without_its_value_saves_nothing(engine, actors, settings):
    office = actors[Role.VAN_PHONG]
    data = xlsx([["Họ và tên", "Chức vụ trong Hội đồng"], ["Hoàng Văn Chủ", "Chủ tịch"], ["=A2&\" Hai\"", "Ủy viên"],
                 ["Lý Thị Ba", "=\"Ủy viên\""]])
    with write_session(engine) as session:
        outcome = sheet_tally.members_from_sheet(session, office, data, file_name="hoi_dong.xlsx", settings=settings,
                                                 year=2024)
    assert [(i.row, i.column, i.code) for i in outcome.issues] == [(3, "Họ và tên", "formula_no_value"),
                                                                   (4, "Chức vụ trong Hội đồng", "formula_no_value")]
    assert outcome.members == []
    with read_session(engine) as session:
        assert members.member_count(session, year=2024) == 0


# Hồ sơ đề nghị's move to "Hội đồng đã xét": by the council's tally, judged by the rule of the meeting date.
def moved(engine, actor, ids, **fields):
    with write_session(engine) as session:
        return dossier_moves.move(session, actor, nomination_ids=ids, to=S.HOI_DONG, **fields)


def test_the_move_takes_the_councils_tally_a_vote_below_the_threshold_is_refused_not_warned(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office)
    low, high = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    record(engine, office, {low: 11, high: 12})
    # The caller's figures do not count: 15/15 typed for the one the council failed.
    result = moved(engine, office, [low, high], votes={low: 15, high: 15}, council_members=15)
    assert result.moved == (high,)
    [refusal] = result.refused
    assert refusal.nomination_id == low
    assert refusal.reason == ("chưa đạt ở vòng 1 (họp ngày 20/01/2025): 11/15 phiếu đồng ý (73,3%), cần ít nhất 80% "
                              "tổng số thành viên; Hội đồng có thể bỏ phiếu lại ở vòng 2 trên trang “Hội đồng TĐKT”")
    assert state(engine, [low, high]) == [(S.DE_NGHI, 11, 15), (S.HOI_DONG, 12, 15)]


def test_a_title_needing_votes_without_a_tally_is_refused_and_points_to_the_council_page(engine, actors):
    office = actors[Role.VAN_PHONG]
    [n] = add_nominations(engine, [("Lê Văn An", None)], award="CSTD_TINH")
    with pytest.raises(DossierError) as caught:
        moved(engine, office, [n], votes={n: 15}, council_members=15)
    assert "ít nhất 90% tổng số thành viên đồng ý" in str(caught.value)
    assert "ghi kết quả kiểm phiếu trên trang “Hội đồng TĐKT”" in str(caught.value)
    assert state(engine, [n]) == [(S.DE_NGHI, None, None)]


def test_titles_without_a_vote_threshold_move_without_a_vote_figure(engine, actors):
    office = actors[Role.VAN_PHONG]
    ldtt = add_nominations(engine, [("Lê Văn An", None)])
    gk = add_nominations(engine, [("Trần Thị Bình", None)], award="GK_GD_SO")
    team = add_nominations(engine, [("Phòng Kế hoạch", None)], award="TTLDTT", collective=True)
    ids = [*ldtt, *gk, *team]
    result = moved(engine, office, ids, votes=dict.fromkeys(ids, 9), council_members=15)  # figures typed: not kept
    assert (result.moved, result.refused) == (tuple(ids), ())
    assert state(engine, ids) == [(S.HOI_DONG, None, None)] * 3
    with read_session(engine) as session:
        assert dossier_moves.thresholds(session, nomination_ids=ids) == {}


def test_the_rule_is_the_one_of_the_meeting_date_not_of_the_day_of_the_move(engine, actors):
    office = actors[Role.VAN_PHONG]
    council(engine, office)
    meeting(engine, office, on=date(2025, 7, 1))  # NĐ 152's window: the same 80%, its own basis
    [n] = add_nominations(engine, [("Lê Văn An", None)], award="CSTDCS")
    rows = record(engine, office, {n: 12})
    assert "Nghị định 152/2025/NĐ-CP" in rows.basis.iloc[0]
    # A move dated before the law (no rule set then) still judges by the meeting's date.
    result = moved(engine, office, [n], today=date(2023, 12, 31))
    assert result.moved == (n,) and state(engine, [n]) == [(S.HOI_DONG, 12, 15)]
    with read_session(engine) as session:
        assert dossier_moves.thresholds(session, nomination_ids=[n], today=date(2023, 12, 31)) == {n: 80}
