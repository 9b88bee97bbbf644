"""Certificates as PDF (fpdf2, Liberation Serif): the text at the calibrated places on the page (pdftotext -bbox and
dark pixels on pdftoppm's image), an offset moving the text by as many millimetres, Vietnamese letters extracted and
the font embedded as a subset, one page per decided nomination, and the refusals when there is nothing to print."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from tdkt.core.config import Settings
from tdkt.core.db import read_session, write_session
from tdkt.core.document_tables import GeneratedDocument
from tdkt.core.errors import Refused
from tdkt.core.file_store import FileStore
from tdkt.core.models import AuditLog, CertificateLayout
from tdkt.core.permissions import PermissionDenied
from tdkt.documents import certificate_pdf, certificates
from tdkt.documents.certificate_layout import BLANK, Box, Layout, layout_for, save_layout
from tests.certificate_support import add_many, dark_pixels, fonts_of, text_of, words

SETTINGS = replace(Settings(), agency="Sở Công Thương Lạng Sơn", place="Lạng Sơn")
HUONG = {"name": "Nguyễn Thị Hường", "award_code": "GK_GD_SO", "unit": "Phòng Quản lý Thương mại",
         "achievements": "Hoàn thành xuất sắc nhiệm vụ năm 2024, tiêu biểu trong phong trào chuyển đổi số."}


def render(engine, actor, **options) -> bytes:
    with read_session(engine) as session:
        return certificates.render_certificates(session, actor=actor, settings=SETTINGS, **options)


def save(engine, actor, kind: str, layout: Layout) -> Layout:
    with write_session(engine) as session:
        return save_layout(session, actor, kind=kind, layout=layout)


def _inside(word, box: Box, lines: int = 1) -> bool:
    slack = 0.5
    return (box.x - slack <= word.x_min and word.x_max <= box.x + box.w + slack
            and box.y - slack <= word.y_min and word.y_max <= box.y + box.height(lines) + slack)


def test_full_certificate_prints_the_name_unit_reason_and_decision_in_vietnamese(engine, actors, tmp_path):
    add_many(engine, [HUONG])
    pdf = render(engine, actors["van_phong"], year=2024, kind="giay-khen")
    text = " ".join(text_of(pdf, tmp_path).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "GIÁM ĐỐC SỞ CÔNG THƯƠNG LẠNG SƠN", "TẶNG GIẤY KHEN", "Bà Nguyễn Thị Hường",
                     "Chuyên viên, Phòng Quản lý Thương mại", "Đã có thành tích hoàn thành xuất sắc nhiệm vụ năm 2024,",
                     "Lạng Sơn, ngày 20 tháng 12 năm 2024", "Quyết định số 125/QĐ-SCT, ngày 20/12/2024", "GIÁM ĐỐC"):
        assert expected in text
    fonts = fonts_of(pdf, tmp_path)
    assert fonts and all(f[0].split("+")[0].isupper() and "+LiberationSerif" in f[0] for f in fonts)
    assert {f[0].split("+")[1] for f in fonts} == {"LiberationSerif", "LiberationSerifBold", "LiberationSerifItalic"}
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts)  # embedded, as a subset, with its Unicode map


def test_overlay_puts_each_field_inside_its_calibrated_box_and_nothing_else(engine, actors, tmp_path):
    add_many(engine, [HUONG])
    pdf = render(engine, actors["van_phong"], year=2024, kind="giay-khen", overlay=True)
    found = words(pdf, tmp_path)
    assert "CỘNG" not in {w.text for w in found}  # the blank has the header printed
    by_text = {w.text: w for w in found}
    assert _inside(by_text["Hường"], BLANK["name"]) and _inside(by_text["Bà"], BLANK["name"])
    assert _inside(by_text["Thương"], BLANK["unit"])
    assert _inside(by_text["125/QĐ-SCT"], BLANK["decision"])
    assert _inside(by_text["Sơn,"], BLANK["date"])
    name = BLANK["name"]
    assert dark_pixels(pdf, tmp_path, box_mm=(name.x, name.y, name.x + name.w, name.y + name.height(1))) > 100
    assert dark_pixels(pdf, tmp_path, box_mm=(0, 0, 297, 80)) == 0  # above the name: the blank's own part


@pytest.mark.parametrize("dx, dy", [(12.0, 0.0), (0.0, -7.5), (-20.0, 15.0)])
def test_changing_a_fields_offset_moves_its_text_by_that_many_millimetres(engine, actors, tmp_path, dx, dy):
    add_many(engine, [HUONG])
    before = {w.text: w for w in words(render(engine, actors["van_phong"], year=2024, kind="giay-khen",
                                                     overlay=True), tmp_path)}
    moved = dict(BLANK, name=replace(BLANK["name"], x=BLANK["name"].x + dx, y=BLANK["name"].y + dy))
    save(engine, actors["van_phong"], "giay-khen", Layout(boxes=moved))
    after = {w.text: w for w in words(render(engine, actors["van_phong"], year=2024, kind="giay-khen",
                                                    overlay=True), tmp_path)}
    assert after["Hường"].x_min - before["Hường"].x_min == pytest.approx(dx, abs=0.1)
    assert after["Hường"].y_min - before["Hường"].y_min == pytest.approx(dy, abs=0.1)
    assert after["Thương"] == before["Thương"]  # the other fields stay
    box = moved["name"]
    assert dark_pixels(after_pdf := render(engine, actors["van_phong"], year=2024, kind="giay-khen", overlay=True),
                       tmp_path, box_mm=(box.x, box.y, box.x + box.w, box.y + box.height(1))) > 100
    assert after_pdf.startswith(b"%PDF-")


def test_the_sheets_shift_moves_every_field(engine, actors, tmp_path):
    add_many(engine, [HUONG])
    before = {w.text: w for w in words(render(engine, actors["van_phong"], year=2024, kind="giay-khen",
                                                     overlay=True), tmp_path)}
    save(engine, actors["van_phong"], "giay-khen", Layout(boxes=dict(BLANK), shift_x=-3.0, shift_y=4.5))
    after = {w.text: w for w in words(render(engine, actors["van_phong"], year=2024, kind="giay-khen",
                                                    overlay=True), tmp_path)}
    for word in ("Hường", "Thương", "125/QĐ-SCT"):
        assert (round(after[word].x_min - before[word].x_min, 1), round(after[word].y_min - before[word].y_min, 1)
                ) == (-3.0, 4.5)


def test_a_long_name_shrinks_to_fit_its_box(engine, actors, tmp_path):
    long_name = "Tập thể Phòng Quản lý Thương mại và Xúc tiến thương mại, Thương mại điện tử, Hội nhập kinh tế quốc tế"
    add_many(engine, [{"name": long_name, "award_code": "GK_GD_SO", "target": "tap_the", "position": None}])
    pdf = render(engine, actors["van_phong"], year=2024, kind="giay-khen", overlay=True)
    name_box = BLANK["name"]
    line = [w for w in words(pdf, tmp_path) if w.y_min < name_box.y + name_box.height(1)]
    assert " ".join(w.text for w in line) == long_name
    assert min(w.x_min for w in line) >= name_box.x - 0.5
    assert max(w.x_max for w in line) <= name_box.x + name_box.w + 0.5
    assert max(w.y_max - w.y_min for w in line) < name_box.size / PT_MM  # smaller than the box's type


PT_MM = 72 / 25.4


def test_fitted_shrinks_by_half_points_and_cuts_at_the_smallest_size():
    pdf = certificate_pdf.new_document("thử")
    box = Box(0, 0, 60, 20)
    assert certificate_pdf.fitted(pdf, "Ngắn", box, style="B") == (20, ["Ngắn"])
    size, lines = certificate_pdf.fitted(pdf, "Nguyễn Thị Hường " * 3, box, style="B")
    pdf.set_font(certificate_pdf.FAMILY, "B", size)
    assert size < 20 and size * 2 == int(size * 2) and pdf.get_string_width(lines[0]) <= 60
    pdf.set_font(certificate_pdf.FAMILY, "B", size + 0.5)
    assert pdf.get_string_width(lines[0]) > 60  # the largest size that fits
    size, lines = certificate_pdf.fitted(pdf, "Nguyễn " * 60, box, style="")
    assert size == 7.0 and lines[0].endswith("…")


def test_one_page_per_decided_nomination_narrowed_to_a_decision_or_one_nomination(engine, actors, tmp_path):
    ids = add_many(engine, [
        {"name": "Lê Văn Bình", "award_code": "LDTT", "gender": "Nam", "decision": "120/QĐ-SCT"},
        {"name": "Trần Thị An", "award_code": "CSTDCS", "decision": "121/QĐ-SCT"},
        {"name": "Phạm Văn Chưa", "award_code": "LDTT", "decision": None},
        {"name": "Đỗ Thị Khác", "award_code": "GK_GD_SO", "decision": "120/QĐ-SCT"},
        {"name": "Vũ Văn Cũ", "award_code": "LDTT", "year": 2023, "decision": "99/QĐ-SCT"},
    ])
    office = actors["van_phong"]
    every = words(render(engine, office, year=2024, kind="giay-chung-nhan"), tmp_path)
    assert {(w.page, w.text) for w in every if w.text in ("Bình", "An", "Chưa", "Khác", "Cũ")} == {
        (1, "Bình"), (2, "An")}
    assert "Ông" in {w.text for w in every if w.page == 1} and "CHỨNG" in {w.text for w in every}
    assert " ".join(text_of(render(engine, office, year=2024, kind="giay-chung-nhan"), tmp_path).split()).count(
        "Đã đạt danh hiệu “Lao động tiên tiến” năm 2024.") == 1
    one = words(render(engine, office, year=2024, kind="giay-chung-nhan", decision="121/qđ-sct"), tmp_path)
    assert {w.page for w in one} == {1} and "An" in {w.text for w in one}
    alone = words(render(engine, office, year=2024, kind="giay-chung-nhan", nomination_id=ids[0]), tmp_path)
    assert {w.page for w in alone} == {1} and "Bình" in {w.text for w in alone}


def test_nothing_to_print_is_refused_saying_why(engine, actors):
    office = actors["van_phong"]
    with pytest.raises(Refused, match="Năm 2024 chưa có đề nghị Giấy khen của Giám đốc Sở nào"):
        render(engine, office, year=2024, kind="giay-khen")
    ids = add_many(engine, [{"name": "Phạm Văn Chưa", "award_code": "LDTT", "decision": None},
                            {"name": "Lê Văn Bình", "award_code": "LDTT", "decision": "120/QĐ-SCT"}])
    with pytest.raises(Refused, match=r"chưa có quyết định khen thưởng \(số và ngày quyết định\)") as refused:
        render(engine, office, year=2024, kind="giay-chung-nhan", nomination_id=ids[0])
    assert "Phạm Văn Chưa" in str(refused.value)
    with pytest.raises(Refused, match="theo quyết định số “7/QĐ-SCT”. Các quyết định đã có: 120/QĐ-SCT."):
        render(engine, office, year=2024, kind="giay-chung-nhan", decision="7/QĐ-SCT")
    with pytest.raises(Refused, match="Năm 2024 không có đề nghị số"):
        render(engine, office, year=2024, kind="giay-khen", nomination_id=ids[1])
    with pytest.raises(Refused, match="Loại giấy “bang-khen” không có"):
        render(engine, office, year=2024, kind="bang-khen")
    add_many(engine, [{"name": "Hoàng Văn Đợi", "award_code": "GK_GD_SO", "decision": None, "year": 2025}])
    with pytest.raises(Refused, match="Năm 2025 chưa có giấy khen nào để in: 1 đề nghị Giấy khen của Giám đốc Sở "
                                      "chưa có quyết định"):
        render(engine, office, year=2025, kind="giay-khen")


def test_a_formula_in_a_name_prints_as_text(engine, actors, tmp_path):
    add_many(engine, [{"name": "=cmd|' /C calc'!A0", "award_code": "GK_GD_SO", "target": "tap_the"}])
    text = text_of(render(engine, actors["van_phong"], year=2024, kind="giay-khen"), tmp_path)
    assert "=cmd|' /C calc'!A0" in text


@pytest.mark.parametrize("role", ["don_vi", "lanh_dao", "quan_tri"])
def test_only_the_office_prints_or_calibrates(engine, actors, role):
    add_many(engine, [HUONG])
    with pytest.raises(PermissionDenied):
        render(engine, actors[role], year=2024, kind="giay-khen")
    with pytest.raises(PermissionDenied):
        save(engine, actors[role], "giay-khen", Layout(boxes=dict(BLANK)))
    with read_session(engine) as session, pytest.raises(PermissionDenied):
        certificates.calibration_pdf(session, actor=actors[role], kind="giay-khen", settings=SETTINGS)
    with pytest.raises(PermissionDenied):
        render(engine, None, year=2024, kind="giay-khen")


def test_a_saved_layout_is_read_back_rounded_per_kind_and_audited(engine, actors):
    boxes = dict(BLANK, reason=Box(40.04, 117.26, 210, 14))
    saved = save(engine, actors["van_phong"], "giay-chung-nhan", Layout(
        boxes=boxes, shift_x=1.25, signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", signer_name="  Hoàng Văn Tư "))
    with read_session(engine) as session:
        assert layout_for(session, kind="giay_chung_nhan") == saved
        assert layout_for(session, kind="giay-khen") == Layout(boxes=dict(BLANK))
        assert saved.boxes["reason"] == Box(40.0, 117.3, 210.0, 14.0)
        assert (saved.shift_x, saved.signer_title, saved.signer_name) == (1.2, "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC",
                                                                          "Hoàng Văn Tư")
        entry = session.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert (entry.action, entry.entity, entry.username) == ("luu_vi_tri_in", "certificate_layout", "vanphong")
        assert session.exec(select(CertificateLayout.kind)).all() == ["giay_chung_nhan"]


@pytest.mark.parametrize("change, message", [
    ({"x": 300.0}, "nằm ngoài khổ A4 ngang"),
    ({"w": 5.0}, "bề rộng 5 mm phải từ 10 mm"),
    ({"x": 200.0, "w": 150.0}, "không vượt mép giấy"),
    ({"size": 80.0}, "cỡ chữ 80 phải từ 7 đến 60"),
    ({"y": float("nan")}, "phải là số"),
])
def test_a_box_off_the_sheet_or_unreadable_is_refused_naming_the_field(engine, actors, change, message):
    boxes = dict(BLANK, name=replace(BLANK["name"], **change))
    with pytest.raises(Refused, match=f"Ô “Họ tên / tên tập thể”: .*{message}"):
        save(engine, actors["van_phong"], "giay-khen", Layout(boxes=boxes))
    with read_session(engine) as session:
        assert session.exec(select(CertificateLayout)).all() == []


def test_the_test_print_has_a_ruler_and_a_crosshair_at_each_fields_place(engine, actors, tmp_path):
    boxes = dict(BLANK, decision=Box(40.0, 170.0, 80.0, 12.0))
    layout = Layout(boxes=boxes, shift_y=2.0)
    with read_session(engine) as session:
        pdf = certificates.calibration_pdf(session, actor=actors["van_phong"], kind="giay-khen", layout=layout,
                                           settings=SETTINGS)
    found = words(pdf, tmp_path)
    ticks = {w.text: w for w in found if w.text.isdigit() and w.y_min < 14}
    for mm in (10, 100, 280):  # the ruler's numbers centred on their centimetre
        assert (ticks[str(mm)].x_min + ticks[str(mm)].x_max) / 2 == pytest.approx(mm, abs=0.3)
    label = next(w for w in found if w.text == "(40;" and w.y_min < 172)
    assert label.y_max == pytest.approx(172.0 - 1, abs=1.2)  # "Số quyết định (40; 172) mm" just above the crosshair
    sample = next(w for w in found if w.text == "125/QĐ-SCT")
    assert _inside(sample, layout.placed("decision"))
    # The crosshair's lines cross at (40, 172): dark pixels on a small square around it.
    assert dark_pixels(pdf, tmp_path, box_mm=(38.5, 170.5, 41.5, 173.5), dpi=150) > 5


def test_printing_keeps_the_pdf_in_the_register_of_documents(engine, actors, tmp_path):
    add_many(engine, [{"name": "Nguyễn Thị Hường", "award_code": "CSTDCS"}])
    store = FileStore(tmp_path / "files")
    with write_session(engine) as session:
        name, pdf = certificates.print_and_record(session, actor=actors["van_phong"], year=2024,
                                                  kind="giay-chung-nhan", decision="125/QĐ-SCT", overlay=True,
                                                  settings=SETTINGS, store=store)
    with read_session(engine) as session:
        [row] = session.exec(select(GeneratedDocument)).all()
    assert name == "giay_chung_nhan_2024_qd_125-QĐ-SCT_phoi.pdf"
    assert (row.kind, row.year, row.file_name, row.size, row.detail) == (
        "giay_chung_nhan", 2024, name, len(pdf), "quyết định 125/QĐ-SCT; in lên phôi")
    assert store.read(row.sha256) == pdf
