"""Chấm điểm thi đua cụm: a cluster's criteria sheet, its rounds (deadlines, self-score, appraisal, explanation,
second appraisal, publication), each member's sheet against the appraisal, and the results with the proposal."""

import pandas as pd
import streamlit as st

from pages import _scoring_results
from pages._cache import read
from pages._common import db_read, db_write, file_uploader, require_page, selected_year, settings, show_error
from pages._issue_table import show_issues
from tdkt.core.errors import Refused
from tdkt.core.permissions import can
from tdkt.core.text import format_date, format_number
from tdkt.scoring import entries, kinds, round_table, rounds, sheet_frames, sheet_writes, sheets, views
from tdkt.scoring.entries import EntryInput, Evidence
from tdkt.submissions import attachments
from tdkt.submissions.submissions import vietnam_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = ("Bảng tiêu chí", "Vòng chấm", "Điểm theo thành viên", "Kết quả")


def _criteria_file():
    """The criteria file's module, loaded when a file is downloaded or uploaded (it brings the safe reader)."""
    from tdkt.scoring import criteria_file

    return criteria_file


def _member_template():
    """The member templates' module, loaded on a click (openpyxl, the safe reader and the import pipeline)."""
    from tdkt.scoring import member_template

    return member_template

who = require_page("xem")
year = selected_year()
can_write = can(who, "cham_diem")
st.title(f"Chấm điểm thi đua cụm năm {year}")
# Always one element here, the message or nothing: a message pushed in above the tabs would move them, and the
# browser would open the first tab again after every save.
flash_box = st.empty()
if flash := st.session_state.pop("cd_flash", None):
    flash_box.success(flash)
# Read once per data version (pages/_cache.py): a rerun of this page (a round or a member picked) reads nothing again.
# The criteria file and the member templates (openpyxl, the safe reader) load when they are clicked or uploaded.
found = read(views.cluster_choices, year=year)
if not found:
    st.info(f"Năm {year} chưa có cụm thi đua. Văn phòng Sở thêm cụm ở trang “Cụm thi đua & giao ước”.")
    st.stop()
by_id = {c.id: c for c in found}
cluster = by_id[st.selectbox("Cụm thi đua", list(by_id), key=f"cd_cum_{year}",
                             format_func=lambda i: f"{by_id[i].code} — {by_id[i].name}")]
arguments = {"cluster_id": cluster.id, "today": vietnam_today(), "with_previous": can_write}
scoring = read(views.cluster_scoring, **arguments)
sheet = scoring if scoring.sheet_id is not None else None
result, stored, states, previous = scoring.result, list(scoring.entries), list(scoring.states), scoring.previous
version = st.session_state.setdefault("cd_version", 0)


def done(message: str) -> None:
    """Keep the message for the next run, start the editors afresh and rerun."""
    st.session_state["cd_flash"] = message
    st.session_state["cd_version"] = version + 1
    st.rerun()


def write(call, message: str) -> None:
    """Run one write in its transaction; say the refusal, or the message after the rerun."""
    try:
        with db_write() as session:
            call(session)
    except Refused as error:
        show_error(error)
    else:
        done(message)


pts = views.points


def sheet_part() -> None:
    spec = sheet.spec if sheet is not None else None
    if spec is not None:
        st.caption(f"{len(spec.groups)} nhóm, {len(spec.criteria)} tiêu chí, tổng {pts(spec.max_points)} điểm"
                   + (f" · Kết quả đã công bố ngày {format_date(sheet.published_on)}." if sheet.published_on else "."))
    if spec is not None:
        st.download_button("Tải bảng tiêu chí (.xlsx)", key="cd_tai_bang", on_click="ignore", mime=XLSX,
                           file_name=f"bang_tieu_chi_{cluster.code}_{year}.xlsx".replace(" ", "_"),
                           data=lambda: _criteria_file().criteria_workbook(spec, cluster_code=cluster.code, year=year))
    if not can_write or (sheet is not None and sheet.published_on is not None):
        if spec is None:
            st.info(f"{cluster.code} chưa có bảng tiêu chí năm {year}.")
            return
        st.dataframe(scoring.criteria_table.rename(columns=CRITERION_TITLES), hide_index=True, width="stretch")
        return
    st.caption("Sửa trong bảng (thêm, xóa dòng). Mã tiêu chí con viết “1.2” và ghi mã tiêu chí cha ở cột “Thuộc "
               "tiêu chí”; mục điểm trừ ghi điểm tối đa 0 và số điểm mỗi lần âm. Tổng và từng nhóm được kiểm tra "
               "ngay khi sửa.")
    given = st.number_input("Tổng điểm theo quy chế của cụm (0: bằng tổng các nhóm)", min_value=0.0, step=10.0,
                            value=float((spec.total_points if spec else None) or (0.0 if spec else 1000.0)),
                            key=f"cd_tong_{cluster.id}_{version}")
    groups = st.data_editor(
        sheet_frames.group_frame(spec), num_rows="dynamic", hide_index=True, width="stretch", placeholder="",
        key=f"cd_nhom_{cluster.id}_{version}",
        column_config={"name": st.column_config.TextColumn("Nhóm tiêu chí", required=True, width="large"),
                       "max_points": st.column_config.NumberColumn("Điểm tối đa", min_value=0.0, format="localized"),
                       "is_bonus": st.column_config.CheckboxColumn("Nhóm điểm cộng", default=False)})
    # The group is typed, not picked: options that follow the groups table would give the criteria table a new
    # identity at every group added, and Streamlit would drop the criteria edits made so far.
    criteria = st.data_editor(
        sheet_frames.criterion_frame(spec), num_rows="dynamic", hide_index=True, width="stretch", placeholder="",
        key=f"cd_tieu_chi_{cluster.id}_{version}",
        column_config={
            "group": st.column_config.TextColumn("Nhóm", required=True,
                                                 help="Tên nhóm, đúng như ở bảng nhóm phía trên."),
            "code": st.column_config.TextColumn("Mã", required=True),
            "name": st.column_config.TextColumn("Tiêu chí", required=True, width="large"),
            "kind": st.column_config.SelectboxColumn("Loại", options=list(kinds.KINDS.values()), required=True,
                                                     default=kinds.KINDS[kinds.DINH_TINH]),
            "max_points": st.column_config.NumberColumn("Điểm tối đa", min_value=0.0, format="localized"),
            "rule": st.column_config.SelectboxColumn("Cách tính", options=list(sheet_frames.RULE_BY_LABEL),
                                                     help="Định lượng: vượt chỉ tiêu hoặc tỷ lệ; định tính: đạt/"
                                                          "không đạt hoặc chấm điểm."),
            "points_each": st.column_config.NumberColumn("Điểm mỗi lần", format="localized",
                                                         help="Theo số lần; cộng/trừ: dương là điểm cộng, âm là điểm "
                                                              "trừ."),
            "parent": st.column_config.TextColumn("Thuộc tiêu chí (mã)")})
    edited = sheet_frames.spec_from_frames(groups, criteria, total_points=given or None)
    problems = sheets.problems(edited)
    if problems:
        st.warning("**Bảng tiêu chí chưa khớp:**\n" + "\n".join(f"- {p}" for p in problems))
    else:
        st.success(f"Bảng khớp: các nhóm cộng lại {pts(edited.max_points)} điểm, mỗi nhóm bằng tổng các tiêu chí.")
    reason = st.text_input("Lý do thay đổi (ghi vào nhật ký)", key=f"cd_ly_do_bang_{version}")
    left, right = st.columns(2)
    if left.button("Lưu bảng tiêu chí", key="cd_luu_bang", type="primary", disabled=bool(problems)):
        write(lambda s: sheet_writes.save_sheet(s, who, cluster_id=cluster.id, spec=edited, reason=reason.strip()),
              f"Đã lưu bảng tiêu chí {cluster.code} năm {year}: {len(edited.criteria)} tiêu chí, "
              f"{pts(edited.max_points)} điểm.")
    sheet_from_file()
    if previous is not None and right.button(f"Sao chép bảng tiêu chí năm {previous[0]}", key="cd_sao_chep_bang",
                                             help="Lấy các nhóm và tiêu chí của năm trước (không lấy điểm, hạn)."):
        write(lambda s: sheet_writes.copy_previous(s, who, cluster_id=cluster.id),
              f"Đã sao chép bảng tiêu chí {cluster.code} năm {previous[0]} sang năm {year}.")


def sheet_from_file() -> None:
    """The criteria sheet loaded from a file as the cluster's regulation prints it (or the app's own .xlsx edited in
    Excel): its problems, or what it holds and one click to save it in place of the sheet above."""
    with st.expander("Nhập bảng tiêu chí từ tệp Excel"):
        st.caption("Tệp có dòng tiêu đề “STT | Nội dung tiêu chí | Điểm tối đa” (thêm “Loại tiêu chí”, “Cách tính”, "
                   "“Điểm mỗi lần” nếu có); nhóm đánh số La Mã I, II…, tiêu chí 1, 2…, tiêu chí con 1.1 hoặc a), b); "
                   "nhóm “Điểm cộng/Điểm thưởng” và “Điểm trừ”; dòng “Tổng cộng”.")
        st.download_button("Tải mẫu bảng tiêu chí (.xlsx)", key="cd_mau_bang", on_click="ignore", mime=XLSX,
                           file_name=f"mau_bang_tieu_chi_{year}.xlsx",
                           data=lambda: _criteria_file().criteria_workbook(None, cluster_code=cluster.code, year=year))
        upload = file_uploader("Chọn tệp bảng tiêu chí", ["xlsx", "xlsm", "xls", "ods"],
                               key=f"cd_tep_bang_{cluster.id}_{version}")
        if upload is None:
            return
        found = _criteria_file().read_criteria_file(upload.getvalue(), file_name=upload.name, settings=settings())
        if found.problems:
            st.error(f"Tệp “{upload.name}” chưa dùng được (chưa lưu gì): sửa trong tệp rồi tải lên lại.\n"
                     + "\n".join(f"- {p}" for p in found.problems))
            return
        spec = found.spec
        st.success(f"Tệp “{upload.name}”: {len(spec.groups)} nhóm, {len(spec.criteria)} tiêu chí, tổng "
                   f"{pts(spec.max_points)} điểm.")
        st.dataframe(views.criteria_table(spec).rename(columns=CRITERION_TITLES), hide_index=True, width="stretch")
        if st.button("Lưu bảng tiêu chí từ tệp", key="cd_luu_bang_tep", type="primary"):
            write(lambda s: sheet_writes.save_sheet(s, who, cluster_id=cluster.id, spec=spec,
                                                    reason=f"Nhập từ tệp “{upload.name}”"),
                  f"Đã lưu bảng tiêu chí {cluster.code} năm {year} từ tệp “{upload.name}”: {len(spec.criteria)} "
                  f"tiêu chí, {pts(spec.max_points)} điểm.")


CRITERION_TITLES = {"group": "Nhóm", "code": "Mã", "name": "Tiêu chí", "kind": "Loại", "max_points": "Điểm tối đa",
                    "rule": "Cách tính", "points_each": "Điểm mỗi lần", "parent": "Thuộc tiêu chí"}
ENTRY_TITLES = {"code": "Mã", "name": "Tiêu chí", "kind": "Loại", "max_points": "Tối đa", "target": "Chỉ tiêu",
                "value": "Kết quả", "not_assigned": "Không giao", "evidence_number": "Số văn bản kiểm chứng",
                "evidence_date": "Ngày văn bản", "evidence_file": "Tệp kiểm chứng", "comment": "Nhận xét / giải trình"}


def deadlines_part() -> None:
    st.dataframe(pd.DataFrame({"Vòng": [rounds.ROUNDS[s.kind] for s in states],
                               "Hạn": [format_date(s.deadline) if s.deadline else "Chưa đặt" for s in states],
                               "Trạng thái": ["Mở" if s.open else "Đã khóa" for s in states],
                               "Ghi chú": [s.label for s in states]}), hide_index=True, width="stretch", placeholder="")
    if not can_write or sheet.published_on is not None:
        return
    with st.form(f"cd_han_form_{version}"):
        left, right = st.columns(2)
        kind = left.selectbox("Vòng", list(rounds.ROUNDS), format_func=rounds.ROUNDS.get, key="cd_han_vong")
        day = right.date_input("Hạn cuối (hết ngày này thì vòng tự khóa)", value=None, format="DD/MM/YYYY",
                               key="cd_han_ngay")
        save, clear = st.columns(2)
        saved = save.form_submit_button("Lưu hạn", key="cd_luu_han", type="primary")
        cleared = clear.form_submit_button("Bỏ hạn của vòng", key="cd_bo_han")
    if saved and day is None:
        st.error("Chọn ngày hạn cuối của vòng.")
    elif saved or cleared:
        when = day if saved else None
        write(lambda s: rounds.set_deadline(s, who, sheet_id=sheet.sheet_id, kind=kind, deadline=when),
              f"Hạn vòng {rounds.ROUNDS[kind].lower()}: {format_date(when) if when else 'đã bỏ'}.")


def member_names() -> dict[int, str]:
    return {m.member_id: ("★ " if m.is_us else "") + m.name for m in result.members}


HINTS = {rounds.TU_CHAM: "Thành viên tự chấm: ghi chỉ tiêu (định lượng), kết quả và tài liệu kiểm chứng.",
         rounds.THAM_DINH: "Đoàn thẩm định ghi kết quả thẩm định; khác kết quả tự chấm thì ghi nhận xét vì sao.",
         rounds.GIAI_TRINH: "Thành viên giải trình tiêu chí bị trừ điểm: ghi nội dung giải trình (và tài liệu bổ "
                            "sung); chỉ các tiêu chí có giải trình được thẩm định lại.",
         rounds.THAM_DINH_LAI: "Chỉ các tiêu chí đã giải trình được thẩm định lại."}


def scoring_part() -> None:
    names = member_names()
    left, right = st.columns(2)
    kind = left.radio("Vòng chấm", list(rounds.ROUNDS), format_func=rounds.ROUNDS.get, horizontal=True,
                      key="cd_vong", persist_state="page")
    member = right.selectbox("Thành viên", list(names), format_func=names.get, key=f"cd_thanh_vien_{cluster.id}",
                            persist_state="page")
    state = next(s for s in states if s.kind == kind)
    (st.caption if state.open else st.warning)(state.label)
    st.caption(HINTS[kind])
    name = names[member].lstrip("★ ")
    # The table's heading names its round and member: drawn by the same run as the table under it, so whoever waits
    # for it (a user, the browser test) knows the table below is this one, not the one it replaces.
    st.markdown(f"**Bảng {rounds.ROUNDS[kind].lower()} của {name}**")
    view = read(views.round_view, member_id=member, round=kind, **arguments)
    frame = view.table
    if frame.empty:
        st.info("Thành viên này chưa giải trình tiêu chí nào: không có gì để thẩm định lại.")
        return
    if not can_write or not state.open:
        if can_write:
            st.caption(views.lock_text(state, published_on=sheet.published_on))
        st.dataframe(view.shown.rename(columns=ENTRY_TITLES), hide_index=True, width="stretch", placeholder="")
        return
    frame["max_points"] = frame["max_points"].map(pts)  # read-only here: the Vietnamese text, as everywhere else
    # on_change="ignore": an edit is kept in the browser and sent with the save click, in one message. A rerun per
    # edit, sent 150 ms after the cell closes, could land after the click and take its trigger with it: the click
    # was lost (measured in the browser journey, one run in three).
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", placeholder="", key=f"cd_diem_{cluster.id}_{member}_{kind}_{version}",
        disabled=["code", "name", "kind", "max_points", "evidence_file"], on_change="ignore",
        column_order=[c for c in frame.columns if c != "criterion_id"],
        column_config={**ENTRY_TITLES,
                       "max_points": st.column_config.TextColumn("Tối đa"),
                       "target": st.column_config.NumberColumn("Chỉ tiêu", format="localized",
                                                               help="Chỉ tiêu định lượng được giao."),
                       "value": st.column_config.NumberColumn("Kết quả", format="localized", help=VALUE_HELP),
                       "met": st.column_config.SelectboxColumn(
                           "Đạt/không đạt", options=[round_table.MET, round_table.NOT_MET],
                           help="Chỉ cho tiêu chí định tính chấm đạt hoặc không đạt."),
                       "not_assigned": st.column_config.CheckboxColumn("Không giao"),
                       "evidence_date": st.column_config.DateColumn("Ngày văn bản", format="DD/MM/YYYY"),
                       "comment": st.column_config.TextColumn("Nhận xét / giải trình", width="large")})
    reason = st.text_input("Lý do thay đổi (bắt buộc, ghi vào nhật ký)", key=f"cd_ly_do_{version}", on_change="ignore")
    if st.button(f"Lưu điểm {rounds.ROUNDS[kind].lower()}", key="cd_luu_diem", type="primary"):
        save_round(edited, member, kind, reason, name)
    if kind in (rounds.TU_CHAM, rounds.GIAI_TRINH):
        evidence_part(member, kind, name)


VALUE_HELP = ("Định lượng: kết quả đạt được; định tính chấm điểm: số điểm (đạt/không đạt: chọn ở cột bên); theo lần, "
              "cộng/trừ: số lần. Số thập phân viết theo ngôn ngữ của trình duyệt (tiếng Việt: 95,5).")


def save_round(edited: pd.DataFrame, member: int, kind: str, reason: str, name: str) -> None:
    """Record the rows of the table that changed, with the reason; or say what is missing."""
    try:
        items = round_table.entries_from_table(edited, sheet.spec, member_id=member, round=kind)
    except Refused as error:
        show_error(error)
        return
    items = sheet_frames.changed_only(items, stored, round=kind)
    if not reason.strip():
        st.error("Ghi lý do thay đổi điểm: lý do được ghi vào nhật ký cùng người sửa.")
    elif not items:
        st.info("Chưa có thay đổi nào để lưu.")
    else:
        write(lambda s: entries.record_entries(s, who, items, round=kind, reason=reason.strip()),
              f"Đã lưu {rounds.ROUNDS[kind].lower()} {len(items)} tiêu chí của {name}.")


def evidence_part(member: int, kind: str, name: str) -> None:
    """Attach a stored file as the evidence of one criterion already entered in the round."""
    mine = {e.criterion_id: e for e in stored if e.member_id == member and e.round == kind}
    codes = {c.id: f"{c.code}. {c.name}" for c in sheet.spec.scored if c.id in mine}
    code_of = {c.id: c.code for c in sheet.spec.scored}
    with st.expander("Đính kèm tệp kiểm chứng cho một tiêu chí", icon=":material/attach_file:"):
        if not codes:
            st.caption("Lưu điểm của vòng trước, rồi đính kèm tệp cho từng tiêu chí.")
            return
        cfg = settings()
        # A form: the file, the criterion and the reason go with the click, in one message; its button waits while
        # the file is still uploading. Outside a form the upload's own rerun could follow the click and lose it.
        with st.form(f"cd_tep_form_{member}_{kind}_{version}", border=False):
            picked = st.selectbox("Tiêu chí", list(codes), format_func=codes.get, key=f"cd_tc_tep_{member}_{kind}")
            upload = file_uploader(f"Tệp ({attachments.ACCEPTED}; tối đa {cfg.attachment_limit_mb:g} MB)",
                                   list(attachments.UPLOAD_TYPES), key=f"cd_tep_{member}_{kind}_{version}",
                                   max_mb=cfg.attachment_limit_mb)
            reason = st.text_input("Lý do (ghi vào nhật ký)", key=f"cd_ly_do_tep_{version}",
                                   value="Bổ sung tệp kiểm chứng")
            sent = st.form_submit_button("Đính kèm tệp", key="cd_dinh_kem")
        if not sent:
            return
        if upload is None:
            st.error("Chọn tệp kiểm chứng cần đính kèm.")
            return
        row = mine[picked]
        item = EntryInput(member, picked, row.value, row.target, bool(row.not_assigned), row.evidence_number,
                          row.evidence_date, row.comment)
        evidence = Evidence(attachments.store_of(cfg), upload, upload.name, attachments.limit_of(cfg))
        write(lambda s: entries.record_entry(s, who, item, round=kind, reason=reason.strip(), evidence=evidence),
              f"Đã đính kèm “{upload.name}” cho tiêu chí {code_of[picked]} của {name}.")


def publish_part() -> None:
    if not can_write:
        return
    if sheet.published_on is None:
        sure = st.checkbox("Tôi đã kiểm tra kết quả: công bố chính thức (mọi vòng khóa lại)", key="cd_chac_cong_bo")
        if st.button("Công bố kết quả", key="cd_cong_bo", disabled=not sure, type="primary"):
            write(lambda s: rounds.publish(s, who, sheet_id=sheet.sheet_id),
                  f"Đã công bố kết quả chấm điểm {cluster.code} năm {year}.")
        return
    reason = st.text_input("Lý do hủy công bố (bắt buộc)", key=f"cd_ly_do_huy_{version}")
    if st.button("Hủy công bố", key="cd_huy_cong_bo"):
        write(lambda s: rounds.unpublish(s, who, sheet_id=sheet.sheet_id, reason=reason),
              f"Đã hủy công bố kết quả chấm điểm {cluster.code} năm {year}.")


DETAIL_TITLES = {"code": "Mã", "name": "Tiêu chí", "max_points": "Tối đa", "self_value": "Tự chấm (kết quả)",
                 "self_points": "Điểm tự chấm", "appraised_value": "Thẩm định (kết quả)",
                 "appraised_points": "Điểm thẩm định", "cut": "Bị trừ", "comment": "Nhận xét của đoàn thẩm định",
                 "explanation": "Giải trình", "evidence": "Tài liệu kiểm chứng"}


def member_part() -> None:
    ours = [m for m in result.members if m.is_us]
    choices = member_names() if result.we_are_head else {m.member_id: "★ " + m.name for m in ours}
    if not choices:
        st.info("Sở không là thành viên của cụm này trong năm.")
        return
    if not result.we_are_head:
        st.caption("Sở là thành viên của cụm: xem điểm tự chấm của Sở so với kết quả thẩm định.")
    picked = st.selectbox("Thành viên", list(choices), format_func=choices.get, key=f"cd_xem_{cluster.id}",
                          persist_state="page")
    m = next(x for x in result.members if x.member_id == picked)
    ranked = sum(x.rank is not None for x in result.members)
    cols = st.columns(4)
    cols[0].metric("Tự chấm", pts(m.self_score) or "Chưa chấm")
    cols[1].metric("Thẩm định", pts(m.appraised_score) or "Chưa thẩm định")
    cols[2].metric("Tổng điểm / tối đa áp dụng", f"{pts(m.total)}/{pts(m.applicable_max)}",
                   help=f"Điểm cộng {pts(m.bonus)}, điểm trừ {pts(m.penalty)}.")
    cols[3].metric("Xếp hạng", f"{m.rank}/{ranked}" if m.rank else "Chưa xếp hạng",
                   help=f"Tỷ lệ đạt {format_number(m.percent, 2)}% điểm tối đa áp dụng.")
    shown = read(views.member_view, member_id=picked, **arguments)
    st.dataframe(shown.detail[list(DETAIL_TITLES)].fillna("").rename(columns=DETAIL_TITLES), hide_index=True,
                 width="stretch")
    if shown.cut:
        st.caption(shown.cut)
    if result.we_are_head:
        templates_part(picked, choices[picked].lstrip("★ "))


def templates_part(member: int, name: str) -> None:
    """The head's template per member, and a filled one read back (self-score or appraisal) through the safe reader."""
    def template() -> bytes:
        with db_read() as session:
            return _member_template().member_workbook(session, year=year, cluster_code=cluster.code, member_id=member,
                                                   round="self")

    st.download_button(f"Tải mẫu chấm điểm của {name} (.xlsx)", data=template, mime=XLSX, key="cd_tai_mau",
                       on_click="ignore", file_name=f"cham_diem_{cluster.code.replace(' ', '_')}_{year}_{member}.xlsx")
    if not can_write:
        return
    left, right = st.columns([1, 2])
    kind = left.radio("Tệp là", ["self", "appraisal"], key="cd_nhap_vong",
                      format_func={"self": "Tự chấm của thành viên", "appraisal": "Kết quả thẩm định"}.get)
    upload = file_uploader("Tệp chấm điểm đã điền (.xlsx)", ["xlsx"], key=f"cd_nhap_tep_{version}", container=right)
    if upload is not None and st.button("Nhập điểm từ tệp", key="cd_nhap_bang"):
        member_template = _member_template()
        with db_read() as session:
            report = member_template.read_member_sheet(session, upload.getvalue(), file_name=upload.name, year=year,
                                                       cluster_code=cluster.code, round=kind, settings=settings())
        if report.errors:
            st.error(f"“{upload.name}” chưa nhập được, không ghi gì: {len(report.errors)} lỗi.")
            show_issues(report.errors, key="cd_nhap", empty="")
            return
        target = member_template.round_kind(kind)
        changed = report.entries
        write(lambda s: entries.record_entries(s, who, changed, round=target, reason=f"Nhập từ tệp {upload.name}"),
              f"Đã nhập {len(changed)} tiêu chí từ “{upload.name}” ({', '.join(report.members)}).")


# Lazy tabs: only the open tab's part runs and is sent (Streamlit otherwise runs and draws every tab's tables and
# charts at every run, hidden ones too: the browser spent 2–3 s drawing them at a first view). A tab change reruns
# the page; the open tab is kept in "cd_the", so a save's rerun stays on it. The picks that must outlive a tab
# change (cluster and year above the tabs; round and member below, persist_state="page") keep their values.
criteria_tab, rounds_tab, members_tab, results_tab = st.tabs(TABS, key="cd_the", on_change="rerun")
if criteria_tab.open:
    with criteria_tab:
        sheet_part()
elif sheet is None:
    next(t for t in (rounds_tab, members_tab, results_tab) if t.open).info(
        f"{cluster.code} chưa có bảng tiêu chí năm {year}: lập bảng tiêu chí trước.")
elif rounds_tab.open:
    with rounds_tab:
        deadlines_part()
        if not result.members:
            st.info("Cụm chưa có thành viên.")
        else:
            scoring_part()
            publish_part()
elif members_tab.open:
    with members_tab:
        member_part()
elif results_tab.open:
    with results_tab:
        _scoring_results.render(scoring, actor=who, year=year, cluster_code=cluster.code, arguments=arguments)
