"""The `eligibility` command end to end: JSON file or stdin in, JSON list out; exit 2 on a file it cannot use."""

import json

import click
import pytest
from click.testing import CliRunner

from tdkt.cli.rules_command import register

GOOD = {"id": "a1", "target": "ca_nhan", "award": "Lao động tiên tiến", "year": 2024, "decision_date": "15/12/2024",
        "assessments": [{"year": 2024, "rating": "HTTNV"}]}
LOW = {**GOOD, "id": "a2", "assessments": [{"year": 2024, "rating": "HTNV"}]}
PENDING = {"id": 3, "target": "ca_nhan", "award": "Chiến sĩ thi đua cơ sở", "year": 2025,
           "decision_date": "01/07/2025", "assessments": [{"year": 2025, "rating": "HTXSNV"}], "votes": None}
BAD = {**GOOD, "id": "a4", "award": "Danh hiệu không có"}


@pytest.fixture
def run():
    group = click.Group()
    register(group)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(group, list(args), input=input)


def write(tmp_path, content, name="cases.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_prints_one_verdict_per_case_in_order(run, tmp_path):
    result = run("eligibility", write(tmp_path, [GOOD, LOW, PENDING, BAD]))
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert [(d["id"], d["eligible"]) for d in data] == [("a1", True), ("a2", False), (3, True), ("a4", False)]
    assert data[0] == {"id": "a1", "eligible": True, "failures": [], "pending": []}
    assert data[1]["failures"] == [{
        "rule": "LDTT-1", "basis": "Luật Thi đua, khen thưởng 2022, Điều 24 khoản 1",
        "reason": "Kết quả đánh giá năm 2024 là “Hoàn thành nhiệm vụ”, "
                  "chưa đạt mức “Hoàn thành tốt nhiệm vụ” trở lên."}]
    assert [p["rule"] for p in data[2]["pending"]] == ["PHIEU-80-ND152"] and data[2]["failures"] == []
    assert set(data[3]) == {"id", "eligible", "error"} and "“award”" in data[3]["error"]


def test_output_keeps_vietnamese_letters(run, tmp_path):
    result = run("eligibility", write(tmp_path, [LOW]))
    assert "Điều 24 khoản 1" in result.output and "\\u" not in result.output


def test_reads_standard_input_with_a_dash(run):
    result = run("eligibility", "-", input=json.dumps([GOOD]))
    assert result.exit_code == 0 and json.loads(result.output)[0]["eligible"] is True


def test_accepts_a_file_saved_with_a_byte_order_mark(run, tmp_path):
    result = run("eligibility", write(tmp_path, "\ufeff" + json.dumps([GOOD])))
    assert result.exit_code == 0 and json.loads(result.output)[0]["id"] == "a1"


def test_empty_list_prints_an_empty_list(run, tmp_path):
    result = run("eligibility", write(tmp_path, []))
    assert result.exit_code == 0 and json.loads(result.output) == []


@pytest.mark.parametrize(("content", "message"), [
    (None, "Không tìm thấy tệp"),
    ("{không phải json", "không phải JSON hợp lệ (dòng 1"),
    ({"id": 1}, "phải chứa một danh sách JSON"),
    ("", "không phải JSON hợp lệ"),
])
def test_unusable_file_exits_2_with_a_vietnamese_message(run, tmp_path, content, message):
    path = str(tmp_path / "khong_co.json") if content is None else write(tmp_path, content)
    result = run("eligibility", path)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_non_utf8_file_exits_2(run, tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('[{"id": "Hà"}]'.encode("cp1258"))
    result = run("eligibility", str(path))
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_help_is_vietnamese_and_names_the_file_argument(run):
    result = run("eligibility", "--help")
    assert result.exit_code == 0
    assert "CASES.json" in result.output and "Xét điều kiện khen thưởng" in result.output
    assert run("eligibility", "-h").output == result.output


def test_missing_argument_is_a_usage_error(run):
    assert run("eligibility").exit_code == 2
