"""Honorifics, ranks and degrees are split from names into a title: matching, search and duplicates use the bare
name, the title is kept for lists and documents, and a real name is never eaten."""

from dataclasses import replace

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from tdkt.awards import nominations
from tdkt.core import db
from tdkt.core.config import Settings
from tdkt.core.db import write_session
from tdkt.core.honorifics import split_title, title_gender
from tdkt.core.models import Person, Unit
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing.nomination_lists import pipeline
from tests.conftest import SECRET
from tests.workbook_builders import openpyxl_book

SETTINGS = replace(Settings(), secret_key=SECRET)


@pytest.mark.parametrize(("written", "title", "name"), [
    ("Ông Nguyễn Văn An", "Ông", "Nguyễn Văn An"),
    ("bà Lê Thị Hoa", "bà", "Lê Thị Hoa"),
    ("Đồng chí Hoàng Văn Nam", "Đồng chí", "Hoàng Văn Nam"),
    ("Đ/c: Hoàng Văn Nam", "Đ/c", "Hoàng Văn Nam"),
    ("đ.c Hoàng Văn Nam", "đ.c", "Hoàng Văn Nam"),
    ("Đại tá Nông Văn Bình", "Đại tá", "Nông Văn Bình"),
    ("THƯỢNG TÁ NÔNG VĂN BÌNH", "THƯỢNG TÁ", "NÔNG VĂN BÌNH"),
    ("Trung ta Nong Van Binh", "Trung ta", "Nong Van Binh"),
    ("PGS.TS. Trần Minh Đức", "PGS.TS.", "Trần Minh Đức"),
    ("PGS. TS Trần Minh Đức", "PGS. TS", "Trần Minh Đức"),
    ("pgsts Trần Minh Đức", "pgsts", "Trần Minh Đức"),
    ("ThS.BS. Lý Thu Hà", "ThS.BS.", "Lý Thu Hà"),
    ("BSCKII Lý Thu Hà", "BSCKII", "Lý Thu Hà"),
    ("KS. Vi Văn Sáng", "KS.", "Vi Văn Sáng"),
    ("NSƯT Hà Thị Lan", "NSƯT", "Hà Thị Lan"),
    ("Thượng tá, TS. Ngô Văn Ba", "Thượng tá, TS.", "Ngô Văn Ba"),
    ("Bà Đại tá Lê Thị Xuân", "Bà Đại tá", "Lê Thị Xuân"),
    # Real names stay whole: too little left, a family name that looks like a title, no title at all.
    ("Bà", None, "Bà"),
    ("Bà Triệu", None, "Bà Triệu"),
    ("Ông Văn Minh", None, "Ông Văn Minh"),
    ("Đồng Chí Thanh", None, "Đồng Chí Thanh"),
    ("Hồ Văn Minh", None, "Hồ Văn Minh"),
    ("Hà Văn Minh", None, "Hà Văn Minh"),
    ("Nguyễn Văn Ông", None, "Nguyễn Văn Ông"),
    ("Ông Bà Ngoại", None, "Ông Bà Ngoại"),
])
def test_titles_are_split_only_when_a_name_of_two_words_remains(written, title, name):
    assert split_title(written) == (title, name)


def test_a_title_says_the_gender_only_when_it_is_ong_or_ba():
    assert [title_gender(t) for t in ("Ông", "Bà PGS.TS.", "Đại tá", None)] == ["Nam", "Nữ", None, None]


LIST = [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"],
        ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"]]


def run(engine, rows, *, dry_run=False):
    data = openpyxl_book(("DS", LIST + rows, False))
    with write_session(engine) as session:
        return pipeline.import_file(session, COMMAND_LINE, data, file_name="ds.xlsx", settings=SETTINGS,
                                    dry_run=dry_run)


def test_an_imported_title_is_stored_apart_and_the_bare_name_matches_the_person(engine):
    first = run(engine, [[1, "Đại tá Nông Văn Bình", 1975, "Chánh Thanh tra", "Thanh tra Sở", "LĐTT"],
                         [2, "Bà Lê Thị Hoa", 1988, "Chuyên viên", "Văn phòng Sở", "LĐTT"]])
    assert [(r.name, r.gender, r.title) for r in first.records] == [("Nông Văn Bình", None, "Đại tá"),
                                                                   ("Lê Thị Hoa", "Nữ", "Bà")]
    assert first.imported == 2
    # The next list writes the names bare: the same people, and the same award again is a duplicate.
    again = run(engine, [[1, "Nông Văn Bình", 1975, "Chánh Thanh tra", "Thanh tra Sở", "CSTĐCS"],
                         [2, "Lê Thị Hoa", 1988, "Chuyên viên", "Văn phòng Sở", "LĐTT"]], dry_run=True)
    assert [(i.row, i.code) for i in again.errors] == [(4, "already_in_database")]
    with Session(engine) as session:
        people = session.exec(select(Person.full_name, Person.name_key, Person.title).order_by(Person.id)).all()
    assert people == [("Nông Văn Bình", "nong van binh", "Đại tá"), ("Lê Thị Hoa", "le thi hoa", "Bà")]


def test_the_same_person_with_and_without_a_title_is_a_duplicate_in_the_file(engine):
    report = run(engine, [[1, "Ông Hoàng Văn Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
                          [2, "Hoàng Văn Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"]], dry_run=True)
    assert [(i.row, i.code) for i in report.errors] == [(4, "duplicate_in_file")]


def test_hand_entry_splits_the_title_and_a_new_rank_replaces_the_old(engine, actors):
    entered = nominations.NominationInput(year=2024, target="ca_nhan", name="Trung tá Nông Văn Bình", award="LĐTT",
                                          gender="Nam", birth_year=1975, unit="Thanh tra Sở")
    with write_session(engine) as session:
        nominations.add(session, actors["van_phong"], entered)
    with write_session(engine) as session:
        nominations.add(session, actors["van_phong"], replace(entered, name="Thượng tá Nông Văn Bình",
                                                               award="CSTĐCS"))
    with Session(engine) as session:
        assert session.exec(select(Person.full_name, Person.title)).all() == [("Nông Văn Bình", "Thượng tá")]


def test_upgrading_splits_the_titles_of_people_stored_before(engine):
    config = db._alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
        unit = conn.execute(sa.select(Unit.__table__.c.id)).scalars().first()
        person = sa.table("person", sa.column("full_name"), sa.column("name_key"), sa.column("unit_id"))
        conn.execute(person.insert(), [{"full_name": "Đại tá Nông Văn Bình", "name_key": "dai ta nong van binh",
                                        "unit_id": unit}, {"full_name": "Bà Triệu", "name_key": "ba trieu",
                                                           "unit_id": unit}])
        command.upgrade(config, "head")
    with Session(engine) as session:
        assert session.exec(select(Person.full_name, Person.name_key, Person.title).order_by(Person.id)).all() == [
            ("Nông Văn Bình", "nong van binh", "Đại tá"), ("Bà Triệu", "ba trieu", None)]
