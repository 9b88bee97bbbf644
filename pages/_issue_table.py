"""The problems of an uploaded file on the page: grouped by what they say (one row per unknown value), or row by row."""

from __future__ import annotations

import streamlit as st

from tdkt.core.text import format_number
from tdkt.importing import issue_groups
from tdkt.importing.nomination_lists import preview


def show_issues(issues: list, *, key: str, empty: str) -> None:
    """Draw a tab's problems: one line per group of rows saying the same thing (with their count and first rows),
    or, when asked, one line per row; `empty` when there are none."""
    if not issues:
        st.write(empty)
        return
    groups = issue_groups.group_issues(issues)
    by_row = len(groups) == len(issues) or st.toggle(
        "Xem từng dòng", key=f"issues_by_row_{key}",
        help="Mỗi vấn đề một dòng, theo thứ tự trong tệp (danh sách dài khi nhiều dòng cùng một vấn đề).")
    if by_row:
        st.dataframe(preview.issues_frame(issues), hide_index=True, width="stretch")
        return
    st.caption(f"{format_number(len(issues))} vấn đề, gộp thành {len(groups)} nhóm cùng nội dung (ví dụ "
               "cùng một đơn vị chưa có trong danh sách): mỗi nhóm một dòng, với số dòng và các dòng đầu tiên.")
    st.dataframe(issue_groups.groups_frame(issues), hide_index=True, width="stretch",
                 column_config={"Số dòng": st.column_config.NumberColumn(format="%d"),
                                "Nội dung": st.column_config.TextColumn(width="large")})
