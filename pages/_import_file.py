"""One uploaded file on Tải lên danh sách: summary, problems, editable preview, error workbook, add units, commit."""

from __future__ import annotations

import streamlit as st

from pages._common import actor, db_read, db_write, show_findings
from tdkt.awards import eligibility
from tdkt.core import units
from tdkt.core.errors import Refused
from tdkt.core.models import TARGET_LABELS, Role, UnitKind
from tdkt.importing.nomination_lists import commit, preview, template


def render(reports: dict, store_key: tuple) -> None:
    """Draw one file's state; edits and commits replace reports[store_key]."""
    data, report = reports[store_key]
    key = "_".join(str(k) for k in store_key)
    errors, warnings = report.errors, report.warnings
    icon = ":material/error:" if errors else ":material/warning:" if warnings else ":material/check_circle:"
    with st.expander(f"{report.file} — {len(report.records)} dòng, {len(errors)} lỗi, {len(warnings)} cảnh báo",
                     expanded=True, icon=icon):
        if report.imported:
            st.success(f"Đã nhập {report.imported} đề nghị (lô số {report.batch_id}).")
            return
        if report.unreadable:
            for issue in errors:
                st.error(issue.message)
            return
        st.caption(f"Năm thành tích {report.year} · danh sách đọc từ sheet: {', '.join(report.sheets)}"
                   + "".join(f" · sheet {r.sheet} gõ bằng mã {r.encoding}, đã chuyển sang Unicode"
                             for r in report.results if r.encoding))
        cached = st.session_state.get(f"rules_{key}")
        if cached is None or cached[0] is not report:  # judged again after each edit (the report is replaced)
            with db_read() as session:
                cached = (report, eligibility.judge_rows(session, year=report.year, rows=report.records))
            st.session_state[f"rules_{key}"] = cached
        rule_rows = cached[1]
        err_tab, warn_tab, rules_tab, rows_tab = st.tabs([
            f"Lỗi ({len(errors)})", f"Cảnh báo ({len(warnings)})", f"Điều kiện theo luật ({len(rule_rows)})",
            f"Xem trước và sửa ({len(report.rows)} dòng)"])
        with rules_tab:
            st.caption("Cảnh báo, không chặn việc nhập: xét theo xếp loại, kỷ luật, khen thưởng và sáng kiến đã ghi "
                       "nhận (trang Tra cứu cá nhân, tập thể); cá nhân trong danh sách được tính là thành viên của "
                       "tập thể cùng đơn vị.")
            if rule_rows.empty:
                st.write("Mọi dòng đều đạt các điều kiện kiểm tra được.")
            else:
                show_findings(rule_rows)
        with err_tab:
            st.dataframe(preview.issues_frame(errors), hide_index=True, width="stretch") if errors else st.write(
                "Không có lỗi.")
        with warn_tab:
            st.dataframe(preview.issues_frame(warnings), hide_index=True, width="stretch") if warnings else st.write(
                "Không có cảnh báo.")
            _add_unknown_units(reports, store_key, key)
        with rows_tab:
            _edit_rows(reports, store_key, key)
        _download_and_commit(report, data, key)


def _edit_rows(reports: dict, store_key: tuple, key: str) -> None:
    """The editable preview: each edit re-checks the list and replaces reports[store_key]."""
    data, report = reports[store_key]
    st.caption("Sửa trực tiếp trong bảng (kéo ngang để xem các cột bên phải); mỗi lần sửa, danh sách được "
               "kiểm tra lại ngay.")
    frame = preview.rows_frame(report)
    version = st.session_state.setdefault(f"editor_version_{key}", 0)
    edited = st.data_editor(
        frame, key=f"editor_{key}_{version}", hide_index=True, width="stretch",
        disabled=["sheet", "row", "state", "award_found", "category_inferred", "problems"],
        column_config={
            "sheet": "Sheet", "row": "Dòng", "state": "Tình trạng", "award_found": "Danh hiệu nhận ra",
            "category_inferred": st.column_config.CheckboxColumn("Phân loại do máy đoán"),
            **preview.EDITABLE,
            "target": st.column_config.SelectboxColumn("Đối tượng", options=list(TARGET_LABELS.values())),
            "gender": st.column_config.SelectboxColumn("Giới tính", options=["Nam", "Nữ"]),
            "birth_year": st.column_config.NumberColumn("Năm sinh", format="%d", step=1),
            "problems": st.column_config.TextColumn("Vấn đề", width="large"),
        },
    )
    if preview.edited(frame, edited):
        with db_read() as session:
            reports[store_key] = (data, preview.revalidate(session, report, preview.apply_edits(report, edited)))
        st.session_state[f"editor_version_{key}"] = version + 1
        st.rerun()


def _download_and_commit(report, data: bytes, key: str) -> None:
    """The error workbook, the repeated-file override and the commit button."""
    errors, warnings = report.errors, report.warnings
    st.download_button("Tải tệp báo lỗi (.xlsx)", key=f"errors_{key}",
                       data=template.error_workbook(data, file_name=report.file, issues=report.issues,
                                                    headers={r.sheet: r.header_row for r in report.results}),
                       file_name=f"bao_loi_{report.file.rsplit('.', 1)[0]}.xlsx", disabled=not report.issues)
    force = st.checkbox("Vẫn nhập dù tệp đã từng nhập", key=f"force_{key}") if report.repeated else False
    blocked = bool(errors) or (bool(report.repeated) and not force)
    if st.button(f"Nhập {len(report.records)} đề nghị", key=f"commit_{key}", type="primary", disabled=blocked,
                 help="Sửa hết lỗi trước khi nhập." if errors else None):
        try:
            with db_write() as session:
                result = commit.commit_batch(
                    session, actor(), file_name=report.file, sha256=report.sha256, records=report.records,
                    year=report.year, sheets=report.sheets, warnings=len(warnings), force=force,
                    headers=report.headers)
        except Refused as error:
            st.error(str(error))
        else:
            report.imported, report.batch_id = result.nominations, result.batch_id
            st.session_state["flash_import"] = (f"Đã nhập “{report.file}”: {result.nominations} đề nghị, "
                                                f"{result.people_added} cá nhân mới (lô số {result.batch_id}).")
            st.rerun()


def _add_unknown_units(reports: dict, store_key: tuple, key: str) -> None:
    data, report = reports[store_key]
    unknown = sorted({r.unit_text for r in report.records if r.unit_text and r.unit_id is None})
    who = actor()
    if not unknown or who is None or who.role != Role.VAN_PHONG:
        return
    st.write("Đơn vị chưa có trong danh sách đơn vị:")
    for index, name in enumerate(unknown):
        if st.button(f"Thêm đơn vị “{name}”", key=f"add_unit_{key}_{index}"):
            try:
                with db_write() as session:
                    units.add(session, who, name=name, kind=UnitKind.TRUC_THUOC if name.lower().startswith("trung tâm")
                              else UnitKind.PHONG)
                with db_read() as session:
                    reports[store_key] = (data, preview.revalidate(session, report, report.rows))
            except Refused as error:
                st.error(str(error))
            else:
                st.session_state["flash_import"] = f"Đã thêm đơn vị “{name}” và kiểm tra lại danh sách."
                st.rerun()
