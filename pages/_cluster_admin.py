"""The Office's forms on Cụm thi đua & giao ước: participation, members, events, clusters, Excel import, copy a year."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages._cache import read
from pages._common import actor, db_read, db_write, file_uploader, settings
from tdkt.clusters import cluster_writes, cluster_years, clusters, task_links
from tdkt.core.errors import Refused
from tdkt.core.text import format_date
from tdkt.importing import cluster_sheets
from tdkt.plan import plan as plan_module

DONE, PENDING, NOT_APPLICABLE = "Đã thực hiện", "Chưa thực hiện", "Không áp dụng"
AUTO = "auto"  # "link to the plan's task for this cluster and kind"


def _done(message: str) -> None:
    st.session_state["flash_cluster"] = message
    st.rerun()


def _pick_cluster(views: list[clusters.ClusterView], key: str) -> clusters.ClusterView:
    by_id = {v.cluster.id: v for v in views}
    picked = st.selectbox("Cụm", list(by_id), key=key, format_func=lambda i: by_id[i].cluster.code)
    return by_id[picked]


def _task_options(year: int) -> dict[int, str]:
    frame = read(plan_module.tasks, year=year, as_of=date.today())  # cached per data version, as Tiến độ reads it
    return {int(r.id): plan_module.task_choice_label(r) for r in frame.itertuples()}


# A pick in these forms (a cluster, an event, a member) reruns this part only, not the tables and charts above; a save
# reruns the whole page (`_done`: st.rerun()), which reads the new data version.
@st.fragment
def render(*, year: int, views: list[clusters.ClusterView]) -> None:
    """Draw the Office's forms; every write is checked again in tdkt."""
    st.subheader("Quản lý cụm thi đua (Văn phòng Sở)")
    names = ["Ghi nhận tham gia", "Thành viên", "Hoạt động", "Cụm", "Nhập từ Excel", "Sao chép sang năm mới"]
    tabs = dict(zip(names, st.tabs(names), strict=False))
    with tabs["Sao chép sang năm mới"]:
        _copy_form(year)
    with tabs["Cụm"]:
        _cluster_forms(year, views)
    if not views:
        for name in names[:3] + names[4:5]:
            tabs[name].info(f"Năm {year} chưa có cụm thi đua: thêm cụm hoặc sao chép từ năm trước.")
        return
    with tabs["Ghi nhận tham gia"]:
        _participation_form(views)
    with tabs["Thành viên"]:
        _member_forms(views)
    with tabs["Hoạt động"]:
        _event_forms(year, views)
    with tabs["Nhập từ Excel"]:
        _import_form(views)


def _participation_form(views: list[clusters.ClusterView]) -> None:
    v = _pick_cluster(views, "rec_cluster")
    if v.events.empty or v.members.empty:
        st.info("Cụm chưa có thành viên hoặc hoạt động nào.")
        return
    event_rows = {int(e.id): e for e in v.events.itertuples()}
    event_id = st.selectbox("Hoạt động", list(event_rows), key="rec_event", format_func=lambda i: event_rows[i].label)
    ordered = v.members.sort_values("is_us", ascending=False, kind="stable")  # ours first: what the Office records most
    member_names = {int(m.id): ("★ " if m.is_us else "") + m.name for m in ordered.itertuples()}
    member_id = st.selectbox("Thành viên", list(member_names), key="rec_member", format_func=member_names.get)
    event = event_rows[event_id]
    cell = v.matrix[(v.matrix.event_id == event_id) & (v.matrix.member_id == member_id)].iloc[0]
    is_us = bool(cell.is_us)
    states = [DONE, PENDING, NOT_APPLICABLE]
    current = NOT_APPLICABLE if cell.not_applicable else DONE if cell.done_on is not None else PENDING
    suffix = f"{event_id}_{member_id}"
    task_note = f" Đây là {event.task_label.lower()} của kế hoạch: lưu sẽ cập nhật tiến độ nhiệm vụ." if (
        is_us and event.task_label) else ""
    st.caption(f"Hạn {format_date(event.due_on)}; hiện tại: **{cell.status}**. Đúng hạn / trễ hạn được tính từ hạn, "
               "không nhập tay." + task_note)
    with st.form(f"tham_gia_{suffix}"):
        state = st.radio("Tình hình", states, index=states.index(current), horizontal=True, key=f"rec_state_{suffix}")
        done_on = st.date_input("Ngày thực hiện", cell.done_on or date.today(), format="DD/MM/YYYY",
                                key=f"rec_done_{suffix}")
        document = st.text_input("Số văn bản, ký hiệu", cell.document or "", placeholder="ví dụ 125/BC-SCT",
                                 key=f"rec_doc_{suffix}")
        score = None
        if event.scored:
            score = st.number_input("Điểm", min_value=0.0, max_value=1000.0, step=0.1, format="%.2f",
                                    value=None if pd.isna(cell.score) or cell.score is None else float(cell.score),
                                    key=f"rec_score_{suffix}")
        if st.form_submit_button("Lưu", type="primary", key="luu_tham_gia"):
            try:
                with db_write() as session:
                    part = task_links.record_participation(
                        session, actor(), event_id=event_id, member_id=member_id,
                        done_on=done_on if state == DONE else None, document=document if state == DONE else None,
                        score=score if state != NOT_APPLICABLE else None, not_applicable=state == NOT_APPLICABLE)
                    status = clusters.participation_status(due_on=event.due_on, done_on=part.done_on,
                                                           not_applicable=part.not_applicable)
            except Refused as error:
                st.error(str(error))
            else:
                linked = f" Đã cập nhật {event.task_label.lower()} của kế hoạch." if is_us and event.task_label else ""
                _done(f"Đã ghi nhận {cell.member} — {event.title}: {status}.{linked}")


def _member_forms(views: list[clusters.ClusterView]) -> None:
    v = _pick_cluster(views, "mem_cluster")
    roles = list(clusters.ROLES)
    with st.form(f"them_thanh_vien_{v.cluster.id}", clear_on_submit=True):
        st.markdown("**Thêm thành viên**")
        name = st.text_input("Tên cơ quan, đơn vị", key=f"mem_new_name_{v.cluster.id}")
        role = st.selectbox("Vai trò", roles, format_func=clusters.ROLES.get, index=2,
                            key=f"mem_new_role_{v.cluster.id}")
        is_us = st.checkbox("Là đơn vị ta", key=f"mem_new_us_{v.cluster.id}")
        if st.form_submit_button("Thêm thành viên", key="them_thanh_vien_btn"):
            try:
                with db_write() as session:
                    cluster_writes.add_member(session, actor(), cluster_id=v.cluster.id, name=name, role=role,
                                              is_us=is_us)
            except Refused as error:
                st.error(str(error))
            else:
                _done(f"Đã thêm {name.strip()} vào {v.cluster.code}.")
    if v.members.empty:
        return
    rows = {int(m.id): m for m in v.members.itertuples()}
    member_id = st.selectbox("Sửa thành viên", list(rows), key="mem_pick", format_func=lambda i: rows[i].name)
    m = rows[member_id]
    with st.form(f"sua_thanh_vien_{member_id}"):
        name = st.text_input("Tên cơ quan, đơn vị", m.name)
        role = st.selectbox("Vai trò", roles, index=roles.index(m.role), format_func=clusters.ROLES.get)
        is_us = st.checkbox("Là đơn vị ta", bool(m.is_us))
        save = st.form_submit_button("Lưu thành viên", key="luu_thanh_vien")
        remove = st.form_submit_button("Xóa khỏi cụm", key="xoa_thanh_vien")
    try:
        if save:
            with db_write() as session:
                cluster_writes.update_member(session, actor(), member_id=member_id, name=name, role=role,
                                             is_us=is_us)
            _done(f"Đã lưu thành viên {name.strip()}.")
        if remove:
            with db_write() as session:
                cluster_writes.remove_member(session, actor(), member_id=member_id)
            _done(f"Đã xóa {m.name} khỏi {v.cluster.code}.")
    except Refused as error:
        st.error(str(error))


def _event_forms(year: int, views: list[clusters.ClusterView]) -> None:
    v = _pick_cluster(views, "ev_cluster")
    kinds, tasks = list(clusters.EVENT_KINDS), _task_options(year)
    task_choices = [AUTO, None, *tasks]
    labels = {AUTO: "Tự liên kết theo kế hoạch", None: "Không liên kết", **tasks}
    with st.form(f"them_hoat_dong_{v.cluster.id}", clear_on_submit=True):
        st.markdown("**Thêm hoạt động**")
        kind = st.selectbox("Loại", kinds, format_func=clusters.EVENT_KINDS.get, key=f"ev_new_kind_{v.cluster.id}")
        title = st.text_input("Tên hoạt động (bỏ trống = theo loại)", key=f"ev_new_title_{v.cluster.id}")
        due = st.date_input("Hạn", None, format="DD/MM/YYYY", key=f"ev_new_due_{v.cluster.id}")
        scored = st.checkbox("Có chấm điểm", key=f"ev_new_scored_{v.cluster.id}",
                             help="Để trống: chỉ hoạt động loại “Chấm điểm” được chấm điểm.")
        task = st.selectbox("Nhiệm vụ kế hoạch liên kết", task_choices, format_func=labels.get,
                            key=f"ev_new_task_{v.cluster.id}")
        if st.form_submit_button("Thêm hoạt động", key="them_hoat_dong_btn"):
            try:
                with db_write() as session:
                    event = task_links.add_event(session, actor(), cluster_id=v.cluster.id, kind=kind, due_on=due,
                                                 title=title, scored=True if scored else None,
                                                 task_id=None if task == AUTO else task, auto_link=task == AUTO)
            except Refused as error:
                st.error(str(error))
            else:
                _done(f"Đã thêm hoạt động “{event.title}” vào {v.cluster.code}.")
    if v.events.empty:
        return
    rows = {int(e.id): e for e in v.events.itertuples()}
    event_id = st.selectbox("Sửa hoạt động", list(rows), key="ev_pick", format_func=lambda i: rows[i].label)
    e = rows[event_id]
    choices = [None, *tasks]
    current_task = None if pd.isna(e.task_id) else int(e.task_id)
    with st.form(f"sua_hoat_dong_{event_id}"):
        kind = st.selectbox("Loại", kinds, index=kinds.index(e.kind), format_func=clusters.EVENT_KINDS.get)
        title = st.text_input("Tên hoạt động", e.title)
        due = st.date_input("Hạn", e.due_on, format="DD/MM/YYYY")
        scored = st.checkbox("Có chấm điểm", bool(e.scored))
        task = st.selectbox("Nhiệm vụ kế hoạch liên kết", choices, format_func=labels.get,
                            index=choices.index(current_task) if current_task in choices else 0)
        save = st.form_submit_button("Lưu hoạt động", key="luu_hoat_dong")
        remove = st.form_submit_button("Xóa hoạt động", key="xoa_hoat_dong")
    try:
        if save:
            with db_write() as session:
                task_links.update_event(session, actor(), event_id=event_id, kind=kind, title=title, due_on=due,
                                        scored=scored, task_id=task)
            _done(f"Đã lưu hoạt động “{title.strip() or e.title}”.")
        if remove:
            with db_write() as session:
                cluster_writes.remove_event(session, actor(), event_id=event_id)
            _done(f"Đã xóa hoạt động “{e.title}” của {v.cluster.code}.")
    except Refused as error:
        st.error(str(error))


def _cluster_forms(year: int, views: list[clusters.ClusterView]) -> None:
    with st.form("them_cum", clear_on_submit=True):
        st.markdown(f"**Thêm cụm năm {year}**")
        code = st.text_input("Mã cụm (ví dụ “Cụm II”; giao ước nội bộ là “Nội bộ”)", key="cl_new_code")
        name = st.text_input("Tên cụm", key="cl_new_name")
        level = st.text_input("Cấp (ví dụ “Tỉnh Lạng Sơn”, “Bộ Công Thương”)", key="cl_new_level")
        if st.form_submit_button("Thêm cụm", key="them_cum_btn"):
            try:
                with db_write() as session:
                    cluster_writes.add_cluster(session, actor(), year=year, code=code, name=name, level=level)
            except Refused as error:
                st.error(str(error))
            else:
                _done(f"Đã thêm {code.strip()} năm {year}.")
    if not views:
        return
    v = _pick_cluster(views, "cl_pick")
    with st.form(f"sua_cum_{v.cluster.id}"):
        code = st.text_input("Mã cụm", v.cluster.code)
        name = st.text_input("Tên cụm", v.cluster.name)
        level = st.text_input("Cấp", v.cluster.level)
        save = st.form_submit_button("Lưu cụm", key="luu_cum")
        remove = st.form_submit_button("Xóa cụm (cả thành viên, hoạt động, kết quả)", key="xoa_cum")
    try:
        if save:
            with db_write() as session:
                cluster_writes.update_cluster(session, actor(), cluster_id=v.cluster.id, code=code, name=name,
                                              level=level)
            _done(f"Đã lưu {code.strip()}.")
        if remove:
            with db_write() as session:
                cluster_writes.remove_cluster(session, actor(), cluster_id=v.cluster.id)
            _done(f"Đã xóa {v.cluster.code} năm {year}.")
    except Refused as error:
        st.error(str(error))


def _copy_form(year: int) -> None:
    with db_read() as session:
        years = clusters.years(session)
    if not years:
        st.info("Chưa có năm nào có cụm thi đua để sao chép.")
        return
    with st.form("sao_chep_cum"):
        source = st.selectbox("Sao chép cụm thi đua năm", years, key="cl_copy_from")
        target = st.number_input("Sang năm", min_value=2000, max_value=2100, value=max(years) + 1, step=1,
                                 key="cl_copy_to")
        st.caption("Chép cụm, thành viên (cùng vai trò) và hoạt động (hạn dời sang năm mới), chưa có kết quả tham gia; "
                   "hoạt động được liên kết với nhiệm vụ tương ứng của kế hoạch năm mới nếu đã có.")
        if st.form_submit_button("Sao chép", key="sao_chep_cum_btn"):
            try:
                with db_write() as session:
                    created = cluster_years.copy_clusters(session, actor(), from_year=int(source), to_year=int(target))
            except Refused as error:
                st.error(str(error))
            else:
                _done(f"Đã tạo {len(created)} cụm năm {int(target)} từ năm {int(source)}. Chọn năm {int(target)} ở "
                      "thanh bên (năm chỉ hiện khi đã có kế hoạch năm đó).")


def _import_form(views: list[clusters.ClusterView]) -> None:
    v = _pick_cluster(views, "imp_cluster")
    mode = st.radio("Loại danh sách", list(cluster_sheets.MODES), format_func=cluster_sheets.MODES.get,
                    horizontal=True, key="imp_mode")
    scored = v.events[v.events.scored]
    event_id = None
    if mode == cluster_sheets.SCORES and len(scored) > 1:
        rows = {int(e.id): e.label for e in scored.itertuples()}
        event_id = st.selectbox("Điểm của hoạt động", list(rows), format_func=rows.get, key="imp_event")
    st.caption("Cột “Tên cơ quan/đơn vị” (bắt buộc), “Vai trò”, “Điểm”, “Xếp hạng”. Danh sách thành viên thêm đơn vị "
               "mới và đổi vai trò, không xóa ai; bảng điểm chỉ ghi điểm cho thành viên đã có. Cả tệp được ghi trọn "
               "hoặc không ghi gì.")
    upload = file_uploader("Chọn tệp (.xlsx, .xls, .ods)", ["xlsx", "xlsm", "xls", "ods"], key="imp_file")
    if upload is None:
        return
    with db_read() as session:
        report = cluster_sheets.check(session, upload.getvalue(), file_name=upload.name, settings=settings(),
                                      cluster_id=v.cluster.id, mode=mode, event_id=event_id)
    if report.issues:
        st.dataframe(pd.DataFrame([{
            "Mức": "Lỗi" if i.severity == "error" else "Cảnh báo", "Trang": i.sheet, "Dòng": i.row or "",
            "Cột": i.column or "", "Nội dung": i.message} for i in report.issues]), hide_index=True, width="stretch")
    if report.unreadable or report.errors:
        st.error(f"Tệp có {len(report.errors)} lỗi: sửa rồi tải lên lại. Chưa ghi gì.")
        return
    st.dataframe(pd.DataFrame([{
        "Dòng": r.row, "Tên cơ quan/đơn vị": r.name, "Vai trò": clusters.ROLES.get(r.role, "") if r.role else "",
        "Điểm": r.score if r.score is not None else "", "Mới": "Thêm mới" if r.member_id is None else ""}
        for r in report.rows]), hide_index=True, width="stretch")
    if st.button(f"Ghi {len(report.rows)} dòng vào {v.cluster.code}", key="ghi_danh_sach_cum", type="primary"):
        try:
            with db_write() as session:
                counts = cluster_sheets.commit(session, actor(), report)
        except Refused as error:
            st.error(str(error))
        else:
            _done(f"Đã nhập “{upload.name}” vào {v.cluster.code}: thêm {counts['added']} thành viên, đổi "
                  f"{counts['roles']} vai trò, ghi {counts['scores']} điểm.")
