"""In giấy khen, giấy chứng nhận: the Office picks the kind, the whole year, one decision or one nomination, a full
certificate or the text alone for its pre-printed blanks, and downloads the PDF (kept in the register of documents);
it calibrates each field's place on the blank once per kind, with a test print to measure against the blank."""

import pandas as pd
import streamlit as st

from pages._common import db_read, db_write, require_page, selected_year, settings
from tdkt.core.errors import Refused
from tdkt.documents import certificate_layout as layouts
from tdkt.documents import certificates

who = require_page("soan_van_ban")
year = selected_year()
st.title("In giấy khen, giấy chứng nhận")
st.caption("Giấy khen của Giám đốc Sở; giấy chứng nhận danh hiệu Lao động tiên tiến, Chiến sĩ thi đua cơ sở, Tập thể "
           "lao động tiên tiến. Mỗi đề nghị đã có quyết định (số và ngày) in một trang A4 ngang.")
kind = st.radio("Loại giấy", list(layouts.KINDS), format_func=layouts.KINDS.get, horizontal=True, key="gk_kind")
label = layouts.KINDS[kind]


def scope_choice(table: pd.DataFrame) -> tuple[str | None, int | None]:
    """The decision or nomination chosen (None, None for every certificate of the year)."""
    scope = st.radio("In cho", ["nam", "quyet_dinh", "de_nghi"], horizontal=True, key=f"gk_scope_{kind}",
                     format_func={"nam": f"Cả năm {year}", "quyet_dinh": "Một quyết định",
                                  "de_nghi": "Một đề nghị"}.get)
    if scope == "quyet_dinh":
        decisions = table.groupby("decision_number", sort=True).agg(n=("id", "size"),
                                                                    day=("decision_date_text", "first"))
        number = st.selectbox("Quyết định", list(decisions.index), key=f"gk_decision_{kind}", format_func=lambda d: (
            f"{d} ngày {decisions.loc[d, 'day']} ({decisions.loc[d, 'n']} giấy)"))
        return number, None
    if scope == "de_nghi":
        names = {int(r.id): f"{r.name} — {r.unit} — {r.award} — QĐ {r.decision_number}" for r in table.itertuples()}
        return None, st.selectbox("Đề nghị", list(names), format_func=names.get, key=f"gk_nomination_{kind}")
    return None, None


def signer_line(signer: certificates.Signer) -> str:
    """Who the certificates name under the signature, and where to change it."""
    where = "thẻ “Căn vị trí trên phôi”"
    if signer.source == "plan":
        return (f"Người ký: {signer.title} {signer.name} (người ký Kế hoạch thi đua, khen thưởng năm "
                f"{signer.plan_year}); ghi họ tên khác ở {where}.")
    if signer.name:
        return f"Người ký: {signer.title} {signer.name} (sửa ở {where})."
    return (f"Chưa có họ tên người ký: giấy in chức vụ “{signer.title}” và để trống chỗ ký, đóng dấu, ghi họ tên. "
            f"Ghi họ tên người ký ở {where}.")


def print_tab() -> None:
    with db_read() as session:
        table = certificates.printable(session, actor=who, year=year, kind=kind)
    if table.empty:
        try:
            with db_read() as session:
                certificates.render_certificates(session, actor=who, year=year, kind=kind, settings=settings())
        except Refused as error:
            st.info(str(error))
        return
    decision, nomination_id = scope_choice(table)
    overlay = st.radio("Cách in", [False, True], horizontal=True, key=f"gk_overlay_{kind}", format_func=lambda o: (
        "Chỉ in chữ lên phôi đã in sẵn (theo vị trí đã căn)" if o else "Giấy in đầy đủ (khung, quốc hiệu, tiêu đề)"))
    chosen = table[table.decision_number == decision] if decision else (
        table[table.id == nomination_id] if nomination_id is not None else table)
    st.dataframe(pd.DataFrame({"Tên": chosen.name, "Đơn vị": chosen.unit, "Danh hiệu/Hình thức": chosen.award,
                               "Số quyết định": chosen.decision_number, "Ngày": chosen.decision_date_text}),
                 hide_index=True, width="stretch")
    with db_read() as session:
        signer = certificates.signer_of(session, kind=kind, on=max(chosen.decision_date))
    st.caption(signer_line(signer))
    name = certificates.file_name(year=year, kind=kind, decision=decision, nomination_id=nomination_id,
                                  overlay=overlay)

    def build() -> bytes:
        with db_write() as session:
            return certificates.print_and_record(session, actor=who, year=year, kind=kind, decision=decision,
                                                 nomination_id=nomination_id, overlay=overlay,
                                                 settings=settings())[1]

    st.download_button(f"Tải {len(chosen)} trang PDF", data=build, file_name=name, mime="application/pdf",
                       type="primary", key=f"gk_pdf_{kind}", icon=":material/print:", on_click="ignore")
    st.caption("In ở khổ A4 ngang, tỷ lệ 100% (tắt “Vừa trang”/“Fit to page”), để chữ rơi đúng chỗ trên phôi.")


# Streamlit draws an <input type="number">: its value is always written with a point (HTML's rule; the format must
# print a plain number, which number_input checks with float()), so no format gives "48,5"; "%.4g" at least shows
# 48.5 and 200 rather than 48.50 and 200.00 (4 digits hold every value up to 297.0 mm at the 0.1 mm kept). Measured
# in Debian's chromium with locale vi-VN and --lang=vi: the box still shows 48.5, and a typed "52,5" becomes 525.
NUMBER_FORMAT = "%.4g"


def number(where, label: str, low: float, high: float, value: float, step: float, key: str) -> float:
    """One calibration number, shown without useless trailing zeros."""
    return where.number_input(label, low, high, float(value), step, format=NUMBER_FORMAT, key=key)


def box_inputs(name: str, box: layouts.Box) -> layouts.Box:
    """Four numbers for one field's box: x, y, width (mm) and type size (pt)."""
    st.markdown(f"**{layouts.FIELD_LABELS[name]}**")
    x, y, w, size = st.columns(4)
    return layouts.Box(
        x=number(x, "Cách mép trái (mm)", 0.0, layouts.PAGE_W, box.x, 0.5, key=f"gk_{kind}_{name}_x"),
        y=number(y, "Cách mép trên (mm)", 0.0, layouts.PAGE_H, box.y, 0.5, key=f"gk_{kind}_{name}_y"),
        w=number(w, "Bề rộng (mm)", 10.0, layouts.PAGE_W, box.w, 1.0, key=f"gk_{kind}_{name}_w"),
        size=number(size, "Cỡ chữ (pt)", layouts.MIN_SIZE, 60.0, box.size, 0.5, key=f"gk_{kind}_{name}_size"))


@st.fragment
def calibration_tab() -> None:
    with db_read() as session:
        saved = layouts.layout_for(session, kind=kind)
    st.caption(("Vị trí đã lưu." if saved.saved else "Chưa căn: đang dùng vị trí mẫu của phôi thông dụng.")
               + " Mỗi ô tính từ góc trên bên trái của tờ giấy đến góc trên bên trái của ô chữ; chữ căn giữa ô, tên "
                 "dài tự thu nhỏ cho vừa bề rộng. In bản in thử, đặt lên phôi, soi đèn và đo độ lệch bằng thước. "
                 "Phần lẻ gõ sau dấu chấm (52.5): ô số của trình duyệt bỏ dấu phẩy (gõ 52,5 thành 525).")
    with st.form(f"gk_form_{kind}"):
        boxes = {name: box_inputs(name, saved.boxes[name]) for name in layouts.FIELDS}
        st.markdown("**Cả trang** (máy in lệch đều mọi ô: dịch cả trang thay vì sửa từng ô)")
        left, right = st.columns(2)
        shift_x = number(left, "Dịch ngang (mm, âm sang trái)", -30.0, 30.0, saved.shift_x, 0.5,
                         key=f"gk_{kind}_shift_x")
        shift_y = number(right, "Dịch dọc (mm, âm lên trên)", -30.0, 30.0, saved.shift_y, 0.5,
                         key=f"gk_{kind}_shift_y")
        signer_title = left.text_input("Chức vụ người ký", saved.signer_title, key=f"gk_{kind}_signer_title")
        signer_name = right.text_input("Họ tên người ký", saved.signer_name, key=f"gk_{kind}_signer_name",
                                       help="Để trống: in họ tên người ký Kế hoạch thi đua, khen thưởng có cùng "
                                            "chức vụ; không có thì để trống chỗ ghi họ tên.")
        saving = st.form_submit_button("Lưu vị trí", type="primary", key="gk_luu_vi_tri")
        trying = st.form_submit_button("Tạo bản in thử", key="gk_in_thu")
    layout = layouts.Layout(boxes=boxes, shift_x=shift_x, shift_y=shift_y, signer_title=signer_title,
                            signer_name=signer_name)
    try:
        if saving:
            with db_write() as session:
                layouts.save_layout(session, who, kind=kind, layout=layout)
            st.success(f"Đã lưu vị trí in trên phôi “{label}”.")
        if saving or trying:
            with db_read() as session:
                st.session_state[f"gk_trial_{kind}"] = certificates.calibration_pdf(
                    session, actor=who, kind=kind, layout=layouts.check_layout(layout), settings=settings())
    except Refused as error:
        st.error(str(error))
    if trial_pdf := st.session_state.get(f"gk_trial_{kind}"):
        st.download_button("Tải bản in thử (PDF có thước đo mm)", data=trial_pdf, key=f"gk_trial_pdf_{kind}",
                           file_name=f"in_thu_{kind}.pdf", mime="application/pdf", icon=":material/straighten:",
                           on_click="ignore")


printing, calibrating = st.tabs(["In giấy", "Căn vị trí trên phôi"])
with printing:
    print_tab()
with calibrating:
    calibration_tab()
