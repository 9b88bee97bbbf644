"""One uploaded file on Tải lên danh sách: summary, year and received date, award answers, rows of other units,
problems, editable preview (rows deleted too), error workbook on demand, add units, commit with progress."""

from __future__ import annotations

from datetime import date

import streamlit as st

from pages._common import actor, db_read, db_write, selected_year, show_findings
from pages._issue_table import show_issues
from tdkt.awards import eligibility
from tdkt.core import units
from tdkt.core.errors import Refused
from tdkt.core.models import TARGET_LABELS, Role, UnitKind
from tdkt.core.text import fold
from tdkt.importing.nomination_lists import pipeline, preview, template


def progress_bar(text: str):
    """Return a st.progress and the callback tdkt feeds it with (share done, what is being done)."""
    bar = st.progress(0.0, text=text)
    return bar, lambda share, said: bar.progress(min(max(share, 0.0), 1.0), text=said)


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
        sheets = ", ".join(report.sheets) or "— (chưa có dòng dữ liệu)"
        st.caption(f"Năm thành tích {report.year} · danh sách đọc từ sheet: {sheets}"
                   + "".join(f" · sheet {r.sheet} gõ bằng mã {r.encoding}, đã chuyển sang Unicode"
                             for r in report.results if r.encoding))
        _year_and_received(reports, store_key, key)
        _generic_awards(reports, store_key, key)
        _other_units(reports, store_key, key)
        report = reports[store_key][1]
        errors, warnings = report.errors, report.warnings
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
                show_findings(rule_rows, key=f"findings_{key}")
        with err_tab:
            show_issues(errors, key=f"errors_{key}", empty="Không có lỗi.")  # grouped by value: _issue_table
        with warn_tab:
            show_issues(warnings, key=f"warnings_{key}", empty="Không có cảnh báo.")
            _add_unknown_units(reports, store_key, key)
        with rows_tab:
            _edit_rows(reports, store_key, key)
        _download_and_commit(reports, store_key, key)


def _replace(reports: dict, store_key: tuple, change, flash: str | None = None) -> None:
    """Check the file again through `change(session, report)`, keep the new report, and run the page again."""
    data, report = reports[store_key]
    try:
        with db_read() as session:
            reports[store_key] = (data, change(session, report))
    except Refused as error:
        st.error(str(error))
        return
    if flash:
        st.session_state["flash_import"] = flash
    key = "_".join(str(k) for k in store_key)
    # A new table: the editor's pending edits, kept by row position, belong to the old one.
    st.session_state[f"editor_version_{key}"] = st.session_state.get(f"editor_version_{key}", 0) + 1
    st.rerun()


def _year_and_received(reports: dict, store_key: tuple, key: str) -> None:
    """The file's achievement year (the title's, else the sidebar's) and the date the list was received."""
    report = reports[store_key][1]
    years = sorted({*range(selected_year() + 1, selected_year() - 6, -1), report.year}, reverse=True)
    left, right = st.columns(2)
    chosen = left.selectbox("Năm thành tích của tệp", years, index=years.index(report.year), key=f"year_{key}",
                            help="Lấy theo tiêu đề danh sách (“… NĂM 2024”); không có thì theo năm đang chọn ở thanh "
                                 "bên. Đổi năm thì danh sách được kiểm tra lại.")
    today = date.today()
    received = right.date_input("Ngày nhận danh sách", value=report.received_on or today,
                                min_value=date(2000, 1, 1), max_value=today,
                                format="DD/MM/YYYY", key=f"received_{key}",
                                help="Ghi vào từng đề nghị của tệp (ngày Văn phòng nhận danh sách).")
    if received is not None and received != (report.received_on or today):
        report.received_on = received  # carried by every check again; nothing in the check depends on it
    if chosen != report.year:
        _replace(reports, store_key, lambda session, r: preview.with_year(session, r, chosen),
                 f"Đã đổi năm thành tích của “{report.file}” sang {chosen} và kiểm tra lại danh sách.")


def _generic_awards(reports: dict, store_key: tuple, key: str) -> None:
    """Ask once per award text that names no issuer which award of the catalogue it is, for all its rows."""
    report = reports[store_key][1]
    if not report.generic:
        return
    st.markdown("**Danh hiệu chưa rõ cấp khen** — chọn một lần, áp dụng cho mọi dòng ghi như vậy:")
    for item in report.generic:
        options = list(item.candidates)
        preset = item.chosen or item.likely
        pick = st.selectbox(f"“{item.text}” ({item.rows} dòng) là", options,
                            index=options.index(preset) if preset in options else None,
                            placeholder="Chọn danh hiệu trong danh mục", key=f"award_map_{key}_{_slug(item.text)}",
                            help="Gợi ý theo tiêu đề hoặc nơi gửi của danh sách." if item.likely else None)
        if pick is not None and pick != item.chosen:  # the likely one, preselected, applies at once too
            _replace(reports, store_key, lambda session, r, text=item.text, award=pick: preview.with_award(
                session, r, text, award))


def _slug(text: str) -> str:
    return fold(text).replace(" ", "_")


def _other_units(reports: dict, store_key: tuple, key: str) -> None:
    """A unit account's list with rows of other units: say so before the import, and drop them in one click."""
    report = reports[store_key][1]
    foreign = preview.rows_with(report, preview.OTHER_UNIT)
    if not foreign:
        return
    st.error(f"{len(foreign)} dòng không thuộc “{report.own_unit}”: tài khoản đơn vị chỉ nhập được đề nghị của đơn "
             "vị mình. Bỏ các dòng này, hoặc nhờ Văn phòng Sở nhập danh sách.")
    if st.button(f"Bỏ {len(foreign)} dòng của đơn vị khác", key=f"drop_other_{key}"):
        _replace(reports, store_key, lambda session, r: preview.drop_rows(session, r, foreign),
                 f"Đã bỏ {len(foreign)} dòng của đơn vị khác khỏi “{report.file}”.")


def _edit_rows(reports: dict, store_key: tuple, key: str) -> None:
    """The editable preview: each edit or deleted row re-checks the list and replaces reports[store_key]."""
    data, report = reports[store_key]
    st.caption("Sửa trực tiếp trong bảng (kéo ngang để xem các cột bên phải); chọn dòng ở cột bên trái rồi bấm "
               "biểu tượng thùng rác (hoặc phím Delete) để xóa dòng. Mỗi lần sửa, danh sách được kiểm tra lại ngay.")
    on_record = preview.rows_with(report, preview.ON_RECORD)
    if on_record and st.button(f"Bỏ {len(on_record)} dòng đã có trong cơ sở dữ liệu", key=f"drop_on_record_{key}",
                               help="Các dòng trùng với đề nghị cùng năm, cùng danh hiệu đã nhập trước đó."):
        _replace(reports, store_key, lambda session, r: preview.drop_rows(session, r, on_record),
                 f"Đã bỏ {len(on_record)} dòng đã có trong cơ sở dữ liệu khỏi “{report.file}”.")
    cached = st.session_state.get(f"frame_{key}")
    if cached is None or cached[0] is not report:  # built once per check, not on every run of the page
        cached = (report, preview.rows_frame(report))
        st.session_state[f"frame_{key}"] = cached
    frame = cached[1]
    version = st.session_state.setdefault(f"editor_version_{key}", 0)
    edited = st.data_editor(
        frame, key=f"editor_{key}_{version}", hide_index=True, width="stretch", num_rows="delete",
        disabled=["sheet", "row", "state", "award_found", "category_inferred", "problems"],
        column_config={
            "sheet": "Sheet", "row": "Dòng", "state": "Tình trạng", "award_found": "Danh hiệu nhận ra",
            "category_inferred": st.column_config.CheckboxColumn("Phân loại do máy đoán"),
            **preview.EDITABLE,
            "target": st.column_config.SelectboxColumn("Đối tượng", options=list(TARGET_LABELS.values())),
            "gender": st.column_config.SelectboxColumn("Giới tính", options=["Nam", "Nữ"]),
            "birth_year": st.column_config.TextColumn("Năm sinh", validate=r"^\s*(\d{4})?\s*$"),
            "problems": st.column_config.TextColumn("Vấn đề", width="large"),
        },
    )
    if preview.edited(frame, edited):
        _replace(reports, store_key, lambda session, r: preview.revalidate(
            session, r, preview.apply_edits(r, edited, frame)))


def _download_and_commit(reports: dict, store_key: tuple, key: str) -> None:
    """The error workbook (built when its button is clicked), the repeated-file override and the commit button."""
    data, report = reports[store_key]
    errors = report.errors
    # Offered only when it has something to say (an error or a warning); built on the click, not on every run: 15.6 s
    # and 533 MB for a 100k-row list.
    if errors or report.warnings:
        headers = {r.sheet: r.header_row for r in report.results}
        st.download_button("Tải tệp báo lỗi (.xlsx)", key=f"errors_{key}", on_click="ignore",
                           data=lambda: template.error_workbook(data, file_name=report.file, issues=report.issues,
                                                                headers=headers),
                           file_name=f"bao_loi_{report.file.rsplit('.', 1)[0]}.xlsx",
                           help="Tệp đã tải lên, thêm cột “Lỗi / cảnh báo” ghi vấn đề của từng dòng (tệp .xls, "
                                ".ods: một danh sách các vấn đề).",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    force = st.checkbox("Vẫn nhập dù tệp đã từng nhập", key=f"force_{key}") if report.repeated else False
    blocked = bool(errors) or (bool(report.repeated) and not force)
    if st.button(f"Nhập {len(report.records)} đề nghị", key=f"commit_{key}", type="primary", disabled=blocked,
                 help="Sửa hết lỗi trước khi nhập." if errors else None):
        bar, progress = progress_bar(f"Đang ghi “{report.file}”…")
        try:
            with db_write() as session:
                done = pipeline.commit_report(session, actor(), report, force=force, progress=progress)
        except Refused as error:
            bar.empty()
            st.error(str(error))
            return
        bar.empty()
        if not done.imported:  # another import wrote the file or some of its rows meanwhile: shown as problems
            st.rerun()
        st.session_state["flash_import"] = (f"Đã nhập “{report.file}”: {done.imported} đề nghị, "
                                            f"{done.people_added} cá nhân mới (lô số {done.batch_id}).")
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
            except Refused as error:
                st.error(str(error))
            else:
                _replace(reports, store_key, lambda session, r: preview.revalidate(session, r, r.rows),
                         f"Đã thêm đơn vị “{name}” và kiểm tra lại danh sách.")
