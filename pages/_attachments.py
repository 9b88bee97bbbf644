"""The documents of a nomination or of a unit's submission: list with download and delete, upload with its kind.

`attachments_section` draws one of them (Hồ sơ đề nghị and Tiếp nhận hồ sơ call it); `nomination_documents` draws
the Hồ sơ đề nghị part: pick a nomination, see what its dossier lacks, its documents and its unit's list documents.
Every check (bytes, size, unit scope, the submission's state) happens in `tdkt.submissions.attachments`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages._common import db_read, db_write, file_uploader, settings
from tdkt.awards import checklist
from tdkt.core.errors import Refused
from tdkt.core.permissions import Actor
from tdkt.submissions import attachments


def _download(who: Actor, attachment_id: int):
    """The download button's data: read (and audit) only when the button is clicked."""
    def read() -> bytes:
        with db_write() as session:
            return attachments.download(session, who, attachments.store_of(settings()),
                                        attachment_id=attachment_id).data
    return read


def _kinds(*, year: int | None, nomination_id: int | None) -> tuple[list[str], int]:
    """The kinds offered and the dossier's year: a nomination's missing, then required kinds first, then the rest;
    a submission's documents for the whole list."""
    if nomination_id is None:
        return [k for k in checklist.DOCUMENT_KINDS if k in checklist.LIST_KINDS or k == checklist.OTHER], int(year)
    with db_read() as session:
        state = checklist.dossier_states(session, nomination_ids=[nomination_id]).get(nomination_id)
    if state is None:
        return list(checklist.DOCUMENT_KINDS), int(year or 0)
    first = list(state.missing) + [k for k in state.required if k not in state.missing]
    return first + [k for k in checklist.DOCUMENT_KINDS if k not in first], state.year


def _rows(who: Actor, frame: pd.DataFrame, *, key: str, can_change: bool) -> None:
    for row in frame.itertuples():
        name, size, when, action, remove = st.columns([3, 3, 1, 2, 1.2], vertical_alignment="center")
        name.markdown(f"**{row.kind_label}**")
        size.write(row.file_name)
        when.caption(row.size_text)
        action.download_button("Tải xuống", data=_download(who, int(row.id)), file_name=row.file_name,
                               key=f"{key}_tai_{row.id}", icon=":material/download:", on_click="ignore",
                               help=f"Tải lên lúc {row.uploaded_at_text}" + (f" bởi {row.uploaded_by}"
                                                                             if row.uploaded_by else ""))
        if can_change and remove.button("Xóa", key=f"{key}_xoa_{row.id}", icon=":material/delete:"):
            try:
                with db_write() as session:
                    attachments.delete(session, who, attachment_id=int(row.id))
            except Refused as error:
                st.error(str(error))
            else:
                st.session_state[f"{key}_flash"] = f"Đã xóa “{row.file_name}”."
                st.rerun()


def _upload_form(who: Actor, *, key: str, year: int | None, nomination_id: int | None, unit_id: int | None) -> None:
    cfg = settings()
    round_ = st.session_state.setdefault(f"{key}_round", 0)
    kinds, year = _kinds(year=year, nomination_id=nomination_id)
    with st.form(f"{key}_form_{round_}", border=False):
        left, right = st.columns([2, 3])
        kind = left.radio("Loại tài liệu", kinds, key=f"{key}_kind_{round_}",
                          format_func=lambda k: checklist.kind_label(k, year=year))
        upload = file_uploader(
            f"Tệp ({attachments.ACCEPTED}; tối đa {cfg.attachment_limit_mb:g} MB)", list(attachments.UPLOAD_TYPES),
            key=f"{key}_file_{round_}", max_mb=cfg.attachment_limit_mb, container=right)
        sent = st.form_submit_button("Đính kèm", type="primary", icon=":material/attach_file:")
    if not sent:
        return
    if upload is None:
        st.error("Chọn tệp cần đính kèm.")
        return
    try:
        with db_write() as session:
            attachments.add(session, who, attachments.store_of(cfg), stream=upload, file_name=upload.name, kind=kind,
                            limit=attachments.limit_of(cfg), nomination_id=nomination_id, year=year, unit_id=unit_id)
    except Refused as error:
        st.error(str(error))
    else:
        st.session_state[f"{key}_flash"] = f"Đã đính kèm “{upload.name}”."
        st.session_state[f"{key}_round"] = round_ + 1
        st.rerun()


def attachments_section(who: Actor, *, key: str, nomination_id: int | None = None, year: int | None = None,
                        unit_id: int | None = None) -> None:
    """Draw the documents of a nomination, or (no nomination) of a unit's submission of a year: each with its
    download, and delete and upload for whoever may change them now (else the reason why not)."""
    try:
        with db_read() as session:
            frame = attachments.listing(session, who, nomination_id=nomination_id, year=year, unit_id=unit_id)
            refusal = attachments.change_refusal(session, who, nomination_id=nomination_id, year=year,
                                                 unit_id=unit_id)
    except Refused as error:
        st.error(str(error))
        return
    if flash := st.session_state.pop(f"{key}_flash", None):
        st.success(flash)
    if frame.empty:
        st.caption("Chưa có tài liệu nào được đính kèm.")
    else:
        _rows(who, frame, key=key, can_change=refusal is None)
    if refusal is None:
        _upload_form(who, key=key, year=year, nomination_id=nomination_id, unit_id=unit_id)
    elif who.role.value in ("don_vi", "van_phong"):
        st.info(refusal)


def nomination_documents(who: Actor, frame: pd.DataFrame, *, year: int, expanded: bool = False,
                         lazy_key: str | None = None) -> None:
    """Hồ sơ đề nghị's documents part, in an expander: pick one of the listed nominations; what it lacks, its
    documents, and its unit's documents for the whole list (tờ trình, biên bản…), which count for each of the unit's
    nominations. With `lazy_key` the expander keeps its state under that key and its contents (two upload forms) are
    run and sent only while it is open."""
    box = st.expander("Tài liệu hồ sơ: xem còn thiếu gì, đính kèm, tải xuống", expanded=expanded,
                      icon=":material/attach_file:", key=lazy_key, on_change="rerun" if lazy_key else "ignore")
    if lazy_key and not box.open:
        return
    with box:
        _documents(who, frame, year=year)


def _documents(who: Actor, frame: pd.DataFrame, *, year: int) -> None:
    choices = {int(r.id): f"{r.name} — {r.award}" + (f" ({r.unit})" if r.unit else "") for r in frame.itertuples()}
    picked = st.selectbox("Đề nghị", list(choices), format_func=choices.get, key=f"tai_lieu_de_nghi_{year}")
    if picked is None:
        return
    row = frame.set_index("id").loc[picked]
    with db_read() as session:
        missing = checklist.missing_documents(session, nomination_ids=[picked]).get(picked, [])
    if missing:
        st.warning("Hồ sơ còn thiếu: " + "; ".join(missing) + ".")
    else:
        st.success("Hồ sơ đã đủ các tài liệu theo thành phần hồ sơ.")
    attachments_section(who, key=f"tai_lieu_{picked}", nomination_id=picked)
    unit_id = row["unit_id"]
    if pd.notna(unit_id):
        st.markdown(f"**Tài liệu chung của hồ sơ đơn vị năm {year} — {row['unit']}** (tờ trình, biên bản…: tính cho "
                    "mọi đề nghị của đơn vị)")
        attachments_section(who, key=f"tai_lieu_dv_{int(unit_id)}_{year}", year=year, unit_id=int(unit_id))
