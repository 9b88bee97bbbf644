"""Hội đồng TĐKT under AppTest: who sees what (the Office writes; the leadership and the admin read it all; a unit
reads the members and the meeting, its own nominees' votes being on Hồ sơ đề nghị), and the Office's whole flow on it
(on both engines): members from a sheet and by hand, the meeting with its attendance, tallies by hand and from a sheet
judged by the meeting date, a bad sheet that records nothing, the move of the passed, a second round for the failed,
and the ballots and minutes that python-docx opens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO

import docx
import pandas as pd
import pytest
from sqlalchemy import Engine, event
from sqlmodel import select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test as app_test_module

from tdkt.core import read_cache
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Nomination, NominationStatus, User
from tdkt.core.permissions import Actor
from tdkt.council import council_page, meetings, members, outcomes, tallies
from tests.council_support import xlsx
from tests.test_dossiers import add_nominations
from tests.test_pages import REFUSAL, signed_in

PAGE = "pages/hoi_dong.py"
YEAR = 2024  # the seeded plan's year: the default of the year selector
TITLE = f"Hội đồng Thi đua - Khen thưởng năm {YEAR}"
S = NominationStatus
WRITE_KEYS = {"hd_luu_thanh_vien", "hd_thay_tu_tep", "hd_luu_cuoc_hop", "hd_luu_phieu", "hd_ghi_tu_tep",
              "hd_chuyen_dat"}
CSTDCS, CSTD_TINH = "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh"
SHEET_MEMBERS = [["STT", "Họ và tên", "Chức vụ trong Hội đồng", "Đơn vị"],
                 [1, "Hoàng Văn Chủ", "Chủ tịch Hội đồng", "Ban Giám đốc"],
                 [2, "Lý Thị Phó", "Phó Chủ tịch", "Ban Giám đốc"],
                 [3, "Nông Văn Thư", "Ủy viên thư ký", "Văn phòng Sở"],
                 *[[i, f"Ủy viên Số {i:02d}", "Ủy viên", None] for i in range(4, 15)]]


class KeptFiles(MediaFileManager):
    """AppTest's media files, keeping each download's callable past the run (AppTest drops its runtime): the page
    builds a file when its button is clicked, which `clicked` does."""

    kept: dict[str, Callable[[], bytes]] = {}

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        file_id = super().add_deferred(data_callable, mimetype, coordinates, file_name, element_id=element_id)
        KeptFiles.kept[file_id] = data_callable
        return file_id


def clicked(button) -> bytes:
    """Return the file a download button gives when clicked."""
    return KeptFiles.kept[button.proto.deferred_file_id]()


def opened(app_env, role: str):
    return signed_in(app_env, role, PAGE)


def again(at):
    """Run once more on YEAR (AppTest runs the page without app.py's year selector)."""
    at.session_state["year"] = YEAR
    return at.run()


TABS = ["Thành viên", "Cuộc họp", "Bỏ phiếu", "Phiếu bầu, biên bản"]


def tab(at, label: str):
    """Open the tab `label` as a click on it does (the tabs are lazy: only the open one runs)."""
    at.session_state["hoi_dong_tab"] = label
    return again(at)


def office(url: str) -> Actor:
    engine = make_engine(url)
    with read_session(engine) as session:
        actor = Actor.of(session.exec(select(User).where(User.role == "van_phong")).one())
    engine.dispose()
    return actor


def seed_nominees(url: str) -> dict[str, int]:
    """Two CSTĐCS, one CSTĐ cấp tỉnh and one LĐTT of 2024, at "Đề nghị"."""
    engine = make_engine(url)
    ids = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    ids += add_nominations(engine, [("Đỗ Thị Dung", None)], award="CSTD_TINH")
    ids += add_nominations(engine, [("Ngô Văn Giang", None)])
    engine.dispose()
    return dict(zip(["an", "binh", "dung", "giang"], ids, strict=True))


def seed_council(url: str, nominees: dict[str, int]) -> None:
    """A 15-member council, its meeting on 20/01/2025 and An's and Bình's votes (11 and 12)."""
    engine = make_engine(url)
    actor = office(url)
    with write_session(engine) as session:
        members.replace_members(session, actor, year=YEAR, given=[
            members.MemberInput(f"Thành viên số {i + 1:02d}", "chu_tich" if i == 0 else "uy_vien") for i in range(15)])
        meetings.save_meeting(session, actor, year=YEAR, round_no=1, meeting_date=date(2025, 1, 20))
        tallies.record(session, actor, year=YEAR, round_no=1, votes={nominees["an"]: 11, nominees["binh"]: 12})
    engine.dispose()


def steps(url: str, ids) -> list[tuple]:
    engine = make_engine(url)
    with read_session(engine) as session:
        out = [(n.status, n.votes_for, n.council_members) for n in (session.get(Nomination, i) for i in ids)]
    engine.dispose()
    return out


def grids(at, prefix: str):
    return [d for d in at.data_editor if d.key and d.key.startswith(prefix)]


def edit(at, editor, rows: dict | None = None, added: list | None = None):
    at.session_state[editor.key] = {"edited_rows": rows or {}, "added_rows": added or [], "deleted_rows": []}


def texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.info])


def drawn(at) -> dict:
    """What a run drew: button keys, dataframes, editors' keys, download keys and texts."""
    return {"buttons": {b.key for b in at.button}, "frames": [d.value for d in at.dataframe],
            "editors": [d.key for d in at.data_editor], "downloads": [b.key for b in at.get("download_button")],
            "uploaders": list(at.get("file_uploader")), "texts": texts(at),
            "raw": [v for d in [*at.dataframe, *at.data_editor] if not d.proto.HasField("placeholder")
                    for v in d.value.astype(str).to_numpy().ravel()]}


@pytest.mark.parametrize("role", ["van_phong", "lanh_dao", "quan_tri", "don_vi"])
def test_every_role_opens_the_page_only_the_office_writes_a_unit_sees_no_tally(app_env, role):
    nominees = seed_nominees(app_env["url"])
    seed_council(app_env["url"], nominees)
    at = opened(app_env, role)
    assert not at.exception
    assert [t.value for t in at.title] == [TITLE]
    assert REFUSAL not in [e.value for e in at.error]
    seen = {TABS[0]: drawn(at)}  # the first view: the members only, the other tabs wait for their click
    for label in TABS[1:]:
        seen[label] = drawn(tab(at, label))
        assert not at.exception and [t.value for t in at.title] == [TITLE]
    keys = set().union(*(part["buttons"] for part in seen.values()))
    assert bool(keys & WRITE_KEYS) == (role == "van_phong")
    if role == "van_phong":
        assert seen[TABS[0]]["buttons"] & WRITE_KEYS == {"hd_luu_thanh_vien"}
        assert [k for k in seen[TABS[0]]["editors"] if not k.startswith("hd_members_")] == []
        assert seen["Cuộc họp"]["buttons"] & WRITE_KEYS == {"hd_luu_cuoc_hop"}
        assert seen["Bỏ phiếu"]["buttons"] & WRITE_KEYS == {"hd_luu_phieu", "hd_chuyen_dat"}
        assert "hd_minutes_1" in seen["Phiếu bầu, biên bản"]["downloads"]
        assert [k for k in seen[TABS[0]]["downloads"] if k.startswith(("hd_ballot", "hd_minutes"))] == []
    else:
        assert not any(part["uploaders"] or part["editors"] for part in seen.values())
        assert not [k for part in seen.values() for k in part["downloads"] if k.startswith(("hd_ballot", "hd_minutes"))]
        [board] = seen["Thành viên"]["frames"]
        assert len(board) == 15 and list(board.columns) == ["Họ và tên", "Chức vụ trong Hội đồng", "Đơn vị",
                                                             "Chức vụ"]
        [attendance] = seen["Cuộc họp"]["frames"]
        assert set(attendance["Tham dự"]) == {"Có mặt"}
        assert "Văn phòng lập phiếu bầu và biên bản họp Hội đồng." in seen["Phiếu bầu, biên bản"]["texts"]
        tally = seen["Bỏ phiếu"]["frames"]
        if role == "don_vi":
            assert tally == []
            unit_note = "Kết quả bỏ phiếu của các đề nghị của đơn vị xem ở trang “Hồ sơ đề nghị”"
            assert unit_note in seen["Bỏ phiếu"]["texts"]
        else:
            cstdcs = tally[0]
            assert cstdcs[["Họ và tên / Tập thể", "Số phiếu đồng ý", "Tỷ lệ (%)", "Kết quả"]].values.tolist() == [
                ["Lê Văn An", "11", "73,3", "Chưa đạt"], ["Trần Thị Bình", "12", "80,0", "Đạt"]]
    raw = " ".join(v for part in seen.values() for v in part["raw"])
    assert "None" not in raw and "nan" not in raw


@pytest.mark.both_engines  # writes
def test_the_offices_whole_council_flow_on_the_page(app_env, monkeypatch):
    monkeypatch.setattr(app_test_module, "MediaFileManager", KeptFiles)
    url = app_env["url"]
    nominees = seed_nominees(url)
    at = opened(app_env, "van_phong")
    assert not at.exception and [t.value for t in at.title] == [TITLE]
    assert "Nhập danh sách thành viên trước khi ghi cuộc họp." in texts(tab(at, "Cuộc họp"))
    tab(at, "Thành viên")

    # Members from a sheet (14), then one more by hand: 15.
    at.file_uploader(key="hd_members_file").set_value(("hoi_dong.xlsx", xlsx(SHEET_MEMBERS), "application/x"))
    again(at).button(key="hd_thay_tu_tep").click()
    again(at)
    assert not at.exception
    assert [s.value for s in at.success] == [f"Đã thay Hội đồng năm {YEAR} bằng “hoi_dong.xlsx”: 14 thành viên."]
    [editor] = grids(at, "hd_members_")
    assert len(editor.value) == 14 and editor.value.full_name.iloc[0] == "Hoàng Văn Chủ"
    edit(at, editor, added=[{"full_name": "Vi Thị Mới", "role_label": "Ủy viên", "unit": "Phòng Kế hoạch"}])
    at.button(key="hd_luu_thanh_vien").click()
    again(at)
    assert not at.exception
    assert [s.value for s in at.success] == [f"Đã lưu 15 thành viên Hội đồng năm {YEAR}."]

    # The meeting: its date, two absent, one of them voting in writing.
    tab(at, "Cuộc họp")
    at.date_input(key="hd_date_1").set_value(date(2025, 1, 20))
    at.text_input(key="hd_place_1").input("Phòng họp số 1")
    [marks] = grids(at, f"hd_attendance_{YEAR}_1")
    names = list(marks.value.full_name)
    edit(at, marks, rows={names.index("Ủy viên Số 13"): {"attendance_label": "Vắng"},
                          names.index("Ủy viên Số 14"): {"attendance_label": "Vắng, bỏ phiếu bằng văn bản"}})
    at.button(key="hd_luu_cuoc_hop").click()
    again(at)
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã lưu cuộc họp vòng 1 ngày 20/01/2025."]
    engine = make_engine(url)
    with read_session(engine) as session:
        assert meetings.voters(session, year=YEAR, round_no=1) == 14  # absent in writing counts among the voters
    assert "Hội đồng có 15 thành viên" in texts(at) and "Họp vòng 1 ngày 20/01/2025." in texts(at)

    # Tallies by hand: 11/15 fails and 12/15 passes the 80% of CSTĐCS.
    tab(at, "Bỏ phiếu")
    [cstdcs, cstd_tinh] = grids(at, f"hd_votes_{YEAR}_1_")
    assert list(cstdcs.value.name) == ["Lê Văn An", "Trần Thị Bình"] and list(cstd_tinh.value.name) == ["Đỗ Thị Dung"]
    edit(at, cstdcs, rows={0: {"votes_for": 11}, 1: {"votes_for": 12}})
    at.button(key="hd_luu_phieu").click()
    again(at)
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã ghi kết quả bỏ phiếu của 2 đề nghị: đạt 1, chưa đạt 1."]
    [cstdcs, _] = grids(at, f"hd_votes_{YEAR}_1_")
    assert cstdcs.value[["votes_for", "share", "verdict"]].values.tolist() == [[11, "73,3", "Chưa đạt"],
                                                                               [12, "80,0", "Đạt"]]
    assert "Hội đồng Thi đua - Khen thưởng tỉnh xét với ngưỡng ≥ 90% tổng số thành viên (dự báo)" in texts(at)
    assert steps(url, [nominees["an"], nominees["binh"]]) == [(S.DE_NGHI, 11, 15), (S.DE_NGHI, 12, 15)]

    # A bad tally sheet records nothing and names its row; a good one records the CSTĐ cấp tỉnh with its forecast.
    bad = xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Đỗ Thị Dung", CSTD_TINH, 14],
                ["Người Không Có", CSTDCS, 12]])
    at.file_uploader(key="hd_tally_file").set_value(("kiem_phieu.xlsx", bad, "application/octet-stream"))
    again(at).button(key="hd_ghi_tu_tep").click()
    again(at)
    assert not at.exception
    assert [e.value for e in at.error] == ["Tệp có 1 lỗi, chưa ghi gì. Sửa rồi tải lên lại."]
    [issues] = [d.value for d in at.dataframe if "Lỗi" in d.value.columns]
    assert list(issues["Dòng"]) == ["3"] and "Người Không Có" in issues["Lỗi"].iloc[0]
    assert steps(url, [nominees["dung"]]) == [(S.DE_NGHI, None, None)]
    good = xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["do thi dung", "CSTĐ cấp tỉnh", 14]])
    at.file_uploader(key="hd_tally_file").set_value(("kiem_phieu_2.xlsx", good, "application/octet-stream"))
    again(at).button(key="hd_ghi_tu_tep").click()
    again(at)
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã ghi kết quả bỏ phiếu từ “kiem_phieu_2.xlsx”: 1 đề nghị, đạt 1, "
                                             "chưa đạt 0."]
    [_, cstd_tinh] = grids(at, f"hd_votes_{YEAR}_1_")
    assert cstd_tinh.value.forecast.iloc[0].startswith("Dự báo đạt ngưỡng ≥ 90% của Hội đồng Thi đua - Khen thưởng "
                                                       "tỉnh (93,3% phiếu đồng ý tại Hội đồng Sở)")
    assert "LĐTT" not in texts(at) and "Lao động tiên tiến 1 đề nghị" in texts(at)

    # Ballots and minutes open in python-docx.
    tab(at, "Phiếu bầu, biên bản")
    [ballot_cstdcs, ballot_tinh] = [b for b in at.get("download_button") if b.key.startswith("hd_ballot_1_")]
    assert ballot_cstdcs.proto.label == f"Phiếu bầu “{CSTD_TINH}” (15 phiếu, .docx)" or \
        ballot_tinh.proto.label == f"Phiếu bầu “{CSTD_TINH}” (15 phiếu, .docx)"
    ballot = docx.Document(BytesIO(clicked(ballot_cstdcs)))
    assert any("Lê Văn An" in c.text for t in ballot.tables for r in t.rows for c in r.cells)
    minutes = docx.Document(BytesIO(clicked(at.download_button(key="hd_minutes_1"))))
    body = "\n".join(p.text for p in minutes.paragraphs)
    assert "Tổng số thành viên Hội đồng: 15; có mặt: 13; vắng: 2" in body
    cells = {c.text for t in minutes.tables for r in t.rows for c in r.cells}
    assert {"11/15", "12/15", "14/15"} <= cells

    # The passed move on (with the LĐTT, which needs no vote); An stays with his votes.
    tab(at, "Bỏ phiếu")
    at.button(key="hd_chuyen_dat").click()
    again(at)
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã chuyển 3 đề nghị sang “Hội đồng đã xét”."]
    assert steps(url, nominees.values()) == [(S.DE_NGHI, 11, 15), (S.HOI_DONG, 12, 15), (S.HOI_DONG, 14, 15),
                                             (S.HOI_DONG, None, None)]

    # A second round for the failed one: its meeting, then 13/15 passes and moves.
    at.radio(key="hoi_dong_round").set_value(2)
    again(at)
    assert not at.exception
    assert grids(at, f"hd_votes_{YEAR}_2_") == []  # no meeting yet: the grid waits for it
    tab(at, "Cuộc họp")  # the round, chosen above the tabs, holds across a tab change
    assert at.radio(key="hoi_dong_round").value == 2 and "Chưa ghi cuộc họp vòng 2." in texts(at)
    at.date_input(key="hd_date_2").set_value(date(2025, 1, 27))
    at.button(key="hd_luu_cuoc_hop").click()
    again(at)
    assert [s.value for s in at.success] == ["Đã lưu cuộc họp vòng 2 ngày 27/01/2025."]
    tab(at, "Bỏ phiếu")
    [second] = grids(at, f"hd_votes_{YEAR}_2_")
    assert list(second.value.name) == ["Lê Văn An"]
    edit(at, second, rows={0: {"votes_for": 13}})
    at.button(key="hd_luu_phieu").click()
    again(at)
    assert [s.value for s in at.success] == ["Đã ghi kết quả bỏ phiếu của 1 đề nghị: đạt 1, chưa đạt 0."]
    at.button(key="hd_chuyen_dat").click()
    again(at)
    assert [s.value for s in at.success] == ["Đã chuyển 1 đề nghị sang “Hội đồng đã xét”."]
    assert steps(url, [nominees["an"]]) == [(S.HOI_DONG, 13, 15)]
    tab(at, "Phiếu bầu, biên bản")
    minutes = docx.Document(BytesIO(clicked(at.download_button(key="hd_minutes_2"))))
    assert "13/15" in {c.text for t in minutes.tables for r in t.rows for c in r.cells}
    engine.dispose()


def statements_during(action) -> list[str]:
    """Return the SQL statements any engine of this process sends while action() runs (AppTest's run included)."""
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    return seen


@pytest.mark.parametrize("role", ["van_phong", "lanh_dao"])
def test_a_repeat_run_reads_the_data_version_not_the_council_nor_builds_a_file(app_env, role, monkeypatch):
    monkeypatch.setattr(app_test_module, "MediaFileManager", KeptFiles)
    seed_council(app_env["url"], seed_nominees(app_env["url"]))
    at = opened(app_env, role)
    statements = statements_during(lambda: again(at))
    assert not at.exception and [t.value for t in at.title] == [TITLE]
    assert "data_version" in " ".join(statements)
    assert [s for s in statements if "council" in s or "nomination" in s] == []
    downloads = at.get("download_button")
    assert downloads and all(b.proto.deferred_file_id and not b.proto.url for b in downloads)  # built on click


def test_the_council_view_holds_what_the_council_functions_read(app_env):
    seed_council(app_env["url"], seed_nominees(app_env["url"]))
    engine = make_engine(app_env["url"])
    today = date.today()
    with read_session(engine) as session:
        view = read_cache.cached(session, council_page.council_page, year=YEAR, today=today)  # refused if it held a row
        assert view.size == 15 and list(view.rounds) == [1, 2]  # round 2 is offered: round 1 has met
        assert [r.meeting for r in view.rounds.values()] == [council_page.MeetingInfo(date(2025, 1, 20), None), None]
        pd.testing.assert_frame_equal(view.members, members.members_frame(session, year=YEAR))
        pd.testing.assert_frame_equal(view.without_vote, tallies.without_vote(session, year=YEAR))
        for round_no, part in view.rounds.items():
            pd.testing.assert_frame_equal(part.attendance, meetings.attendance(session, year=YEAR, round_no=round_no))
            pd.testing.assert_frame_equal(part.nominees, tallies.nominees(session, year=YEAR, round_no=round_no))
            assert part.ballot_titles == list(outcomes.ballot_lists(session, year=YEAR, round_no=round_no))
        assert list(view.rounds[2].nominees.name) == ["Lê Văn An"]  # failed round 1 at 11/15
    engine.dispose()
