"""The page Văn bản under AppTest: a unit's account is refused, the leadership and the admin read the year's register,
the Office drafts each kind (a row in the register and a .docx offered with the nominees in it) or is told why it
cannot, uploads its own template (an unknown field refused by name, a good one used for the next draft) and goes back
to the built-in one (the writes on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from sqlmodel import select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from tdkt.core.db import make_engine, read_session, write_session
from tdkt.core.document_tables import DocumentTemplate, GeneratedDocument
from tdkt.core.models import AuditLog, Role
from tdkt.core.permissions import COMMAND_LINE, Actor
from tdkt.documents import register, templates
from tests.conftest import APP
from tests.documents_support import DIRECTOR, MINISTRY, PEOPLE, PROVINCE, S, add_year, name_counts, texts

PAGE = "pages/van_ban.py"
YEAR = 2024  # the seeded plan's year: the year selector offers it (the domain tests' 2025 is not offered)
TITLE = f"Văn bản năm {YEAR}"
REFUSAL = "Bạn không có quyền xem trang này."
PASSED = [p[0] for p in PEOPLE if p[3] in (S.HOI_DONG, S.DA_TRINH)]
DRAFT_BUTTONS = ["vb_soan_to_trinh", "vb_soan_quyet_dinh", "vb_soan_danh_sach", "vb_soan_cong_khai"]


class KeptFiles(MemoryMediaFileStorage):
    """AppTest's media storage, keeping what each run offers for download past the run (AppTest drops it)."""

    kept: dict[str, bytes] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        KeptFiles.kept[self.get_url(file_id)] = self.get_file(file_id).content
        return file_id


@pytest.fixture
def world(app_env, monkeypatch, tmp_path):
    """The app's database with the year's nominations at every step, its own file store, downloads kept."""
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", KeptFiles)
    engine = make_engine(app_env["url"])
    add_year(engine, year=YEAR)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_year(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("TDKT_FILE_STORE", str(tmp_path / "kho"))
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def opened(app_env: dict, role: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user_id"] = app_env["users"][role]
    return at.switch_page(PAGE).run()


def offered(at: AppTest, key: str) -> bytes:
    """The bytes the run's download button of this key hands out."""
    return KeptFiles.kept[at.download_button(key=key).proto.url]


def generated(engine) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        return [(r.kind, r.file_name) for r in session.exec(select(GeneratedDocument).order_by(GeneratedDocument.id))]


def edited_template(kind: str, old: str, new: str) -> bytes:
    """The built-in template of a kind with one paragraph's text replaced (as the Office edits it in Word)."""
    document = Document(io.BytesIO(templates.builtin_template(kind)))
    paragraph = next(p for p in document.paragraphs if old in p.text)
    paragraph.runs[0].text = paragraph.text.replace(old, new)
    for run in paragraph.runs[1:]:
        run.text = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_may_read_the_register_is_every_role_but_a_units_account():
    readers = {role for role in Role if register.may_read(Actor(id=1, username="x", role=role, unit_id=1))}
    assert readers == {Role.LANH_DAO, Role.VAN_PHONG, Role.QUAN_TRI} and not register.may_read(None)


def test_a_unit_account_is_refused_the_page(empty_year, app_env):
    at = opened(app_env, "don_vi")
    assert not at.exception
    assert [e.value for e in at.error] == [REFUSAL]
    assert TITLE not in [t.value for t in at.title] and not at.button and not at.get("download_button")


@pytest.mark.parametrize("role", ["lanh_dao", "quan_tri"])
def test_the_leadership_and_the_admin_read_the_register_and_draft_nothing(empty_year, app_env, role):
    at = opened(app_env, role)
    assert not at.exception and [t.value for t in at.title] == [TITLE]
    assert [i.value for i in at.info] == [f"Chưa có văn bản nào được tạo cho năm {YEAR}."]
    with write_session(empty_year) as session:
        register.record_generated(session, COMMAND_LINE, year=YEAR, kind="quyet_dinh",
                                  filename="quyet_dinh_2024.docx", content=b"PK\x03\x04 a draft",
                                  detail="Quyết định của Giám đốc Sở; 8 đối tượng")
    at = opened(app_env, role)
    assert not at.exception and not at.button and not at.tabs
    [table] = at.dataframe
    assert table.value[["Loại văn bản", "Tệp", "Người tạo", "Ghi chú"]].values.tolist() == [
        ["Quyết định khen thưởng của Giám đốc Sở", "quyet_dinh_2024.docx", "dòng lệnh",
         "Quyết định của Giám đốc Sở; 8 đối tượng"]]
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", table.value["Thời điểm tạo"][0])
    assert [b.proto.label for b in at.get("download_button")] == ["Tải danh sách (.xlsx)",
                                                                   "Tải lại quyet_dinh_2024.docx"]


def test_the_office_is_told_why_each_draft_cannot_be_made_in_a_year_without_nominations(empty_year, app_env):
    at = opened(app_env, "van_phong")
    assert not at.exception and [t.value for t in at.title] == [TITLE]
    assert [t.label for t in at.tabs] == ["Soạn văn bản", "Văn bản đã tạo", "Mẫu văn bản"]
    reasons = [i.value for i in at.info]
    province = (f"Năm {YEAR} chưa có đề nghị nào “Hội đồng đã xét” thuộc thẩm quyền của Chủ tịch UBND tỉnh và cấp "
                "nhà nước: ghi kết quả bỏ phiếu ở trang Hội đồng TĐKT (hoặc chuyển các đề nghị không cần bỏ phiếu "
                "sang bước “Hội đồng đã xét” ở trang Hồ sơ đề nghị) rồi soạn lại.")
    assert reasons[:4] == [
        province,
        f"Năm {YEAR} chưa có đề nghị nào “Hội đồng đã xét” thuộc thẩm quyền của Giám đốc Sở (Lao động tiên tiến, "
        "Chiến sĩ thi đua cơ sở, Tập thể lao động tiên tiến, Giấy khen): ghi kết quả bỏ phiếu ở trang Hội đồng TĐKT "
        "(hoặc chuyển các danh hiệu không cần bỏ phiếu sang “Hội đồng đã xét” ở trang Hồ sơ đề nghị) rồi soạn lại; "
        "soạn lại một quyết định đã ký thì ghi số quyết định.",
        province,
        f"Năm {YEAR} chưa có đề nghị nào để công khai."]
    assert all(at.button(key=key).disabled for key in DRAFT_BUTTONS)


@pytest.mark.both_engines
def test_drafting_each_kind_records_it_and_offers_a_docx_naming_its_nominees(world, app_env):
    at = opened(app_env, "van_phong")
    assert not at.exception and [i.value for i in at.info] == [f"Chưa có văn bản nào được tạo cho năm {YEAR}."]
    assert [c.value for c in at.caption if c.value.startswith("Quyết định")] == [
        "Quyết định của Giám đốc Sở: 2 tập thể, 5 cá nhân, 1 hộ gia đình."]
    expected = {"to_trinh": ("to_trinh_tinh_2024.docx", PROVINCE), "quyet_dinh": ("quyet_dinh_2024.docx", DIRECTOR),
                "danh_sach": ("danh_sach_to_trinh_bo_2024.docx", MINISTRY),
                "cong_khai": ("cong_khai_2024.docx", PASSED)}
    at.radio(key="vb_danh_sach_to").set_value("bo")
    for kind, (name, names) in expected.items():
        at.button(key=f"vb_soan_{kind}").click().run()
        assert not at.exception and not at.error
        assert generated(world)[-1] == (kind, name)
        data = offered(at, f"vb_tai_{kind}")
        assert at.download_button(key=f"vb_tai_{kind}").proto.label == f"Tải {name}"
        assert name_counts(data, names) == dict.fromkeys(names, 1)
    assert len(generated(world)) == 4
    assert any(s.value.startswith("Đã soạn “cong_khai_2024.docx” (Nhận ý kiến ") for s in at.success)
    with read_session(world) as session:
        assert len(session.exec(select(AuditLog).where(AuditLog.action == "tao_van_ban")).all()) == 4
    listed = at.dataframe[0].value
    assert sorted(listed["Tệp"]) == sorted(n for n, _ in expected.values())


def test_the_notice_names_its_comment_period_and_refuses_an_end_before_the_start(world, app_env):
    at = opened(app_env, "van_phong")
    at.date_input(key="vb_cong_khai_tu").set_value(date(2025, 1, 6))
    at.date_input(key="vb_cong_khai_den").set_value(date(2025, 1, 3)).run()
    assert [i.value for i in at.info][0] == ("Ngày hết hạn nhận ý kiến (03/01/2025) trước ngày bắt đầu (06/01/2025): "
                                             "chọn lại thời gian nhận ý kiến.")
    assert at.button(key="vb_soan_cong_khai").disabled
    at.date_input(key="vb_cong_khai_den").set_value(date(2025, 1, 15))
    at.radio(key="vb_cong_khai_giai_doan").set_value("truoc").run()
    at.button(key="vb_soan_cong_khai").click().run()
    lines = texts(offered(at, "vb_tai_cong_khai"))
    assert any("06/01/2025" in line and "15/01/2025" in line for line in lines)
    assert name_counts(offered(at, "vb_tai_cong_khai"), ["Trương Văn Nam"]) == {"Trương Văn Nam": 1}


def upload(at: AppTest, kind: str, data: bytes, name: str) -> AppTest:
    at.selectbox(key="vb_mau_loai").set_value(kind).run()
    uploader = next(u for u in at.get("file_uploader") if u.proto.id and "vb_mau_tep_" in (u.key or ""))
    uploader.set_value((name, data, register.MEDIA_TYPES[".docx"])).run()
    return at.button(key="vb_luu_mau").click().run()


def stored_templates(engine) -> list[tuple[int, str, str]]:
    with read_session(engine) as session:
        return [(r.year, r.kind, r.file_name) for r in session.exec(select(DocumentTemplate))]


@pytest.mark.both_engines
def test_a_template_with_an_unknown_field_is_refused_naming_the_field(world, app_env):
    at = opened(app_env, "van_phong")
    bad = edited_template("quyet_dinh", "QUYẾT ĐỊNH:", "QUYẾT ĐỊNH {{ so_nha }}:")
    upload(at, "quyet_dinh", bad, "mau_sai.docx")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Mẫu “mau_sai.docx” dùng trường không có trong mẫu quyết định khen thưởng của giám đốc sở: “so_nha”. Sửa lại "
        "cho đúng tên trường (xem danh sách các trường trên trang Văn bản) rồi tải lên lại."]
    assert stored_templates(world) == []


@pytest.mark.both_engines
def test_a_good_template_is_used_for_the_next_draft_and_removing_it_goes_back(world, app_env):
    at = opened(app_env, "van_phong")
    good = edited_template("quyet_dinh", "QUYẾT ĐỊNH:", "QUYẾT ĐỊNH (mẫu của Văn phòng):")
    upload(at, "quyet_dinh", good, "mau_quyet_dinh.docx")
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Đã lưu mẫu “mau_quyet_dinh.docx” cho “Quyết định khen thưởng của Giám "
                                             "đốc Sở” năm 2024: các văn bản soạn sau dùng mẫu này."]
    assert stored_templates(world) == [(YEAR, "quyet_dinh", "mau_quyet_dinh.docx")]
    assert [b.proto.label for b in at.get("download_button") if b.key.startswith("vb_mau_tai")] == [
        "Tải mẫu có sẵn (.docx)", "Tải mẫu riêng năm 2024 (.docx)"]
    assert offered(at, "vb_mau_tai_rieng") == good
    at.button(key="vb_soan_quyet_dinh").click().run()
    lines = texts(offered(at, "vb_tai_quyet_dinh"))
    assert "QUYẾT ĐỊNH (mẫu của Văn phòng):" in lines
    assert "mẫu riêng của Văn phòng" in generated_detail(world)
    at.button(key="vb_bo_mau").click().run()
    assert not at.exception and stored_templates(world) == []
    assert ("Đã bỏ mẫu riêng của “Quyết định khen thưởng của Giám đốc Sở” năm 2024: các văn bản soạn sau dùng mẫu "
            "có sẵn.") in [s.value for s in at.success]
    at.button(key="vb_soan_quyet_dinh").click().run()
    lines = texts(offered(at, "vb_tai_quyet_dinh"))
    assert "QUYẾT ĐỊNH:" in lines and "QUYẾT ĐỊNH (mẫu của Văn phòng):" not in lines
    with read_session(world) as session:
        actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "mau_van_ban")).all()
    assert sorted(actions) == ["bo_mau_van_ban", "tai_len_mau_van_ban"]


def generated_detail(engine) -> str:
    with read_session(engine) as session:
        return session.exec(select(GeneratedDocument.detail).order_by(GeneratedDocument.id.desc())).first()
