"""Thành phần hồ sơ, nhắc hạn: the documents each award needs in the year (everyone reads, the Office sets them per
award) and, for the Office, the reminder e-mails: units' addresses, how early, what goes out today, send now."""

import pandas as pd
import streamlit as st

from pages._cache import read
from pages._common import db_write, engine, require_page, selected_year, settings
from tdkt.awards import checklist, checklist_views
from tdkt.core import export, permissions
from tdkt.core.errors import Refused
from tdkt.submissions import reminder_views, reminders, submissions

who = require_page()
year = selected_year()
st.title(f"Thành phần hồ sơ đề nghị khen thưởng năm {year}")
if flash := st.session_state.pop("flash_thanh_phan", None):
    st.success(flash)


def done(message: str) -> None:
    st.session_state["flash_thanh_phan"] = message
    st.rerun()


def requirement_form(table: pd.DataFrame) -> None:
    """The Office's form: one award's documents for the year, saved, or back to the defaults; copy another year."""
    names = dict(zip(table.award_id, table.award, strict=True))
    award_id = st.selectbox("Danh hiệu, hình thức khen thưởng", list(names), format_func=names.get, key="tp_award")
    current = table.set_index("award_id").loc[award_id]
    with st.form(f"tp_form_{award_id}_{year}"):
        kinds = st.multiselect("Tài liệu cần có", list(checklist.REQUIRABLE), default=list(current["kinds"]),
                               format_func=lambda k: checklist.kind_label(k, year=year),
                               placeholder="Chọn các tài liệu; để trống nếu không cần tài liệu nào")
        save, reset = st.columns(2)
        saved = save.form_submit_button("Lưu thành phần hồ sơ", type="primary")
        back = reset.form_submit_button("Về mặc định", disabled=not current["configured"])
    try:
        if saved:
            with db_write() as session:
                checklist.set_requirement(session, who, year=year, award_id=int(award_id), kinds=kinds)
            done(f"Đã lưu thành phần hồ sơ “{names[award_id]}” năm {year}.")
        if back:
            with db_write() as session:
                checklist.reset_requirement(session, who, year=year, award_id=int(award_id))
            done(f"“{names[award_id]}” năm {year} dùng lại thành phần hồ sơ mặc định.")
        with st.form("tp_copy"):
            source = st.number_input("Sao chép thành phần hồ sơ Văn phòng đã đặt của năm", min_value=2000,
                                     max_value=2100, value=year - 1, step=1)
            if st.form_submit_button(f"Sao chép sang năm {year}"):
                with db_write() as session:
                    n = checklist.copy_requirements(session, who, from_year=int(source), to_year=year)
                done(f"Đã sao chép thành phần hồ sơ của {n} danh hiệu, hình thức từ năm {int(source)}.")
    except Refused as error:
        st.error(str(error))


def checklist_tab() -> None:
    # Read once per data version (pages/_cache.py): a pick in the Office's form reads nothing again.
    view = read(checklist_views.checklist_view, year=year)
    decree = view.decree
    st.caption(f"Theo Luật Thi đua, khen thưởng 2022, Điều 84; báo cáo thành tích theo mẫu {decree}. Tờ trình, biên "
               "bản và các tài liệu chung khác nộp một bản cho cả danh sách của đơn vị (đính kèm vào hồ sơ chung của "
               "đơn vị); báo cáo thành tích, xác nhận sáng kiến đính kèm vào từng đề nghị.")
    shown = view.shown
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button("Tải bảng thành phần hồ sơ (.xlsx)", key="tp_xlsx", file_name=f"thanh_phan_ho_so_{year}.xlsx",
                       on_click="ignore",
                       data=lambda: export.to_xlsx({"Thành phần hồ sơ": shown},
                                                   title=f"Thành phần hồ sơ đề nghị khen thưởng năm {year}"))
    with st.expander("Các loại tài liệu và căn cứ"):
        st.dataframe(view.kinds, hide_index=True, width="stretch")
    if permissions.can(who, "thanh_phan_ho_so"):
        st.subheader("Đặt thành phần hồ sơ")
        requirement_form(view.requirements)


def emails_form(view: reminder_views.ReminderView) -> None:
    frame, days = view.emails, view.days
    with st.form("nh_days"):
        chosen = st.number_input("Nhắc các đơn vị chưa nộp từ bao nhiêu ngày trước hạn", min_value=1, max_value=60,
                                 value=days, step=1)
        if st.form_submit_button("Lưu số ngày"):
            with db_write() as session:
                reminders.set_reminder_days(session, who, days=int(chosen))
            done(f"Sẽ nhắc từ {int(chosen)} ngày trước hạn.")
    shown = frame.rename(columns={"unit": "Đơn vị", "kind": "Loại đơn vị", "emails": "E-mail nhận nhắc hạn"})
    edited = st.data_editor(shown.drop(columns="unit_id"), hide_index=True, width="stretch", key="nh_emails",
                            disabled=["Đơn vị", "Loại đơn vị"])
    st.download_button("Tải danh sách e-mail các đơn vị (.xlsx)", key="nh_emails_xlsx", file_name="email_don_vi.xlsx",
                       on_click="ignore",
                       data=lambda: export.to_xlsx({"E-mail đơn vị": shown.drop(columns="unit_id")},
                                                   title="E-mail nhận nhắc hạn nộp hồ sơ của các đơn vị"))
    if st.button("Lưu e-mail các đơn vị", key="nh_emails_save"):
        changes = {int(u): str(new or "") for u, old, new in zip(frame.unit_id, frame.emails,
                                                                   edited["E-mail nhận nhắc hạn"], strict=True)
                   if (old or "") != (new or "")}
        with db_write() as session:
            n = reminders.set_unit_emails(session, who, emails=changes)
        done(f"Đã lưu e-mail của {n} đơn vị.")


def reminders_tab() -> None:
    cfg = settings()
    if cfg.smtp_host:
        st.caption(f"Máy chủ thư {cfg.smtp_host}:{cfg.smtp_port}, gửi từ {cfg.smtp_from}"
                   f"{', STARTTLS' if cfg.smtp_starttls else ''}. Chạy hằng ngày: python -m tdkt remind --year {year}.")
    else:
        st.info("E-mail nhắc hạn chưa bật: người quản trị máy chủ đặt TDKT_SMTP_HOST, TDKT_SMTP_FROM (và tên đăng "
                "nhập, mật khẩu nếu cần) rồi khởi động lại. Vẫn xem trước được những thư sẽ gửi.")
    today = submissions.vietnam_today()
    view = read(reminder_views.reminder_view, year=year, today=today, agency=cfg.agency)
    try:
        emails_form(view)
    except Refused as error:
        st.error(str(error))
    due, table = view.due, view.table
    st.subheader(f"Thư đến hạn gửi hôm nay ({len(due.reminders)})")
    if table.empty:
        st.caption("Hôm nay không có đơn vị nào cần nhắc.")
    else:
        st.dataframe(table, hide_index=True, width="stretch")
        title = f"Thư nhắc hạn nộp hồ sơ năm {year}, ngày {today:%d/%m/%Y}"
        st.download_button("Tải danh sách thư (.xlsx)", key="nh_due_xlsx", file_name=f"nhac_han_{year}.xlsx",
                           on_click="ignore",
                           data=lambda: export.to_xlsx({"Thư nhắc hạn": table}, title=title))
    if st.button("Gửi ngay", key="nh_send", type="primary", disabled=not (cfg.smtp_host and due.reminders)):
        try:
            outcome = reminders.send(engine(), who, cfg, year=year, today=today)
        except Refused as error:
            st.error(str(error))
        else:
            for reminder, error in outcome.failed:
                st.error(f"Không gửi được tới {reminder.unit}: {error}")
            if not outcome.failed:
                done(f"Đã gửi {len(outcome.sent)} thư.")


if permissions.can(who, "nhac_han"):
    documents, mails = st.tabs(["Thành phần hồ sơ", "Nhắc hạn qua e-mail"])
    with documents:
        checklist_tab()
    with mails:
        reminders_tab()
else:
    checklist_tab()
