"""Hồ sơ đề nghị: every nomination of the year and its step; the Office ticks some, or selects all that a filter shows
(by step, award, unit, text), and moves them along the path in one step."""

from datetime import date

import streamlit as st

from pages._attachments import nomination_documents
from pages._common import db_read, db_write, require_page, selected_year, show_findings
from tdkt.awards import checklist, dossier_moves, dossiers, eligibility, mau_tdkt
from tdkt.awards.rules.case import LocalPolicy
from tdkt.core import export, permissions
from tdkt.core.errors import Refused
from tdkt.core.models import NOMINATION_STATUS_LABELS, NominationStatus
from tdkt.core.read_cache import cached, shared
from tdkt.core.text import fold, format_number

S = NominationStatus
ALL = ""
# bench/pages.py at 1M nominations: a year of 100k rows goes to the browser a page at a time, and is judged by the law
# (each nominee's history: about 4 s CPU per 100) as a whole only while it is small.
PAGE, JUDGE_ALL = 100, 2_000
who = require_page()
can_move = permissions.can(who, "xu_ly_ho_so")
year = selected_year()
st.title(f"Hồ sơ đề nghị khen thưởng năm {year}")
if flash := st.session_state.pop("flash_ho_so", None):
    kind, text = flash if isinstance(flash, tuple) else ("success", flash)
    (st.warning if kind == "warning" else st.success)(text)
with db_read() as session:
    counts = cached(session, dossiers.counts, year=year, actor=who)
for column, (status, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(status.label, n)


def policy_form() -> None:
    box = st.expander(f"Quy định khen thưởng của địa phương năm {year} (tùy chọn)", key="ho_so_policy_open",
                      on_change="rerun")
    if not box.open:  # its form is read and drawn only while open
        return
    with box:
        with db_read() as session:
            policy = eligibility.policy_for(session, year=year)
        with st.form("ho_so_policy"):
            st.caption("Pháp luật hiện hành không đặt trần tỷ lệ: mặc định tắt. Chỉ bật khi tỉnh có quy định riêng.")
            cap_on = st.checkbox("Đặt trần số “Chiến sĩ thi đua cơ sở” theo tỷ lệ số “Lao động tiên tiến”",
                                 value=policy.cstdcs_share_cap is not None)
            cap = st.number_input("Mức trần (%)", min_value=1, max_value=100, step=1,
                                  value=int(round((policy.cstdcs_share_cap or 0.15) * 100)))
            legacy = st.checkbox("Không xét “Lao động tiên tiến” cho người bị kỷ luật trong năm",
                                 value=policy.disciplined_not_ldtt)
            if st.form_submit_button("Lưu quy định", key="ho_so_policy_save"):
                try:
                    with db_write() as session:
                        eligibility.set_policy(session, who, year=year, policy=LocalPolicy(
                            cstdcs_share_cap=cap / 100 if cap_on else None, disciplined_not_ldtt=legacy))
                except Refused as error:
                    st.error(str(error))
                else:
                    st.session_state["flash_ho_so"] = f"Đã lưu quy định của địa phương năm {year}."
                    st.rerun()


def national_workbook() -> bytes:
    with db_read() as session:
        return mau_tdkt.export_decisions(session, year=year, actor=who)


def findings_section(findings, cap) -> None:
    if cap:
        st.warning(f"{cap['reason']} ({cap['basis']})")
    if not findings:
        return
    # Lazy (drawn only while open): up to 200 names and reasons, and a download, are not sent on every filter change.
    box = st.expander(f"⚠️ {len(findings)} đề nghị chưa đủ điều kiện theo luật — xem lý do và căn cứ",
                      key="ho_so_findings_open", on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption("Xét theo xếp loại, kỷ luật, khen thưởng và sáng kiến đã ghi nhận (trang Tra cứu cá nhân, tập thể); "
                   "bộ quy tắc theo ngày quyết định (chưa có quyết định: theo hôm nay).")
        findings_frame = eligibility.findings_table(findings)
        show_findings(findings_frame)
        st.download_button("Tải danh sách chưa đủ điều kiện (.xlsx)", key="ho_so_findings_xlsx",
                           file_name=f"chua_du_dieu_kien_{year}.xlsx",
                           data=lambda: export.to_xlsx({"Chưa đủ điều kiện": findings_frame.rename(columns={
                               "nomination_id": "Số đề nghị", "name": "Tên", "award": "Danh hiệu/Hình thức",
                               "unit": "Đơn vị", "rules": "Quy tắc", "reasons": "Lý do, căn cứ"})},
                               title=f"Đề nghị năm {year} chưa đủ điều kiện theo luật"),
                           on_click="ignore")


def filters(awards: list[str], units: list[str]):
    """The filter row; return the ids it shows, in the table's order, and a key naming the filter (the grid's ticks
    belong to it). The database filters and orders them (`dossiers.ordered`), once per data version and filter."""
    steps = st.columns([1, 2, 2])
    status = steps[0].selectbox("Bước", [ALL, *S], key="ho_so_status",
                                format_func=lambda s: NOMINATION_STATUS_LABELS[s] if s else "Tất cả")
    award = steps[1].selectbox("Danh hiệu, hình thức", [ALL, *awards], key="ho_so_award",
                               format_func=lambda a: a or "Tất cả")
    unit = steps[2].selectbox("Đơn vị", [ALL, *units], key="ho_so_unit", format_func=lambda u: u or "Tất cả")
    text = st.text_input("Tìm theo tên, danh hiệu, đơn vị, quyết định", key="ho_so_text")
    # Tuples of ids are shared, not copied: nothing changes them.
    with db_read() as session:
        ids = shared(session, dossiers.ordered, year=year, actor=who, status=status or None, award=award or None,
                     unit=unit or None)
        if fold(text):  # the ids that hold the text (the decision's too), per data version
            found = set(shared(session, dossiers.matching, year=year, actor=who, text=fold(text)))
            ids = tuple(i for i in ids if i in found)
    chosen = [fold(str(v)) for v in (status, award, unit, text)]
    return ids, "|".join(chosen) if any(chosen) else "all"


def page_of(ids: tuple[int, ...], where: str):
    """The page of the filtered ids shown (PAGE of them), with the pager when there are more; return the page's ids
    and its number."""
    pages = max(1, -(-len(ids) // PAGE))
    number = 1
    if pages > 1:
        left, right = st.columns([1, 4], vertical_alignment="bottom")
        number = int(left.number_input(f"Trang (1–{pages})", min_value=1, max_value=pages, value=1, step=1,
                                       key=f"ho_so_page_{where}_{pages}"))  # anew when the rows change
        first = (number - 1) * PAGE
        right.caption(f"Dòng {format_number(first + 1)}–{format_number(min(first + PAGE, len(ids)))} trong "
                      f"{format_number(len(ids))} đề nghị đang lọc. Dấu chọn từng dòng giữ trong trang đang xem; "
                      "“Chọn tất cả” chọn mọi trang.")
    return ids[(number - 1) * PAGE:number * PAGE], number


def shown_table(frame, findings, lacking):
    flagged = {f.nomination_id: " ".join(x["reason"] for x in f.failures) for f in findings}
    frame = frame.assign(rules=[flagged.get(int(i), "") for i in frame.id],
                         missing=[("Thiếu: " + "; ".join(lacking[int(i)])) if lacking.get(int(i)) else "Đủ"
                                  for i in frame.id])
    return frame, frame[["name", "award", "unit", "status_label", "votes", "decision", "missing", "rules"]].rename(
        columns={"name": "Tên cá nhân/tập thể", "award": "Danh hiệu/Hình thức", "unit": "Đơn vị",
                 "status_label": "Bước", "votes": "Phiếu Hội đồng", "decision": "Quyết định",
                 "missing": "Tài liệu hồ sơ", "rules": "Chưa đủ điều kiện theo luật"})


# Sized by hand: auto-sized, a decision ("số 12/QĐ-UBND ngày 15/01/2026, Chủ tịch UBND tỉnh Lạng Sơn") and the
# reasons were cut to their first words.
WIDTHS = {"Tên cá nhân/tập thể": st.column_config.TextColumn(width="medium"),
          "Danh hiệu/Hình thức": st.column_config.TextColumn(width="medium"),
          "Quyết định": st.column_config.TextColumn(width="large"),
          "Tài liệu hồ sơ": st.column_config.TextColumn(width="medium"),
          "Chưa đủ điều kiện theo luật": st.column_config.TextColumn(width="large")}


def pick(ids: tuple[int, ...], page, shown, where: str, number: int) -> tuple[int, ...]:
    """The Office's grid of the page's rows with a tick each, or every filtered row at once (every page); return the
    ticked ids, in the table's order."""
    round_ = st.session_state.setdefault("ho_so_round", 0)
    every = st.checkbox(f"Chọn tất cả {format_number(len(ids))} đề nghị đang lọc", key=f"ho_so_all_{where}_{round_}",
                        help="Chọn mọi đề nghị mà bộ lọc (bước, danh hiệu, đơn vị, tìm kiếm) đang hiển thị, ở mọi "
                             "trang.")
    pickable = shown.copy()
    pickable.insert(0, "Chọn", every)
    grid = st.data_editor(pickable, hide_index=True, width="stretch", disabled=list(shown.columns),
                          column_config=WIDTHS, key=f"ho_so_grid_{year}_{where}_{int(every)}_{round_}"
                          + (f"_p{number}" if number > 1 else ""))
    ticks = grid["Chọn"].to_numpy()
    if not every:
        return tuple(int(i) for i in page.id[ticks])
    unticked = {int(i) for i in page.id[~ticks]}  # all, but the rows unticked on this page
    return tuple(i for i in ids if i not in unticked)


def move_form(ticked: tuple[int, ...], flagged: dict[int, str]) -> None:
    """The step to move to, what it needs (each title's own votes where its council vote has a threshold), and the
    move; the refused rows are named with their reasons, the others move. Only the rows named are read."""
    targets = [S.HOI_DONG, S.DA_TRINH, S.CO_QUYET_DINH, S.KHONG_DUYET, S.DE_NGHI]
    to = st.selectbox("Chuyển sang", targets, key="ho_so_to", format_func=lambda s: (
        "Đề nghị (trả lại để sửa kết quả Hội đồng)" if s == S.DE_NGHI else NOMINATION_STATUS_LABELS[s]))
    warned = [i for i in ticked if flagged.get(i)]
    ids = list(ticked)
    with db_read() as session:
        voted = dossier_moves.thresholds(session, nomination_ids=ids) if to == S.HOI_DONG else {}
        tallied = dossier_moves.council_votes(session, nomination_ids=list(voted)) if voted else {}
        named = dossiers.details(session, nomination_ids=tuple(dict.fromkeys([*ticked[:30], *warned[:10], *voted])))
    named = named.set_index("id")
    # r.name would be the row's index (the id) once "id" is the index: the column is read by its label.
    label = {int(i): f"{r['name']} — {r['award']}" for i, r in named.iterrows()}
    if warned and to in (S.HOI_DONG, S.DA_TRINH, S.CO_QUYET_DINH):
        st.warning(f"{len(warned)} đề nghị đã chọn chưa đủ điều kiện theo luật (xem lý do ở trên): "
                   + "; ".join(label[i] for i in warned[:10] if i in label)
                   + (" …" if len(warned) > 10 else "") + ". Vẫn có thể chuyển bước nếu Hội đồng đã cân nhắc.")
    fields, votes = {}, {}
    with st.form("ho_so_form"):
        names = [label[i] for i in ticked[:30] if i in label]
        st.caption(f"Đã chọn {len(ticked)}: " + "; ".join(names) + (" …" if len(ticked) > 30 else ""))
        if to == S.HOI_DONG and voted:
            # The council's secret vote is tallied nominee by nominee on Hội đồng TĐKT, judged by the rule of its
            # meeting date; only those it recorded passed move, with its figures. The other titles need no vote.
            st.caption(f"{len(voted)} đề nghị có danh hiệu cần Hội đồng bỏ phiếu kín (tỷ lệ tính trên tổng số thành "
                       "viên): chỉ chuyển được đề nghị đã có kết quả kiểm phiếu đạt, ghi trên trang “Hội đồng TĐKT”. "
                       "Các danh hiệu khác chuyển không cần số phiếu.")
            chosen = [i for i in ticked if i in voted and i in named.index]
            rows = named.loc[chosen, ["name", "award"]].assign(
                need=[f"≥ {voted[i]}%" for i in chosen], votes=[tally_text(tallied.get(i)) for i in chosen])
            st.dataframe(rows.rename(columns={"name": "Tên cá nhân/tập thể", "award": "Danh hiệu",
                                              "need": "Cần đồng ý", "votes": "Kết quả Hội đồng"}),
                         hide_index=True, width="stretch")
        elif to == S.DA_TRINH:
            fields["submitted_on"] = st.date_input("Ngày trình", value=date.today(), format="DD/MM/YYYY")
        elif to == S.CO_QUYET_DINH:
            a, b, c = st.columns(3)
            fields["decision_number"] = a.text_input("Số quyết định", placeholder="123/QĐ-UBND")
            fields["decision_date"] = b.date_input("Ngày quyết định", value=None, format="DD/MM/YYYY")
            fields["decision_authority"] = c.text_input("Cơ quan ban hành", placeholder="UBND tỉnh Lạng Sơn")
        submitted = st.form_submit_button(f"Chuyển {len(ids)} đề nghị", type="primary", key="ho_so_move")
    if not submitted:
        return
    try:
        with db_write() as session:
            result = dossier_moves.move(session, who, nomination_ids=ids, to=to, votes=votes, **fields)
    except Refused as error:
        st.error(str(error))
        return
    st.session_state["flash_ho_so"] = ("warning" if result.refused else "success", result.message())
    st.session_state["ho_so_round"] = st.session_state.get("ho_so_round", 0) + 1
    st.rerun()  # the whole page: the counts above change too


def tally_text(tally) -> str:
    """Return a council tally as the move form shows it: votes of all members, and passed or not."""
    if tally is None:
        return "Chưa bỏ phiếu"
    share = format_number(100 * tally.votes_for / tally.members, 1) if tally.members else "0"
    return (f"{tally.votes_for}/{tally.members} ({share}%) — {'đạt' if tally.passed else 'chưa đạt'}, vòng "
            f"{tally.round_no}")


# A filter, a tick or the step chosen reruns this part only, on results cached per data version (read_cache): the
# counts above, the sign-in check and the navigation are not run again.
@st.fragment
def nominations() -> None:
    with db_read() as session:
        awards, units = cached(session, dossiers.choices, year=year, actor=who)
        cap = cached(session, eligibility.share_cap, year=year, actor=who)
    ids, where = filters(awards, units)
    if not ids:
        st.info(f"Không có đề nghị nào trong năm {year} khớp điều kiện lọc.")
        return
    page_ids, number = page_of(ids, where)
    whole_year = sum(counts.values()) <= JUDGE_ALL
    with db_read() as session:
        rows = cached(session, dossiers.details, nomination_ids=page_ids)
        lacking = cached(session, checklist.missing_documents, nomination_ids=page_ids)
        # today is in the key: the rule set in force depends on it, as the verdicts do. Judging reads each
        # nominee's history: the whole year while it is small, else the page shown, when asked.
        judge = whole_year or st.toggle(
            f"Xét theo luật {len(page_ids)} đề nghị của trang này (xếp loại, kỷ luật, thành tích, sáng kiến đã ghi "
            "nhận)", key="ho_so_rules", help=f"Năm có hơn {format_number(JUDGE_ALL)} đề nghị: xét từng trang khi cần.")
        findings = cached(session, eligibility.judge_nominations, year=year, actor=who, today=date.today(),
                          nomination_ids=None if whole_year else page_ids) if judge else []
    page, shown = shown_table(rows, findings, lacking)
    findings_section(findings, cap)
    nomination_documents(who, page, year=year, expanded=not can_move, lazy_key="ho_so_documents_open")
    if not can_move:
        st.dataframe(shown, hide_index=True, width="stretch", column_config=WIDTHS)
        return
    flagged = {f.nomination_id: " ".join(x["reason"] for x in f.failures) for f in findings}
    ticked = pick(ids, page, shown, where, number)
    st.subheader("Chuyển bước các đề nghị đã chọn")
    if not ticked:
        st.info("Đánh dấu ô “Chọn” ở các dòng cần chuyển bước, hoặc “Chọn tất cả” các đề nghị đang lọc.")
        return
    move_form(ticked, flagged)


# What no filter changes stands outside the fragment, so that a filter's run does not send it again: the national
# workbook (built only when clicked, a callable) and the local policy.
st.download_button(f"Tải quyết định khen thưởng năm {year} theo mẫu nhập liệu quốc gia (.xlsx)",
                   data=national_workbook, file_name=f"MauTDKT_quyet_dinh_{year}.xlsx", key="ho_so_mau_tdkt",
                   help="Theo bố cục MauTDKT_20231004.xlsx: cột và mã danh hiệu (HTKT), phân loại đối tượng "
                        "(PLDT), lĩnh vực hoạt động đã điền sẵn.", on_click="ignore")
if can_move:
    policy_form()
nominations()
