"""Biểu thống kê (TT 02/2023): biểu 0601, 0602, 0603 of a year filled from the data, shown and downloaded as the .xlsx
sent to the province; the Office's download is kept in the register of generated documents."""

import streamlit as st

from pages._cache import read
from pages._common import db_write, require_page, selected_year, settings
from tdkt.core import permissions
from tdkt.core.errors import Refused
from tdkt.core.text import format_date
from tdkt.documents import register
from tdkt.forms import form_workbook, tt02
from tdkt.forms.form_table import default_receiver, period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

who = require_page("xem")
if not tt02.may_read(who):
    st.error("Bạn không có quyền xem trang này.")
    st.stop()
year = selected_year()
records = permissions.can(who, "soan_van_ban")  # the Office's downloads go into the register of documents
st.title(f"Biểu thống kê thi đua, khen thưởng năm {year}")
span = period(year)
st.caption(f"Theo Thông tư số 02/2023/TT-BNV của Bộ Nội vụ; kỳ báo cáo từ {format_date(span.start)} đến "
           f"{format_date(span.end)}; hạn gửi ngày 15/12.")
if flash := st.session_state.pop("flash_bieu", None):
    st.success(flash)
if problem := st.session_state.pop("flash_bieu_error", None):
    st.error(problem)
choices = tt02.form_choices()
left, right = st.columns([3, 2])
form = left.selectbox("Biểu", list(choices), format_func=choices.get, key="bieu_form")
receiver = right.text_input("Đơn vị nhận báo cáo", value=default_receiver(settings().place), key="bieu_receiver",
                            max_chars=255).strip() or default_receiver(settings().place)
# Cached per data version (pages/_cache.py): switching forms and back reads nothing again.
table = read(tt02.build, form=form, year=year)
st.subheader(tt02.FORMS[form][1])
st.caption(f"Biểu số {table.code} · Thời điểm báo cáo: {table.period.label}"
           + (f" · {table.measure}" if table.measure else ""))
st.dataframe(table.frame(), hide_index=True, width="stretch", height=35 * (len(table.rows) + 1) + 3)
for note in table.notes:
    st.caption(f"• {note}")
st.warning(f"{tt02.UNCONFIRMED}\n\n{tt02.TT18_STATUS}", icon=":material/info:")
if not table.details.empty:
    with st.expander(f"Chi tiết đã tính ({len(table.details)} dòng)"):
        st.dataframe(table.details, hide_index=True, width="stretch")

name = tt02.file_name(form, year)
content = form_workbook.to_xlsx(table, agency=settings().agency, receiver=receiver, place=settings().place)


def keep_in_register() -> None:
    """Record the downloaded form in the register of generated documents (the Office)."""
    try:
        with db_write() as session:
            register.record_generated(session, who, year=year, kind=f"bieu-{form}", filename=name, content=content,
                                      detail=f"Biểu {table.code}; đơn vị nhận báo cáo: {receiver}")
    except Refused as error:
        st.session_state["flash_bieu_error"] = str(error)
    else:
        st.session_state["flash_bieu"] = f"Đã tải “{name}” và ghi vào danh sách văn bản năm {year}."


st.download_button(f"Tải biểu {form} (.xlsx)", data=content, file_name=name, mime=XLSX, type="primary",
                   key="bieu_tai", icon=":material/download:", on_click=keep_in_register if records else "ignore")
st.caption("Tệp in vừa một trang ngang khổ A4, lặp lại dòng tiêu đề cột ở mỗi trang; sheet “Ghi chú” ghi cách tính."
           + (" Mỗi lần tải được ghi vào danh sách văn bản (ai tải, lúc nào)." if records else ""))
