"""Large lists with repeated unknown names: suggestions worked out once per distinct text, the CLI's text output one
line per unknown value (its row count and first rows), its JSON still one entry per row, pandas not loaded."""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from tdkt.awards import catalog_lookup
from tdkt.cli.program import cli
from tdkt.core.cell_issues import ImportIssue
from tdkt.core.config import Settings
from tdkt.core.db import make_engine
from tdkt.core.permissions import COMMAND_LINE
from tdkt.core.text import fold
from tdkt.importing.issue_groups import group_issues
from tdkt.importing.nomination_lists import pipeline
from tests.conftest import SECRET
from tests.workbook_builders import openpyxl_book

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"]
UNKNOWN_UNITS = ["Chi nhánh Điện lực Cao Lộc", "Chi nhánh Điện lực Lộc Bình", "Trường THPT Việt Bắc"]
UNKNOWN_AWARDS = ["Cúp vàng sáng tạo", "Kỷ niệm chương Sao Hỏa"]
FIRST = 4  # the list's first data row (title, blank row, header above it)


def unit_of(i: int) -> str:
    """Every third row names an unknown unit (cycling through three), the others a seeded one."""
    return UNKNOWN_UNITS[(i // 3) % 3] if i % 3 == 0 else "Văn phòng Sở"


def award_of(i: int) -> str:
    return UNKNOWN_AWARDS[(i // 10) % 2] if i % 10 == 5 else "LĐTT"


def big_list(rows: int = 90) -> bytes:
    """A list of `rows` individuals whose unknown units and awards repeat on many rows, as department lists do."""
    body = [[i, f"Nguyễn Văn An {i}", "Nam", 1980, "Chuyên viên", unit_of(i), award_of(i)] for i in range(rows)]
    return openpyxl_book(("DS", [["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"], [], HEADER, *body], False))


def test_suggestions_are_worked_out_once_per_distinct_unknown_text(engine, settings, monkeypatch):
    asked = []
    close = difflib.get_close_matches
    monkeypatch.setattr(catalog_lookup.difflib, "get_close_matches",
                        lambda word, *args, **kwargs: asked.append(word) or close(word, *args, **kwargs))
    with Session(engine) as session:
        report = pipeline.check(session, big_list(), file_name="ds.xlsx", settings=settings)
    unknown_units = [i for i in report.issues if i.code == "unknown_unit"]
    unknown_awards = [i for i in report.issues if i.code == "unknown_award"]
    assert [i.row - FIRST for i in unknown_units] == list(range(0, 90, 3))  # every row still says it
    assert [i.row - FIRST for i in unknown_awards] == list(range(5, 90, 10))
    assert Counter(asked) == Counter(fold(t) for t in UNKNOWN_UNITS + UNKNOWN_AWARDS)  # once each, not once a row
    assert len({i.message for i in unknown_units}) == 3  # one message per unit, on each of its rows


def test_a_catalogue_answers_a_repeated_text_from_its_cache(engine):
    with Session(engine) as session:
        cat = catalog_lookup.Catalogue(session)
    first = cat.unit_suggestions("Văn phòng Sở Công thương")
    assert first[0] == "Văn phòng Sở"
    first.append("changed by the caller")
    assert cat.unit_suggestions("Văn phòng Sở Công thương") == first[:-1]  # a copy each time
    assert cat.award_suggestions("Lao động tiên tiếng") == cat.award_suggestions("Lao động tiên tiếng")


def test_groups_keep_each_value_apart_and_list_its_rows():
    other = ImportIssue("ds.xlsx", "DS", 6, "Đơn vị", "unknown_unit", "Đơn vị “B” chưa có.", "warning")
    whole = ImportIssue("ds.xlsx", "", None, None, "repeated_file", "Tệp đã nhập.", "warning")
    rows = [ImportIssue("ds.xlsx", "DS", r, "Đơn vị", "unknown_unit", "Đơn vị “A” chưa có.", "warning")
            for r in range(5, 13)]
    groups = group_issues([*rows, other, whole])
    assert [(g.message, g.rows) for g in groups] == [
        ("Đơn vị “A” chưa có.", tuple(range(5, 13))), ("Đơn vị “B” chưa có.", (6,)), ("Tệp đã nhập.", ())]
    assert [g.where() for g in groups] == ["DS, cột “Đơn vị”, 8 dòng: 5, 6, 7, 8, 9, …", "DS, dòng 6, cột “Đơn vị”", ""]


def run_cli(db_url, monkeypatch, *args):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET)
    return CliRunner().invoke(cli, ["import", *map(str, args)])


def test_cli_text_says_a_repeated_problem_once_with_its_rows_and_json_keeps_one_entry_per_row(db_url, tmp_path,
                                                                                           monkeypatch):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(big_list())
    text = run_cli(db_url, monkeypatch, "--dry-run", path)
    line = json.loads(run_cli(db_url, monkeypatch, "--dry-run", "--json", path).output)
    assert (text.exit_code, len(line["records"]), len(line["errors"]), len(line["warnings"])) == (1, 90, 9, 30)
    lines = text.output.splitlines()
    cao_loc = [w for w in line["warnings"] if "Cao Lộc" in w["message"]]
    assert len(cao_loc) == 10 and lines.count(
        f"  Cảnh báo (DS, cột “Đơn vị”, 10 dòng: 4, 13, 22, 31, 40, …): {cao_loc[0]['message']}") == 1
    award = [e for e in line["errors"] if "Cúp vàng" in e["message"]]
    assert f"  Lỗi (DS, cột “Danh hiệu đề nghị”, 5 dòng: 9, 29, 49, 69, 89): {award[0]['message']}" in lines
    said = {(p["column"], p["message"]) for p in line["errors"] + line["warnings"]}
    assert len(lines) == 1 + len(said) + 1  # the file's line, one line per distinct problem, the outcome
    assert lines[0] == "Tệp ds.xlsx: 90 dòng trong DS, năm 2024." and lines[-1] == "  Chưa ghi gì."


def test_cli_json_line_is_the_reports_as_json_written_piece_by_piece(db_url, engine, settings, tmp_path,
                                                                    monkeypatch):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(big_list(2500))  # records written in three pieces of at most a thousand
    run = run_cli(db_url, monkeypatch, "--dry-run", "--json", path)
    with Session(engine) as session:
        report = pipeline.import_file(session, COMMAND_LINE, path.read_bytes(), file_name="ds.xlsx",
                                      settings=settings, dry_run=True)
    assert run.output == json.dumps(report.as_json(), ensure_ascii=False, default=str) + "\n"
    assert len(json.loads(run.output)["records"]) == 2500


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # what the command loads, not where it writes
def test_the_import_command_loads_neither_pandas_nor_alembic(db_url, tmp_path):
    """pandas costs an import about 0.45 s and 80 MiB of its peak, Alembic 0.45 s: the command prints without the one
    and, on a database at the newest migration, starts without the other."""
    path = tmp_path / "ds.xlsx"
    path.write_bytes(big_list(30))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env |= {"TDKT_DATABASE_URL": db_url, "TDKT_SECRET_KEY": SECRET}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "tdkt", "import", "--json", str(path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    loaded = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")]
    assert done.returncode == 1 and json.loads(done.stdout)["rows"] == 30  # unknown awards: errors, nothing written
    assert "tdkt.importing.nomination_lists.pipeline" in loaded
    assert [m for m in loaded if m.split(".")[0] in ("pandas", "numpy", "alembic")] == []  # the schema is current


def draw_file():
    """Draw one checked file as Tải lên danh sách does (AppTest cannot drive the uploader that checks it)."""
    import streamlit as st

    from pages import _import_file

    _import_file.render(st.session_state["import_reports"], ("ds", 2024))


def test_the_page_shows_a_repeated_problem_once_per_value_and_row_by_row_on_demand(app_env):
    data = big_list()
    engine = make_engine(app_env["url"])
    with Session(engine) as session:
        report = pipeline.check(session, data, file_name="ds.xlsx", settings=replace(Settings(), secret_key=SECRET))
    engine.dispose()
    at = AppTest.from_function(draw_file, default_timeout=30)
    at.session_state["user_id"] = app_env["users"]["van_phong"]
    at.session_state["import_reports"] = {("ds", 2024): (data, report)}
    at.run()
    assert not at.exception
    errors, warnings = (at.dataframe[i].value for i in (0, 1))
    assert errors[["Số dòng", "Các dòng"]].values.tolist() == [[5, "9, 29, 49, 69, 89"], [4, "19, 39, 59, 79"]]
    assert warnings["Số dòng"].tolist() == [10, 10, 10]
    assert warnings["Các dòng"].iloc[0] == "4, 13, 22, 31, 40, 49, 58, 67, 76, 85"
    assert "Chi nhánh Điện lực Cao Lộc" in warnings["Nội dung"].iloc[0]
    at.toggle(key="issues_by_row_warnings_ds_2024").set_value(True).run()
    assert len(at.dataframe[1].value) == 30 and list(at.dataframe[1].value.columns) == ["Sheet", "Dòng", "Cột",
                                                                                      "Nội dung"]


def test_the_start_reads_the_newest_migration_as_alembic_does(engine):
    """create_schema skips Alembic on a database at the newest migration: both must name the same one."""
    from alembic.script import ScriptDirectory

    from tdkt.core import db

    head = ScriptDirectory.from_config(db._alembic_config(engine)).get_current_head()
    assert db._newest_revision() == head and db._stored_revision(engine) == head  # the seeded copy is current


def test_a_column_holds_one_str_per_repeated_text():
    """calamine makes a str per cell; the reader keeps one of each repeated text (35 MiB less at 100k rows)."""
    from tdkt.importing.read import read_workbook

    sheets = read_workbook(big_list(300), filename="ds.xlsx", limit_bytes=10 << 20, max_rows=1000)
    body = sheets[0].rows[40:-40]  # the 40 rows at each edge (title, signature) are read cell by cell
    assert len(body) == 223 and {r[5] for r in body} == {"Văn phòng Sở", *UNKNOWN_UNITS}
    assert len({id(r[5]) for r in body}) == 4 and len({id(r[1]) for r in body}) == 223  # names stay as they are
