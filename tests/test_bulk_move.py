"""Hồ sơ đề nghị's "select all that a filter shows, move them in one step": the domain on both engines, the page under
AppTest, and one browser journey."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tdkt.awards import dossier_moves, dossiers
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import AuditLog, Nomination, NominationStatus, Role, User
from tdkt.core.permissions import Actor, PermissionDenied
from tdkt.council import tallies
from tests.council_support import council, meeting
from tests.test_dossiers import add_nominations
from tests.test_pages import signed_in

S = NominationStatus
TODAY = date(2025, 1, 20)
LDTT, CSTDCS = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"


def move(engine, actor, ids, to, **fields) -> dossier_moves.MoveResult:
    with write_session(engine) as session:
        return dossier_moves.move(session, actor, nomination_ids=ids, to=to, today=TODAY, **fields)


def steps(engine, ids) -> list[tuple]:
    with read_session(engine) as session:
        return [(n.status, n.votes_for, n.council_members) for n in (session.get(Nomination, i) for i in ids)]


def entries(engine) -> list[AuditLog]:
    with read_session(engine) as session:
        return session.exec(select(AuditLog).where(AuditLog.action == "xu_ly_ho_so").order_by(AuditLog.id)).all()


def year_table(engine, actor):
    with read_session(engine) as session:
        return dossiers.table(session, year=2024, actor=actor)


def test_every_nomination_a_filter_shows_moves_in_one_transaction_audited_once(engine, actors):
    office = actors[Role.VAN_PHONG]
    ldtt = add_nominations(engine, [(f"Người thứ {i}", None) for i in range(1, 8)])
    cstd = add_nominations(engine, [("Hà Thị Cúc", None)], award="CSTDCS")
    shown = dossier_moves.filter_frame(year_table(engine, office), status=S.DE_NGHI, award=LDTT)
    assert sorted(int(i) for i in shown.id) == ldtt
    result = move(engine, office, [int(i) for i in shown.id], S.HOI_DONG)
    assert (result.moved, result.refused) == (tuple(ldtt), ())
    assert result.message() == "Đã chuyển 7 đề nghị sang “Hội đồng đã xét”."
    assert steps(engine, ldtt) == [("hoi_dong_da_xet", None, None)] * 7  # LĐTT needs no vote figure
    assert steps(engine, cstd) == [("de_nghi", None, None)]  # not in the filter, not moved
    [entry] = entries(engine)
    assert entry.summary == ("Chuyển 7 đề nghị sang “Hội đồng đã xét” trong một lần (số "
                             + ", ".join(map(str, ldtt)) + ").")
    assert json.loads(entry.after)["ids"] == ldtt and json.loads(entry.after)["status"] == "hoi_dong_da_xet"
    assert set(json.loads(entry.before)["status"].values()) == {"de_nghi"}


def tally(engine, office, votes: dict[int, int]) -> None:
    """A council of 15 for 2024, its meeting on TODAY and the tally of `votes` (the Hội đồng TĐKT page's way)."""
    council(engine, office)
    meeting(engine, office, on=TODAY)
    with write_session(engine) as session:
        tallies.record(session, office, year=2024, round_no=1, votes=votes)


def test_titles_with_a_vote_threshold_need_the_councils_tally_the_others_move(engine, actors):
    office = actors[Role.VAN_PHONG]
    ldtt = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None)])
    voted, silent = add_nominations(engine, [("Hà Thị Cúc", None), ("Vi Văn Dũng", None)], award="CSTDCS")
    tally(engine, office, {voted: 13})
    result = move(engine, office, [*ldtt, voted, silent], S.HOI_DONG)
    assert result.moved == (*ldtt, voted)
    assert [(r.nomination_id, r.name, r.award) for r in result.refused] == [(silent, "Vi Văn Dũng", CSTDCS)]
    assert "ít nhất 80% tổng số thành viên đồng ý" in result.refused[0].reason
    assert "trên trang “Hội đồng TĐKT”" in result.refused[0].reason
    assert result.message().startswith("Đã chuyển 3 đề nghị sang “Hội đồng đã xét”. 1 đề nghị chưa chuyển: "
                                       f"• Vi Văn Dũng — {CSTDCS}: danh hiệu cần kết quả bỏ phiếu kín")
    assert steps(engine, [*ldtt, voted, silent]) == [
        ("hoi_dong_da_xet", None, None), ("hoi_dong_da_xet", None, None), ("hoi_dong_da_xet", 13, 15),
        ("de_nghi", None, None)]
    [entry] = entries(engine)
    assert f"1 đề nghị không chuyển được: số {silent}." in entry.summary
    assert json.loads(entry.after)["votes"] == {str(voted): 13}


def test_the_tallys_figures_move_a_passed_nominee_and_a_failed_one_stays_whatever_the_caller_says(engine, actors):
    office = actors[Role.VAN_PHONG]
    a, b, c = add_nominations(engine, [("An", None), ("Bình", None), ("Cúc", None)], award="CSTDCS")
    tally(engine, office, {a: 11, c: 12})
    result = move(engine, office, [a, b, c], S.HOI_DONG, votes={a: 15, b: 14, c: 15}, council_members=15)
    assert result.moved == (c,)
    reasons = {r.nomination_id: r.reason for r in result.refused}
    assert reasons[a].startswith("chưa đạt ở vòng 1 (họp ngày 20/01/2025): 11/15 phiếu đồng ý (73,3%), cần ít nhất "
                                 "80% tổng số thành viên")
    assert "ghi kết quả kiểm phiếu trên trang “Hội đồng TĐKT”" in reasons[b]
    assert steps(engine, [a, b, c]) == [("de_nghi", 11, 15), ("de_nghi", None, None), ("hoi_dong_da_xet", 12, 15)]
    with pytest.raises(dossiers.DossierError) as caught:
        move(engine, office, [a], S.HOI_DONG, votes={a: 15}, council_members=15)
    assert "chưa đạt ở vòng 1" in str(caught.value)


def test_rows_at_a_step_that_cannot_go_there_are_named_and_the_others_move(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None), ("Hà Văn Cường", None)])
    move(engine, office, ids[:1], S.KHONG_DUYET)
    result = move(engine, office, ids, S.KHONG_DUYET)
    assert result.moved == tuple(ids[1:])
    assert [(r.name, r.reason) for r in result.refused] == [
        ("Trần Văn An", "đang ở bước “Không được duyệt”, đã kết thúc")]
    assert [s[0] for s in steps(engine, ids)] == ["khong_duoc_duyet"] * 3


def test_nothing_is_written_when_none_can_move_or_the_form_lacks_what_the_step_needs(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None)])
    with pytest.raises(dossiers.DossierError) as caught:
        move(engine, office, ids, S.DA_TRINH)
    assert str(caught.value).startswith("Không chuyển được đề nghị nào, chưa lưu thay đổi nào. • Trần Văn An — "
                                        f"{LDTT}: đang ở bước “Đề nghị”, chỉ chuyển được sang")
    with pytest.raises(dossiers.DossierError) as caught:
        move(engine, office, ids, S.CO_QUYET_DINH, decision_number=" ", decision_date=date(2025, 2, 1))
    assert str(caught.value) == ("Chưa chuyển được sang “Có quyết định”: Cần nhập số quyết định. Ngày quyết định "
                                 "01/02/2025 chưa đến. Cần nhập cơ quan ban hành quyết định.")
    assert steps(engine, ids) == [("de_nghi", None, None)] * 2 and entries(engine) == []


@pytest.mark.parametrize("role", [Role.DON_VI, Role.LANH_DAO, Role.QUAN_TRI])
def test_only_the_office_moves_a_selection(engine, actors, role):
    ids = add_nominations(engine, [("Trần Văn An", None)])
    with pytest.raises(PermissionDenied):
        move(engine, actors[role], ids, S.KHONG_DUYET)
    assert steps(engine, ids) == [("de_nghi", None, None)] and entries(engine) == []


def test_a_filter_shows_a_step_an_award_a_unit_and_a_text_accents_ignored(engine, actors):
    office = actors[Role.VAN_PHONG]
    [an] = add_nominations(engine, [("Trần Văn An", None)])
    [cuc] = add_nominations(engine, [("Hà Thị Cúc", None)], award="CSTDCS")
    [team] = add_nominations(engine, [("Tổ Tổng hợp", None)], award="TTLDTT", collective=True)
    move(engine, office, [team], S.KHONG_DUYET)
    frame = year_table(engine, office)
    unit = frame.set_index("id").loc[an, "unit"]

    def shown(**chosen) -> list[int]:
        return sorted(int(i) for i in dossier_moves.filter_frame(frame, **chosen).id)

    assert shown() == sorted([an, cuc, team])
    assert shown(status=S.DE_NGHI) == sorted([an, cuc])
    assert shown(award=CSTDCS) == [cuc]
    assert shown(unit=unit, status="khong_duoc_duyet") == [team]
    assert shown(text="ha thi cuc") == [cuc] and shown(text="TONG HOP") == [team]
    assert shown(text="không có ai") == []
    with read_session(engine) as session:
        assert dossier_moves.thresholds(session, nomination_ids=[an, cuc, team]) == {cuc: 80}


# The page under AppTest: a filter, "select all", the step, the council's tally of the titles that need one.
PAGE = "pages/ho_so.py"


def office_of(engine) -> Actor:
    with read_session(engine) as session:
        return Actor.of(session.exec(select(User).where(User.role == Role.VAN_PHONG)).first())


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_the_office_selects_all_that_a_filter_shows_and_moves_them_on_the_page(app_env):
    engine = make_engine(app_env["url"])
    ldtt = add_nominations(engine, [(f"Người thứ {i}", None) for i in range(1, 6)])
    [cuc, dung] = add_nominations(engine, [("Hà Thị Cúc", None), ("Vi Văn Dũng", None)], award="CSTDCS")
    at = signed_in(app_env, "van_phong", PAGE)
    assert not at.exception
    at.selectbox(key="ho_so_award").select(LDTT).run()
    [every] = [c for c in at.checkbox if c.label.startswith("Chọn tất cả")]
    assert every.label == "Chọn tất cả 5 đề nghị đang lọc"
    every.check().run()
    assert not at.exception
    [chosen] = [c.value for c in at.caption if c.value.startswith("Đã chọn")]  # who is about to move, by name
    assert sorted(chosen.removeprefix("Đã chọn 5: ").split("; ")) == [
        f"Người thứ {i} — Lao động tiên tiến" for i in range(1, 6)]
    at.button(key="ho_so_move").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã chuyển 5 đề nghị sang “Hội đồng đã xét”."]
    assert steps(engine, ldtt) == [("hoi_dong_da_xet", None, None)] * 5
    # Now the two CSTĐCS: one tallied by the council (13/15), one not — the other is refused by name, the first moves
    # with the tally's figures (the votes are the Hội đồng TĐKT page's, not typed here).
    tally(engine, office_of(engine), {cuc: 13})
    at.selectbox(key="ho_so_award").select(CSTDCS).run()
    [every] = [c for c in at.checkbox if c.label.startswith("Chọn tất cả")]
    every.check().run()
    assert not [n for n in at.number_input if n.key == "ho_so_council"]
    [votes] = [d for d in at.dataframe if "Kết quả Hội đồng" in d.value.columns]  # one row per CSTĐCS
    assert votes.value[["Tên cá nhân/tập thể", "Kết quả Hội đồng"]].values.tolist() == [
        ["Hà Thị Cúc", "13/15 (86,7%) — đạt, vòng 1"], ["Vi Văn Dũng", "Chưa bỏ phiếu"]]
    at.button(key="ho_so_move").click().run()
    assert not at.exception
    [warning] = [w.value for w in at.warning if w.value.startswith("Đã chuyển")]
    assert warning.startswith("Đã chuyển 1 đề nghị sang “Hội đồng đã xét”. 1 đề nghị chưa chuyển: • Vi Văn Dũng")
    assert steps(engine, [cuc, dung]) == [("hoi_dong_da_xet", 13, 15), ("de_nghi", None, None)]
    engine.dispose()


# One browser journey: the Office filters Hồ sơ đề nghị by award, selects all it shows and moves them in one step.
@pytest.mark.browser
def test_in_the_browser_the_office_selects_all_filtered_nominations_and_moves_them(sqlite_template, tmp_path, page):
    from playwright.sync_api import expect

    from tests.browser_support import choose, idle, sign_in
    from tests.conftest import sqlite_copy, streamlit_server

    url = sqlite_copy(sqlite_template, tmp_path)
    engine = make_engine(url)
    ldtt = add_nominations(engine, [(f"Người thứ {i}", None) for i in range(1, 7)])
    [cuc] = add_nominations(engine, [("Hà Thị Cúc", None)], award="CSTDCS")
    with streamlit_server(url, tmp_path) as server:
        page.goto(server)
        sign_in(page, "vanphong")
        home = page.get_by_role("heading", name="Tổng quan công tác thi đua, khen thưởng năm 2024")
        expect(home.first).to_be_visible()
        page.get_by_test_id("stSidebar").get_by_text("Hồ sơ đề nghị").click()
        expect(page.get_by_role("heading", name="Hồ sơ đề nghị khen thưởng năm 2024")).to_be_visible()
        idle(page)
        choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Danh hiệu, hình thức"), LDTT)
        every = page.get_by_test_id("stCheckbox").filter(has_text="Chọn tất cả 6 đề nghị đang lọc")
        expect(every).to_be_visible()
        every.click()
        move_button = page.get_by_role("button", name="Chuyển 6 đề nghị")
        expect(move_button).to_be_visible()
        move_button.click()
        expect(page.get_by_text("Đã chuyển 6 đề nghị sang “Hội đồng đã xét”.")).to_be_visible()
        idle(page)
    assert steps(engine, ldtt) == [("hoi_dong_da_xet", None, None)] * 6
    assert steps(engine, [cuc]) == [("de_nghi", None, None)]
    [entry] = entries(engine)
    assert entry.summary.startswith("Chuyển 6 đề nghị sang “Hội đồng đã xét” trong một lần")
    engine.dispose()
