"""Văn bản: the Office drafts the year's tờ trình, quyết định, danh sách kèm theo and thông báo công khai (.docx) in
one click from the data, each kept in the register of generated documents; the year's register (the leadership and
the admin read it) with each stored file to download again and the list as .xlsx; the Office's own templates."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from pages._common import REFUSAL, db_read, db_write, file_uploader, home_link, require_page, selected_year, settings
from tdkt.core import export, permissions
from tdkt.core.errors import Refused
from tdkt.core.text import format_number
from tdkt.documents import drafts, register, templates
from tdkt.documents.fields import DRAFT_KINDS, fields_of

DOCX = register.MEDIA_TYPES[".docx"]
XLSX = register.MEDIA_TYPES[".xlsx"]
TEMPLATE_FLASH = "vb_mau_flash"
# The drafts in the order the Office makes them around the council: its title on the page and its button.
SECTIONS = {
    "to_trinh": ("Tờ trình đề nghị khen thưởng", "Soạn tờ trình"),
    "quyet_dinh": ("Quyết định khen thưởng của Giám đốc Sở", "Soạn quyết định"),
    "danh_sach": ("Danh sách kèm theo", "Soạn danh sách"),
    "cong_khai": ("Thông báo công khai danh sách đề nghị khen thưởng", "Soạn thông báo công khai"),
}
LEVELS = {"tinh": "Hội đồng TĐKT tỉnh (Chủ tịch UBND tỉnh, khen thưởng cấp nhà nước)",
          "bo": "Bộ Công Thương (khen thưởng của Bộ trưởng)"}
PARENTS = {"to_trinh": "Tờ trình đề nghị khen thưởng", "quyet_dinh": "Quyết định của Giám đốc Sở"}
STAGES = {None: "Theo bước của hồ sơ", "truoc": "Trước khi Hội đồng xét (các đề nghị)",
          "sau": "Sau khi Hội đồng xét (các đề nghị Hội đồng đã xét)"}
SIGNERS = {"giam_doc": "Giám đốc", "pho_giam_doc": "Phó Giám đốc (ký thay Giám đốc)"}

who = require_page("xem")
if not register.may_read(who):  # a unit's account: the register is the department's documents
    st.error(REFUSAL)
    home_link()
    st.stop()
year = selected_year()
office = permissions.can(who, "soan_van_ban")
st.title(f"Văn bản năm {year}")


def level_choice(key: str) -> str:
    return st.radio("Gửi", list(LEVELS), format_func=LEVELS.get, key=key, horizontal=True)


def decision_number(key: str) -> str | None:
    number = st.text_input("Số quyết định (để trống: “…/QĐ-SCT”; đã có số thì gồm cả các đề nghị đã có quyết định "
                           "số này)", key=key, max_chars=64, placeholder="Ví dụ: 12/QĐ-SCT")
    return number.strip() or None


def options_of(kind: str) -> dict:
    """The widgets of a kind's options; return them as drafts.request_for's keywords."""
    if kind == "to_trinh":
        return {"to": level_choice("vb_to_trinh_to")}
    if kind == "quyet_dinh":
        return {"decision": decision_number("vb_quyet_dinh_so")}
    if kind == "danh_sach":
        parent = st.radio("Kèm theo", list(PARENTS), format_func=PARENTS.get, key="vb_danh_sach_for",
                          horizontal=True)
        if parent == "to_trinh":
            return {"attached_to": parent, "to": level_choice("vb_danh_sach_to")}
        return {"attached_to": parent, "decision": decision_number("vb_danh_sach_so")}
    left, right = st.columns(2)
    start = left.date_input("Nhận ý kiến từ ngày", value=date.today(), format="DD/MM/YYYY", key="vb_cong_khai_tu")
    end = right.date_input("Đến hết ngày", value=date.today() + timedelta(days=drafts.NOTICE_DAYS),
                           format="DD/MM/YYYY", key="vb_cong_khai_den")
    stage = st.radio("Danh sách công khai", list(STAGES), format_func=STAGES.get, key="vb_cong_khai_giai_doan",
                     horizontal=True)
    return {"start": start, "end": end, "stage": stage}


def preview(request: drafts.Request) -> tuple[str, str | None]:
    """What the draft will list, in words, or why it cannot be made."""
    try:
        with db_read() as session:
            _, selection, detail = drafts.context(session, settings(), request)
    except Refused as error:
        return "", str(error)
    counts = [f"{format_number(selection.count(t))} {w}" for t, w in drafts.TARGET_WORDS.items() if selection.count(t)]
    return f"{detail}: {', '.join(counts)}.", None


def make(kind: str, request: drafts.Request) -> None:
    """Draft the document, record it in the register and keep it for the download button (or say why not)."""
    st.session_state.pop(f"vb_ban_{kind}", None)
    try:
        with db_write() as session:
            made = drafts.make(session, who, request, settings=settings())
    except Refused as error:
        st.error(str(error))
        return
    st.session_state[f"vb_ban_{kind}"] = (year, made)


def offer(kind: str) -> None:
    """The download of the kind's last draft made this session for this year."""
    kept = st.session_state.get(f"vb_ban_{kind}")
    if not kept or kept[0] != year:
        return
    made = kept[1]
    st.success(f"Đã soạn “{made.file_name}” ({made.detail}) và ghi vào danh sách văn bản năm {year}.")
    st.download_button(f"Tải {made.file_name}", data=made.data, file_name=made.file_name, mime=DOCX,
                       key=f"vb_tai_{kind}", on_click="ignore", icon=":material/download:")


def draft_section(kind: str, day: date, signer: str) -> None:
    title, label = SECTIONS[kind]
    with st.container(border=True):
        st.markdown(f"**{title}**")
        request = drafts.request_for(kind, year, day, signer=signer, **options_of(kind))
        listed, reason = preview(request)
        if reason:
            st.info(reason)
        else:
            st.caption(listed)
        if st.button(label, key=f"vb_soan_{kind}", type="primary", disabled=reason is not None,
                     icon=":material/edit_document:"):
            make(kind, request)
        offer(kind)


def drafts_tab() -> None:
    st.caption("Mỗi văn bản được soạn từ số liệu hiện có của năm theo mẫu của năm (mẫu riêng của Văn phòng nếu đã "
               "tải lên, nếu không là mẫu có sẵn), thể thức Nghị định 30/2020/NĐ-CP, và được ghi vào danh sách văn "
               "bản đã tạo.")
    left, right = st.columns(2)
    day = left.date_input("Ngày văn bản", value=date.today(), format="DD/MM/YYYY", key="vb_ngay") or date.today()
    signer = right.radio("Người ký", list(SIGNERS), format_func=SIGNERS.get, key="vb_nguoi_ky", horizontal=True)
    for kind in SECTIONS:
        draft_section(kind, day, signer)
    try:
        st.page_link("pages/giay_khen.py", label="In giấy khen, giấy chứng nhận (PDF) trên trang riêng",
                     icon=":material/workspace_premium:")
    except StreamlitAPIException:  # not a page of this run (a page file opened alone)
        pass


def fetch(document_id: int) -> bytes:
    """A stored document's bytes, its download audited (run when the button is clicked)."""
    with db_write() as session:
        return register.download(session, who, document_id=document_id).data


def register_tab() -> None:
    with db_read() as session:
        frame = register.listing(session, who, year=year)
    if frame.empty:
        st.info(f"Chưa có văn bản nào được tạo cho năm {year}.")
        return
    shown = pd.DataFrame({"Loại văn bản": frame.kind_label, "Tệp": frame.file_name, "Dung lượng": frame.size_text,
                          "Người tạo": frame.created_by, "Thời điểm tạo": frame.created_at_text,
                          "Ghi chú": frame.detail})
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button("Tải danh sách (.xlsx)", key="vb_danh_sach_xlsx", file_name=f"van_ban_da_tao_{year}.xlsx",
                       data=lambda: export.to_xlsx({"Văn bản đã tạo": shown}, title=f"Văn bản đã tạo năm {year}"),
                       mime=XLSX, on_click="ignore", icon=":material/table_view:")
    store = register.store_of()
    stored = frame[[store.exists(sha) for sha in frame.sha256]]
    if len(stored) < len(frame):
        st.caption(f"{len(frame) - len(stored)} văn bản không còn tệp trong kho lưu trữ: chỉ còn dòng ghi nhận.")
    if stored.empty:
        return
    names = {int(r.id): f"{r.kind_label} — {r.file_name} — {r.created_at_text} — {r.created_by}"
             for r in stored.itertuples()}
    chosen = st.selectbox("Văn bản cần tải lại", list(names), format_func=names.get, key="vb_chon_tai")
    row = stored[stored.id == chosen].iloc[0]
    st.download_button(f"Tải lại {row.file_name}", data=lambda: fetch(chosen), file_name=row.file_name,
                       mime=register.media_type(row.file_name), key="vb_tai_lai", on_click="ignore",
                       icon=":material/download:")


def save_template(kind: str, upload_key: str, for_year: int) -> None:
    """Keep the uploaded template of a kind for the year (a callback: the page then shows it in use)."""
    uploaded = st.session_state.get(upload_key)
    if uploaded is None:
        st.session_state[TEMPLATE_FLASH] = ("error", "Chọn tệp mẫu (.docx) trước khi lưu.")
        return
    try:
        with db_write() as session:
            templates.upload_template(session, who, kind=kind, year=for_year, stream=uploaded,
                                      file_name=uploaded.name)
    except Refused as error:
        st.session_state[TEMPLATE_FLASH] = ("error", str(error))
        return
    st.session_state["vb_mau_lan"] = st.session_state.get("vb_mau_lan", 0) + 1  # a fresh, empty file picker
    st.session_state[TEMPLATE_FLASH] = ("success", f"Đã lưu mẫu “{uploaded.name}” cho “{register.kind_label(kind)}” "
                                        f"năm {for_year}: các văn bản soạn sau dùng mẫu này.")


def reset_template(kind: str, for_year: int) -> None:
    """Go back to the built-in template of a kind for the year (a callback)."""
    try:
        with db_write() as session:
            removed = templates.reset_template(session, who, kind=kind, year=for_year)
    except Refused as error:
        st.session_state[TEMPLATE_FLASH] = ("error", str(error))
        return
    st.session_state[TEMPLATE_FLASH] = ("success", f"Đã bỏ mẫu riêng của “{register.kind_label(kind)}” năm {for_year}: "
                                        "các văn bản soạn sau dùng mẫu có sẵn." if removed else
                                        f"“{register.kind_label(kind)}” năm {for_year} đang dùng mẫu có sẵn.")


def templates_tab() -> None:
    if flash := st.session_state.pop(TEMPLATE_FLASH, None):
        (st.success if flash[0] == "success" else st.error)(flash[1])
    with db_read() as session:
        table = templates.templates_of(session, year=year)
    st.dataframe(pd.DataFrame({"Loại văn bản": table.kind_label,
                               "Mẫu đang dùng": [f"Mẫu riêng: {r.file_name}" if r.own else "Mẫu có sẵn"
                                                 for r in table.itertuples()],
                               "Tải lên lúc": table.uploaded_at_text}), hide_index=True, width="stretch")
    kind = st.selectbox("Loại văn bản", list(DRAFT_KINDS), format_func=register.kind_label, key="vb_mau_loai")
    own = bool(table[table.kind == kind].own.iloc[0])
    with db_read() as session:
        files = [templates.download_template(session, who, kind=kind, year=year, builtin=True)]
        if own:
            files.append(templates.download_template(session, who, kind=kind, year=year))
    columns = st.columns(2)
    for column, file, label in zip(columns, files, ("Tải mẫu có sẵn", f"Tải mẫu riêng năm {year}"), strict=False):
        column.download_button(f"{label} (.docx)", data=file.data, file_name=file.file_name, mime=DOCX,
                               key=f"vb_mau_tai_{'rieng' if file.own else 'co_san'}", on_click="ignore",
                               icon=":material/download:")
    st.caption("Sửa mẫu trong Word (lời văn, tiêu đề, người ký), giữ nguyên các trường trong {{ }} và {% %}, lưu "
               "dạng .docx rồi tải lên. Mẫu dùng trường không có trong danh sách dưới đây bị từ chối.")
    upload_key = f"vb_mau_tep_{kind}_{st.session_state.get('vb_mau_lan', 0)}"
    file_uploader("Mẫu đã sửa (.docx)", ["docx"], key=upload_key, max_mb=templates.TEMPLATE_LIMIT / 1024 / 1024)
    left, right = st.columns(2)
    left.button(f"Lưu mẫu cho năm {year}", key="vb_luu_mau", type="primary", on_click=save_template,
                args=(kind, upload_key, year), disabled=st.session_state.get(upload_key) is None,
                icon=":material/upload:")
    if own:
        right.button("Bỏ mẫu riêng, dùng lại mẫu có sẵn", key="vb_bo_mau", on_click=reset_template,
                     args=(kind, year), icon=":material/restart_alt:")
    with st.expander(f"Các trường của mẫu “{register.kind_label(kind)}”"):
        fields = fields_of(kind)
        st.dataframe(pd.DataFrame({"Trường": [f"{{{{ {name} }}}}" for name in fields],
                                   "Nội dung": list(fields.values())}), hide_index=True, width="stretch")


if office:
    drafting, listing, own_templates = st.tabs(["Soạn văn bản", "Văn bản đã tạo", "Mẫu văn bản"])
    with drafting:
        drafts_tab()
    with listing:
        register_tab()
    with own_templates:
        templates_tab()
else:
    st.caption("Văn phòng Sở soạn các văn bản này; bạn xem danh sách văn bản đã tạo và tải lại tệp.")
    register_tab()
