"""Hồ sơ đề nghị: every nomination of the year and its step; the Office moves the ticked ones along the path."""

from datetime import date

import streamlit as st

from pages._attachments import nomination_documents
from pages._common import db_read, db_write, require_page, selected_year, show_findings
from tdkt.awards import checklist, dossiers, eligibility, mau_tdkt
from tdkt.awards.rules.case import LocalPolicy
from tdkt.core import export, permissions
from tdkt.core.errors import Refused
from tdkt.core.models import NOMINATION_STATUS_LABELS, NominationStatus
from tdkt.core.text import fold

S = NominationStatus
who = require_page()
can_move = permissions.can(who, "xu_ly_ho_so")
year = selected_year()
st.title(f"Hồ sơ đề nghị khen thưởng năm {year}")
if flash := st.session_state.pop("flash_ho_so", None):
    st.success(flash)
with db_read() as session:
    counts = dossiers.counts(session, year=year, actor=who)
for column, (status, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(status.label, n)

c1, c2 = st.columns([1, 2])
status = c1.selectbox("Bước", ["", *S], key="ho_so_status",
                      format_func=lambda s: NOMINATION_STATUS_LABELS[s] if s else "Tất cả")
text = c2.text_input("Tìm theo tên, danh hiệu, đơn vị, quyết định", key="ho_so_text")
with db_read() as session:
    frame = dossiers.table(session, year=year, actor=who, status=status or None, text=text)
if frame.empty:
    st.info(f"Không có đề nghị nào trong năm {year} khớp điều kiện lọc.")
    st.stop()
with db_read() as session:
    findings = eligibility.judge_nominations(session, year=year, actor=who)
    cap = eligibility.share_cap(session, year=year, actor=who)
flagged = {f.nomination_id: " ".join(x["reason"] for x in f.failures) for f in findings}
frame = frame.assign(rules=frame.id.map(flagged).fillna(""))
with db_read() as session:
    lacking = checklist.missing_documents(session, nomination_ids=[int(i) for i in frame.id])
frame = frame.assign(missing=[("Thiếu: " + "; ".join(lacking[int(i)])) if lacking.get(int(i)) else "Đủ"
                              for i in frame.id])
shown = frame[["name", "award", "unit", "status_label", "votes", "decision", "missing", "rules"]].rename(columns={
    "name": "Tên cá nhân/tập thể", "award": "Danh hiệu/Hình thức", "unit": "Đơn vị", "status_label": "Bước",
    "votes": "Phiếu Hội đồng", "decision": "Quyết định", "missing": "Tài liệu hồ sơ",
    "rules": "Chưa đủ điều kiện theo luật"})
if cap:
    st.warning(f"{cap['reason']} ({cap['basis']})")
if findings:
    with st.expander(f"⚠️ {len(findings)} đề nghị chưa đủ điều kiện theo luật — xem lý do và căn cứ"):
        st.caption("Xét theo xếp loại, kỷ luật, khen thưởng và sáng kiến đã ghi nhận (trang Tra cứu cá nhân, tập thể); "
                   "bộ quy tắc theo ngày quyết định (chưa có quyết định: theo hôm nay).")
        findings_frame = eligibility.findings_table(findings)
        show_findings(findings_frame)
        st.download_button("Tải danh sách chưa đủ điều kiện (.xlsx)", key="ho_so_findings_xlsx",
                           file_name=f"chua_du_dieu_kien_{year}.xlsx",
                           data=lambda: export.to_xlsx({"Chưa đủ điều kiện": findings_frame.rename(columns={
                               "nomination_id": "Số đề nghị", "name": "Tên", "award": "Danh hiệu/Hình thức",
                               "unit": "Đơn vị", "rules": "Quy tắc", "reasons": "Lý do, căn cứ"})},
                               title=f"Đề nghị năm {year} chưa đủ điều kiện theo luật"))


def national_workbook() -> bytes:
    with db_read() as session:
        return mau_tdkt.export_decisions(session, year=year, actor=who)


# Built only when the button is clicked (a callable), not on every run of the page.
st.download_button(f"Tải quyết định khen thưởng năm {year} theo mẫu nhập liệu quốc gia (.xlsx)", data=national_workbook,
                   file_name=f"MauTDKT_quyet_dinh_{year}.xlsx", key="ho_so_mau_tdkt",
                   help="Theo bố cục MauTDKT_20231004.xlsx: cột và mã danh hiệu (HTKT), phân loại đối tượng (PLDT), "
                        "lĩnh vực hoạt động đã điền sẵn.")
if can_move:
    with st.expander(f"Quy định khen thưởng của địa phương năm {year} (tùy chọn)"):
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
nomination_documents(who, frame, year=year, expanded=not can_move)
if not can_move:
    st.dataframe(shown, hide_index=True, width="stretch")
    st.stop()

round_ = st.session_state.setdefault("ho_so_round", 0)
pickable = shown.copy()
pickable.insert(0, "Chọn", False)
grid = st.data_editor(pickable, hide_index=True, width="stretch", disabled=list(shown.columns),
                      key=f"ho_so_grid_{year}_{status or 'all'}_{fold(text)}_{round_}")
ticked = frame[grid["Chọn"].to_numpy()]
st.subheader("Chuyển bước các đề nghị đã chọn")
if ticked.empty:
    st.info("Đánh dấu ô “Chọn” ở các dòng cần chuyển bước.")
    st.stop()
targets = [S.HOI_DONG, S.DA_TRINH, S.CO_QUYET_DINH, S.KHONG_DUYET, S.DE_NGHI]
to = st.selectbox("Chuyển sang", targets, key="ho_so_to", format_func=lambda s: (
    "Đề nghị (trả lại để sửa kết quả Hội đồng)" if s == S.DE_NGHI else NOMINATION_STATUS_LABELS[s]))
flagged_ticked = [r for r in ticked.itertuples() if r.rules]
if flagged_ticked and to in (S.HOI_DONG, S.DA_TRINH, S.CO_QUYET_DINH):
    st.warning(f"{len(flagged_ticked)} đề nghị đã chọn chưa đủ điều kiện theo luật (xem lý do ở trên): "
               + "; ".join(f"{r.name} — {r.award}" for r in flagged_ticked[:10])
               + (" …" if len(flagged_ticked) > 10 else "") + ". Vẫn có thể chuyển bước nếu Hội đồng đã cân nhắc.")
fields = {}
with st.form("ho_so_form"):
    st.caption("Đã chọn: " + "; ".join(f"{r.name} — {r.award}" for r in ticked.itertuples()))
    if to == S.HOI_DONG:
        a, b = st.columns(2)
        fields["votes_for"] = a.number_input("Số phiếu đồng ý", min_value=0, step=1, value=0)
        fields["council_members"] = b.number_input("Số thành viên Hội đồng", min_value=0, step=1, value=0)
    elif to == S.DA_TRINH:
        fields["submitted_on"] = st.date_input("Ngày trình", value=date.today(), format="DD/MM/YYYY")
    elif to == S.CO_QUYET_DINH:
        a, b, c = st.columns(3)
        fields["decision_number"] = a.text_input("Số quyết định", placeholder="123/QĐ-UBND")
        fields["decision_date"] = b.date_input("Ngày quyết định", value=None, format="DD/MM/YYYY")
        fields["decision_authority"] = c.text_input("Cơ quan ban hành", placeholder="UBND tỉnh Lạng Sơn")
    submitted = st.form_submit_button(f"Chuyển {len(ticked)} đề nghị", type="primary", key="ho_so_move")
if submitted:
    try:
        with db_write() as session:
            moved = dossiers.advance(session, who, nomination_ids=[int(i) for i in ticked.id], to=to,
                                     **{k: int(v) if k in ("votes_for", "council_members") else v
                                        for k, v in fields.items()})
    except Refused as error:
        st.error(str(error))
    else:
        st.session_state["flash_ho_so"] = f"Đã chuyển {moved} đề nghị sang “{to.label}”."
        st.session_state["ho_so_round"] = round_ + 1
        st.rerun()
