"""The audit log as people read it: each change in Vietnamese ("Trạng thái: Đề nghị → Hội đồng đã xét"), with field
names, stored codes, dates and ids turned into labels, dd/mm/yyyy and names; a page of it and its export."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from tdkt.awards.checklist import DOCUMENT_KINDS
from tdkt.clusters.clusters import EVENT_KINDS
from tdkt.clusters.clusters import ROLES as MEMBER_ROLES
from tdkt.clusters.movements import KINDS as MOVEMENT_KINDS
from tdkt.core import audit, export
from tdkt.core.models import (
    DISCIPLINE_LABELS,
    MERIT_KIND_LABELS,
    NOMINATION_STATUS_LABELS,
    RATING_LABELS,
    RECORD_KINDS,
    ROLE_LABELS,
    SCOPE_LABELS,
    TARGET_LABELS,
    TASK_STATUS_LABELS,
    UNIT_KIND_LABELS,
    AuditLog,
    Award,
    Cluster,
    ClusterEvent,
    ClusterMember,
    Person,
    Plan,
    PlanTask,
    Unit,
    User,
)
from tdkt.core.submission_tables import SUBMISSION_STATE_LABELS
from tdkt.core.text import format_date, format_datetime, format_money, format_number, format_percent
from tdkt.importing.batches import BATCH_STATUS_LABELS
from tdkt.submissions.deadlines import SOURCE_LABELS as DEADLINE_SOURCES
from tdkt.submissions.reminders import KIND_LABELS as REMINDER_KINDS

# Field names as people say them, whatever record they belong to; ENTITY_LABELS overrides a few per record kind.
FIELD_LABELS = {
    "id": "Mã số", "year": "Năm", "name": "Tên", "title": "Tiêu đề", "kind": "Loại", "status": "Trạng thái",
    "note": "Ghi chú", "document": "Văn bản", "code": "Mã", "level": "Cấp", "role": "Vai trò", "position": "Chức vụ",
    "unit_id": "Đơn vị", "unit_ids": "Đơn vị tham gia", "units": "Đơn vị thực hiện", "person_id": "Cá nhân",
    "award_id": "Danh hiệu, hình thức khen thưởng", "task_id": "Nhiệm vụ của kế hoạch", "cluster_id": "Cụm thi đua",
    "event_id": "Hoạt động của cụm", "member_id": "Thành viên cụm", "plan_id": "Kế hoạch", "batch_id": "Lô nhập",
    "user_id": "Tài khoản", "target": "Đối tượng", "collective_name": "Tên tập thể", "category": "Phân loại đối tượng",
    "achievements": "Thành tích", "received_on": "Ngày tiếp nhận", "votes_for": "Số phiếu đồng ý",
    "council_members": "Số thành viên hội đồng", "members": "Thành viên",
    "votes": "Số phiếu đồng ý theo đề nghị", "submitted_on": "Ngày trình cấp trên",
    "decision_number": "Số quyết định", "decision_date": "Ngày quyết định", "decision_authority": "Cơ quan quyết định",
    "created_at": "Thời điểm tạo", "updated_at": "Thời điểm sửa", "unit_text": "Đơn vị (như ghi trong tệp)",
    "source_sheet": "Sheet trong tệp", "source_row": "Dòng trong tệp", "quarter": "Quý", "number": "Số",
    "content": "Nội dung", "due_on": "Hạn", "completed_on": "Ngày hoàn thành", "evidence": "Văn bản (số, ký hiệu)",
    "symbol": "Ký hiệu", "issued_on": "Ngày ban hành", "place": "Địa danh", "signer": "Người ký",
    "signer_title": "Chức vụ người ký", "dossier_deadline": "Hạn nộp hồ sơ", "is_us": "Là Sở mình",
    "scored": "Có chấm điểm", "done_on": "Ngày thực hiện", "score": "Điểm", "not_applicable": "Không áp dụng",
    "launched_on": "Ngày phát động", "start_on": "Từ ngày", "end_on": "Đến ngày",
    "launched_by": "Cơ quan, người phát động", "goals": "Mục tiêu", "results": "Kết quả", "closed_on": "Ngày tổng kết",
    "closing_document": "Văn bản tổng kết", "username": "Tên đăng nhập", "display_name": "Họ tên hiển thị",
    "must_change_password": "Phải đổi mật khẩu", "active": "Đang hoạt động", "last_login_at": "Lần đăng nhập gần nhất",
    "short_name": "Tên viết tắt", "rating": "Xếp loại", "new": "Xếp loại mới", "open": "Đang xem xét, chưa kết luận",
    "decided_on": "Ngày quyết định", "scope": "Phạm vi ảnh hưởng", "used_for_award_id": "Đã dùng để xét khen thưởng",
    "authors": "Tác giả", "file": "Tệp", "rows": "Số dòng", "replaced": "Xếp loại đã có được thay",
    "base_salary": "Lương cơ sở", "from": "Từ ngày", "amount": "Mức", "cstdcs_share_cap": "Trần CSTĐCS so với số LĐTT",
    "disciplined_not_ldtt": "Không xét LĐTT cho người bị kỷ luật trong năm", "undone_at": "Thời điểm hoàn tác",
    "undone_by": "Người hoàn tác", "full_name": "Họ và tên", "gender": "Giới tính", "birth_year": "Năm sinh",
    "email": "E-mail", "address": "Địa chỉ máy", "reason": "Lý do", "expires_at": "Hết hạn lúc",
    "revoked_at": "Thu hồi lúc", "deadline": "Hạn", "file_name": "Tên tệp", "people_added": "Số cá nhân mới",
    "warnings": "Số cảnh báo", "sheets": "Các sheet", "state": "Trạng thái", "state_on": "Ngày chuyển trạng thái",
    "state_at": "Thời điểm chuyển trạng thái", "state_by": "Người chuyển trạng thái", "nomination_id": "Đề nghị",
    "size": "Dung lượng (byte)", "media_type": "Kiểu tệp", "uploaded_by": "Người tải lên",
    "uploaded_at": "Thời điểm tải lên", "kinds": "Thành phần hồ sơ", "emails": "E-mail nhận", "subject": "Tiêu đề",
    "reference": "Liên quan đến", "error": "Lỗi", "from_year": "Từ năm", "to_year": "Sang năm",
    "awards": "Số danh hiệu, hình thức", "source": "Nguồn", "reminder_days": "Số ngày nhắc trước hạn",
    "recipients": "Người nhận", "sent_on": "Ngày gửi", "set_by": "Người đặt", "set_at": "Thời điểm đặt",
    "round": "Vòng chấm điểm", "changed": "Số tiêu chí thay đổi", "criterion_id": "Tiêu chí chấm điểm",
    "value": "Kết quả, điểm chấm", "evidence_name": "Tệp kiểm chứng", "evidence_number": "Số văn bản kiểm chứng",
    "evidence_date": "Ngày văn bản kiểm chứng", "evidence_sha256": "Mã tệp kiểm chứng",
    "comment": "Nhận xét, giải trình", "updated_by": "Người chấm", "published_on": "Ngày công bố",
    "published_by": "Người công bố", "groups": "Số nhóm tiêu chí", "criteria": "Số tiêu chí",
    "max_points": "Điểm tối đa", "total_points": "Tổng điểm của bảng",
    "registered_on": "Ngày đăng ký", "created_by": "Người tạo",
}
# The order fields are listed in: what names the record first, then as FIELD_LABELS lists them.
_ORDER = {name: rank for rank, name in enumerate(dict.fromkeys(
    ["name", "full_name", "title", "code", "short_name", "username", "display_name", "year", *FIELD_LABELS]))}
ENTITY_LABELS = {
    "nhiem_vu": {"number": "Số thứ tự nhiệm vụ", "position": "Thứ tự hiển thị"},
    "ke_hoach": {"number": "Số văn bản"},
    "don_vi": {"position": "Thứ tự hiển thị", "kind": "Loại đơn vị"},
    "cum": {"code": "Ký hiệu cụm", "level": "Cấp cụm", "rows": "Các dòng của tệp"},
    "su_kien_cum": {"kind": "Loại hoạt động"},
    "phong_trao": {"kind": "Loại phong trào", "document": "Văn bản phát động"},
    "ky_luat": {"level": "Hình thức kỷ luật", "document": "Số văn bản"},
    "khen_truoc": {"kind": "Loại khen thưởng"},
    "lo_nhap": {"kind": "Loại danh sách"},
    "tai_lieu": {"kind": "Loại tài liệu"},
    "ho_so_don_vi": {"state": "Trạng thái hồ sơ của đơn vị"},
    "han_nop_ho_so": {"source": "Do ai đặt"},
    "thu_nhac_han": {"kind": "Loại thư"},
}
# Actions whose entries name a record kind that does not say what their fields are: read them as this kind instead.
ACTION_KINDS = {"gui_nhac_han": "thu_nhac_han"}  # an e-mail to a unit (entity don_vi): its kind is the e-mail's
# Stored codes shown by their label: per field, or per (record kind, field) where one field name means several things.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {**TASK_STATUS_LABELS, **NOMINATION_STATUS_LABELS, **BATCH_STATUS_LABELS},
    "target": dict(TARGET_LABELS), "rating": dict(RATING_LABELS), "new": dict(RATING_LABELS),
    "scope": dict(SCOPE_LABELS), "gender": {"nam": "Nam", "nu": "Nữ"},
}
ENTITY_VALUES: dict[tuple[str, str], dict[str, str]] = {
    ("su_kien_cum", "kind"): EVENT_KINDS, ("phong_trao", "kind"): MOVEMENT_KINDS,
    ("don_vi", "kind"): dict(UNIT_KIND_LABELS), ("khen_truoc", "kind"): MERIT_KIND_LABELS,
    ("thu_nhac_han", "kind"): REMINDER_KINDS,
    ("lo_nhap", "kind"): {"de_nghi": "Danh sách đề nghị khen thưởng", **RECORD_KINDS},
    ("nguoi_dung", "role"): dict(ROLE_LABELS), ("thanh_vien_cum", "role"): MEMBER_ROLES, ("cum", "role"): MEMBER_ROLES,
    ("ky_luat", "level"): DISCIPLINE_LABELS,
    ("ho_so_don_vi", "state"): {str(k): v for k, v in SUBMISSION_STATE_LABELS.items()},
    ("tai_lieu", "kind"): {code: kind.label for code, kind in DOCUMENT_KINDS.items()},
    ("thanh_phan_ho_so", "kinds"): {code: kind.label for code, kind in DOCUMENT_KINDS.items()},
    ("han_nop_ho_so", "source"): DEADLINE_SOURCES,
}
# Kept for the app's own use (keys, hashes, ordering), not something a reader of the log needs.
HIDDEN = {"id", "name_key", "collective_key", "name_order", "password_hash", "sha256", "updated_at"}
# Ids shown as what they name: field -> kind of record (`Names`).
REFERENCES = {"unit_id": "unit", "unit_ids": "unit", "person_id": "person", "authors": "person", "award_id": "award",
              "used_for_award_id": "award", "task_id": "task", "cluster_id": "cluster", "event_id": "event",
              "member_id": "member", "plan_id": "plan", "user_id": "user", "undone_by": "user", "state_by": "user",
              "uploaded_by": "user", "set_by": "user", "created_by": "user"}
EMPTY = "(trống)"
LONG = 160  # characters of a long text (a task's content, achievements) shown in a change
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
COLUMN_TITLES = {"seq": "Số", "at": "Thời điểm", "username": "Người thực hiện", "action_label": "Thao tác",
                 "summary": "Nội dung", "changes": "Thay đổi"}


def field_label(entity: str, field: str) -> str:
    """Return a field's Vietnamese label; an unknown field is still named in Vietnamese, with its key."""
    found = ENTITY_LABELS.get(entity, {}).get(field) or FIELD_LABELS.get(field)
    return found or f"Thông tin “{field}”"


def action_label(action: str) -> str:
    """Return an action's Vietnamese label; an unknown one is still named in Vietnamese, with its code."""
    return audit.ACTION_LABELS.get(action) or f"Thao tác “{action}”"


class Names:
    """What the ids in some entries name (units, people, awards, tasks…), loaded once per kind for all of them."""

    def __init__(self, session: Session, data: Iterable[dict[str, Any]]) -> None:
        wanted: dict[str, set[int]] = {}
        for item in data:
            _collect(item, wanted)
        self._names = {kind: _load(session, kind, ids) for kind, ids in wanted.items() if ids}

    def name(self, kind: str, value: Any) -> str:
        """Return the name of one id of a kind, or say it is no longer there."""
        found = self._names.get(kind, {}).get(value) if isinstance(value, int) else None
        return found or f"mã {value} (không còn trong dữ liệu)"


def _collect(data: Any, wanted: dict[str, set[int]]) -> None:
    """Gather the ids a before/after holds, by kind (nested dicts and lists too)."""
    if isinstance(data, list):
        for item in data:
            _collect(item, wanted)
        return
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        kind = REFERENCES.get(key)
        if kind:
            values = value if isinstance(value, list) else [value]
            wanted.setdefault(kind, set()).update(v for v in values if isinstance(v, int) and not isinstance(v, bool))
        elif isinstance(value, dict | list):
            _collect(value, wanted)


def _task_name(task: PlanTask, year: int | None) -> str:
    quarters = {1: "I", 2: "II", 3: "III", 4: "IV"}
    where = f"nhiệm vụ {task.number} quý {quarters.get(task.quarter, task.quarter)}"
    return where + (f" năm {year}" if year else "")


def _load(session: Session, kind: str, ids: set[int]) -> dict[int, str]:
    """Return {id: name} for some ids of one kind, in one query."""
    ids_list = sorted(ids)
    if kind == "task":
        rows = session.exec(select(PlanTask, Plan.year).join(Plan, col(PlanTask.plan_id) == Plan.id, isouter=True)
                            .where(col(PlanTask.id).in_(ids_list))).all()
        return {task.id: _task_name(task, year) for task, year in rows}
    if kind == "cluster":
        rows = session.exec(select(Cluster).where(col(Cluster.id).in_(ids_list))).all()
        return {c.id: f"{c.code} năm {c.year}" for c in rows}
    if kind == "plan":
        rows = session.exec(select(Plan).where(col(Plan.id).in_(ids_list))).all()
        return {p.id: f"Kế hoạch năm {p.year}" for p in rows}
    if kind == "user":
        rows = session.exec(select(User).where(col(User.id).in_(ids_list))).all()
        return {u.id: f"{u.display_name} ({u.username})" for u in rows}
    model, column = {"unit": (Unit, Unit.name), "person": (Person, Person.full_name), "award": (Award, Award.name),
                     "event": (ClusterEvent, ClusterEvent.title), "member": (ClusterMember, ClusterMember.name)}[kind]
    return dict(session.exec(select(model.id, column).where(col(model.id).in_(ids_list))).all())


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= LONG else flat[:LONG - 1].rstrip() + "…"


def _scalar(entity: str, field: str, value: Any) -> str:
    """Return one stored value as people read it: a label, Có/Không, dd/mm/yyyy, a number the Vietnamese way."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    labels = ENTITY_VALUES.get((entity, field)) or VALUE_LABELS.get(field)
    if labels and isinstance(value, str) and value in labels:
        return labels[value]
    if field == "cstdcs_share_cap" and isinstance(value, int | float):
        return format_percent(value)
    if field == "amount" and isinstance(value, int | float):
        return format_money(value)
    if isinstance(value, float):
        return format_number(value, 0 if value.is_integer() else 2)
    if isinstance(value, int):
        return str(value)  # years, counts, numbers as printed: 2024, not 2.024
    if isinstance(value, str) and _DATE.match(value):
        return format_date(date.fromisoformat(value))
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return _short(value)
    return _short(str(value))


def value_text(entity: str, field: str, value: Any, names: Names) -> str:
    """Return one field's value as people read it, ids as names and lists and records spelled out."""
    kind = REFERENCES.get(field)
    if kind and value is not None and not isinstance(value, bool):
        values = value if isinstance(value, list) else [value]
        if not values:
            return EMPTY
        return ", ".join(names.name(kind, v) for v in values)
    if field == "batch_id" and value is not None:
        return f"lô số {value}"
    if isinstance(value, list):
        return _list_text(entity, field, value, names)
    if isinstance(value, dict):
        parts = [f"{field_label(entity, k)} {value_text(entity, k, v, names)}" for k, v in value.items()
                 if k not in HIDDEN]
        return ", ".join(parts) or EMPTY
    return _scalar(entity, field, value)


def _list_text(entity: str, field: str, items: list, names: Names, shown: int = 5) -> str:
    """Return a list: every item when short, else the first few and how many there are."""
    if not items:
        return EMPTY
    if field == "replaced":
        texts = [f"bản ghi số {i.get('id')}: {_scalar(entity, 'rating', i.get('rating'))} → "
                 f"{_scalar(entity, 'rating', i.get('new'))}" for i in items if isinstance(i, dict)]
    elif field == "base_salary":
        texts = [f"từ {_scalar(entity, 'from', i.get('from'))}: {_scalar(entity, 'amount', i.get('amount'))}"
                 for i in items if isinstance(i, dict)]
    elif field == "rows":
        texts = [_row_text(entity, i, names) for i in items]
    else:
        texts = [value_text(entity, field, i, names) if isinstance(i, dict | list) else _scalar(entity, field, i)
                 for i in items]
    if len(texts) <= shown + 1:
        return "; ".join(texts)
    return f"{len(texts)} mục: " + "; ".join(texts[:shown]) + "; …"


def _row_text(entity: str, row: Any, names: Names) -> str:
    """Return one row of an imported cluster sheet: the member's name, then its role and score."""
    if not isinstance(row, dict):
        return _scalar(entity, "rows", row)
    details = [f"{field_label(entity, k).lower()} {value_text(entity, k, v, names)}" for k, v in row.items()
               if k != "name" and v is not None]
    return str(row.get("name", "")) + (f" ({', '.join(details)})" if details else "")


def _parse(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # not JSON: shown as the text it is


def _ordered(keys: Iterable[str]) -> list[str]:
    """Return fields in one order whatever order a snapshot kept them in: a status first (the step along a path),
    then as FIELD_LABELS lists them, unknown ones last."""
    return sorted(keys, key=lambda k: (k != "status", _ORDER.get(k, len(_ORDER))))


def changes(entity: str, before: Any, after: Any, names: Names) -> list[str]:
    """Return what an entry changed, one line a field: "Trạng thái: Đề nghị → Hội đồng đã xét" for a field both
    sides hold and that differs, "Tên: …" for what was added or is only context, "Tên: … → (đã xóa)" for a deletion."""
    if isinstance(before, dict) and isinstance(after, dict):
        changed = _ordered(k for k in after if k in before and before[k] != after[k] and k not in HIDDEN)
        lines = [f"{field_label(entity, k)}: {value_text(entity, k, before[k], names)} → "
                 f"{value_text(entity, k, after[k], names)}" for k in changed]
        one_side = {k: v for side in (before, after) for k, v in side.items() if (k in after) != (k in before)}
        return lines + [f"{field_label(entity, k)}: {value_text(entity, k, one_side[k], names)}"
                        for k in _ordered(one_side) if k not in HIDDEN and one_side[k] not in (None, "", [])]
    if isinstance(after, dict) and before is None:
        return [f"{field_label(entity, k)}: {value_text(entity, k, after[k], names)}" for k in _ordered(after)
                if k not in HIDDEN and after[k] not in (None, "", [])]
    if isinstance(before, dict) and after is None:
        return [f"{field_label(entity, k)}: {value_text(entity, k, before[k], names)} → (đã xóa)"
                for k in _ordered(before) if k not in HIDDEN and before[k] not in (None, "", [])]
    if before is None and after is None:
        return []
    return [f"Trước: {_side(entity, before, names)} → Sau: {_side(entity, after, names)}"]


def _side(entity: str, value: Any, names: Names) -> str:
    if isinstance(value, dict):
        return value_text(entity, "", value, names)
    return EMPTY if value is None else _short(str(value))


def readable(session: Session, entries: Sequence[AuditLog]) -> list[list[str]]:
    """Return each entry's changes as lines (see `changes`), the ids of all of them resolved in a few queries."""
    sides = [(_parse(e.before), _parse(e.after)) for e in entries]
    names = Names(session, [side for pair in sides for side in pair if side is not None])
    return [changes(ACTION_KINDS.get(e.action, e.entity), before, after, names)
            for e, (before, after) in zip(entries, sides, strict=True)]


def frame(session: Session, entries: Sequence[AuditLog]) -> pd.DataFrame:
    """Return entries as rows: seq, at, username, action_label, summary, changes (lines), id."""
    lines = readable(session, entries)
    return pd.DataFrame([{"seq": e.seq, "at": e.at, "username": e.username, "action_label": action_label(e.action),
                          "summary": e.summary, "changes": c, "id": e.id} for e, c in zip(entries, lines, strict=True)],
                        columns=["seq", "at", "username", "action_label", "summary", "changes", "id"])


@dataclass(frozen=True, slots=True)
class LogPage:
    """One page of the log as shown: its rows, the page number, how many pages and matching entries there are."""

    rows: pd.DataFrame
    page: int
    pages: int
    total: int
    first: int  # the rank (1-based) of the page's first entry among the matches


def log_page(session: Session, *, page: int = 1, page_size: int = 50, **filters: Any) -> LogPage:
    """Return page `page` (1-based, clamped to the pages there are) of the entries matching `audit.find`'s filters."""
    page = max(page, 1)
    found = audit.find(session, offset=(page - 1) * page_size, limit=page_size, **filters)
    pages = max(1, -(-found.total // page_size))
    if page > pages:  # fewer matches than before (a narrower filter): the last page there is
        page = pages
        found = audit.find(session, offset=(page - 1) * page_size, limit=page_size, **filters)
    return LogPage(rows=frame(session, found.entries), page=page, pages=pages, total=found.total,
                   first=(page - 1) * page_size + 1)


def shown(rows: pd.DataFrame, *, separator: str = "; ") -> pd.DataFrame:
    """Return rows with Vietnamese column titles, times in dd/mm/yyyy HH:MM and the changes joined into one text."""
    out = rows.assign(at=rows["at"].map(format_datetime), changes=rows["changes"].map(separator.join))
    return out[list(COLUMN_TITLES)].rename(columns=COLUMN_TITLES)


EXPORT_LIMIT = 50_000  # entries in one export: a workbook past that takes minutes to write (openpyxl ~10k rows/s)


def export_xlsx(session: Session, **filters: Any) -> bytes:
    """Return the entries matching the filters (up to EXPORT_LIMIT, newest first) as a formatted .xlsx."""
    found = audit.find(session, limit=EXPORT_LIMIT, **filters)
    parts = [frame(session, found.entries[i:i + 2000]) for i in range(0, len(found.entries), 2000)]
    rows = pd.concat(parts, ignore_index=True) if parts else frame(session, [])
    title = "Nhật ký hoạt động" + (f" ({EXPORT_LIMIT:,} mục mới nhất trong {found.total:,})".replace(",", ".")
                                   if found.total > EXPORT_LIMIT else "")
    return export.to_xlsx({"Nhật ký": shown(rows, separator="\n")}, title=title)
