"""The signer of a certificate as a Vietnamese giấy khen prints it: the title, room for the signature and seal, then
the full name when it is known (the Office's setting, else who signed the plan under that title by the decision's
day), else the room alone with no placeholder; and the calibration's numbers shown without useless zeros."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tdkt.core.config import Settings
from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.models import Plan
from tdkt.documents import certificates
from tdkt.documents.certificate_layout import BLANK, FULL, Layout, save_layout
from tests.certificate_support import add_many, dark_pixels, text_of, words
from tests.conftest import APP

SETTINGS = replace(Settings(), agency="Sở Công Thương Lạng Sơn", place="Lạng Sơn")
HUONG = {"name": "Nguyễn Thị Hường", "award_code": "GK_GD_SO"}
DIRECTOR = "Nguyễn Đình Đại"  # signs the seeded plan of 2024 (12/01/2024) as Giám đốc


def render(engine, actor, **options) -> bytes:
    with read_session(engine) as session:
        return certificates.render_certificates(session, actor=actor, settings=SETTINGS, year=2024,
                                                kind="giay-khen", **options)


def set_plan(engine, **values) -> None:
    with write_session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.year == 2024)).one()
        for name, value in values.items():
            setattr(plan, name, value)
        session.add(plan)


def signer_lines(pdf: bytes, folder) -> list[str]:
    """The words printed in the signer's column under the date line, line by line, top to bottom."""
    box = FULL["signer_title"]
    lines: dict[float, list[str]] = {}
    for w in sorted(words(pdf, folder), key=lambda w: (round(w.y_min), w.x_min)):
        if w.y_min >= box.y - 0.5 and box.x - 0.5 <= w.x_min and w.x_max <= box.x + box.w + 0.5:
            lines.setdefault(round(w.y_min), []).append(w.text)
    return [" ".join(v) for _, v in sorted(lines.items())]


def test_the_certificate_prints_the_title_room_to_sign_then_the_directors_name(engine, actors, tmp_path):
    add_many(engine, [HUONG])
    pdf = render(engine, actors["van_phong"])
    assert signer_lines(pdf, tmp_path) == ["GIÁM ĐỐC", DIRECTOR]
    found = words(pdf, tmp_path)
    title = next(w for w in found if w.text == "ĐỐC" and w.y_min > FULL["signer_title"].y - 1)
    name = next(w for w in found if w.text == "Đại")
    assert name.y_min - title.y_max > 25  # room for the signature and the seal
    column = FULL["signer"]
    assert dark_pixels(pdf, tmp_path, box_mm=(column.x, title.y_max + 1, column.x + column.w, name.y_min - 1)) == 0


def test_the_offices_name_for_the_kind_comes_before_the_plans(engine, actors, tmp_path):
    add_many(engine, [HUONG])
    with write_session(engine) as session:
        save_layout(session, actors["van_phong"], kind="giay-khen",
                    layout=Layout(boxes=dict(BLANK), signer_name="Hoàng Văn Tư"))
    assert signer_lines(render(engine, actors["van_phong"]), tmp_path) == ["GIÁM ĐỐC", "Hoàng Văn Tư"]
    blank = " ".join(text_of(render(engine, actors["van_phong"], overlay=True), tmp_path).split())
    assert "GIÁM ĐỐC" in blank and "Hoàng Văn Tư" in blank and DIRECTOR not in blank


@pytest.mark.parametrize("plan", [{"signer": None}, {"signer_title": "Phó giám đốc"},
                                  {"issued_on": date(2025, 1, 10)}],
                         ids=["no_signer", "signed_by_a_deputy", "signed_after_the_decision"])
def test_no_known_name_leaves_the_room_blank_without_a_placeholder(engine, actors, tmp_path, plan):
    add_many(engine, [HUONG])
    set_plan(engine, **plan)
    pdf = render(engine, actors["van_phong"])
    assert signer_lines(pdf, tmp_path) == ["GIÁM ĐỐC"]
    text = text_of(pdf, tmp_path)
    assert DIRECTOR not in text and "[" not in text and "……" not in text and "Họ và tên" not in text


def test_each_decision_names_the_director_of_its_day(engine, actors, tmp_path):
    with write_session(engine) as session:
        session.add(Plan(year=2025, title="Công tác thi đua, khen thưởng năm 2025", issued_on=date(2025, 1, 10),
                         signer="Lê Văn Mới", signer_title="Giám đốc"))
    add_many(engine, [HUONG, {"name": "Trần Văn Sau", "award_code": "GK_GD_SO", "decision": "9/QĐ-SCT",
                              "decided_on": date(2025, 2, 3)}])
    first = render(engine, actors["van_phong"], decision="125/QĐ-SCT")
    later = render(engine, actors["van_phong"], decision="9/QĐ-SCT")
    assert (signer_lines(first, tmp_path)[-1], signer_lines(later, tmp_path)[-1]) == (DIRECTOR, "Lê Văn Mới")
    with read_session(engine) as session:
        assert certificates.signer_of(session, kind="giay-khen", on=date(2024, 12, 20)) == certificates.Signer(
            "GIÁM ĐỐC", DIRECTOR, "plan", 2024)
        assert certificates.signer_of(session, kind="giay-khen", on=date(2024, 1, 1)) == certificates.Signer(
            "GIÁM ĐỐC", "")


def opened(app_env: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["van_phong"]
    return at.switch_page("pages/giay_khen.py").run()


def test_the_print_tab_says_who_signs_and_the_calibration_shows_numbers_without_useless_zeros(app_env):
    engine = make_engine(app_env["url"])
    add_many(engine, [HUONG])
    engine.dispose()
    at = opened(app_env)
    assert not at.exception
    assert (f"Người ký: GIÁM ĐỐC {DIRECTOR} (người ký Kế hoạch thi đua, khen thưởng năm 2024); ghi họ tên khác ở "
            "thẻ “Căn vị trí trên phôi”.") in [c.value for c in at.caption]
    inputs = list(at.number_input)
    [shown] = {i.proto.format for i in inputs}
    assert (len(inputs), shown) == (4 * 7 + 2, "%.4g")
    # Python's printf %g is sprintf.js's here (toPrecision, then the shortest number): 48.5 and 200, not 48.50.
    assert [shown % v for v in (48.5, 200.0, 297.0, 0.5, -2.5, 40.1 + 0.5)] == [
        "48.5", "200", "297", "0.5", "-2.5", "40.6"]
