"""Hand entry on Tra cứu: a subject's rating, discipline, past award, initiative; and deleting one of them."""

from __future__ import annotations

from datetime import date

import streamlit as st

from pages._common import db_read, db_write
from tdkt.awards import catalog, personal_records
from tdkt.core.errors import Refused
from tdkt.core.models import DISCIPLINE_LABELS, MERIT_KIND_LABELS, RATING_LABELS, SCOPE_LABELS, Rating
from tdkt.core.permissions import Actor


def _done(message: str) -> None:
    st.session_state["flash_tra_cuu"] = message
    st.rerun()


def _write(call, message: str) -> None:
    try:
        with db_write() as session:
            call(session)
    except Refused as error:
        st.error(str(error))
    else:
        _done(message)


def _awards(target: str) -> dict[str, int]:
    with db_read() as session:
        return catalog.award_choices(session, target=target)


def render(who: Actor, subject: personal_records.Subject, *, year: int, name: str) -> None:
    """Draw the four add forms and the delete picker for one subject."""
    st.subheader("Ghi nhận hồ sơ")
    rating_tab, discipline_tab, award_tab, initiative_tab, delete_tab = st.tabs(
        ["Xếp loại", "Kỷ luật", "Khen thưởng đã có", "Sáng kiến", "Xóa"])
    with rating_tab:
        _rating_form(who, subject, year=year)
    with discipline_tab:
        _discipline_form(who, subject, year=year)
    with award_tab:
        _past_award_form(who, subject, year=year)
    with initiative_tab:
        _initiative_form(who, subject, year=year)
    with delete_tab:
        _delete_picker(who, subject, name=name)


def _rating_form(who: Actor, subject: personal_records.Subject, *, year: int) -> None:
    with st.form("ghi_xep_loai"):
        a, b = st.columns([1, 3])
        at = a.number_input("Năm", min_value=1990, max_value=date.today().year, value=year, step=1)
        rating = b.selectbox("Kết quả đánh giá, xếp loại", list(Rating), format_func=lambda r: RATING_LABELS[r])
        note = st.text_input("Ghi chú", key="xep_loai_note")
        st.caption("Mỗi năm một kết quả: nếu năm đã có xếp loại, kết quả mới thay kết quả cũ (nhật ký giữ lại cả hai).")
        if st.form_submit_button("Lưu xếp loại", key="luu_xep_loai"):
            _write(lambda s: personal_records.set_rating(s, who, subject, year=int(at), rating=rating.value, note=note),
                   f"Đã lưu xếp loại năm {int(at)}: {RATING_LABELS[rating]}.")


def _discipline_form(who: Actor, subject: personal_records.Subject, *, year: int) -> None:
    with st.form("ghi_ky_luat", clear_on_submit=True):
        a, b = st.columns([1, 3])
        at = a.number_input("Năm", min_value=1990, max_value=date.today().year, value=year, step=1)
        levels = ["", *DISCIPLINE_LABELS]
        level = b.selectbox("Hình thức kỷ luật", levels, format_func=lambda k: DISCIPLINE_LABELS.get(k, "— (chưa có)"))
        is_open = st.checkbox("Đang bị xem xét kỷ luật, thanh tra, kiểm tra hoặc điều tra (chưa kết luận)")
        c, d = st.columns(2)
        decided_on = c.date_input("Ngày quyết định", value=None, format="DD/MM/YYYY")
        document = d.text_input("Số quyết định / văn bản")
        if st.form_submit_button("Lưu kỷ luật", key="luu_ky_luat"):
            _write(lambda s: personal_records.add_discipline(
                s, who, subject, year=int(at), level=level or None, open=is_open, decided_on=decided_on,
                document=document), f"Đã ghi nhận kỷ luật năm {int(at)}.")


def _past_award_form(who: Actor, subject: personal_records.Subject, *, year: int) -> None:
    with st.form("ghi_khen_truoc", clear_on_submit=True):
        awards = _awards(subject.target)
        a, b = st.columns([1, 3])
        at = a.number_input("Năm thành tích", min_value=1990, max_value=date.today().year, value=year - 1, step=1)
        award = b.selectbox("Danh hiệu/Hình thức khen thưởng", list(awards))
        kinds = list(MERIT_KIND_LABELS)
        kind = st.radio("Loại khen thưởng", kinds, format_func=MERIT_KIND_LABELS.get, horizontal=True)
        c, d, e = st.columns(3)
        number = c.text_input("Số quyết định")
        decided_on = d.date_input("Ngày quyết định", value=None, format="DD/MM/YYYY", key="khen_truoc_ngay")
        authority = e.text_input("Cơ quan ban hành")
        if st.form_submit_button("Lưu khen thưởng", key="luu_khen_truoc"):
            _write(lambda s: personal_records.add_past_award(
                s, who, subject, year=int(at), award_id=awards[award], kind=kind, decision_number=number,
                decision_date=decided_on, decision_authority=authority), f"Đã ghi nhận “{award}” năm {int(at)}.")


def _initiative_form(who: Actor, subject: personal_records.Subject, *, year: int) -> None:
    if subject.person_id is None:
        st.info("Sáng kiến ghi theo tác giả: tìm và mở từng cá nhân tác giả để ghi.")
        return
    with st.form("ghi_sang_kien", clear_on_submit=True):
        title = st.text_input("Tên sáng kiến, đề tài khoa học")
        a, b = st.columns([1, 3])
        at = a.number_input("Năm công nhận", min_value=1990, max_value=date.today().year, value=year, step=1)
        scopes = list(SCOPE_LABELS)
        scope = b.radio("Phạm vi ảnh hưởng", scopes, format_func=SCOPE_LABELS.get, horizontal=True)
        with db_read() as session:
            people = dict(c for c in personal_records.person_choices(session, actor=who) if c[0] != subject.person_id)
        others = st.multiselect("Đồng tác giả khác", list(people), format_func=people.get,
                                placeholder="Gõ tên để tìm; để trống nếu chỉ một tác giả")
        c, d, e = st.columns(3)
        number = c.text_input("Số quyết định công nhận")
        decided_on = d.date_input("Ngày quyết định", value=None, format="DD/MM/YYYY", key="sang_kien_ngay")
        authority = e.text_input("Cơ quan công nhận", placeholder="Hội đồng sáng kiến Sở")
        if st.form_submit_button("Lưu sáng kiến", key="luu_sang_kien"):
            _write(lambda s: personal_records.add_initiative(
                s, who, year=int(at), title=title, scope=scope, author_ids=[subject.person_id, *others],
                unit_id=subject.unit_id, decision_number=number, decision_date=decided_on,
                decision_authority=authority), f"Đã ghi nhận sáng kiến “{title.strip()}”.")


def _delete_picker(who: Actor, subject: personal_records.Subject, *, name: str) -> None:
    with db_read() as session:
        found = personal_records.profile(session, subject, actor=who)
    choices = [("xep_loai", r.id, f"Xếp loại năm {r.year}: {r.rating_label}") for r in found.ratings.itertuples()]
    choices += [("ky_luat", r.id, f"Kỷ luật năm {r.year}: {r.level_label}") for r in found.discipline.itertuples()]
    choices += [("khen_truoc", r.id, f"Khen thưởng năm {r.year}: {r.award}") for r in found.awards.itertuples()
                if r.source == "Khen thưởng đã có"]
    choices += [("sang_kien", r.id, f"Sáng kiến năm {r.year}: {r.title}") for r in found.initiatives.itertuples()]
    if not choices:
        st.info(f"Chưa có hồ sơ nào của {name} để xóa (đề nghị khen thưởng sửa ở trang Hồ sơ đề nghị).")
        return
    picked = st.selectbox("Hồ sơ cần xóa", range(len(choices)), format_func=lambda i: choices[i][2],
                          key="xoa_ho_so_pick")
    sure = st.checkbox("Tôi chắc chắn muốn xóa hồ sơ này.", key="xoa_ho_so_sure")
    if st.button("Xóa", key="xoa_ho_so", disabled=not sure):
        kind, record_id, label = choices[picked]
        _write(lambda s: personal_records.delete_record(s, who, kind=kind, record_id=int(record_id)),
               f"Đã xóa: {label}.")
