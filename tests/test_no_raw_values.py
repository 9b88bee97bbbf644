"""No raw value reaches a person: every page on the demo database shows no "None", "nan", "NaT" or "<NA>" (in its
tables, texts, metrics and widgets) nor Streamlit's English placeholders, no download built on click reruns the page,
and every --json command prints JSON (null for a missing value, never NaN)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from tdkt.cli.program import cli
from tests.conftest import APP, ROOT, SECRET
from tests.demo_support import DEMO_TODAY, demo_app_env
from tests.workbook_builders import openpyxl_book

RAW = re.compile(r"(?<![\w<])(None|nan|NaN|NaT|<NA>)(?![\w>])|<NA>")
PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
# Who looks at each page: the Office sees every form, a unit's account its own rows; the admin's two pages.
VIEWERS = {"pages/nhat_ky.py": ["quan_tri"], "pages/quan_tri.py": ["quan_tri", "van_phong"]}
YEARS = (2025, 2023)  # the demo's latest plan year (the default) and its first, with tasks never done
VIEWS = {"pages/so_ket.py": [{}, {"so_ket_kind": "year"}]}  # other views of a page: Sơ kết's whole year


@pytest.fixture(scope="module")
def demo_app(demo_template, tmp_path_factory):
    """A copy of the demo database with its accounts past the first sign-in; the app pointed at it."""
    with demo_app_env(demo_template, tmp_path_factory.mktemp("raw_values"), secret=SECRET) as (url, users):
        yield {"url": url, "users": users}


def _visible_columns(element) -> list[str]:
    """The columns a person sees: not hidden by column_config, in column_order when one is given."""
    frame = element.value
    config = json.loads(element.proto.columns or "{}")
    hidden = {name for name, c in config.items() if isinstance(c, dict) and c.get("hidden")}
    order = list(element.proto.column_order) or [str(c) for c in frame.columns]
    return [c for c in frame.columns if str(c) in order and str(c) not in hidden]


def raw_values(at: AppTest) -> list[str]:
    """Return where the run shows a raw value or an English placeholder, as readable lines."""
    found = []
    for element in at.dataframe:
        frame = element.value
        may_miss = element.proto.HasField("placeholder")  # a missing cell shows that text, not "None"
        for column in _visible_columns(element):
            values = frame[column]
            text = values.astype(str)
            if (values.isna().any() and not may_miss) or text.str.fullmatch(RAW).any():
                found.append(f"bảng, cột {column}: {list(values[values.isna() | text.str.fullmatch(RAW)][:3])}")
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success",
                 "metric", "expander", "tabs"):
        for element in getattr(at, kind):
            for attr in ("value", "label", "delta"):
                value = getattr(element, attr, None)
                if isinstance(value, str) and RAW.search(value):
                    found.append(f"{kind}: {value[:120]}")
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in getattr(at, kind):
            found += [f"{kind} {widget.label}: {o}" for o in widget.options if RAW.search(str(o))]
            if kind != "radio" and not widget.proto.placeholder and (kind == "multiselect" or not widget.options):
                found.append(f"{kind} {widget.label}: Streamlit's English placeholder")
    return found


def rerunning_downloads(at: AppTest) -> list[str]:
    """Download buttons whose file is built on click (a callable) and whose click also reruns the page: the run's
    start clears what the server has queued for the browser, the file's answer with it when it came first, and the
    button then spins for three minutes (seen on Sơ kết in CI). Such a button must pass on_click="ignore"."""
    return [f"nút tải “{b.proto.label}” chạy lại trang" for b in at.get("download_button")
            if b.proto.HasField("deferred_file_id") and not b.proto.ignore_rerun]


def run_page(app: dict, role: str, page: str, year: int, state: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user_id"] = app["users"][role]
    at.session_state["year"] = year
    for key, value in state.items():
        at.session_state[key] = value
    return at.switch_page(page).run()


@pytest.mark.parametrize("page", PAGES)
def test_a_page_on_the_demo_shows_no_raw_value(demo_app, page):
    problems = []
    for role in VIEWERS.get(page, ["van_phong", "don_vi"]):
        for year in YEARS:
            for state in VIEWS.get(page, [{}]):
                at = run_page(demo_app, role, page, year, state)
                assert not at.exception, at.exception
                problems += [f"{role} {year} {state}: {p}" for p in raw_values(at) + rerunning_downloads(at)]
    assert problems == []


def test_the_scan_sees_a_raw_value_when_one_is_shown():
    at = AppTest.from_string("""
import pandas as pd
import streamlit as st
st.dataframe(pd.DataFrame({"Ngày hoàn thành": [None], "Minh chứng": [float("nan")]}))
st.dataframe(pd.DataFrame({"Ngày": [None]}), placeholder="")
st.caption("Minh chứng: None")
st.multiselect("Danh sách", ["a"])
st.download_button("Tải", data=lambda: b"x", file_name="a.txt")
st.download_button("Tải lại", data=lambda: b"x", file_name="b.txt", on_click="ignore")
st.download_button("Tải mẫu", data=b"x", file_name="c.txt")
""").run()
    assert rerunning_downloads(at) == ["nút tải “Tải” chạy lại trang"]
    assert raw_values(at) == ["bảng, cột Ngày hoàn thành: [None]", "bảng, cột Minh chứng: [nan]",
                              "caption: Minh chứng: None", "multiselect Danh sách: Streamlit's English placeholder"]


def _raise(constant: str):
    raise ValueError(f"{constant} không phải JSON")


def _commands(group, prefix=()) -> dict[tuple[str, ...], object]:
    """Every command of `python -m tdkt`, by its words."""
    found = {}
    for name, command in getattr(group, "commands", {}).items():
        found[(*prefix, name)] = command
        found |= _commands(command, (*prefix, name))
    return found


def _cases_file(directory: Path) -> str:
    path = directory / "cases.json"
    path.write_text(json.dumps([{"id": 1, "target": "ca_nhan", "award": "Lao động tiên tiến", "year": 2025,
                                 "assessments": [{"year": 2025, "rating": "HTTNV"}]}]), encoding="utf-8")
    return str(path)


def _records_file(directory: Path) -> str:
    path = directory / "xep_loai.xlsx"
    path.write_bytes(openpyxl_book(("Xếp loại", [["Họ và tên", "Đơn vị", "Năm", "Xếp loại"],
                                                ["Nguyễn Văn An", "Văn phòng Sở", 2025, "HTXSNV"]], False)))
    return str(path)


def _council_files(directory: Path) -> tuple[str, str]:
    """A council of three for a year the demo does not use; a tally of a year without a meeting (its JSON errors)."""
    members, tally = directory / "hoi_dong.xlsx", directory / "kiem_phieu.xlsx"
    members.write_bytes(openpyxl_book(("Hội đồng", [
        ["Họ và tên", "Chức vụ trong Hội đồng"], ["Nguyễn Văn An", "Chủ tịch"], ["Trần Thị Hoa", "Ủy viên thư ký"],
        ["Lê Văn Bình", "Ủy viên"]], False)))
    tally.write_bytes(openpyxl_book(("Kiểm phiếu", [
        ["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Nguyễn Văn An", "Chiến sĩ thi đua cơ sở", 3]], False)))
    return str(members), str(tally)


def _scores_file(directory: Path) -> str:
    path = directory / "cham_diem.xlsx"
    path.write_bytes(openpyxl_book(("Bảng chấm điểm", [["Đơn vị:", "Sở Xây dựng"], [],
                                                      ["Mã tiêu chí", "Kết quả / điểm / số lần", "Ghi chú"],
                                                      ["2", 120, "Thẩm định lại"]], False)))
    return str(path)


def json_runs(directory: Path) -> dict[tuple[str, ...], list[list[str]]]:
    """The arguments each JSON-printing command runs with on the demo (its years, its own files)."""
    years = [["--year", str(y)] for y in (2023, 2024, 2025)]
    return {
        ("plan",): [[*y, "--as-of", "05/01/2026", "--json"] for y in years],
        ("clusters",): [[*y, "--json"] for y in years],
        ("stats",): [[*y, "--json"] for y in years],
        ("check",): [[*y, "--json"] for y in years],
        ("submissions",): [[*y, "--json"] for y in years],
        ("report",): [[*y, "--json"] for y in years] + [["--year", "2025", "--period", "year", "--json"]],
        ("forms",): [["--year", "2025", "--form", form, "--json"] for form in ("0601", "0602", "0603")],
        ("remind",): [["--year", "2025", "--dry-run", "--as-of", "05/01/2026", "--json"]],
        ("audit", "verify"): [["--json"]],
        ("eligibility",): [[_cases_file(directory)]],
        ("import",): [[str(ROOT / "tests" / "samples" / "CANHAN.xlsx"), "--dry-run", "--json"]],
        ("import-records",): [[_records_file(directory), "--kind", "xep_loai", "--dry-run", "--json"]],
        ("scores",): [[*y, "--cluster", "Cụm II", "--json"] for y in years],
        ("import-scores",): [[_scores_file(directory), "--year", "2024", "--cluster", "Cụm II", "--round",
                              "appraisal", "--dry-run", "--json"]],
        ("council", "members"): [["--year", "2099", _council_files(directory)[0], "--json"]],
        ("council", "tally"): [["--year", "2099", _council_files(directory)[1], "--json"]],
    }


def test_every_json_command_prints_json_with_null_for_a_missing_value(demo_app, tmp_path):
    runs = json_runs(tmp_path)
    printing = {words for words, command in _commands(cli).items()
                if any("--json" in p.opts for p in getattr(command, "params", [])) or words == ("eligibility",)}
    assert printing == set(runs)  # a new command with --json is added above
    nulls = 0
    for words, argument_lists in runs.items():
        for arguments in argument_lists:
            result = CliRunner().invoke(cli, [*words, *arguments], env={"TDKT_DATABASE_URL": demo_app["url"]})
            assert result.exception is None or isinstance(result.exception, SystemExit), (words, result.output)
            assert result.output.strip(), (words, arguments)
            for line in (result.output.splitlines() if words[0].startswith("import") else [result.output]):
                data = json.loads(line, parse_constant=_raise)  # NaN, Infinity: not JSON
                nulls += json.dumps(data).count("null")
    assert nulls  # the demo's plans have tasks without evidence: printed null


def test_plan_json_prints_null_for_a_task_without_evidence(demo_app):
    result = CliRunner().invoke(cli, ["plan", "--year", "2025", "--as-of", DEMO_TODAY.strftime("%d/%m/%Y"), "--json"],
                                env={"TDKT_DATABASE_URL": demo_app["url"]})
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.output
    tasks = json.loads(result.output, parse_constant=_raise)["tasks"]
    missing = [t for t in tasks if t["evidence"] is None]
    assert missing and all(t["completed"] is None for t in missing if t["status"] != "Hoàn thành")
    assert not any(pd.isna(t["evidence"]) for t in tasks if t["evidence"] is not None)
