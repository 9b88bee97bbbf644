"""Tra cứu cá nhân/tập thể: accent-insensitive search, award history, ratings, discipline, initiatives, what next."""

import streamlit as st

from pages import _record_forms
from pages._common import db_read, require_page, selected_year
from tdkt.awards import eligibility, personal_records
from tdkt.core import export, permissions
from tdkt.core.errors import Refused

who = require_page()
year = selected_year()
st.title("Tra cứu cá nhân, tập thể")
if flash := st.session_state.pop("flash_tra_cuu", None):
    st.success(flash)
with db_read() as session:
    register = personal_records.initiatives(session, year=year, actor=who)  # a unit account: its own unit's
with st.expander(f"Sổ sáng kiến được công nhận năm {year} ({len(register)})", icon=":material/lightbulb:"):
    if register.empty:
        st.caption(f"Chưa ghi nhận sáng kiến nào năm {year}: mở hồ sơ một tác giả bên dưới để ghi, hoặc nhập từ Excel "
                   "ở trang Nhập xếp loại, kỷ luật, sáng kiến.")
    else:
        register_shown = register[["title", "scope_label", "authors", "decision", "used_for"]].rename(columns={
            "title": "Sáng kiến", "scope_label": "Phạm vi", "authors": "Tác giả", "decision": "Quyết định công nhận",
            "used_for": "Đã dùng để xét"})
        st.dataframe(register_shown, hide_index=True, width="stretch", placeholder="")  # a missing cell: empty
        st.download_button("Tải sổ sáng kiến (.xlsx)", key="so_sang_kien", file_name=f"so_sang_kien_{year}.xlsx",
                           data=lambda: export.to_xlsx({"Sáng kiến": register_shown},
                                                       title=f"Sáng kiến được công nhận năm {year}"), on_click="ignore")
text = st.text_input("Tìm theo tên cá nhân hoặc tập thể (gõ có dấu hay không dấu đều được)", key="tra_cuu_text",
                     placeholder="ví dụ: nguyen van an")
if who.role.value == "don_vi":
    st.caption("Tài khoản đơn vị tra cứu được cá nhân, tập thể của chính đơn vị mình.")
if not text.strip():
    st.info("Nhập tên để tìm: kết quả gồm cá nhân đã có trong hồ sơ và các tập thể (phòng, đơn vị, tổ, đội…).")
    st.stop()
with db_read() as session:
    found = personal_records.search(session, text=text, actor=who)
if found.empty:
    st.warning(f"Không tìm thấy cá nhân hay tập thể nào có tên chứa “{text.strip()}”"
               + (" trong đơn vị của bạn." if who.role.value == "don_vi" else "."))
    st.stop()
index = st.selectbox(f"Kết quả ({len(found)})", range(len(found)), format_func=lambda i: found.label.iloc[i],
                     key=f"tra_cuu_pick_{text}")
row = found.iloc[index]
unit_id = None if row.unit_id is None or row.unit_id != row.unit_id else int(row.unit_id)
subject = (personal_records.Subject("ca_nhan", person_id=int(row.person_id), unit_id=unit_id) if row.target == "ca_nhan"
           else personal_records.Subject.collective(row["name"], unit_id))
with db_read() as session:
    try:
        profile = personal_records.profile(session, subject, actor=who)
    except Refused as error:  # removed or moved to another unit since the search
        st.error(str(error))
        st.stop()
    subject = profile.subject  # its unit as the database has it
    steps = eligibility.next_awards(session, target=subject.target, year=year, person_id=subject.person_id,
                                    collective_name=subject.collective_name, unit_id=subject.unit_id)

st.header(profile.name)
facts = {"Đơn vị": profile.unit, **{k: v for k, v in profile.details.items() if v}}
st.caption(" · ".join(f"{k}: {v}" for k, v in facts.items() if v))

st.subheader(f"Có thể đề nghị cho năm {year}")
next_frame = eligibility.next_table(steps)
if next_frame.empty:
    st.info(f"Đã có đủ các danh hiệu thường xét trong năm {year}.")
for step in next_frame.itertuples():
    icon = ":material/check_circle:" if step.eligible else ":material/pending:"
    colour = "green" if step.eligible else "orange"
    with st.container(border=True, key=f"next_{step.Index}"):
        st.markdown(f"{icon} **{step.award}** — :{colour}[{step.verdict}]")
        if step.reasons:
            st.caption(step.reasons.replace("\n", "  \n"))

awards = profile.awards.assign(year=profile.awards.year.astype(str))[
    ["year", "award", "kind_label", "status_label", "decision", "source"]].rename(columns={
        "year": "Năm", "award": "Danh hiệu/Hình thức", "kind_label": "Loại", "status_label": "Tình trạng",
        "decision": "Quyết định", "source": "Nguồn"})
ratings = profile.ratings.assign(year=profile.ratings.year.astype(str))[["year", "rating_label"]].rename(
    columns={"year": "Năm", "rating_label": "Xếp loại"})
discipline = profile.discipline.assign(year=profile.discipline.year.astype(str))[
    ["year", "level_label", "decided_on", "document"]].rename(columns={
        "year": "Năm", "level_label": "Hình thức", "decided_on": "Ngày quyết định", "document": "Văn bản"})
initiatives = profile.initiatives.assign(year=profile.initiatives.year.astype(str))[
    ["year", "title", "scope_label", "authors", "decision", "used_for"]].rename(columns={
        "year": "Năm", "title": "Sáng kiến", "scope_label": "Phạm vi", "authors": "Tác giả",
        "decision": "Quyết định công nhận", "used_for": "Đã dùng để xét"})
sections = [("Quá trình khen thưởng", awards, "Chưa có khen thưởng hay đề nghị nào."),
            ("Kết quả xếp loại", ratings, "Chưa có kết quả xếp loại nào."),
            ("Kỷ luật", discipline, "Không có kỷ luật nào được ghi nhận.")]
if subject.person_id is not None:
    sections.append(("Sáng kiến", initiatives, "Chưa có sáng kiến nào."))
for title, frame, empty in sections:
    st.subheader(title)
    if frame.empty:
        st.caption(empty)
    else:
        st.dataframe(frame, hide_index=True, width="stretch", placeholder="")  # a missing cell: empty, not "None"
st.download_button("Tải hồ sơ (.xlsx)", key="tra_cuu_xlsx", file_name="ho_so_thi_dua.xlsx",
                   data=export.to_xlsx({title: frame for title, frame, _ in sections},
                                       title=f"Hồ sơ thi đua, khen thưởng: {profile.name}"), on_click="ignore")

if permissions.can(who, "nhap_danh_sach", unit_ids={subject.unit_id} if subject.unit_id is not None else set()):
    _record_forms.render(who, subject, year=year, name=profile.name)
