"""Hội đồng TĐKT: the year's council members, a meeting with its attendance, the tallies per title (by hand or from a
sheet) judged by the rule of the meeting date, the move of the passed, a second round, ballots and minutes."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from pages._cache import read
from pages._common import REFUSAL, db_read, db_write, file_uploader, require_page, selected_year, settings
from tdkt.core import permissions
from tdkt.core.council_tables import ATTENDANCE_LABELS, COUNCIL_ROLE_LABELS, Attendance, CouncilRole
from tdkt.core.errors import Refused
from tdkt.core.text import format_date, format_number
from tdkt.council import council_page, meetings, members, outcomes, tallies, verdicts
from tdkt.council.members import MemberInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ROLE_BY_LABEL = {label: role.value for role, label in COUNCIL_ROLE_LABELS.items()}
MARK_BY_LABEL = {label: mark.value for mark, label in ATTENDANCE_LABELS.items()}
SHEET_TYPES = ["xlsx", "xlsm", "xls", "ods"]
who = require_page("xem")
if not members.may_read(who):  # app.py's menu says the same
    st.error(REFUSAL)
    st.stop()
can_write = permissions.can(who, "hoi_dong")
year = selected_year()
today = date.today()  # nominees are judged on it before their round's meeting
st.title(f"Hội đồng Thi đua - Khen thưởng năm {year}")
if flash := st.session_state.pop("flash_hoi_dong", None):
    kind, text = flash
    (st.warning if kind == "warning" else st.success)(text)


def done(text: str, kind: str = "success") -> None:
    """Keep the message for the next run and rerun the whole page (the counts of every part change)."""
    st.session_state["flash_hoi_dong"] = (kind, text)
    st.session_state["hoi_dong_round_key"] = st.session_state.get("hoi_dong_round_key", 0) + 1
    st.rerun()


def show_issues(issues) -> None:
    st.error(f"Tệp có {len(issues)} lỗi, chưa ghi gì. Sửa rồi tải lên lại.")
    st.dataframe(pd.DataFrame([{"Dòng": "" if i.row is None else str(i.row), "Cột": i.column or "",
                                "Lỗi": i.message} for i in issues]), hide_index=True, width="stretch")


def apply_sheet(upload, apply, message) -> None:
    """Apply an uploaded council sheet: `apply(sheet_tally, session, data, file_name)` in one transaction, then the
    sheet's errors listed (it wrote nothing) or `message(outcome, file_name)` shown after the page's rerun."""
    from tdkt.council import sheet_tally  # its sheet reader loads at the first upload, not at the page's first view

    try:
        with db_write() as session:
            outcome = apply(sheet_tally, session, upload.getvalue(), upload.name)
    except Refused as error:
        st.error(str(error))
        return
    if outcome.sheet.errors:
        show_issues(outcome.sheet.errors)
    else:
        done(message(outcome, upload.name))


def tallied(written: pd.DataFrame) -> str:
    """Return "3 đề nghị, đạt 2, chưa đạt 1" of the tallies just written."""
    passed = int((written.passed == True).sum())  # noqa: E712
    return f"{len(written)} đề nghị, đạt {passed}, chưa đạt {len(written) - passed}"


def blank(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return `frame` with the text columns' missing values as empty text (never "None" on the page)."""
    return frame.assign(**{c: frame[c].map(lambda v: v if isinstance(v, str) else "") for c in columns})


def council() -> council_page.CouncilPage:
    """The year's council as of this run's data version: read once per version (pages/_cache.py), then each part's
    rerun (a fragment's) reads the version only."""
    return read(council_page.council_page, year=year, today=today)


def papers():
    """The module that builds the council's .xlsx and .docx, imported at the first click (python-docx): none is built
    before its button is clicked."""
    from tdkt.reports import council_papers

    return council_papers


view = council()
size = view.size
rounds = [1, 2] if view.rounds[1].meeting is not None else [1]
round_no = st.radio("Vòng bỏ phiếu", rounds, horizontal=True, key="hoi_dong_round",
                    format_func=lambda r: "Vòng 1" if r == 1 else "Vòng 2 (bỏ phiếu lại các đề nghị chưa đạt)")
this = view.rounds[round_no].meeting
if size:
    st.caption(f"Hội đồng có {size} thành viên; tỷ lệ đồng ý tính trên tổng số thành viên, kể cả người vắng mặt. "
               + (f"Họp vòng {round_no} ngày {format_date(this.meeting_date)}." if this else
                  f"Chưa ghi cuộc họp vòng {round_no}."))


@st.fragment
def members_part() -> None:
    frame = council().members
    shown = blank(frame, ["unit", "position"])[["full_name", "role_label", "unit", "position"]]
    if not can_write:
        if frame.empty:
            st.info(f"Chưa có danh sách thành viên Hội đồng năm {year}.")
        else:
            st.dataframe(shown.rename(columns=members.TITLES), hide_index=True, width="stretch")
    else:
        st.caption("Sửa trực tiếp trong bảng (thêm, xóa dòng) rồi bấm “Lưu danh sách thành viên”; hoặc tải lên tệp "
                   "Excel có cột “Họ và tên”, “Chức vụ trong Hội đồng” (có thể thêm “Đơn vị”, “Chức vụ”).")
        edited = st.data_editor(
            shown, num_rows="dynamic", hide_index=True, width="stretch", placeholder="",
            key=f"hd_members_{year}_{st.session_state.get('hoi_dong_round_key', 0)}",
            column_config={"full_name": st.column_config.TextColumn("Họ và tên", required=True),
                           "role_label": st.column_config.SelectboxColumn(
                               "Chức vụ trong Hội đồng", options=list(ROLE_BY_LABEL), required=True,
                               default=COUNCIL_ROLE_LABELS[CouncilRole.UY_VIEN]),
                           "unit": "Đơn vị", "position": "Chức vụ"})
        given = [MemberInput(r.full_name, ROLE_BY_LABEL.get(r.role_label, r.role_label or ""),
                             r.unit if isinstance(r.unit, str) else None,
                             r.position if isinstance(r.position, str) else None)
                 for r in edited.itertuples() if isinstance(r.full_name, str) and r.full_name.strip()]
        # An empty table is not a council: the button waits for a name (a file goes through its own button below).
        if st.button("Lưu danh sách thành viên", key="hd_luu_thanh_vien", type="primary", disabled=not given,
                     help=None if given else "Bảng đang trống: ghi tên thành viên vào bảng, hoặc dùng tệp ở dưới."):
            try:
                with db_write() as session:
                    saved = members.replace_members(session, who, year=year, given=given)
            except Refused as error:
                st.error(str(error))
            else:
                done(f"Đã lưu {len(saved)} thành viên Hội đồng năm {year}.")
        st.markdown("**Hoặc thay cả danh sách bằng một tệp Excel**")
        upload = file_uploader("Tệp danh sách thành viên (.xlsx, .xls, .ods)", SHEET_TYPES, key="hd_members_file")
        if upload is not None and st.button("Thay Hội đồng bằng tệp này", key="hd_thay_tu_tep"):
            apply_sheet(upload, lambda sheet_tally, session, data, name: sheet_tally.members_from_sheet(
                            session, who, data, file_name=name, settings=settings(), year=year),
                        lambda outcome, name: f"Đã thay Hội đồng năm {year} bằng “{name}”: {len(outcome.members)} "
                                              "thành viên.")
    if not frame.empty:
        st.download_button("Tải danh sách thành viên (.xlsx)", data=members_file, mime=XLSX, key="hd_members_xlsx",
                           file_name=f"hoi_dong_{year}.xlsx", on_click="ignore")


def members_file() -> bytes:
    with db_read() as session:
        return papers().members_xlsx(session, year=year)


@st.fragment
def meeting_part() -> None:
    frame = council().rounds[round_no].attendance
    if frame.empty:
        st.info("Nhập danh sách thành viên trước khi ghi cuộc họp.")
        return
    if not can_write:
        if this is None:
            st.info(f"Chưa ghi cuộc họp vòng {round_no}.")
            return
        st.write(f"Ngày họp {format_date(this.meeting_date)}" + (f", tại {this.place}." if this.place else "."))
        st.dataframe(frame[["full_name", "role_label", "attendance_label"]].rename(columns={
            "full_name": "Họ và tên", "role_label": "Chức vụ trong Hội đồng", "attendance_label": "Tham dự"}),
            hide_index=True, width="stretch")
        return
    if round_no == 2 and this is None:
        st.caption("Khi Hội đồng quyết định bỏ phiếu lại cho các đề nghị chưa đạt ở vòng 1, ghi ngày họp vòng 2.")
    with st.form(f"hd_meeting_{round_no}"):
        a, b = st.columns(2)
        day = a.date_input("Ngày họp", value=this.meeting_date if this else None, format="DD/MM/YYYY",
                           key=f"hd_date_{round_no}")
        place = b.text_input("Địa điểm", value=(this.place or "") if this else "", key=f"hd_place_{round_no}")
        marks = st.data_editor(
            frame[["member_id", "full_name", "role_label", "attendance_label"]], hide_index=True, width="stretch",
            disabled=["full_name", "role_label"], key=f"hd_attendance_{year}_{round_no}",
            column_config={"member_id": None, "full_name": "Họ và tên", "role_label": "Chức vụ trong Hội đồng",
                           "attendance_label": st.column_config.SelectboxColumn(
                               "Tham dự", options=list(MARK_BY_LABEL), required=True)})
        saved = st.form_submit_button("Lưu cuộc họp", key="hd_luu_cuoc_hop", type="primary")
    if saved:
        given = {int(r.member_id): MARK_BY_LABEL.get(r.attendance_label, Attendance.CO_MAT.value)
                 for r in marks.itertuples()}
        try:
            with db_write() as session:
                meetings.save_meeting(session, who, year=year, round_no=round_no, meeting_date=day, place=place,
                                      marks=given)
        except Refused as error:
            st.error(str(error))
        else:
            done(f"Đã lưu cuộc họp vòng {round_no} ngày {format_date(day)}.")
    st.download_button("Tải thành phần dự họp (.xlsx)", data=attendance_file, mime=XLSX, key="hd_attendance_xlsx",
                       file_name=f"du_hop_{year}_vong_{round_no}.xlsx", on_click="ignore")


def attendance_file() -> bytes:
    with db_read() as session:
        return papers().attendance_xlsx(session, year=year, round_no=round_no)


def format_votes(value) -> str:
    """Return a vote count as text, empty before the vote."""
    return "" if value is None or value != value else str(int(value))


def title_grid(award: str, group: pd.DataFrame, *, writable: bool) -> dict[int, int]:
    """One title's nominees with their votes, share, verdict and forecast; return the votes typed (Office)."""
    first = group.iloc[0]
    higher = verdicts.HIGHER_COUNCILS.get(first.level)
    need = (f"Hội đồng Sở bỏ phiếu, {higher} xét với ngưỡng ≥ {int(first.threshold)}% tổng số thành viên (dự báo)"
            if higher else f"cần ≥ {int(first.threshold)}% tổng số thành viên đồng ý")
    st.markdown(f"**{award}** — {need} · {first.basis}")
    shown = blank(group, ["unit", "forecast"]).assign(
        share=["" if s is None or s != s else format_number(100 * s, 1) for s in group.share])[
        ["nomination_id", "name", "unit", "status_label", "votes_for", "share", "verdict", "forecast"]]
    if not any(isinstance(f, str) and f for f in group.forecast):  # a title the Sở decides
        shown = shown.drop(columns="forecast")
    if not writable:
        read = shown.assign(votes_for=[format_votes(v) for v in shown.votes_for])
        st.dataframe(read.drop(columns="nomination_id").rename(columns=tallies.TITLES), hide_index=True,
                     width="stretch")
        return {}
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", placeholder="",
        disabled=[c for c in shown.columns if c not in ("nomination_id", "votes_for")],
        key=f"hd_votes_{year}_{round_no}_{first.award_id}_{st.session_state.get('hoi_dong_round_key', 0)}",
        column_config={"nomination_id": None, **{k: tallies.TITLES[k] for k in
                                                 ("name", "unit", "status_label", "verdict", "forecast")},
                       "share": tallies.TITLES["share"],
                       "votes_for": st.column_config.NumberColumn("Số phiếu đồng ý", min_value=0, max_value=size,
                                                                  step=1)})
    before = dict(zip(shown.nomination_id, shown.votes_for, strict=True))
    return {int(i): int(v) for i, v in zip(edited.nomination_id, edited.votes_for, strict=True)
            if v == v and v is not None and before.get(i) != v}


@st.fragment
def tally_part() -> None:
    if not members.may_read_tallies(who):
        st.info("Kết quả bỏ phiếu của các đề nghị của đơn vị xem ở trang “Hồ sơ đề nghị” (cột số phiếu).")
        return
    now = council()
    frame, free = now.rounds[round_no].nominees, now.without_vote
    if frame.empty:
        st.info(f"Không có đề nghị nào cần Hội đồng bỏ phiếu ở vòng {round_no}.")
    writable = can_write and this is not None
    if can_write and this is None and not frame.empty:
        st.info(f"Ghi ngày họp và thành phần dự họp vòng {round_no} ở thẻ “Cuộc họp” trước khi nhập kết quả bỏ phiếu "
                "(ngưỡng và căn cứ theo ngày họp).")
    typed: dict[int, int] = {}
    for award, group in frame.groupby("award", sort=True):
        typed |= title_grid(award, group, writable=writable)
    if round_no == 1 and not free.empty:
        counts = free.groupby("award").size()
        st.caption("Không cần bỏ phiếu (chuyển sang “Hội đồng đã xét” không cần số phiếu): "
                   + "; ".join(f"{award} {n} đề nghị" for award, n in counts.items()) + ".")
    if writable and not frame.empty and st.button("Ghi kết quả bỏ phiếu", key="hd_luu_phieu", type="primary"):
        try:
            with db_write() as session:
                written = tallies.record(session, who, year=year, round_no=round_no, votes=typed)
        except Refused as error:
            st.error(str(error))
        else:
            passed = int((written.passed == True).sum())  # noqa: E712
            done(f"Đã ghi kết quả bỏ phiếu của {len(written)} đề nghị: đạt {passed}, chưa đạt {len(written) - passed}.")
    if writable:
        upload = file_uploader("Tệp kết quả kiểm phiếu (.xlsx, .xls, .ods): “Họ và tên”, “Danh hiệu”, “Số phiếu đồng "
                               "ý” (có thể thêm “Đơn vị”)", SHEET_TYPES, key="hd_tally_file")
        if upload is not None and st.button("Ghi kết quả từ tệp", key="hd_ghi_tu_tep"):
            apply_sheet(upload, lambda sheet_tally, session, data, name: sheet_tally.tally_from_sheet(
                            session, who, data, file_name=name, settings=settings(), year=year, round_no=round_no),
                        lambda outcome, name: f"Đã ghi kết quả bỏ phiếu từ “{name}”: {tallied(outcome.written)}.")
        if st.button("Chuyển các đề nghị đạt sang Hội đồng đã xét", key="hd_chuyen_dat"):
            try:
                with db_write() as session:
                    result = outcomes.advance_passed(session, who, year=year, round_no=round_no)
            except Refused as error:
                st.error(str(error))
            else:
                done(result.message(), "warning" if result.refused else "success")
    if not frame.empty:
        st.download_button("Tải kết quả bỏ phiếu (.xlsx)", data=tally_file, mime=XLSX, key="hd_tally_xlsx",
                           file_name=f"ket_qua_bo_phieu_{year}_vong_{round_no}.xlsx", on_click="ignore")


def tally_file() -> bytes:
    with db_read() as session:
        return papers().tally_xlsx(session, year=year, round_no=round_no)


def papers_part() -> None:
    if not can_write:
        st.caption("Văn phòng lập phiếu bầu và biên bản họp Hội đồng.")
        return
    titles = view.rounds[round_no].ballot_titles
    if not size:
        st.info("Nhập danh sách thành viên trước: mỗi thành viên một phiếu bầu.")
    elif not titles:
        st.caption(f"Không còn đề nghị nào chờ bỏ phiếu ở vòng {round_no}: không có phiếu bầu để in.")
    # Each file is built when its button is clicked (the 0.6 s of .docx a run this page spent before), from the data
    # of that moment; on_click="ignore" everywhere: a click that also reran the page could lose the file's answer.
    for i, award in enumerate(titles if size else []):
        st.download_button(f"Phiếu bầu “{award}” ({size} phiếu, .docx)", data=partial(ballot_file, award), mime=DOCX,
                           key=f"hd_ballot_{round_no}_{i}", file_name=f"phieu_bau_{year}_vong_{round_no}_{i + 1}.docx",
                           on_click="ignore")
    if this is not None:
        st.download_button(f"Biên bản họp Hội đồng vòng {round_no} (.docx)", data=minutes_file, mime=DOCX,
                           key=f"hd_minutes_{round_no}", file_name=f"bien_ban_hoi_dong_{year}_vong_{round_no}.docx",
                           on_click="ignore")
    else:
        st.caption(f"Biên bản có sau khi ghi cuộc họp vòng {round_no}.")


def ballot_file(award: str) -> bytes:
    with db_read() as session:
        return papers().ballots(session, who, year=year, round_no=round_no, award_name=award, settings=cfg)


def minutes_file() -> bytes:
    with db_read() as session:
        return papers().minutes(session, who, year=year, round_no=round_no, settings=cfg)


cfg = settings()  # read in the run: a file is built outside it, when its button is clicked
# Lazy tabs: only the open tab's part runs and is sent (a tab change reruns the page). Drawing all four, each title's
# vote grid and the attendance editor included, on every run made the page's first view and each tab change wait for
# the hidden ones. What must outlive a tab change is outside them: the round (above) and the flash message; an edit
# not saved in a grid is dropped when its tab is left, as Streamlit drops the state of widgets it does not draw.
TABS = {"Thành viên": members_part, "Cuộc họp": meeting_part, "Bỏ phiếu": tally_part,
        "Phiếu bầu, biên bản": papers_part}
for tab, part in zip(st.tabs(list(TABS), key="hoi_dong_tab", on_change="rerun"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            part()
