"""The outputs of a cluster's scoring, drawn under the Chấm điểm page (pages/cham_diem.py calls `render`): our rank,
the charts, the summary table and the members' templates to download, and the proposal drafted from the ranking."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st
from plotly.graph_objects import Figure

from pages._cache import PLOTLY, drawn
from pages._common import db_read, db_write, settings, show_error, show_findings
from tdkt.awards import eligibility
from tdkt.core.errors import Refused
from tdkt.core.permissions import Actor, can
from tdkt.core.text import format_number
from tdkt.reports import scoring_charts
from tdkt.scoring import outputs, proposals, views
from tdkt.scoring.results import ClusterResult
from tdkt.scoring.views import ClusterScoring

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"


def _our_line(result: ClusterResult) -> None:
    """Our rank and points in one line, or why there is none."""
    ours = scoring_charts.us(result)
    ranked = len(scoring_charts.scored(result))
    if ours is None:
        st.info("Sở không là thành viên của cụm này trong năm.")
    elif ours.rank is None:
        st.info("Sở chưa có điểm trong cụm này.")
    else:
        left, middle, right = st.columns(3)
        left.metric("Xếp hạng của Sở", f"{ours.rank}/{ranked}")
        middle.metric("Tổng điểm", scoring_charts.points_text(ours.total),
                      help=f"Điểm tối đa áp dụng: {scoring_charts.points_text(ours.applicable_max)}.")
        right.metric("Tỷ lệ đạt", f"{format_number(ours.percent, 2)}%")
    st.caption(outputs.status_text(result))


class Figures(NamedTuple):
    """The outputs' figures, None where there is nothing to draw."""

    ranking: Figure | None
    groups: Figure | None
    years: Figure | None


def figures(scoring: ClusterScoring, **_arguments) -> Figures:
    """Build the percent ranking, our points by group and our rank over the years (for `pages/_cache.drawn`)."""
    result = scoring.result
    if not scoring_charts.scored(result):
        return Figures(None, None, None)
    ours = scoring_charts.us(result)
    return Figures(scoring_charts.percent_ranking(result),
                   scoring_charts.group_comparison(result) if ours is not None and ours.rank is not None else None,
                   scoring_charts.rank_over_years(scoring.history, cluster_name=result.cluster_name)
                   if [h for h in scoring.history if h[1] is not None] else None)


def _charts(arguments: dict) -> None:
    """The percent ranking, our points by group beside the average and the leader, our rank over the years: built
    once per data version and shared (`pages/_cache.drawn`; st.cache_resource hashed the ClusterResult at every run,
    40 ms of the page's 0.16 s)."""
    shown = drawn(figures, views.cluster_scoring, **arguments)
    if shown.ranking is None:
        st.caption("Chưa có đơn vị nào được chấm điểm: chưa có biểu đồ.")
        return
    st.plotly_chart(shown.ranking, key="cd_chart_ranking", **PLOTLY)
    if shown.groups is not None:
        st.plotly_chart(shown.groups, key="cd_chart_groups", **PLOTLY)
    if shown.years is not None:
        st.plotly_chart(shown.years, key="cd_chart_years", **PLOTLY)


def _downloads(result: ClusterResult, year: int, cluster_code: str) -> None:
    """The summary table (.xlsx, .docx) built when its button is clicked, and the members' templates."""
    def signers():
        with db_read() as session:
            return outputs.signers(session, year=year, cluster_code=cluster_code)

    def workbook() -> bytes:  # on click only: the summary's module loads python-docx (0.4–1.3 s on a first view)
        from tdkt.reports import scoring_summary

        return scoring_summary.workbook(result, settings=settings(), signers=signers())

    def document() -> bytes:
        from tdkt.reports import scoring_summary

        return scoring_summary.document(result, settings=settings(), signers=signers())

    stem = f"tong_hop_cham_diem_{result.cluster_code.replace(' ', '_')}_{year}"
    left, right = st.columns(2)
    left.download_button("Tải bảng tổng hợp (.xlsx)", data=workbook, file_name=f"{stem}.xlsx", mime=XLSX,
                         key="cd_tai_tong_hop_xlsx", on_click="ignore",
                         help="In khổ A4 ngang, vừa một trang theo chiều rộng.")
    right.download_button("Tải bảng tổng hợp để ký (.docx)", data=document, file_name=f"{stem}.docx", mime=DOCX,
                          key="cd_tai_tong_hop_docx", on_click="ignore",
                          help="Thể thức Nghị định 30/2020/NĐ-CP, chữ ký của cụm trưởng và cụm phó.")


def _count(actor: Actor, year: int, cluster_code: str, count: int) -> None:
    """The number of ranks after the leader proposed for the Bằng khen, changed by the Office."""
    with st.form("cd_so_bang_khen_form"):
        chosen = st.number_input("Số đơn vị đề nghị Bằng khen (sau đơn vị dẫn đầu)", min_value=0,
                                 max_value=proposals.MAX_COUNT, value=count, step=1)
        if st.form_submit_button("Lưu số đơn vị", key="cd_luu_so_bang_khen"):
            try:
                with db_write() as session:
                    proposals.set_bang_khen_count(session, actor, year=year, cluster_code=cluster_code,
                                                  count=int(chosen))
                st.rerun()
            except Refused as error:
                show_error(error)


def _outcome(outcome: proposals.ProposalOutcome) -> None:
    (st.success if outcome.created else st.info)(outcome.message)
    if outcome.findings:
        st.caption("Kiểm tra điều kiện của các đề nghị vừa tạo (Hồ sơ đề nghị xét tiếp):")
        show_findings(eligibility.findings_table(list(outcome.findings)))


def _proposal(scoring: ClusterScoring, actor: Actor, year: int, cluster_code: str) -> None:
    """What the final ranking proposes, each line with its nomination once drafted, and the two buttons."""
    st.subheader("Đề nghị khen thưởng theo kết quả")
    result, plan = scoring.result, scoring.plan
    if plan is None or plan.awards is None:
        st.caption("Cụm này không đề nghị Cờ thi đua, Bằng khen theo kết quả chấm điểm.")
        return
    st.caption(f"Hạng 1: {plan.awards.flag}; {plan.count} hạng tiếp theo: {plan.awards.merit}."
               + (f" {plan.awards.note}" if plan.awards.note else ""))
    for problem in plan.problems:
        st.warning(problem)
    if plan.lines:
        st.dataframe({"Hạng": [x.rank for x in plan.lines], "Đơn vị": [("★ " if x.is_us else "") + x.member
                                                                       for x in plan.lines],
                      "Tỷ lệ (%)": [format_number(x.percent, 2) for x in plan.lines],
                      "Đề nghị": [x.award for x in plan.lines],
                      "Đã tạo": [f"Số {x.nomination_id} · {x.status}" if x.nomination_id else "Chưa"
                                 for x in plan.lines]}, hide_index=True, width="stretch")
    if not can(actor, "cham_diem"):
        return
    _count(actor, year, cluster_code, plan.count)
    ready = not plan.problems and bool(plan.lines)
    left, right = st.columns(2)
    clicked = None
    if result.we_are_head and left.button("Lập đề nghị khen thưởng của cụm", key="cd_de_nghi_cum", disabled=not ready,
                                          type="primary", help="Tạo các đề nghị ở bước “Đề nghị” (Hồ sơ đề nghị)."):
        clicked = proposals.propose_cluster
    if any(x.is_us for x in plan.lines) and right.button("Ghi nhận đề nghị của Sở", key="cd_de_nghi_so",
                                                          disabled=not ready):
        clicked = proposals.propose_ourselves
    if clicked is not None:
        try:
            with db_write() as session:
                outcome = clicked(session, actor, year=year, cluster_code=cluster_code)
            st.session_state["cd_outcome"] = outcome
            st.rerun()
        except Refused as error:
            show_error(error)
    if (outcome := st.session_state.pop("cd_outcome", None)) is not None:
        _outcome(outcome)


def render(scoring: ClusterScoring, *, actor: Actor, year: int, cluster_code: str, arguments: dict) -> None:
    """Draw a cluster's scoring outputs for the signed-in user (every role reads; the Office proposes); `scoring` is
    `views.cluster_scoring(**arguments)`, read by the page."""
    result = scoring.result
    st.subheader(f"Kết quả chấm điểm {result.cluster_name} năm {year}")
    _our_line(result)
    _charts(arguments)
    _downloads(result, year, cluster_code)
    _proposal(scoring, actor, year, cluster_code)
