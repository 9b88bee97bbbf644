"""Hồ sơ đề nghị a page at a time: the index, a page's rows and the text search agree with the whole table; the page
shows PAGE rows with a pager, and "select all" still takes every filtered row, on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tdkt.awards import dossiers
from tdkt.core.db import bulk_insert_rows, make_engine, read_session, write_session
from tdkt.core.models import Nomination, NominationStatus, Person, Role
from tests.test_bulk_move import steps
from tests.test_dossiers import add_nominations
from tests.test_pages import signed_in

S = NominationStatus
PAGE = "pages/ho_so.py"


def test_the_index_and_a_pages_rows_are_the_tables_in_its_order(engine, actors):
    office, unit = actors[Role.VAN_PHONG], actors[Role.DON_VI]
    ids = add_nominations(engine, [("Trần Văn Bình", None), ("Đặng Văn Ân", None), ("Lê Thị Anh", None),
                                   ("Nguyễn Minh", None)])
    [team] = add_nominations(engine, [("Tổ Tổng hợp", None)], award="TTLDTT", collective=True)
    with write_session(engine) as session:
        decided = session.get(Nomination, ids[0])
        decided.status, decided.decision_number = S.CO_QUYET_DINH.value, "12/QĐ-UBND"
        decided.decision_date, decided.decision_authority = date(2025, 1, 15), "UBND tỉnh"
        session.add(decided)
    with read_session(engine) as session:
        whole = dossiers.table(session, year=2024, actor=office)
        index = dossiers.index(session, year=2024, actor=office)
        order = tuple(int(i) for i in index.id)
        page = dossiers.details(session, nomination_ids=order[1:3])
        found = dossiers.matching(session, year=2024, actor=office, text="12/qđ-ubnd")
        counts = dossiers.counts(session, year=2024, actor=office)
        own, own_table = (dossiers.index(session, year=2024, actor=unit),
                          dossiers.table(session, year=2024, actor=unit))
        ordered, own_ordered = (dossiers.ordered(session, year=2024, actor=office),
                                dossiers.ordered(session, year=2024, actor=unit))
    assert list(whole.name) == ["Tổ Tổng hợp", "Lê Thị Anh", "Đặng Văn Ân", "Trần Văn Bình", "Nguyễn Minh"]
    assert order == tuple(int(i) for i in whole.id) and order[0] == team
    assert index.drop(columns="id").values.tolist() == whole[list(dossiers.INDEX_COLUMNS[1:])].values.tolist()
    assert page.values.tolist() == whole.iloc[1:3].values.tolist()
    assert found == (ids[0],)
    assert counts[S.CO_QUYET_DINH] == 1 and counts[S.DE_NGHI] == 4
    assert list(own.id) == list(own_table.id)  # a unit's account: its own unit's, in the same order
    assert ordered == order and own_ordered == tuple(int(i) for i in own_table.id)


@pytest.mark.both_engines  # writes: on PostgreSQL too
def test_the_page_shows_a_page_at_a_time_and_select_all_moves_every_page(app_env):
    engine = make_engine(app_env["url"])
    ids = add_nominations(engine, [(f"Người thứ {i:03d}", None) for i in range(1, 121)])
    at = signed_in(app_env, "van_phong", PAGE)
    assert not at.exception
    [grid] = at.data_editor
    assert len(grid.value) == 100
    [pager] = [n for n in at.number_input if n.key == "ho_so_page_all_2"]
    assert pager.label == "Trang (1–2)"
    pager.set_value(2).run()
    assert not at.exception
    [grid] = at.data_editor
    assert grid.key == "ho_so_grid_2024_all_0_0_p2" and len(grid.value) == 20
    [every] = [c for c in at.checkbox if c.label.startswith("Chọn tất cả")]
    assert every.label == "Chọn tất cả 120 đề nghị đang lọc"
    every.check().run()
    at.button(key="ho_so_move").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã chuyển 120 đề nghị sang “Hội đồng đã xét”."]
    assert steps(engine, ids) == [("hoi_dong_da_xet", None, None)] * 120
    engine.dispose()


@pytest.mark.parametrize("role", ["lanh_dao", "don_vi"])
def test_readers_get_the_first_page(app_env, role):
    engine = make_engine(app_env["url"])
    add_nominations(engine, [(f"Người thứ {i:03d}", None) for i in range(1, 106)])
    at = signed_in(app_env, role, PAGE)
    assert not at.exception
    if role == "lanh_dao":  # the seeded unit account's unit is not the one these nominations are in
        assert len(at.dataframe[-1].value) == 100
        assert [n.label for n in at.number_input if n.key == "ho_so_page_all_2"] == ["Trang (1–2)"]
    engine.dispose()


def test_the_database_orders_names_the_vietnamese_way_whichever_way_they_were_written(engine, actors):
    """`ordered` sorts in SQL by the stored name_order: filled by the ORM (a person, a collective renamed) and by the
    driver-speed insert of the importer, on PostgreSQL in code points whatever the database's collation."""
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn Bình", None), ("Lê Thị Anh", None), ("Nguyễn Văn Ân", None)])
    [team] = add_nominations(engine, [("Tổ A", None)], award="TTLDTT", collective=True)
    with write_session(engine) as session:
        first = session.get(Nomination, ids[0])
        award_id, unit_id = first.award_id, first.unit_id
        renamed = session.get(Nomination, team)
        renamed.collective_name = "Đội Ô tô"  # "Ô" after "O", "Đ" after "D": not in code point order
        session.add(renamed)
        connection = session.connection()
        names = ["Hà Văn Ánh", "Vi Thị Âu", "Nông Đức Ảnh", "Lý An"]
        start = connection.execute(select(func.max(Person.id))).scalar_one() + 1
        bulk_insert_rows(connection, Person.__table__, ("id", "full_name", "name_key", "unit_id"),
                         [(start + i, n, n.lower(), unit_id) for i, n in enumerate(names)])
        bulk_insert_rows(connection, Nomination.__table__, ("person_id", "collective_name", "target", "award_id"),
                         [(start + i, None, "ca_nhan", award_id) for i in range(len(names))]
                         + [(None, "Đội Ong", "tap_the", award_id)],
                         constants={"year": 2024, "unit_id": unit_id, "status": S.DE_NGHI.value,
                                    "created_at": datetime.now(UTC)})
    with read_session(engine) as session:
        whole = dossiers.table(session, year=2024, actor=office)
        order = dossiers.ordered(session, year=2024, actor=office)
        ldtt = dossiers.ordered(session, year=2024, actor=office, award=whole.award.iloc[-1], unit=whole.unit.iloc[0])
        awards, units = dossiers.choices(session, year=2024, actor=office)
    assert list(whole.name) == ["Đội Ong", "Đội Ô tô", "Lý An", "Lê Thị Anh", "Nông Đức Ảnh", "Hà Văn Ánh",
                                "Nguyễn Văn Ân", "Vi Thị Âu", "Trần Văn Bình"]  # given names, then tones
    assert order == tuple(int(i) for i in whole.id)
    assert ldtt == tuple(int(i) for i in whole.id if whole.award[whole.id == i].item() == whole.award.iloc[-1])
    assert sorted(awards) == sorted(set(whole.award)) and units == sorted(set(whole.unit))
