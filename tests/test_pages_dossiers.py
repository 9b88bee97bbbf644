"""Hồ sơ đề nghị under AppTest: every role opens it, the Office moves a ticked nomination, others only read."""

from __future__ import annotations

import pytest

from tdkt.core.db import make_engine, read_session
from tdkt.core.models import Nomination, Role
from tests.test_dossiers import add_nominations
from tests.test_pages import REFUSAL, ROLES, signed_in, titles

PAGE = "pages/ho_so.py"
TITLE = "Hồ sơ đề nghị khen thưởng năm 2024"
GRID = "ho_so_grid_2024_all_0_0"  # year, filter, "select all", round


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_opens_the_page(app_env, app_engine, role):
    add_nominations(app_engine, [("Nguyễn Thị Minh", None)])
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert titles(at) == [TITLE]
    assert REFUSAL not in [e.value for e in at.error]
    assert [(m.label, m.value) for m in at.metric][:1] == [("Đề nghị", "1" if role != "don_vi" else "0")]
    assert [d.key for d in at.data_editor] == ([GRID] if role == "van_phong" else [])


@pytest.mark.parametrize("role", ["lanh_dao", "quan_tri", "don_vi"])
def test_readers_see_the_table_and_no_form(app_env, app_engine, role):
    add_nominations(app_engine, [("Nguyễn Thị Minh", None)])
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert not at.data_editor and not at.get("form") and not at.button
    if role != Role.DON_VI:
        assert list(at.dataframe[-1].value["Tên cá nhân/tập thể"]) == ["Nguyễn Thị Minh"]


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_moves_a_ticked_nomination_through_the_council(app_env, app_engine):
    ids = add_nominations(app_engine, [("Nguyễn Thị Minh", None), ("Trần Văn Bình", None)])
    at = signed_in(app_env, "van_phong", PAGE)
    assert ("Đánh dấu ô “Chọn” ở các dòng cần chuyển bước, hoặc “Chọn tất cả” các đề nghị đang lọc."
            in [i.value for i in at.info])
    at.session_state[GRID] = {"edited_rows": {0: {"Chọn": True}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    at.selectbox(key="ho_so_to").select("hoi_dong_da_xet").run()
    assert not [d for d in at.data_editor if d.key.startswith("ho_so_votes")]  # LĐTT: no vote figure asked
    at.button(key="ho_so_move").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã chuyển 1 đề nghị sang “Hội đồng đã xét”."]
    with read_session(app_engine) as session:
        moved = [(session.get(Nomination, i).status, session.get(Nomination, i).votes_for) for i in ids]
    # Names sort by given name (Bình before Minh): the first row, ticked, is Trần Văn Bình.
    assert moved == [("de_nghi", None), ("hoi_dong_da_xet", None)]
    assert [d.key for d in at.data_editor] == ["ho_so_grid_2024_all_0_1"]  # the ticks are cleared


@pytest.mark.parametrize("role", ["lanh_dao", "van_phong"])
def test_rule_warnings_and_the_national_export_are_on_the_page(app_env, app_engine, role):
    add_nominations(app_engine, [("Nguyễn Thị Minh", None)])  # no rating on record: LĐTT cannot be checked as met
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    assert any("1 đề nghị chưa đủ điều kiện theo luật" in e.label for e in at.expander)
    assert not any("Nguyễn Thị Minh" in m.value for m in at.markdown)  # lazy: the reasons are sent once it opens
    at.session_state["ho_so_findings_open"] = True
    at.run()
    assert "**Nguyễn Thị Minh** — Lao động tiên tiến (Ban Giám đốc)" in [m.value for m in at.markdown]
    assert any("Chưa có kết quả đánh giá, xếp loại năm 2024." in c.value and "Điều 24" in c.value for c in at.caption)
    table = at.data_editor[0].value if role == "van_phong" else at.dataframe[-1].value
    assert list(table["Chưa đủ điều kiện theo luật"]) == ["Chưa có kết quả đánh giá, xếp loại năm 2024."]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Tải danh sách chưa đủ điều kiện (.xlsx)" in labels
    assert any(label.startswith("Tải quyết định khen thưởng năm 2024") for label in labels)


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_office_sets_a_local_share_cap_and_sees_its_warning(app_env, app_engine):
    add_nominations(app_engine, [("Nguyễn Thị Minh", None)], award="CSTDCS")
    at = signed_in(app_env, "van_phong", PAGE)
    assert "ho_so_policy_save" not in [b.key for b in at.button]  # lazy: the form is drawn once it opens
    at.session_state["ho_so_policy_open"] = True
    at.run()
    at.checkbox[0].check()
    at.number_input[0].set_value(15)
    at.button(key="ho_so_policy_save").click().run()
    assert not at.exception
    assert "Đã lưu quy định của địa phương năm 2024." in [s.value for s in at.success]
    assert any("vượt mức trần 15,0%" in w.value for w in at.warning)


def test_readers_do_not_see_the_local_policy_form(app_env, app_engine):
    at = signed_in(app_env, "lanh_dao", PAGE)
    assert not any("Quy định khen thưởng của địa phương" in e.label for e in at.expander)
