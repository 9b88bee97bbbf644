"""`python -m tdkt import` run as a user runs it (a subprocess): its JSON Lines, exit codes 0/1/2 and text lines, on
SQLite and PostgreSQL; and a guard that no test reads outside the repository or skips."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from tdkt.core.db import write_session
from tdkt.core.models import ImportBatch, Nomination, Person
from tdkt.core.permissions import COMMAND_LINE
from tdkt.importing.nomination_lists.pipeline import import_file
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"]
VIETNAMESE = re.compile(r"[ăâđêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]", re.I)


def documented_keys() -> tuple[set[str], set[str]]:
    """The keys README's "Dòng lệnh" section promises for a file's JSON line and for each of its problems."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"`import --json`.*?`(\{[^`]*\})`.*?`(\{[^`]*\})`", readme, re.S)
    assert found, "README không còn mô tả dòng JSON của `import --json`"
    file_keys, problem_keys = (set(re.findall(r'"(\w+)"', group)) for group in found.groups())
    assert {"file", "errors", "warnings"} <= file_keys and {"row", "column", "message"} <= problem_keys
    return file_keys, problem_keys


def workbook(path: Path, rows: list[list], sheet: str = "DS") -> Path:
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.fixture
def lists(tmp_path) -> dict[str, Path]:
    """Lists as units send them, and files the command cannot read (`missing` is never created)."""
    (tmp_path / "ds").mkdir()
    folder = tmp_path / "ds"
    (folder / "hong.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 60)  # a zip cut short
    (folder / "trong.xlsx").write_bytes(b"")
    (folder / "danh_sach.csv").write_text("Họ và tên,Danh hiệu đề nghị\nLê Văn Cường,LĐTT\n", encoding="utf-8")
    return {
        "good": workbook(folder / "ds_2023.xlsx", [
            ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2023"], [], HEADER, ["I. CÁ NHÂN"],
            [1, "Nguyễn Thị Minh", "Nữ", 1987, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
            [2, "Trần Văn Bình", "Nam", 1979, "Trưởng phòng", "Thanh tra Sở", "CSTĐCS"],
            ["II. TẬP THỂ"], [1, "Phòng Quản lý Thương mại", None, None, None, None, "Tập thể lao động tiên tiến"],
        ]),
        "other": workbook(folder / "ds_thanh_tra.xlsx", [
            ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2023"], HEADER,
            [1, "Hoàng Văn Đức", "Nam", 1990, "Thanh tra viên", "Thanh tra Sở", "LĐTT"],
            [2, "Đỗ Thị Hương", "Nữ", 1992, "Chuyên viên", "Thanh tra Sở", "LĐTT"],
        ]),
        "bad": workbook(folder / "ds_loi.xlsx", [
            HEADER,
            [1, "Lê Văn Cường", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "LĐTT"],
            [2, "Phạm Thị Dung", "Nữ", "năm ngoái", "Chuyên viên", "Văn phòng Sở", "Huân chương Mặt Trăng"],
        ], sheet="Danh sách"),
        "no_header": workbook(folder / "bang_khac.xlsx", [["Mã", "Số tiền"], ["A1", 1000]]),
        "corrupt": folder / "hong.xlsx",
        "empty": folder / "trong.xlsx",
        "csv": folder / "danh_sach.csv",
        "missing": folder / "khong_co.xlsx",
    }


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[dict]:
        """The JSON Lines: every line of stdout must be one JSON object."""
        return [json.loads(line) for line in self.stdout.splitlines()]


def tdkt_import(db_url: str, *args: object) -> Run:
    """Run `python -m tdkt import ARGS` in a new process over db_url, as a user does from the project folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env |= {"TDKT_DATABASE_URL": db_url, "TDKT_SECRET_KEY": SECRET}
    done = subprocess.run([sys.executable, "-m", "tdkt", "import", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def counts(engine) -> tuple[int, int, int]:
    """(batches, nominations, people) in the database."""
    with Session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(t)).one() for t in (ImportBatch, Nomination, Person))


def problems(line: dict, kind: str = "errors") -> list[tuple]:
    return [(p["sheet"], p["row"], p["column"], p["code"]) for p in line[kind]]


def assert_shape(line: dict) -> None:
    """A file's line has exactly README's keys; each problem too, with a Vietnamese message."""
    file_keys, problem_keys = documented_keys()
    assert set(line) == file_keys, line
    for problem in line["errors"] + line["warnings"]:
        assert set(problem) == problem_keys, problem
        assert VIETNAMESE.search(problem["message"]), problem
    assert line["rows"] == len(line["records"])


# --- exit 0, 1, 2 ----------------------------------------------------------------------------------------------


def test_a_clean_list_exits_0_with_one_json_line_of_the_documented_keys(db_url, engine, lists):
    run = tdkt_import(db_url, "--json", lists["good"])
    assert run.code == 0, run
    [line] = run.lines
    assert_shape(line)
    assert (line["file"], line["sheets"], line["rows"], line["imported"], line["year"]) == (
        "ds_2023.xlsx", ["DS"], 3, 3, 2023)
    assert (line["errors"], line["warnings"]) == ([], [])
    assert [(r["row"], r["target"], r["name"], r["award"]) for r in line["records"]] == [
        (5, "ca_nhan", "Nguyễn Thị Minh", "Lao động tiên tiến"),
        (6, "ca_nhan", "Trần Văn Bình", "Chiến sĩ thi đua cơ sở"),
        (8, "tap_the", "Phòng Quản lý Thương mại", "Tập thể lao động tiên tiến")]
    with Session(engine) as session:
        assert session.exec(select(ImportBatch.id)).all() == [line["batch_id"]]
    assert counts(engine) == (1, 3, 2)


def test_a_list_with_a_row_error_exits_1_and_writes_none_of_its_rows(db_url, engine, lists):
    run = tdkt_import(db_url, "--json", lists["bad"])
    assert run.code == 1, run
    [line] = run.lines
    assert_shape(line)
    assert problems(line) == [("Danh sách", 3, "Năm sinh", "bad_birth"),
                              ("Danh sách", 3, "Danh hiệu đề nghị", "unknown_award")]
    assert (line["rows"], line["imported"], line["batch_id"]) == (2, 0, None)
    assert counts(engine) == (0, 0, 0)  # the clean row 2 is not written either: a file is written whole or not at all


def test_the_same_file_again_exits_1_and_force_imports_it(db_url, engine, settings, lists):
    with write_session(engine) as session:  # imported once already, for 2024 by mistake
        first = import_file(session, COMMAND_LINE, lists["good"].read_bytes(), file_name="ds_2023.xlsx",
                            settings=settings, year=2024)
    assert first.imported == 3
    again = tdkt_import(db_url, "--json", lists["good"])
    assert again.code == 1, again
    [line] = again.lines
    assert_shape(line)
    assert (line["imported"], line["batch_id"], line["errors"]) == (0, None, [])  # 2023's rows are new …
    assert [p["code"] for p in line["warnings"]] == ["repeated_file"]  # … but the file is not
    assert f"lô số {first.batch_id}" in line["warnings"][0]["message"] and "--force" in line["warnings"][0]["message"]
    assert counts(engine) == (1, 3, 2)
    forced = tdkt_import(db_url, "--json", "--force", lists["good"])
    assert forced.code == 0, forced
    [line] = forced.lines
    assert (line["imported"], line["year"], line["errors"], [p["code"] for p in line["warnings"]]) == (
        3, 2023, [], ["repeated_file"])
    assert counts(engine) == (2, 6, 2)  # the same two people, now with a 2023 nomination each


def test_force_never_writes_a_row_twice(db_url, engine, settings, lists):
    with write_session(engine) as session:
        import_file(session, COMMAND_LINE, lists["good"].read_bytes(), file_name="ds_2023.xlsx", settings=settings)
    run = tdkt_import(db_url, "--json", "--force", lists["good"])
    assert run.code == 1, run
    [line] = run.lines
    assert_shape(line)
    assert problems(line) == [("DS", row, "Họ và tên", "already_in_database") for row in (5, 6, 8)]
    assert (line["imported"], counts(engine)) == (0, (1, 3, 2))


def test_files_it_cannot_read_exit_2_each_with_a_line_naming_it(db_url, engine, lists):
    names = ["missing", "corrupt", "empty", "csv", "no_header"]
    run = tdkt_import(db_url, "--json", *(lists[n] for n in names))
    assert run.code == 2, run
    assert [line["file"] for line in run.lines] == [lists[n].name for n in names]
    codes = []
    for line in run.lines:
        assert_shape(line)
        assert (line["sheets"], line["rows"], line["imported"], line["batch_id"], line["warnings"]) == (
            [], 0, 0, None, [])
        [problem] = line["errors"]
        assert (problem["sheet"], problem["row"], problem["column"]) == ("", None, None)
        assert line["file"] in problem["message"], problem  # the message names the file
        codes.append(problem["code"])
    assert codes == ["file_not_found", "corrupt", "empty_file", "not_spreadsheet", "no_header"]
    assert counts(engine) == (0, 0, 0)


def test_several_files_give_one_line_each_in_order_and_the_worst_exit_code(db_url, engine, lists):
    # README: 0 imported, 1 row errors or a repeated file, 2 unreadable; with several files, the highest.
    first = tdkt_import(db_url, "--json", lists["missing"], lists["good"], lists["bad"])
    assert first.code == 2, first
    assert [(line["file"], line["imported"]) for line in first.lines] == [
        ("khong_co.xlsx", 0), ("ds_2023.xlsx", 3), ("ds_loi.xlsx", 0)]  # a bad file does not stop the others
    assert counts(engine) == (1, 3, 2)
    second = tdkt_import(db_url, "--json", lists["bad"], lists["other"])
    assert second.code == 1, second
    assert [(line["file"], line["imported"], len(line["errors"])) for line in second.lines] == [
        ("ds_loi.xlsx", 0, 2), ("ds_thanh_tra.xlsx", 2, 0)]
    assert counts(engine) == (2, 5, 4)


def test_dry_run_checks_every_file_and_writes_nothing(db_url, engine, lists):
    run = tdkt_import(db_url, "--json", "--dry-run", "--year", "2025", lists["good"], lists["bad"])
    assert run.code == 1, run  # the bad list's errors
    good, bad = run.lines
    for line in (good, bad):
        assert_shape(line)
    assert (good["rows"], good["imported"], good["batch_id"], good["errors"]) == (3, 0, None, [])
    assert good["year"] == bad["year"] == 2025  # --year wins over the year in the list's title
    assert [p[3] for p in problems(bad)] == ["bad_birth", "unknown_award"]
    clean = tdkt_import(db_url, "--dry-run", lists["good"])
    assert (clean.code, clean.stdout.splitlines()) == (0, [
        "Tệp ds_2023.xlsx: 3 dòng trong DS, năm 2023.", "  Không có lỗi (chạy thử, chưa ghi)."])
    assert counts(engine) == (0, 0, 0)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # refused before any database work
def test_a_folder_given_as_a_file_exits_2_with_a_vietnamese_message(db_url, engine, lists):
    run = tdkt_import(db_url, "--json", lists["good"].parent)
    assert run.code == 2, run
    assert str(lists["good"].parent) in run.stderr and VIETNAMESE.search(run.stderr), run
    assert counts(engine) == (0, 0, 0)


# --- the text lines --------------------------------------------------------------------------------------------


def text_of(problem: dict, label: str) -> str:
    """How the text output writes one problem of the JSON: "  Lỗi (sheet, dòng N, cột “X”): message"."""
    where = ", ".join(part for part in (problem["sheet"], problem["row"] and f"dòng {problem['row']}",
                                        problem["column"] and f"cột “{problem['column']}”") if part)
    return f"  {label}{f' ({where})' if where else ''}: {problem['message']}"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the same printing on both engines; JSON runs on both
def test_text_output_says_for_each_file_what_its_json_line_says(db_url, engine, lists):
    files = [lists["good"], lists["bad"], lists["corrupt"]]
    checked = tdkt_import(db_url, "--json", "--dry-run", *files).lines
    run = tdkt_import(db_url, *files)
    assert (run.code, run.stderr) == (2, "")
    blocks: list[list[str]] = []
    for text in run.stdout.splitlines():
        if text.startswith("Tệp "):
            blocks.append([])
        assert blocks, f"dòng ngoài khối của một tệp: {text!r}"
        blocks[-1].append(text)
    assert len(blocks) == len(checked)
    with Session(engine) as session:
        batch = session.exec(select(ImportBatch.id)).one()
    outcomes = [f"  Đã nhập 3 đề nghị (lô số {batch}).", "  Chưa ghi gì.", "  Chưa ghi gì."]
    unreadable = [False, False, True]  # an unreadable file has no year to show
    for block, line, outcome, broken in zip(blocks, checked, outcomes, unreadable, strict=True):
        sheets = f" trong {', '.join(line['sheets'])}" if line["sheets"] else ""
        year = "" if broken else f", năm {line['year']}"
        assert block[0] == f"Tệp {line['file']}: {line['rows']} dòng{sheets}{year}."
        said = [text_of(p, "Lỗi") for p in line["errors"]] + [text_of(p, "Cảnh báo") for p in line["warnings"]]
        assert sorted(block[1:-1]) == sorted(said)
        assert block[-1] == outcome
    assert blocks[1][1] == ("  Lỗi (Danh sách, dòng 3, cột “Năm sinh”): Năm sinh “năm ngoái” không đọc được: ghi năm "
                            "(ví dụ 1985) hoặc ngày dd/mm/yyyy.")


# --- tests that cannot quietly pass ----------------------------------------------------------------------------

SKIPS = {"skip", "skipif", "importorskip", "xfail", "skipTest", "SkipTest"}
SYSTEM_ROOTS = {"usr", "bin", "tmp", "dev", "proc"}  # Debian's programs the test command installs, temp files
OUTSIDE = re.compile(r"^(?:/(?P<root>[\w.-]+)(?:/|$)|~[/\\]|[A-Za-z]:[\\/])")


def findings(path: Path, tests: Path) -> list[str]:
    """Where a test file skips, or names a path outside the repository (absolute, home, or above the project)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(tests).parts)  # parents[depth] of the file is the project folder
    fstring_tails = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                     for part in node.values[1:]}  # f"{folder}/data" is inside folder, not a root path
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(tests.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr in SKIPS:
            found.append(f"{where}: {node.attr}")
        elif isinstance(node, ast.ImportFrom) and {a.name for a in node.names} & SKIPS:
            found.append(f"{where}: import {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in fstring_tails:
            match = OUTSIDE.match(node.value)
            if (match and match["root"] not in SYSTEM_ROOTS) or re.search(r"(^|[/\\])\.\.([/\\]|$)", node.value):
                found.append(f"{where}: {node.value[:60]!r}")
        elif isinstance(node, ast.Attribute) and node.attr in {"home", "expanduser"}:
            found.append(f"{where}: {node.attr}()")
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents"
              and isinstance(node.slice, ast.Constant) and node.slice.value > depth):
            found.append(f"{where}: parents[{node.slice.value}]")
    return found


def test_no_test_reads_outside_the_repository_or_skips():
    tests = Path(__file__).resolve().parent
    files = sorted(tests.rglob("*.py"))
    assert Path(__file__).resolve() in files and len(files) > 10
    found = [f for path in files for f in findings(path, tests)]
    assert found == [], "\n".join(found)


def test_the_guard_sees_a_skip_and_a_path_outside(tmp_path):
    outside = "/" + "/".join(["elsewhere", "samples"])  # an absolute path of another machine, planted in a fake test
    beside = "/".join(["." * 2, "beside", "x.xlsx"])  # a path beside the project
    (tmp_path / "tests").mkdir()
    bad = tmp_path / "tests" / "test_x.py"
    bad.write_text('import pytest\nfrom pathlib import Path\nSAMPLES = Path("' + outside + '")\n'
                   'UP = Path(__file__).resolve().parents[2] / "data"\nHOME = Path.home()\nREL = "' + beside + '"\n'
                   'ok = (Path("/usr/bin/soffice"), f"{SAMPLES}/data", "/")\n'
                   '@pytest.mark.skipif(True, reason="")\ndef test_a():\n    pytest.importorskip("x")\n',
                   encoding="utf-8")
    assert sorted(f.split(": ", 1)[1] for f in findings(bad, tmp_path / "tests")) == sorted(
        [f"'{outside}'", "parents[2]", "home()", f"'{beside}'", "skipif", "importorskip"])
