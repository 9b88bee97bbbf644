"""Hand entry on Tải lên danh sách: add one nomination, or edit one still at "Đề nghị", with the list's checks."""

from __future__ import annotations

import math

import streamlit as st

from pages._common import actor, db_read, db_write
from tdkt.awards import catalog, categories, nominations
from tdkt.core import units
from tdkt.core.errors import Refused
from tdkt.core.models import TARGET_LABELS, Role, Target


def _form(key: str, *, year: int, current: dict | None, award_names: list[str], unit_names: list[str],
          unit_blank: bool = True):
    current = current or {}
    targets = list(Target)
    with st.form(key, clear_on_submit=current == {}):
        c1, c2 = st.columns(2)
        target = c1.selectbox("Đối tượng", targets, format_func=lambda t: TARGET_LABELS[t],
                              index=targets.index(Target(current.get("target", "ca_nhan"))))
        name = c2.text_input("Họ tên / Tên tập thể", current.get("name") or "")
        award = st.selectbox("Danh hiệu/Hình thức khen thưởng", award_names,
                             index=award_names.index(current["award"]) if current.get("award") in award_names else 0)
        c3, c4, c5 = st.columns(3)
        genders = ["", "Nam", "Nữ"]
        gender = c3.selectbox("Giới tính", genders, index=genders.index(current.get("gender") or ""),
                              format_func=lambda g: g or "—")
        birth = c4.number_input("Năm sinh", min_value=1930, max_value=year, step=1,
                                value=int(current["birth_year"]) if current.get("birth_year") else None)
        position = c5.text_input("Chức vụ", current.get("position") or "")
        unit_options = ["", *unit_names] if unit_blank else unit_names  # a unit account: its own unit, no blank
        unit = st.selectbox("Đơn vị", unit_options, format_func=lambda u: u or "—",
                            index=unit_options.index(current["unit"]) if current.get("unit") in unit_options
                            else 0 if unit_options else None)
        category_options = ["(đoán theo chức vụ)", *categories.NAMES]
        category = st.selectbox("Phân loại đối tượng", category_options,
                                index=category_options.index(current["category"])
                                if current.get("category") in category_options else 0)
        achievements = st.text_area("Tóm tắt thành tích", current.get("achievements") or "")
        submitted = st.form_submit_button("Lưu đề nghị", key=f"{key}_save")
    if not submitted:
        return None
    return nominations.NominationInput(
        year=year, target=target.value, name=name, award=award, gender=gender or None,
        birth_year=int(birth) if birth else None, position=position, unit=unit or None,
        category=None if category.startswith("(") else category, achievements=achievements)


def render(*, year: int) -> None:
    """Draw the add and edit forms for the year."""
    who = actor()
    with db_read() as session:
        award_names = list(catalog.award_choices(session))
        unit_names = units.names(session, actor=who)  # a unit account is offered its own unit only
        listing = nominations.listing(session, year=year, actor=who)
    add_tab, edit_tab = st.tabs(["Thêm một đề nghị", "Sửa đề nghị"])
    with add_tab:
        data = _form("them_de_nghi", year=year, current=None, award_names=award_names, unit_names=unit_names,
                     unit_blank=who.role != Role.DON_VI)
        if data:
            _save(lambda session: nominations.add(session, who, data))
    with edit_tab:
        editable = listing[listing.status == "de_nghi"]
        if editable.empty:
            st.info(f"Không có đề nghị nào năm {year} còn ở bước “Đề nghị”.")
            return
        # A collective has no gender or birth year: pandas gives NaN there, which no form field accepts.
        rows = {int(r.id): {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r._asdict().items()}
                for r in editable.itertuples()}
        picked = st.selectbox("Đề nghị", list(rows), key="sua_de_nghi_pick",
                              format_func=lambda i: f"{rows[i]['name']} — {rows[i]['award']} ({rows[i]['unit'] or ''})")
        data = _form(f"sua_de_nghi_{picked}", year=year, current=rows[picked], award_names=award_names,
                     unit_names=unit_names, unit_blank=who.role != Role.DON_VI)
        if data:
            _save(lambda session: nominations.edit(session, who, nomination_id=picked, data=data))


def _save(action) -> None:
    try:
        with db_write() as session:
            saved, warnings = action(session)
            name = saved.id
    except Refused as error:
        for problem in error.problems:
            st.error(problem)
    else:
        st.session_state["flash_import"] = f"Đã lưu đề nghị số {name}." + (
            " Lưu ý: " + " ".join(warnings) if warnings else "")
        st.rerun()
