"""`python -m tdkt scores` and `import-scores` run as a user runs them (a subprocess), on SQLite and PostgreSQL: the
JSON's shape and arithmetic, the readable table, the member sheet's round trip, wrong sheets refused at their cell with
nothing written, a dry run, a locked round, and `clusters --json` ranked by the sheet's totals."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import func, select

from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, Cluster, ClusterMember, Role
from tdkt.core.scoring_tables import ScoreEntry
from tdkt.scoring import entries, member_template, ranking, rounds, sheet_writes, sheets
from tdkt.scoring.entries import EntryInput
from tdkt.scoring.kinds import CONG_TRU, DIEM, DINH_LUONG, DINH_TINH, THEO_LAN
from tdkt.scoring.sheets import CriterionSpec, GroupSpec, SheetSpec
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[1]
G1, G2, G3 = "I. Chuyên môn", "II. Thi đua", "III. Điểm cộng"
SHEET = SheetSpec(
    groups=(GroupSpec(G1, 60.0), GroupSpec(G2, 30.0), GroupSpec(G3, 10.0, is_bonus=True)),
    criteria=(CriterionSpec(G1, "1", "Chỉ tiêu doanh thu", 40.0, DINH_LUONG),
              CriterionSpec(G1, "2", "Chỉ tiêu phụ", 20.0, DINH_LUONG),
              CriterionSpec(G2, "3", "Phong trào", 20.0, DINH_TINH, DIEM),
              CriterionSpec(G2, "4", "Báo cáo đúng hạn", 10.0, THEO_LAN, points_each=5.0),
              CriterionSpec(G3, "5", "Bằng khen", 10.0, CONG_TRU, points_each=5.0),
              CriterionSpec(G3, "6", "Phê bình", 0.0, CONG_TRU, points_each=-3.0)),
    total_points=100.0)
EVIDENCE = {"evidence_number": "12/BC", "evidence_date": date(2024, 11, 1)}
# (value, target) per criterion code; None = not assigned. Tài chính leads criterion 1 (20% over) and is not given
# criterion 4, so its 58 points are 64.44% of 90; us and Xây dựng tie at 60%; Y tế scores nothing.
SCORES = {
    "us": {"1": (40, 40), "2": (20, 20), "3": (15, None), "4": (2, None), "5": (1, None), "6": (0, None)},
    "Sở Xây dựng": {"1": (40, 40), "2": (20, 20), "3": (15, None), "4": (2, None), "5": (1, None), "6": (0, None)},
    "Sở Tài chính": {"1": (48, 40), "2": (20, 20), "3": (11, None), "4": None, "5": (0, None), "6": (1, None)},
}
VALUE = "Kết quả / điểm / số lần"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def data(self) -> dict:
        return json.loads(self.stdout, parse_constant=_no_nan)


def _no_nan(text: str):
    raise ValueError(f"{text} is not JSON")


def tdkt(db_url: str, *args: object) -> Run:
    """Run `python -m tdkt ARGS` in a new process over db_url, from the project folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env |= {"TDKT_DATABASE_URL": db_url, "TDKT_SECRET_KEY": SECRET}
    done = subprocess.run([sys.executable, "-m", "tdkt", *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def world(engine, actors):
    """Cụm II of 2024 with three more members, the small sheet and everyone's self-score but Y tế's."""
    office = actors[Role.VAN_PHONG]
    with write_session(engine) as session:
        cluster = session.exec(select(Cluster).where(Cluster.year == 2024, Cluster.code == "Cụm II")).one()
        from tdkt.clusters import cluster_writes

        for name in ("Sở Xây dựng", "Sở Tài chính", "Sở Y tế"):
            cluster_writes.add_member(session, office, cluster_id=cluster.id, name=name)
        sheet_writes.save_sheet(session, office, cluster_id=cluster.id, spec=SHEET)
        sheet = sheets.load(session, cluster_id=cluster.id)
        members = {("us" if m.is_us else m.name): m.id for m in session.exec(
            select(ClusterMember).where(ClusterMember.cluster_id == cluster.id)).all()}
        codes = {c.code: c.id for c in sheet.spec.criteria}
        items = [EntryInput(members[who], codes[code], not_assigned=True) if pair is None else
                 EntryInput(members[who], codes[code], pair[0], pair[1], **EVIDENCE)
                 for who, row in SCORES.items() for code, pair in row.items()]
        entries.record_entries(session, office, items, round=rounds.TU_CHAM, reason="thử")
    return {"cluster": cluster.id, "sheet": sheet.id, "members": members, "codes": codes, "office": office}


def entry_count(engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(ScoreEntry)).one()


def by_name(data: dict) -> dict[str, dict]:
    return {("us" if m["is_us"] else m["name"]): m for m in data["members"]}


# --- scores ------------------------------------------------------------------------------------------------------


def test_scores_json_has_the_contract_keys_sums_that_add_up_percents_and_shared_ranks(db_url, world):
    run = tdkt(db_url, "scores", "--year", 2024, "--cluster", "cụm ii", "--json")
    assert run.code == 0, run
    data = run.data
    assert {"year", "cluster", "max_points", "groups", "members"} <= set(data)
    assert (data["year"], data["cluster"], data["max_points"]) == (2024, "Cụm II", 100.0)
    assert [(g["name"], g["max_points"]) for g in data["groups"]] == [(G1, 60.0), (G2, 30.0), (G3, 10.0)]
    assert sum(g["max_points"] for g in data["groups"]) == data["max_points"]
    for group in data["groups"]:
        assert sum(c["max_points"] for c in group["criteria"]) == group["max_points"]
        for criterion in group["criteria"]:
            assert {"code", "name", "kind", "max_points"} <= set(criterion)
    member_keys = {"name", "is_us", "self_score", "appraised_score", "bonus", "penalty", "total", "applicable_max",
                   "percent", "rank"}
    assert all(set(m) >= member_keys for m in data["members"])
    found = by_name(data)
    assert {k: (m["total"], m["applicable_max"], m["percent"], m["rank"]) for k, m in found.items()} == {
        "Sở Tài chính": (58.0, 90.0, 64.44, 1), "us": (60.0, 100.0, 60.0, 2), "Sở Xây dựng": (60.0, 100.0, 60.0, 2),
        "Sở Y tế": (0.0, 100.0, 0.0, None)}
    for m in data["members"]:
        if m["rank"] is not None:
            assert m["percent"] == round(100 * m["total"] / m["applicable_max"], 2)
    assert (found["Sở Tài chính"]["bonus"], found["Sở Tài chính"]["penalty"]) == (0.0, 3.0)
    assert (found["us"]["self_score"], found["us"]["appraised_score"], found["us"]["bonus"]) == (60.0, None, 5.0)
    assert [m["rank"] for m in data["members"]] == [1, 2, 2, None]


def test_scores_prints_the_groups_and_a_table_of_members_in_vietnamese(db_url, world):
    run = tdkt(db_url, "scores", "--year", 2024, "--cluster", "Cụm II")
    assert run.code == 0, run
    lines = run.stdout.splitlines()
    assert lines[0] == "CHẤM ĐIỂM THI ĐUA CỤM II NĂM 2024 (dự thảo, chưa công bố)"
    assert f"  {G1} — tối đa 60 điểm" in lines and "    4. Báo cáo đúng hạn — 10 điểm (Theo số lần)" in lines
    table = lines[lines.index("KẾT QUẢ CỦA CÁC THÀNH VIÊN") + 1:]
    assert table[0].split() == ["Hạng", "Thành", "viên", "Tự", "chấm", "Thẩm", "định", "Cộng", "Trừ", "Tổng",
                                "Tối", "đa", "Tỷ", "lệ"]
    assert re.search(r"^\s+1\s+Sở Tài chính\s+58\s+—\s+0\s+3\s+58\s+90\s+64,44%$", table[1]), table[1]
    assert "Sở Y tế" in table[4] and table[4].rstrip().endswith("—")
    assert "None" not in run.stdout and "nan" not in run.stdout


def test_scores_of_a_cluster_without_a_sheet_or_an_unknown_one_exits_1_in_vietnamese(db_url, world):
    no_sheet = tdkt(db_url, "scores", "--year", 2024, "--cluster", "Cụm III", "--json")
    assert (no_sheet.code, no_sheet.stdout) == (1, "")
    assert "Cụm III năm 2024 chưa có bảng tiêu chí chấm điểm" in no_sheet.stderr
    unknown = tdkt(db_url, "scores", "--year", 2031, "--cluster", "Cụm II")
    assert unknown.code == 1 and "Năm 2031 không có cụm “Cụm II”" in unknown.stderr


def test_clusters_json_ranks_a_cluster_with_a_sheet_by_its_totals(db_url, world):
    run = tdkt(db_url, "clusters", "--year", 2024, "--json")
    assert run.code == 0, run
    [cluster] = [c for c in run.data["clusters"] if c["code"] == "Cụm II"]
    assert [(r["name"], r["score"], r["rank"]) for r in cluster["ranking"]] == [
        ("Sở Tài chính", 58.0, 1), ("Sở Công Thương Lạng Sơn", 60.0, 2), ("Sở Xây dựng", 60.0, 2)]


# --- the member sheet --------------------------------------------------------------------------------------------


def template(engine, world, who: str, round_: str = "self") -> openpyxl.Workbook:
    with read_session(engine) as session:
        data = member_template.member_workbook(session, year=2024, cluster_code="Cụm II",
                                               member_id=world["members"][who], round=round_)
    return openpyxl.load_workbook(io.BytesIO(data))


def rows_by_code(ws) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(10, ws.max_row + 1) if ws.cell(r, 3).value}


def fill(book: openpyxl.Workbook, values: dict[str, tuple], path: Path) -> Path:
    """Fill code -> (value, target, evidence number, evidence date) as a member types them, and save the file."""
    ws = book.active
    rows = rows_by_code(ws)
    for code, (value, target, number, day) in values.items():
        r = rows[code]
        ws.cell(r, 6).value = value
        if target is not None:
            ws.cell(r, 5).value = target
        ws.cell(r, 8).value, ws.cell(r, 9).value = number, day
    book.save(path)
    return path


def test_the_template_has_the_header_one_row_per_assigned_criterion_and_only_the_cells_to_fill_open(engine, world):
    ws = template(engine, world, "Sở Tài chính").active
    header = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 8)}
    assert header == {"Cụm thi đua:": "Cụm II — Cụm thi đua II - Các cơ quan quản lý chuyên ngành",
                      "Năm:": 2024, "Đơn vị:": "Sở Tài chính",
                      "Vòng chấm:": "Tự chấm", "Hạn nộp:": "Chưa đặt hạn"}
    assert [ws.cell(9, c).value for c in range(1, 11)] == [
        "Mã tiêu chí", "Tiêu chí", "Loại", "Điểm tối đa", "Chỉ tiêu được giao", VALUE, "Không giao",
        "Số văn bản kiểm chứng", "Ngày văn bản", "Ghi chú, nhận xét"]
    codes = [ws.cell(r, 1).value for r in range(10, ws.max_row + 1)]
    assert codes == [None, "1", "2", None, "3", None, "5", "6"]  # groups as headings; 4 is not given to Tài chính
    r = rows_by_code(ws)["1"]
    assert [ws.cell(r, c).value for c in (3, 4, 5, 6, 8)] == ["Định lượng", 40, 40, 48, "12/BC"]
    assert ws.protection.sheet and not ws.cell(r, 6).protection.locked and ws.cell(r, 1).protection.locked
    assert ws.cell(rows_by_code(ws)["3"], 5).protection.locked  # no target for a qualitative criterion
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in ws.iter_rows() for c in row)
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "whole", "list", "date"} <= kinds


def test_a_filled_template_imports_and_the_totals_change(db_url, engine, world, tmp_path):
    book = template(engine, world, "Sở Y tế")
    path = fill(book, {"1": (44, 40, "5/BC-SYT", "02/11/2024"), "2": (10, 20, "5/BC-SYT", date(2024, 11, 2)),
                       "3": ("12,5", None, "6/BC-SYT", date(2024, 11, 3)), "4": (1, None, "7/BC", date(2024, 11, 4)),
                       "5": (0, None, None, None), "6": (0, None, None, None)}, tmp_path / "y_te.xlsx")
    run = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "self", path, "--json")
    assert run.code == 0, run
    line = run.data
    assert (line["imported"], line["changed"], line["members"], line["errors"]) == (6, 6, ["Sở Y tế"], [])
    assert [(r["code"], r["value"], r["target"]) for r in line["records"]][:3] == [
        ("1", 44.0, 40.0), ("2", 10.0, 20.0), ("3", 12.5, None)]
    after = by_name(tdkt(db_url, "scores", "--year", 2024, "--cluster", "Cụm II", "--json").data)
    # 1: 10% over of the leader's 20% → 20 + 10; 2: half of 10/20 → 5; 3: 12,5; 4: 5 → 52,5
    assert (after["Sở Y tế"]["total"], after["Sở Y tế"]["percent"], after["Sở Y tế"]["rank"]) == (52.5, 52.5, 4)
    with read_session(engine) as session:
        audit = session.exec(select(AuditLog).where(AuditLog.action == "cham_diem_cum")
                             .order_by(AuditLog.id.desc())).first()
    assert "Sở Y tế" in audit.summary and "y_te.xlsx" in audit.summary


@pytest.mark.parametrize("defect, expected", [
    ("missing_column", [(9, VALUE, "missing_column")]),
    ("above_maximum", [(14, VALUE, "bad_value")]),
    ("unknown_code", [(11, "Mã tiêu chí", "unknown_criterion")]),
    ("not_a_number", [(12, VALUE, "not_a_number")]),
])
def test_a_wrong_sheet_exits_1_naming_row_and_column_and_writes_nothing(db_url, engine, world, tmp_path, defect,
                                                                        expected):
    book = template(engine, world, "Sở Y tế")
    rows = rows_by_code(book.active)
    assert (rows["1"], rows["2"], rows["3"]) == (11, 12, 14)
    values = {"1": (44, 40, "5/BC", date(2024, 11, 2)), "2": (10, 20, "5/BC", date(2024, 11, 2)),
              "3": (12, None, "6/BC", date(2024, 11, 3))}
    if defect == "above_maximum":
        values["3"] = (25, None, "6/BC", date(2024, 11, 3))  # criterion 3 is scored up to 20
    if defect == "not_a_number":
        values["2"] = ("nhiều", 20, "5/BC", date(2024, 11, 2))
    path = fill(book, values, tmp_path / f"{defect}.xlsx")
    if defect in ("unknown_code", "missing_column"):
        book = openpyxl.load_workbook(path)
        cell = book.active.cell(11, 1) if defect == "unknown_code" else book.active.cell(9, 6)
        cell.value = "99" if defect == "unknown_code" else None
        book.save(path)
    before = entry_count(engine)
    run = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "self", path, "--json")
    assert run.code == 1, run
    line = run.data
    assert [(p["row"], p["column"], p["code"]) for p in line["errors"]] == expected
    assert all(re.search("[ạảấầậếềệốồộớờợứừự]", p["message"]) for p in line["errors"])
    assert (line["imported"], entry_count(engine)) == (0, before)
    if defect == "above_maximum":  # the text lines say the same
        text = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "self", path)
        assert text.code == 1 and "Lỗi (Bảng chấm điểm, dòng 14, cột “Kết quả / điểm / số lần”): Tiêu chí “3”: " \
            "Điểm chấm (25) vượt điểm tối đa của tiêu chí (20)." in text.stdout, text.stdout
        assert "Chưa ghi gì" in text.stdout


def test_a_dry_run_checks_and_writes_nothing(db_url, engine, world, tmp_path):
    path = fill(template(engine, world, "Sở Y tế"), {"3": (12, None, "6/BC", date(2024, 11, 3))}, tmp_path / "a.xlsx")
    before = entry_count(engine)
    run = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "self", path, "--dry-run")
    assert run.code == 0, run
    assert "Không có lỗi (chạy thử, chưa ghi)." in run.stdout and "5 tiêu chí để trống" in run.stdout
    assert entry_count(engine) == before


def test_a_round_locked_after_its_deadline_refuses_the_file(db_url, engine, world, tmp_path):
    with write_session(engine) as session:
        rounds.set_deadline(session, world["office"], sheet_id=world["sheet"], kind=rounds.TU_CHAM,
                            deadline=date(2024, 11, 30))
    path = fill(template(engine, world, "Sở Y tế"), {"3": (12, None, "6/BC", date(2024, 11, 3))}, tmp_path / "a.xlsx")
    before = entry_count(engine)
    run = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "self", path, "--json")
    assert run.code == 1, run
    [problem] = run.data["errors"]
    assert problem["code"] == "round_locked" and "hạn là ngày 30/11/2024" in problem["message"]
    assert entry_count(engine) == before


def test_an_appraisal_that_cuts_needs_a_comment_and_files_it_cannot_read_exit_2(db_url, engine, world, tmp_path):
    book = template(engine, world, "Sở Xây dựng", "appraisal")
    ws = book.active
    r = rows_by_code(ws)["3"]
    assert ws.cell(r, 6).value == 15  # the self-score, to appraise from
    ws.cell(r, 6).value = 12
    book.save(tmp_path / "td.xlsx")
    run = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "appraisal",
               tmp_path / "td.xlsx", "--json")
    assert run.code == 1 and [(p["row"], p["column"], p["code"]) for p in run.data["errors"]] == [
        (r, "Ghi chú, nhận xét", "no_comment")]
    ws.cell(r, 10).value = "Chỉ có 2 phong trào có báo cáo."
    book.save(tmp_path / "td.xlsx")
    run = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "appraisal",
               tmp_path / "td.xlsx", "--json")
    assert run.code == 0, run
    with read_session(engine) as session:
        found = by_name(ranking.scores_object(session, year=2024, cluster_code="Cụm II"))["Sở Xây dựng"]
    assert (found["self_score"], found["appraised_score"], found["total"]) == (60.0, 57.0, 57.0)
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 60)
    broken = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "self",
                  tmp_path / "hong.xlsx", "--json")
    assert broken.code == 2 and broken.data["errors"][0]["code"] == "corrupt"
    missing = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm II", "--round", "self",
                   tmp_path / "khong_co.xlsx")
    assert missing.code == 2 and "Không đọc được tệp" in missing.stderr
    no_sheet = tdkt(db_url, "import-scores", "--year", 2024, "--cluster", "Cụm III", "--round", "self",
                    tmp_path / "td.xlsx", "--json")
    assert no_sheet.code == 2 and no_sheet.data["errors"][0]["code"] == "no_sheet"


def test_a_consolidated_sheet_with_a_unit_column_reads_each_members_rows(engine, world, settings):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Tổng hợp"
    for row in [["BẢNG TỔNG HỢP TỰ CHẤM ĐIỂM NĂM 2024"], [],
                ["STT", "Đơn vị", "Mã tiêu chí", "Chỉ tiêu được giao", "Kết quả", "Số văn bản", "Ngày văn bản"],
                [1, "Sở Y tế", "1", 40, 40, "3/BC", "05/11/2024"], [2, "Sở Y tế", "3", None, "Đạt", "3/BC", None],
                [3, "Sở Y tế", "2", None, None, None, None], [4, "Sở Nội vụ", "1", 40, 41, "1/BC", date(2024, 11, 1)]]:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with read_session(engine) as session:
        report = member_template.read_member_sheet(session, buffer.getvalue(), file_name="tong_hop.xlsx", year=2024,
                                                   cluster_code="Cụm II", round="self", settings=settings)
    assert [(i.row, i.column, i.code) for i in report.errors] == [(5, "Kết quả", "not_a_number"),
                                                                  (7, "Đơn vị", "unknown_member")]
    assert report.entries == [] and [(r.row, r.member, r.code) for r in report.rows] == [(4, "Sở Y tế", "1")]
    assert report.skipped == 1


def test_a_member_sheet_of_another_cluster_or_year_is_refused_and_a_name_without_its_code_is_not(engine, world,
                                                                                                  settings):
    def read(cluster: str, year: int) -> list[tuple]:
        data = openpyxl_rows([["Cụm thi đua:", cluster], ["Năm:", year], ["Đơn vị:", "Sở Y tế"], [],
                              ["Mã tiêu chí", "Kết quả / điểm / số lần", "Số văn bản kiểm chứng", "Ngày văn bản"],
                              ["3", 12, "6/BC", "03/11/2024"]])
        with read_session(engine) as session:
            report = member_template.read_member_sheet(session, data, file_name="y_te.xlsx", year=2024,
                                                       cluster_code="Cụm II", round="self", settings=settings)
        return [(i.row, i.code) for i in report.errors]

    assert read("Cụm III — Cụm thi đua III", 2024) == [(1, "other_cluster")]
    assert read("Cụm II", 2023) == [(2, "other_year")]
    assert read("Cụm thi đua II", 2024) == []


def openpyxl_rows(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
