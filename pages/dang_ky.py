"""Đăng ký thi đua: the titles each unit registers for in the year (a unit its own, the Office every unit's, the
leadership reads), added by hand or from a sheet; the unit's nomination list pre-filled from them; and what became of
them (registered → proposed → decided), on screen and in .xlsx."""

import hashlib

import pandas as pd
import streamlit as st

from pages._cache import PLOTLY, drawn, read
from pages._common import db_read, db_write, file_uploader, require_page, selected_year, settings
from tdkt.core import permissions
from tdkt.core.errors import Refused
from tdkt.core.text import format_date, format_percent
from tdkt.registrations import registration_page, registration_stats, registrations
from tdkt.reports import registration_charts

who = require_page()
year = selected_year()
cfg = settings()
today = registrations.vietnam_today()
is_unit = who.role.value == "don_vi"
can_write = permissions.can(who, "dang_ky_thi_dua", unit_ids={who.unit_id} if who.unit_id else None)
st.title(f"Đăng ký thi đua năm {year}")
if flash := st.session_state.pop("flash_dang_ky", None):
    st.success(flash)
# What the page shows, read once per data version (pages/_cache.py) for a unit account's unit or for everyone else.
own = who.unit_id if is_unit else None
reader = {"unit_account": is_unit, "own_unit": own}


def page_view(unit_id: int | None) -> registration_page.RegistrationPage:
    return read(registration_page.registration_page, year=year, unit_id=unit_id, **reader)


first = page_view(own)  # its deadline and units are the same whichever unit is picked below
due, units = first.deadline, first.units
late = due is not None and today > due
can_edit = can_write and not (is_unit and late)  # after the deadline the Office adds a unit's late registrations
st.caption((f"Hạn đăng ký theo kế hoạch (nhiệm vụ quý I.2): **{format_date(due)}**"
            + (" — đã qua: tài khoản đơn vị không thêm, xóa được nữa, Văn phòng Sở đăng ký bổ sung." if late else "")
            if due else "Kế hoạch năm này không có hạn đăng ký (nhiệm vụ quý I.2).")
           + " Mỗi cá nhân, tập thể chỉ đăng ký một lần cho mỗi danh hiệu trong năm.")
if is_unit:
    unit_id = who.unit_id
else:
    names = {None: "Tất cả đơn vị", **{i: n for n, i in units.items()}}
    unit_id = st.selectbox("Đơn vị", list(names), format_func=names.get, key="dk_unit")
view = first if unit_id == own else page_view(unit_id)
SHOWN = {"unit": "Đơn vị", "target_label": "Đối tượng", "name": "Họ và tên / Tên tập thể", "position": "Chức vụ",
         "award": "Danh hiệu đăng ký", "note": "Ghi chú", "registered_on": "Ngày đăng ký"}


def xlsx(sheets: dict[str, pd.DataFrame], *, title: str) -> bytes:
    """Return the sheets as .xlsx (a download's data, built when it is clicked)."""
    from tdkt.core import export

    return export.to_xlsx(sheets, title=title)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as people read it: Vietnamese headers, dates dd/mm/yyyy."""
    return frame.assign(registered_on=frame.registered_on.map(format_date))[list(SHOWN)].rename(columns=SHOWN)


def write(action, message: str, *, remember: dict | None = None) -> None:
    """Run one write in its own transaction; say the refusal, or keep `remember` in the session state and rerun the
    page with the message."""
    try:
        with db_write() as session:
            action(session, who, today=today)
    except Refused as error:
        st.error(str(error))
    else:
        st.session_state["flash_dang_ky"] = message
        st.session_state.update(remember or {})
        st.rerun(scope="app")


@st.fragment
def add_form() -> None:
    """Add one registration: who (a person of the unit on record or a new name, or a collective), which title."""
    st.markdown("**Thêm đăng ký**")
    left, middle, right = st.columns(3)
    target = left.radio("Đối tượng", list(registrations.TARGETS), format_func=registrations.TARGETS.get,
                        horizontal=True, key="dk_target")
    filtered = [n for n, i in units.items() if i == unit_id]  # the unit the list is narrowed to, first
    unit = middle.selectbox("Đơn vị", list(units), key="dk_add_unit", disabled=is_unit,
                            index=list(units).index(filtered[0]) if filtered else 0)
    awards = list(read(registrations.allowed_awards, target=target))
    people = read(registration_page.people, unit_id=units[unit], **reader) if unit else {}
    award = right.selectbox("Danh hiệu đăng ký", awards, key=f"dk_award_{target}")
    person_id, name, position = None, None, None
    if target == "ca_nhan":
        picked = left.selectbox("Cá nhân", [None, *people], key="dk_person",
                                format_func=lambda i: "— Người chưa có trong dữ liệu: ghi tên —" if i is None
                                else people[i])
        if picked is None:
            name = middle.text_input("Họ và tên", key="dk_name")
        person_id = picked
        position = right.text_input("Chức vụ", key="dk_position")
    else:
        name = middle.text_input("Tên tập thể (để trống: chính đơn vị)", key="dk_collective")
    note = st.text_input("Ghi chú", key="dk_note")
    if st.button("Thêm đăng ký", type="primary", key="dk_add"):
        data = registrations.RegistrationInput(year=year, target=target, award=award, name=name, unit=unit,
                                               person_id=person_id, position=position, note=note)
        write(lambda s, a, today: registrations.add(s, a, data, today=today),
              f"Đã đăng ký “{award}” cho {name or (people.get(person_id) if person_id else unit)}.")


@st.fragment
def delete_form(frame: pd.DataFrame) -> None:
    """Delete registrations picked by name and title."""
    labels = {int(r.id): f"{r.name} — {r.award} ({r.unit})" for r in frame.itertuples(index=False)}
    picked = st.multiselect("Chọn đăng ký cần xóa", list(labels), format_func=labels.get, key="dk_delete_pick",
                            placeholder="Chọn một hoặc nhiều đăng ký")
    if st.button("Xóa đăng ký đã chọn", key="dk_delete", disabled=not picked):
        def delete_all(session, actor, today):
            for registration_id in picked:
                registrations.delete(session, actor, registration_id=registration_id, today=today)

        write(delete_all, f"Đã xóa {len(picked)} đăng ký.")


def list_tab() -> None:
    # The search outlives a visit to another tab in a key of the page's own (the widget's state goes with its tab).
    st.session_state.setdefault("dk_search", st.session_state.get("dk_search_kept", ""))
    text = st.text_input("Tìm theo tên, chức vụ, đơn vị, danh hiệu (không cần dấu)", key="dk_search")
    st.session_state["dk_search_kept"] = text
    frame = registration_page.matching(view.rows, text or None)
    if frame.empty:
        st.info(f"Chưa có đăng ký thi đua nào năm {year}" + (" khớp với tìm kiếm." if text else "."))
    else:
        st.dataframe(shown(frame), hide_index=True, width="stretch", placeholder="")
        st.download_button("Tải danh sách đăng ký (.xlsx)", key="dk_xlsx", file_name=f"dang_ky_thi_dua_{year}.xlsx",
                           data=lambda: xlsx({"Đăng ký thi đua": shown(frame)}, title=f"Đăng ký thi đua năm {year}"),
                           on_click="ignore")
    if can_edit:
        add_form()
        if not frame.empty:
            delete_form(frame)
    if unit_id is not None:
        st.download_button("Tải danh sách đề nghị khen thưởng lập từ đăng ký (.xlsx)", key="dk_prefill",
                           file_name=f"danh_sach_de_nghi_{year}_tu_dang_ky.xlsx", data=prefilled,
                           help="Mẫu danh sách đề nghị đã ghi sẵn người, chức vụ, đơn vị và danh hiệu đã đăng ký: "
                                "đơn vị bổ sung giới tính, năm sinh, thành tích rồi tải lên ở trang Tải lên danh sách "
                                "đề nghị.", on_click="ignore")
    else:
        st.caption("Chọn một đơn vị để tải danh sách đề nghị khen thưởng lập sẵn từ đăng ký của đơn vị đó.")


def prefilled() -> bytes:
    from tdkt.importing import registration_prefill

    with db_read() as session:
        return registration_prefill.prefilled_list(session, who, year=year, unit_id=unit_id, agency=cfg.agency,
                                                   parent_agency=cfg.parent_agency)


def template() -> bytes:
    from tdkt.importing import registration_sheets

    with db_read() as session:
        return registration_sheets.template_for(session, who, year=year, agency=cfg.agency)


def upload_tab() -> None:
    st.download_button("Tải mẫu bảng đăng ký (.xlsx)", data=template, key="dk_template",
                       file_name=f"mau_dang_ky_thi_dua_{year}.xlsx", on_click="ignore")
    upload = file_uploader("Chọn bảng đăng ký (.xlsx)", ["xlsx"], key="dk_upload")
    if upload is None:
        return
    from tdkt.importing import registration_sheets  # the sheet reader loads with the first upload, not the first view

    digest = hashlib.sha256(upload.getvalue()).hexdigest()
    if st.session_state.get("dk_upload_done") == digest:  # still in the picker after its import: not checked again
        st.info(f"Tệp “{upload.name}” đã được ghi. Chọn tệp khác để tải lên tiếp.")
        return
    with db_read() as session:
        report = registration_sheets.check(session, who, upload.getvalue(), file_name=upload.name, settings=cfg,
                                           year=year, today=today)
    if report.issues:
        st.error(f"Tệp “{upload.name}” có {len(report.errors)} lỗi: sửa trong tệp rồi tải lên lại (chưa ghi gì).")
        st.dataframe(pd.DataFrame([{"Dòng": i.row, "Cột": i.column, "Nội dung": i.message} for i in report.issues]),
                     hide_index=True, width="stretch", placeholder="")
        return
    st.success(f"Tệp “{upload.name}” hợp lệ: {len(report.rows)} đăng ký.")
    if st.button(f"Ghi {len(report.rows)} đăng ký", type="primary", key="dk_import"):
        write(lambda s, a, today: registration_sheets.commit(s, a, report, today=today),
              f"Đã ghi {len(report.rows)} đăng ký từ tệp “{upload.name}”.", remember={"dk_upload_done": digest})


def stats_tab() -> None:
    if view.rows.empty:
        st.info(f"Chưa có đăng ký thi đua nào năm {year}.")
        return
    totals = view.totals
    cols = st.columns(3)
    for column, (stage, label) in zip(cols, registration_stats.STAGES.items(), strict=True):
        column.metric(label, totals[stage])
    st.caption("Đã đề nghị: có đề nghị khen thưởng của năm cho đúng cá nhân, tập thể và danh hiệu đã đăng ký; có "
               "quyết định: đề nghị đó ở bước “Có quyết định”.")
    sheets = {}
    figures = drawn(registration_charts.page_figures, registration_page.registration_page, year=year,
                    unit_id=unit_id, **reader)
    for by, title in (("award", "Danh hiệu"), ("unit", "Đơn vị")):
        summary = view.summaries[by]
        st.plotly_chart(figures[by], key=f"dk_chart_{by}", **PLOTLY)
        table = summary.assign(proposed_rate=summary.proposed_rate.map(format_percent),
                               decided_rate=summary.decided_rate.map(format_percent)).rename(columns={
            by: title, "registered": "Đăng ký", "proposed": "Đã đề nghị", "decided": "Có quyết định",
            "proposed_rate": "Tỷ lệ đề nghị", "decided_rate": "Tỷ lệ có quyết định"})
        st.dataframe(table, hide_index=True, width="stretch", placeholder="")
        sheets[f"Theo {title.lower()}"] = table
    st.download_button("Tải thống kê đăng ký (.xlsx)", key="dk_stats_xlsx", file_name=f"thong_ke_dang_ky_{year}.xlsx",
                       data=lambda: xlsx(sheets, title=f"Đăng ký → đề nghị → có quyết định năm {year}"),
                       on_click="ignore")


def uploading_tab() -> None:
    if can_edit:
        upload_tab()
    elif can_write:
        st.info(f"Đã quá hạn đăng ký thi đua năm {year}: liên hệ Văn phòng Sở để đăng ký bổ sung.")
    else:
        st.info("Chỉ đơn vị và Văn phòng Sở tải lên bảng đăng ký thi đua; vai trò của bạn chỉ xem.")


# Lazy tabs: only the open tab runs and is sent (a tab change reruns the page). Drawn hidden, Thống kê's two plotly
# charts were built and drawn at every first view, filter and search. The unit filter (above the tabs) and the search
# (kept in "dk_search_kept") hold across a tab change; what the add form holds and a picked file go when their tab is
# left (Streamlit drops the state of widgets it does not draw).
TABS = {"Danh sách đăng ký": list_tab, "Tải lên bảng đăng ký": uploading_tab, "Thống kê": stats_tab}
for tab, part in zip(st.tabs(list(TABS), key="dang_ky_tab", on_change="rerun"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            part()
