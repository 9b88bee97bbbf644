"""`python -m tdkt council members` and `council tally`: a sheet replaces the council, a tally sheet records votes and
prints each nominee's share and verdict as JSON; a sheet with a bad row records nothing and exits 1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from tdkt.cli import click_vi
from tdkt.cli.program import cli
from tdkt.core.council_tables import CouncilMember, CouncilVote
from tdkt.core.db import make_engine, read_session
from tdkt.core.models import AuditLog, Nomination, Role
from tests.council_support import meeting, xlsx
from tests.test_dossiers import add_nominations

ND98 = "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7"


@pytest.fixture
def run(monkeypatch, db_url):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    click_vi.install()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def members_sheet(tmp_path, size=15):
    rows = [["STT", "Họ và tên", "Chức vụ trong Hội đồng", "Đơn vị"], [1, "Hoàng Văn Chủ", "Chủ tịch", "Ban Giám đốc"],
            [2, "Lý Thị Phó", "Phó Chủ tịch Hội đồng", None], [3, "Mai Văn Ký", "Ủy viên thư ký", None]]
    rows += [[i, f"Ủy viên số {i:02d}", "Ủy viên", None] for i in range(4, size + 1)]
    path = tmp_path / "hoi_dong.xlsx"
    path.write_bytes(xlsx(rows))
    return str(path)


def test_members_replaces_the_years_council_and_prints_it_as_json(run, tmp_path, engine):
    result = run("council", "members", "--year", "2024", members_sheet(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert len(printed) == 15 and printed[:3] == [
        {"name": "Hoàng Văn Chủ", "role": "Chủ tịch", "unit": "Ban Giám đốc", "position": None},
        {"name": "Lý Thị Phó", "role": "Phó Chủ tịch", "unit": None, "position": None},
        {"name": "Mai Văn Ký", "role": "Ủy viên thư ký", "unit": None, "position": None}]
    with read_session(engine) as session:
        assert len(session.exec(select(CouncilMember).where(CouncilMember.year == 2024)).all()) == 15
        entry = session.exec(select(AuditLog).where(AuditLog.action == "hoi_dong")).one()
    assert entry.username == "dòng lệnh" and "15 thành viên (tệp “hoi_dong.xlsx”)" in entry.summary


def test_members_without_a_chair_exits_1_and_keeps_the_council(run, tmp_path, engine):
    path = tmp_path / "sai.xlsx"
    path.write_bytes(xlsx([["Họ và tên", "Chức vụ trong Hội đồng"], ["Người Một", "Ủy viên"]]))
    result = run("council", "members", "--year", "2024", str(path))
    assert result.exit_code == 1 and "Hội đồng cần đúng một Chủ tịch" in result.output
    with read_session(engine) as session:
        assert session.exec(select(CouncilMember)).all() == []


def test_tally_records_the_votes_and_prints_share_verdict_and_basis(run, tmp_path, engine, actors):
    run("council", "members", "--year", "2024", members_sheet(tmp_path))
    meeting(engine, actors[Role.VAN_PHONG])
    low, high = add_nominations(engine, [("Lê Văn An", None), ("Trần Thị Bình", None)], award="CSTDCS")
    [province] = add_nominations(engine, [("Đỗ Thị Dung", None)], award="CSTD_TINH")
    path = tmp_path / "kiem_phieu.xlsx"
    path.write_bytes(xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Le Van An", "Chiến sĩ thi đua cơ sở", 11],
                           ["TRẦN THỊ BÌNH", "CSTĐCS", 12], ["Đỗ Thị Dung", "Chiến sĩ thi đua cấp tỉnh", 13]]))
    result = run("council", "tally", "--year", "2024", str(path), "--round", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"name": "Lê Văn An", "award": "Chiến sĩ thi đua cơ sở", "votes_for": 11, "members": 15, "share": 0.7333,
         "passed": False, "basis": ND98},
        {"name": "Trần Thị Bình", "award": "Chiến sĩ thi đua cơ sở", "votes_for": 12, "members": 15, "share": 0.8,
         "passed": True, "basis": ND98},
        {"name": "Đỗ Thị Dung", "award": "Chiến sĩ thi đua cấp tỉnh", "votes_for": 13, "members": 15, "share": 0.8667,
         "passed": False, "basis": ND98, "forecast": "Dự báo chưa đạt ngưỡng ≥ 90% của Hội đồng Thi đua - Khen thưởng "
                                                     "tỉnh (86,7% phiếu đồng ý tại Hội đồng Sở)"}]
    with read_session(engine) as session:
        assert [(n.votes_for, n.council_members) for n in (session.get(Nomination, i) for i in (low, high, province))
                ] == [(11, 15), (12, 15), (13, 15)]


def test_a_tally_row_naming_no_nomination_or_too_many_votes_exits_1_and_records_nothing(run, tmp_path, engine,
                                                                                       actors):
    run("council", "members", "--year", "2024", members_sheet(tmp_path))
    meeting(engine, actors[Role.VAN_PHONG])
    add_nominations(engine, [("Lê Văn An", None)], award="CSTDCS")
    path = tmp_path / "sai.xlsx"
    path.write_bytes(xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Lê Văn An", "CSTĐCS", 12],
                           ["Người Lạ", "CSTĐCS", 12], ["Lê Văn An", "Chiến sĩ thi đua cơ sở", 3]]))
    result = run("council", "tally", "--year", "2024", str(path), "--json")
    assert result.exit_code == 1
    assert [(e["file"], e["row"], e["column"], e["code"]) for e in json.loads(result.output)["errors"]] == [
        ("sai.xlsx", 3, "Họ và tên", "no_nomination"), ("sai.xlsx", 4, "Họ và tên", "duplicate")]
    path.write_bytes(xlsx([["Họ và tên", "Danh hiệu", "Số phiếu đồng ý"], ["Lê Văn An", "CSTĐCS", 16]]))
    result = run("council", "tally", "--year", "2024", str(path))
    assert result.exit_code == 1
    assert "sai.xlsx, trang “Sheet”, dòng 2, cột “Số phiếu đồng ý”: Số phiếu đồng ý (16) lớn hơn tổng số thành viên " \
           "Hội đồng (15)." in result.output
    check = make_engine(str(engine.url.render_as_string(hide_password=False)))
    with read_session(check) as session:
        assert session.exec(select(CouncilVote)).all() == []
        assert {n.votes_for for n in session.exec(select(Nomination))} == {None}
    check.dispose()
