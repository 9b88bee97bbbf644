"""Tiếp nhận hồ sơ: each unit's dossier of the year against the deadline; a unit submits, recalls and submits again,
the Office returns it with a reason or accepts it; everyone allowed reads the history and exports the lists."""

import streamlit as st

from pages._attachments import attachments_section
from pages._cache import read
from pages._common import db_write, require_page, selected_year
from tdkt.core import permissions
from tdkt.core.errors import Refused
from tdkt.core.submission_tables import SubmissionState
from tdkt.core.text import format_date
from tdkt.submissions import deadlines, submission_views, submissions

S = SubmissionState
who = require_page("xem")
if not permissions.can(who, "xem_tiep_nhan", unit_ids={who.unit_id} if who.unit_id else None):
    st.error("Bạn không có quyền xem trang này.")
    st.stop()
year = selected_year()
today = submissions.vietnam_today()
is_office = permissions.can(who, "tiep_nhan_ho_so")
st.title(f"Tiếp nhận hồ sơ khen thưởng năm {year}")
if flash := st.session_state.pop("flash_tiep_nhan", None):
    st.success(flash)
# Read once per data version (pages/_cache.py), per account: a unit picked again reads nothing again.
reception = read(submission_views.reception_view, actor=who, year=year, today=today)
due, states = reception.deadline, list(reception.states)
st.caption(f"Hạn nộp hồ sơ về Văn phòng Sở: **{format_date(due.day)}** ({due.source_label}) · hôm nay "
           f"{format_date(today)}. Nộp trong ngày hạn cuối là đúng hạn; hồ sơ bị trả lại hay thu hồi phải nộp lại, "
           "nộp lại sau hạn là trễ hạn.")


def act(step, message: str, **kwargs) -> None:
    """Run one step in its own transaction; say the refusal, or rerun with the message."""
    try:
        with db_write() as session:
            step(session, who, year=year, **kwargs)
    except Refused as error:
        st.error(str(error))
    else:
        st.session_state["flash_tiep_nhan"] = message
        st.rerun()


if is_office:
    with st.expander(f"Hạn nộp hồ sơ năm {year}"):
        with st.form("tiep_nhan_deadline"):
            day = st.date_input("Hạn nộp", value=due.day, format="DD/MM/YYYY", key="tiep_nhan_deadline_day")
            left, right = st.columns(2)
            save = left.form_submit_button("Lưu hạn nộp", key="tiep_nhan_deadline_save")
            reset = right.form_submit_button("Dùng hạn theo kế hoạch", key="tiep_nhan_deadline_reset")
        if save or reset:
            act(deadlines.set_deadline, f"Đã lưu hạn nộp hồ sơ năm {year}.", day=None if reset else day)

if not states:
    st.info("Đơn vị của bạn không thuộc diện nộp hồ sơ khen thưởng về Văn phòng Sở (phòng, đơn vị trực thuộc, tổ chức "
            "đoàn thể)." if who.role.value == "don_vi" else
            "Chưa có phòng, đơn vị trực thuộc hay tổ chức đoàn thể nào phải nộp hồ sơ.")
    st.stop()
if who.role.value != "don_vi":
    held = [s for s in states if s.held]
    cols = st.columns(4)
    cols[0].metric("Đã nộp, chờ tiếp nhận", sum(s.state == S.DA_NOP for s in states))
    cols[1].metric("Đã tiếp nhận", sum(s.state == S.DA_TIEP_NHAN for s in states))
    cols[2].metric("Chưa nộp hoặc phải nộp lại", len(states) - len(held))
    cols[3].metric("Trễ hạn", sum(s.days_late is not None for s in states))
    # Kind and deadline (the same on every row, said above) stay in the .xlsx: on screen they pushed the missing
    # documents out of view at 1400 px.
    st.dataframe(reception.table, hide_index=True, width="stretch")
    st.download_button("Tải bảng tình hình nộp hồ sơ (.xlsx)", key="tiep_nhan_xlsx", on_click="ignore",
                       data=lambda: submission_views.states_workbook(states, year=year, deadline=due.day),
                       file_name=f"tiep_nhan_ho_so_{year}.xlsx")
    by_id = {s.unit_id: s for s in states}
    waiting = [i for i, s in by_id.items() if s.state == S.DA_NOP]  # opens on the first one the Office must act on
    chosen = st.selectbox("Xem hồ sơ của đơn vị", list(by_id), key="tiep_nhan_unit",
                          index=list(by_id).index(waiting[0]) if waiting else 0,
                          format_func=lambda i: by_id[i].unit)
    state = by_id[chosen]
else:
    state = states[0]

st.subheader(f"Hồ sơ của {state.unit}")
line = f"Trạng thái: **{state.state_label}**"
if state.date:
    line += f" ngày {format_date(state.date)}" + (f" ({state.by})" if state.by else "")
st.markdown(f"{line} · {submission_views.timing(state)} · {state.nominations} đề nghị")
if state.state == S.TRA_LAI:
    st.warning(f"Văn phòng Sở đã trả lại hồ sơ ngày {format_date(state.date)}: {state.reason}")
if state.missing_documents:
    st.warning("Giấy tờ còn thiếu: " + "; ".join(state.missing_documents) + ".")
dossier = read(submission_views.dossier_view, actor=who, year=year, unit_id=state.unit_id)
steps, nominations = list(dossier.steps), dossier.nominations
if nominations.empty:
    st.info(f"{state.unit} chưa có đề nghị khen thưởng nào năm {year} (tải lên danh sách hoặc nhập tay ở trang "
            "Tải lên danh sách đề nghị).")
else:
    st.dataframe(dossier.nominations_table, hide_index=True, width="stretch")
st.markdown("**Lịch sử**")
if steps:
    st.dataframe(dossier.steps_table, hide_index=True, width="stretch")
else:
    st.caption("Chưa nộp lần nào.")
st.download_button("Tải hồ sơ của đơn vị (.xlsx)", key="tiep_nhan_unit_xlsx", on_click="ignore",
                   data=lambda: submission_views.history_workbook(state.unit, year, steps, nominations),
                   file_name=f"ho_so_{year}_don_vi_{state.unit_id}.xlsx")
st.markdown("**Tài liệu chung của hồ sơ** (tờ trình, biên bản…: tính cho mọi đề nghị của đơn vị; báo cáo thành tích "
            "đính kèm vào từng đề nghị ở trang Hồ sơ đề nghị)")
attachments_section(who, key=f"tiep_nhan_tai_lieu_{state.unit_id}_{year}", year=year, unit_id=state.unit_id)

own = permissions.can(who, "nop_ho_so", unit_ids={state.unit_id})
if own and state.state in (S.CHUA_NOP, S.TRA_LAI, S.THU_HOI):
    with st.form("tiep_nhan_submit_form"):
        again = state.state != S.CHUA_NOP
        note = st.text_area("Ghi chú gửi Văn phòng Sở (nếu có)", key="tiep_nhan_note")
        if st.form_submit_button("Nộp lại hồ sơ" if again else "Nộp hồ sơ", type="primary", key="tiep_nhan_submit"):
            act(submissions.submit, f"Đã nộp hồ sơ năm {year} của {state.unit} cho Văn phòng Sở.",
                unit_id=state.unit_id, note=note)
elif own and state.state == S.DA_NOP:
    st.info("Hồ sơ đang chờ Văn phòng Sở tiếp nhận: muốn sửa đề nghị, thu hồi hồ sơ rồi nộp lại.")
    with st.form("tiep_nhan_recall_form"):
        reason = st.text_area("Lý do thu hồi (nếu có)", key="tiep_nhan_recall_reason")
        if st.form_submit_button("Thu hồi hồ sơ", key="tiep_nhan_recall"):
            act(submissions.recall, f"Đã thu hồi hồ sơ năm {year} của {state.unit}.", unit_id=state.unit_id,
                reason=reason)
elif is_office and state.state == S.DA_NOP:
    left, right = st.columns(2)
    with left.form("tiep_nhan_accept_form"):
        note = st.text_area("Ghi chú khi tiếp nhận (nếu có)", key="tiep_nhan_accept_note")
        if st.form_submit_button("Tiếp nhận hồ sơ", type="primary", key="tiep_nhan_accept"):
            act(submissions.accept, f"Đã tiếp nhận hồ sơ năm {year} của {state.unit}.", unit_id=state.unit_id,
                note=note)
    with right.form("tiep_nhan_return_form"):
        reason = st.text_area("Lý do trả lại (bắt buộc)", key="tiep_nhan_return_reason")
        if st.form_submit_button("Trả lại hồ sơ", key="tiep_nhan_return"):
            act(submissions.send_back, f"Đã trả lại hồ sơ năm {year} của {state.unit}.", unit_id=state.unit_id,
                reason=reason)
elif state.state == S.DA_TIEP_NHAN and who.role.value == "don_vi":
    st.info("Văn phòng Sở đã tiếp nhận hồ sơ: đơn vị không sửa được nữa; cần thay đổi, xin liên hệ Văn phòng Sở.")
