"""Chấm điểm thi đua cụm under AppTest: what each role is offered, the sheet's sums checked as it is edited and a sheet
entered on the page, the rounds played on the page (self-score, appraisal, explanation, second appraisal, publish)
moving the totals and the rank shown, and a locked round's refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.clusters import cluster_writes
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import ClusterMember, User
from tdkt.core.permissions import Actor
from tdkt.scoring import entries, round_table, rounds, sheet_frames, sheet_writes, sheets
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import DIEM, DINH_TINH, ScoringError
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec
from tdkt.scoring.views import EntryRow
from tests.conftest import APP
from tests.test_pages import ROLES, signed_in

PAGE = "pages/cham_diem.py"
GROUP = "I. Thực hiện nhiệm vụ chuyên môn"
SPEC = SheetSpec(groups=(GroupSpec(GROUP, 100.0),),
                 criteria=(CriterionSpec(GROUP, "1", "Kết quả thực hiện nhiệm vụ được giao", 100.0, DINH_TINH, DIEM),),
                 total_points=100.0)
WRITE_KEYS = {"cd_luu_bang", "cd_sao_chep_bang", "cd_luu_han", "cd_bo_han", "cd_luu_diem", "cd_dinh_kem",
              "cd_cong_bo", "cd_huy_cong_bo", "cd_nhap_bang", "cd_luu_so_bang_khen", "cd_de_nghi_cum",
              "cd_de_nghi_so", "cd_luu_bang_tep"}


def cluster_with_sheet(app_env, *, spec: SheetSpec | None = SPEC) -> dict:
    """Cụm II of 2024 with us as cụm trưởng and Sở Xây dựng, and (unless None) the one-criterion sheet; ids."""
    engine = make_engine(app_env["url"])
    with write_session(engine) as session:
        office = Actor.of(session.get(User, app_env["users"]["van_phong"]))
        cluster = sheets.cluster_named(session, year=2024, cluster_code="Cụm II")
        us = session.exec(select(ClusterMember).where(ClusterMember.cluster_id == cluster.id,
                                                      ClusterMember.is_us)).one()
        cluster_writes.update_member(session, office, member_id=us.id, name=us.name, role="cum_truong", is_us=True)
        other = cluster_writes.add_member(session, office, cluster_id=cluster.id, name="Sở Xây dựng").id
        sheet_id = None
        if spec is not None:
            sheet_id = sheet_writes.save_sheet(session, office, cluster_id=cluster.id, spec=spec).id
        ids = {"cluster": cluster.id, "us": us.id, "other": other, "sheet": sheet_id, "office": office}
    engine.dispose()
    return ids


def page(app_env, role: str = "van_phong", *, tab: str | None = None) -> AppTest:
    """The page run once for a role, on its first tab or on `tab` (opened at that run: no run of the first one)."""
    if tab is None:
        return signed_in(app_env, role, PAGE)
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"][role]
    at.session_state["cd_the"] = tab
    return at.switch_page(PAGE).run()


TABS = ("Bảng tiêu chí", "Vòng chấm", "Điểm theo thành viên", "Kết quả")


def open_tab(at: AppTest, name: str) -> AppTest:
    """Open one of the page's tabs as a click on it does (they are lazy: only the open tab's part runs and is drawn);
    no run when it is open already."""
    if at.session_state["cd_the"] != name:
        at.session_state["cd_the"] = name
        at.run()
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def enter(at: AppTest, ids: dict, *, member: str, round_: str, edits: dict, reason: str = "Theo hồ sơ") -> AppTest:
    """Enter one member's criterion 1 in a round on the page, as the Office picks, types in the table and saves (one
    run: the widgets' keys carry the page's edit counter)."""
    open_tab(at, "Vòng chấm")
    version = at.session_state["cd_version"]
    at.session_state["cd_vong"] = round_
    at.session_state[f"cd_thanh_vien_{ids['cluster']}"] = ids[member]
    at.session_state[f"cd_diem_{ids['cluster']}_{ids[member]}_{round_}_{version}"] = {
        "edited_rows": {0: edits}, "added_rows": [], "deleted_rows": []}
    at.session_state[f"cd_ly_do_{version}"] = reason
    return at.button(key="cd_luu_diem").click().run()


def standing(at: AppTest) -> tuple[str, str]:
    """Our rank and total as the results tab shows them (opened)."""
    open_tab(at, "Kết quả")
    return metric(at, "Xếp hạng của Sở"), metric(at, "Tổng điểm")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_sheet_rounds_and_results_and_only_the_office_is_offered_writes(app_env, role):
    cluster_with_sheet(app_env)
    at = page(app_env, role)
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Chấm điểm thi đua cụm năm 2024"]
    if role != "van_phong":
        sheet = at.dataframe[0].value
        assert list(sheet["Mã"]) == ["1"] and list(sheet["Loại"]) == ["Định tính"]
    offered, editors, drawn = set(), [], {}  # every tab's, each opened in turn
    for name in TABS:
        open_tab(at, name)
        assert not at.exception and not at.error
        offered |= {b.key for b in at.button} & WRITE_KEYS
        editors += [d.key.split("_")[1] for d in at.data_editor]
        drawn[name] = ([b.proto.label for b in at.get("download_button")], [d.value for d in at.dataframe])
    if role == "van_phong":
        assert {"cd_luu_bang", "cd_luu_han", "cd_luu_diem", "cd_cong_bo", "cd_de_nghi_cum"} <= offered
        assert editors == ["nhom", "tieu", "diem"]
    else:
        assert offered == set() and editors == []
    templates = [label for label in drawn["Điểm theo thành viên"][0] if label.startswith("Tải mẫu chấm điểm")]
    assert templates == ["Tải mẫu chấm điểm của Sở Công Thương Lạng Sơn (.xlsx)"]  # we head the cluster: every role
    rounds_table = next(d for d in drawn["Vòng chấm"][1] if "Trạng thái" in d)
    assert list(rounds_table["Trạng thái"]) == ["Mở", "Mở", "Đã khóa", "Mở"]  # giải trình waits for its deadline
    assert at.subheader[0].value.startswith("Kết quả chấm điểm Cụm thi đua II")  # Kết quả, opened last


def test_a_tab_change_keeps_the_round_and_member_picked_and_runs_only_the_open_tab(app_env):
    ids = cluster_with_sheet(app_env)
    at = page(app_env, tab="Vòng chấm")
    at.radio(key="cd_vong").set_value(rounds.THAM_DINH)
    at.selectbox(key=f"cd_thanh_vien_{ids['cluster']}").set_value(ids["other"]).run()
    assert "**Bảng thẩm định của Sở Xây dựng**" in [m.value for m in at.markdown]
    open_tab(at, "Kết quả")
    assert not at.exception and not at.radio
    assert not [m.value for m in at.markdown if m.value.startswith("**Bảng ")]  # Vòng chấm's part did not run
    assert at.subheader[0].value.startswith("Kết quả chấm điểm Cụm thi đua II")
    open_tab(at, "Vòng chấm")
    assert "**Bảng thẩm định của Sở Xây dựng**" in [m.value for m in at.markdown]  # both picks kept


def test_a_unit_account_without_a_sheet_is_told_and_offered_nothing(app_env):
    cluster_with_sheet(app_env, spec=None)
    at = page(app_env, "don_vi")
    assert not at.exception
    assert "Cụm II chưa có bảng tiêu chí năm 2024." in [i.value for i in at.info]
    assert not {b.key for b in at.button} & WRITE_KEYS


def test_editing_a_group_so_the_sums_differ_shows_the_mismatch_and_holds_the_save(app_env):
    ids = cluster_with_sheet(app_env)
    at = page(app_env)
    assert any(s.value.startswith("Bảng khớp: các nhóm cộng lại 100 điểm") for s in at.success)
    at.session_state[f"cd_nhom_{ids['cluster']}_0"] = {"edited_rows": {0: {"max_points": 90}}, "added_rows": [],
                                                       "deleted_rows": []}
    at.run()
    [warning] = [w.value for w in at.warning if w.value.startswith("**Bảng tiêu chí chưa khớp:**")]
    assert warning.splitlines()[1:] == [
        "- Nhóm “I. Thực hiện nhiệm vụ chuyên môn”: các tiêu chí cộng lại 100 điểm, khác điểm tối đa của nhóm (90).",
        "- Các nhóm cộng lại 90 điểm, khác tổng điểm của bảng (100)."]
    assert at.button(key="cd_luu_bang").disabled


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_the_office_enters_a_sheet_with_a_bonus_group_on_the_page(app_env):
    ids = cluster_with_sheet(app_env, spec=None)
    at = page(app_env)
    at.number_input(key=f"cd_tong_{ids['cluster']}_0").set_value(1000.0)
    at.session_state[f"cd_nhom_{ids['cluster']}_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"name": GROUP, "max_points": 950.0, "is_bonus": False},
        {"name": "II. Điểm cộng", "max_points": 50.0, "is_bonus": True}]}
    at.session_state[f"cd_tieu_chi_{ids['cluster']}_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"group": GROUP, "code": "1", "name": "Chỉ tiêu được giao", "kind": "Định lượng (chỉ tiêu và kết quả)",
         "max_points": 950.0, "rule": "Tỷ lệ: tối đa × kết quả/chỉ tiêu"},
        {"group": "II. Điểm cộng", "code": "2", "name": "Bằng khen cấp trên", "kind": "Điểm cộng, điểm trừ",
         "max_points": 50.0, "points_each": 5.0},
        {"group": "II. Điểm cộng", "code": "3", "name": "Bị phê bình", "kind": "Điểm cộng, điểm trừ",
         "max_points": 0.0, "points_each": -3.0}]}
    at.run()
    assert any(s.value.startswith("Bảng khớp: các nhóm cộng lại 1.000 điểm") for s in at.success)
    at.button(key="cd_luu_bang").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Đã lưu bảng tiêu chí Cụm II năm 2024: 3 tiêu chí, 1.000 điểm."
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        spec = sheets.load(session, cluster_id=ids["cluster"]).spec
    engine.dispose()
    assert [(c.code, c.kind, c.rule, c.points_each) for c in spec.criteria] == [
        ("1", "dinh_luong", "ty_le", None), ("2", "cong_tru", None, 5.0), ("3", "cong_tru", None, -3.0)]
    assert (spec.total_points, [g.is_bonus for g in spec.groups]) == (1000.0, [False, True])


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_self_scores_then_appraisals_on_the_page_move_the_totals_and_the_rank(app_env):
    ids = cluster_with_sheet(app_env)
    evidence = {"evidence_number": "12/BC-SCT", "evidence_date": "2024-11-20"}
    at = enter(page(app_env), ids, member="us", round_="tu_cham", edits={"value": 90.0, **evidence})
    assert not at.exception and not at.error
    assert at.success[0].value == "Đã lưu tự chấm 1 tiêu chí của Sở Công Thương Lạng Sơn."
    assert standing(at) == ("1/1", "90")
    at = enter(at, ids, member="other", round_="tu_cham", edits={"value": 95.0, **evidence})
    assert standing(at) == ("2/2", "90")

    at = enter(at, ids, member="other", round_="tham_dinh", edits={"value": 60.0})
    assert at.error[0].value == ("Tiêu chí “1” của Sở Xây dựng: kết quả thẩm định khác kết quả tự chấm, ghi nhận xét "
                                 "vì sao.")
    at = enter(at, ids, member="other", round_="tham_dinh",
               edits={"value": 60.0, "comment": "Chưa có văn bản chứng minh kết quả."})
    assert not at.error and standing(at) == ("1/2", "90")
    at = enter(at, ids, member="us", round_="tham_dinh", edits={"value": 85.0, "comment": "Báo cáo nộp chậm."})
    assert standing(at) == ("1/2", "85")


def scored_and_appraised(app_env, ids: dict) -> None:
    """Self-scores (us 90, Sở Xây dựng 95) and the appraisal (us 85, Sở Xây dựng 60), written by the Office."""
    engine = make_engine(app_env["url"])
    with write_session(engine) as session:
        criterion = sheets.load(session, cluster_id=ids["cluster"]).spec.criteria[0].id
        for round_, values in ((rounds.TU_CHAM, {"us": 90.0, "other": 95.0}),
                               (rounds.THAM_DINH, {"us": 85.0, "other": 60.0})):
            entries.record_entries(session, ids["office"], [
                EntryInput(ids[m], criterion, v, evidence_number="12/BC-SCT", evidence_date=date(2024, 11, 20),
                           comment="Theo hồ sơ." if round_ == rounds.THAM_DINH else None)
                for m, v in values.items()], round=round_, reason="Theo hồ sơ")
    engine.dispose()


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_explanation_then_second_appraisal_then_publish_on_the_page_move_the_rank_and_close_the_rounds(app_env):
    ids = cluster_with_sheet(app_env)
    scored_and_appraised(app_env, ids)
    at = page(app_env)
    assert standing(at) == ("1/2", "85")
    at.session_state["cd_vong"] = rounds.GIAI_TRINH
    open_tab(at, "Vòng chấm")
    assert "Trưởng cụm chưa mở vòng giải trình (chưa đặt hạn): bảng chỉ để xem." in [c.value for c in at.caption]
    assert "cd_luu_diem" not in [b.key for b in at.button] and not at.data_editor  # a table to read
    at.selectbox(key="cd_han_vong").set_value(rounds.GIAI_TRINH)
    at.date_input(key="cd_han_ngay").set_value(date.today() + timedelta(days=10))
    at.button(key="cd_luu_han").click().run()
    assert at.success[0].value == f"Hạn vòng giải trình: {(date.today() + timedelta(days=10)):%d/%m/%Y}."
    at = enter(at, ids, member="other", round_="giai_trinh",
               edits={"comment": "Bổ sung Quyết định 45/QĐ-SXD.", "evidence_number": "45/QĐ-SXD",
                      "evidence_date": "2024-11-28"})
    assert not at.error

    at = enter(at, ids, member="other", round_="tham_dinh_lai",
               edits={"value": 92.0, "comment": "Đã có quyết định chứng minh."})
    assert not at.error and standing(at) == ("2/2", "85")
    open_tab(at, "Vòng chấm")
    at.selectbox(key=f"cd_thanh_vien_{ids['cluster']}").set_value(ids["us"]).run()  # we explained nothing
    assert "Thành viên này chưa giải trình tiêu chí nào: không có gì để thẩm định lại." in [i.value for i in at.info]

    at.checkbox(key="cd_chac_cong_bo").check().run()
    at.button(key="cd_cong_bo").click().run()
    assert at.success[0].value == "Đã công bố kết quả chấm điểm Cụm II năm 2024."
    open_tab(at, "Kết quả")
    assert "Kết quả chính thức" in " ".join(c.value for c in at.caption)
    assert not at.button(key="cd_de_nghi_cum").disabled
    open_tab(at, "Điểm theo thành viên")
    at.selectbox(key=f"cd_xem_{ids['cluster']}").set_value(ids["other"]).run()
    detail = next(d.value for d in at.dataframe if "Bị trừ" in d.value)
    assert detail[["Điểm tự chấm", "Điểm thẩm định", "Bị trừ", "Giải trình"]].values.tolist() == [
        ["95", "92", "3", "Bổ sung Quyết định 45/QĐ-SXD."]]


def test_a_round_past_its_deadline_is_shown_read_only_saying_since_when(app_env):
    ids = cluster_with_sheet(app_env)
    scored_and_appraised(app_env, ids)
    engine = make_engine(app_env["url"])
    with write_session(engine) as session:
        rounds.set_deadline(session, ids["office"], sheet_id=ids["sheet"], kind=rounds.TU_CHAM,
                            deadline=date.today() - timedelta(days=1))
    engine.dispose()
    at = page(app_env, tab="Vòng chấm")
    locked = f"Tự chấm: đã khóa từ {date.today():%d/%m/%Y}"
    assert locked in [w.value for w in at.warning]
    yesterday = date.today() - timedelta(days=1)
    assert (f"Vòng tự chấm đã khóa từ {date.today():%d/%m/%Y} (hạn cuối {yesterday:%d/%m/%Y}): bảng chỉ để xem, "
            "không sửa được.") in [c.value for c in at.caption]
    assert "cd_luu_diem" not in [b.key for b in at.button]  # no pencil: a table to read, no save, no evidence upload
    assert not at.data_editor
    grid = next(d.value for d in at.dataframe if "Số văn bản kiểm chứng" in d.value)
    assert grid[["Mã", "Tối đa", "Kết quả", "Ngày văn bản"]].values.tolist() == [["1", "100", "90", "20/11/2024"]]


def test_the_editors_frames_give_back_the_sheet_and_only_the_rows_entered():
    spec = SheetSpec(groups=(GroupSpec(GROUP, 90.0), GroupSpec("II. Điểm cộng", 10.0, is_bonus=True)), criteria=(
        CriterionSpec(GROUP, "1", "Chỉ tiêu", 90.0, "dinh_luong", "ty_le"),
        CriterionSpec("II. Điểm cộng", "2", "Phê bình", 0.0, "cong_tru", points_each=-3.0)), total_points=100.0)
    groups, criteria = sheet_frames.group_frame(spec), sheet_frames.criterion_frame(spec)
    assert list(criteria["kind"]) == ["Định lượng (chỉ tiêu và kết quả)", "Điểm cộng, điểm trừ"]
    assert sheet_frames.spec_from_frames(groups, criteria, total_points=100.0) == spec
    criteria.loc[0, "kind"] = "Định tính"  # the rule of the old kind is dropped, not kept as a wrong one
    assert sheet_frames.spec_from_frames(groups, criteria, total_points=100.0).criteria[0].rule is None
    frame = pd.DataFrame([
        {"criterion_id": 1, "value": 5.0, "target": None, "not_assigned": False, "evidence_number": "1/BC",
         "evidence_date": pd.Timestamp("2024-11-20"), "comment": None},
        {"criterion_id": 2, "value": float("nan"), "target": None, "not_assigned": False, "evidence_number": None,
         "evidence_date": pd.NaT, "comment": "Giải trình"},
        {"criterion_id": 3, "value": None, "target": None, "not_assigned": True, "evidence_number": None,
         "evidence_date": None, "comment": None}])
    assert sheet_frames.entries_from_frame(frame, member_id=7, round="tu_cham") == [
        EntryInput(7, 1, 5.0, None, False, "1/BC", date(2024, 11, 20)), EntryInput(7, 3, None, None, True)]
    assert [i.criterion_id for i in sheet_frames.entries_from_frame(frame, member_id=7, round="giai_trinh")] == []


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_the_office_copies_last_years_sheet_into_this_years_cluster_from_the_page(app_env):
    ids = cluster_with_sheet(app_env)
    this_year = date.today().year  # a year the sidebar offers without a plan
    engine = make_engine(app_env["url"])
    with write_session(engine) as session:
        new = cluster_writes.add_cluster(session, ids["office"], year=this_year, code="Cụm II", name="Cụm thi đua II")
        new_id = new.id
    engine.dispose()
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["van_phong"]
    at.session_state["year"] = this_year
    at.switch_page(PAGE).run()
    assert [t.value for t in at.title] == [f"Chấm điểm thi đua cụm năm {this_year}"]
    at.button(key="cd_sao_chep_bang").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == f"Đã sao chép bảng tiêu chí Cụm II năm 2024 sang năm {this_year}."
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        copied = sheets.load(session, cluster_id=new_id).spec
    engine.dispose()
    assert [(c.code, c.max_points) for c in copied.criteria] == [("1", 100.0)]


@pytest.mark.both_engines
def test_the_office_loads_the_sheet_from_a_file_as_the_regulation_prints_it(app_env):
    from tests.test_criteria_file import REGULATION, book

    ids = cluster_with_sheet(app_env, spec=None)
    at = page(app_env)
    at.file_uploader(key=f"cd_tep_bang_{ids['cluster']}_0").set_value(
        ("bang_diem.xlsx", book(REGULATION), "application/octet-stream")).run()
    assert not at.exception
    assert "Tệp “bang_diem.xlsx”: 3 nhóm, 7 tiêu chí, tổng 100 điểm." in [m.value for m in at.success]
    at.button(key="cd_luu_bang_tep").click().run()
    assert not at.exception and not at.error
    engine = make_engine(app_env["url"])
    with read_session(engine) as session:
        stored = sheets.load(session, cluster_id=ids["cluster"]).spec
    engine.dispose()
    assert [c.code for c in stored.criteria] == ["1", "1.a", "1.b", "2", "3", "4", "5"]
    assert stored.max_points == 100


def test_a_met_or_not_criterion_is_picked_as_dat_and_numbers_read_the_vietnamese_way():
    spec = SheetSpec(groups=(GroupSpec(GROUP, 1330.0),), criteria=(
        CriterionSpec(GROUP, "1", "Chấp hành chế độ báo cáo", 100.0, DINH_TINH, "tron", id=1),
        CriterionSpec(GROUP, "2", "Kết quả chuyên môn", 1230.1, DINH_TINH, DIEM, id=2)), total_points=1330.1)
    rows = [EntryRow(c, 7, "tu_cham", None, v, False, None, None, None, None, None) for c, v in ((1, 1.0), (2, 1230.1))]
    frame = round_table.round_table(spec, rows, member_id=7, round="tu_cham")
    assert frame[["code", "met"]].values.tolist() == [["1", "Đạt"], ["2", None]] and pd.isna(frame["value"][0])
    shown = round_table.shown_table(frame)
    assert shown[["max_points", "value"]].values.tolist() == [["100", "Đạt"], ["1.230,1", "1.230,1"]]
    frame.loc[0, "met"] = "Không đạt"
    items = round_table.entries_from_table(frame, spec, member_id=7, round="tu_cham")
    assert [(i.criterion_id, i.value) for i in items] == [(1, 0.0), (2, 1230.1)]
    frame.loc[1, "met"] = "Đạt"
    with pytest.raises(ScoringError, match="Tiêu chí “2” không chấm đạt/không đạt"):
        round_table.entries_from_table(frame, spec, member_id=7, round="tu_cham")
