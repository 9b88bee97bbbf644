"""The year report counts nominations and decisions of achievement year Y against Y−1; the six months by dates."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, select

from tdkt.cli.program import cli
from tdkt.core.config import Settings
from tdkt.core.db import make_engine
from tdkt.core.models import Award, Nomination
from tdkt.reports import report_docx, reports
from tests.test_pages import signed_in

LDTT, CSTD = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"
AS_OF = date(2026, 7, 15)


def add_nominations(engine) -> None:
    """2024 lists entered late (in 2026) beside lists received in their own year; one 2023 list for the comparison."""
    with Session(engine) as session:
        award = {a.code: a.id for a in session.exec(select(Award)).all()}

        def nom(year, code, received, status="de_nghi", decided=None):
            return Nomination(year=year, target="tap_the", award_id=award[code], status=status, received_on=received,
                              decision_date=decided, collective_name=f"Tổ {year} {received}")

        session.add_all([
            nom(2024, "LDTT", date(2026, 3, 10), "co_quyet_dinh", date(2026, 5, 4)),  # 2024's, entered in 2026
            nom(2024, "LDTT", date(2024, 12, 20)),
            nom(2024, "CSTDCS", date(2026, 1, 5)),
            nom(2023, "LDTT", date(2024, 2, 1), "co_quyet_dinh", date(2024, 3, 1)),  # 2023's, decided in 2024
            nom(2025, "CSTDCS", date(2026, 2, 1)),  # another year's list received in 2026
        ])
        session.commit()


@pytest.fixture
def late_lists(engine):
    add_nominations(engine)
    return engine


def test_the_year_counts_the_achievement_year_against_the_year_before(late_lists):
    with Session(late_lists) as session:
        data = reports.figures(session, year=2024, period="year", as_of=AS_OF)
    assert data["basis"] == "nam_thanh_tich"
    assert (data["nominations"], data["decisions"]) == ({LDTT: 2, CSTD: 1}, {LDTT: 1})
    assert (data["previous"]["nominations"], data["previous"]["decisions"]) == ({LDTT: 1}, {LDTT: 1})
    assert data["period"] == {"start": "01/01/2024", "end": "31/12/2024"}


def test_the_six_months_count_by_date_received_and_decision_date(late_lists):
    with Session(late_lists) as session:
        h1 = reports.figures(session, year=2026, period="h1", as_of=AS_OF)
        old = reports.figures(session, year=2024, period="h1", as_of=AS_OF)
    assert h1["basis"] == "ngay_nhan"
    assert (h1["nominations"], h1["decisions"]) == ({LDTT: 1, CSTD: 2}, {LDTT: 1})  # 2024's and 2025's, received now
    assert (old["nominations"], old["decisions"]) == ({LDTT: 1}, {LDTT: 1})  # 2023's list, received in 02/2024


def test_the_award_table_follows_the_basis(late_lists):
    with Session(late_lists) as session:
        by_year = reports.award_table(session, start=date(2024, 1, 1), end=date(2024, 12, 31),
                                      basis="nam_thanh_tich")
        by_date = reports.award_table(session, start=date(2024, 1, 1), end=date(2024, 12, 31))
    forms = {name: row[2:] for name, row in ((r[1], r) for r in by_year.values.tolist() if r[0] == "Hình thức")}
    assert forms == {LDTT: [2, 1, 1, 1, 1, 0], CSTD: [1, 0, 1, 0, 0, 0]}
    dated = {r[1]: r[2:] for r in by_date.values.tolist() if r[0] == "Hình thức"}
    assert dated == {LDTT: [2, 0, 2, 1, 0, 1]}  # received 20/12/2024 and 01/02/2024; decided 01/03/2024


def test_the_year_refuses_a_start_or_an_end(late_lists):
    with pytest.raises(reports.ReportError, match="theo năm thành tích"):
        reports.period(2024, "year", start=date(2024, 3, 1))
    with Session(late_lists) as session, pytest.raises(reports.ReportError, match="dùng kỳ 6 tháng"):
        reports.figures(session, year=2024, period="year", end=date(2024, 6, 30))
    assert reports.period(2024, "h1", start=date(2024, 3, 1)) == (date(2024, 3, 1), date(2024, 6, 30))


def test_the_workbook_and_the_draft_say_the_basis(late_lists):
    settings = Settings(agency="Sở Công Thương Lạng Sơn")
    with Session(late_lists) as session:
        book = load_workbook(BytesIO(reports.to_xlsx_report(session, year=2024, period="year", as_of=AS_OF)))
        draft = Document(BytesIO(report_docx.draft(session, year=2024, period="year", settings=settings,
                                                   today=AS_OF)))
    assert book["Tổng hợp"]["A1"].value.endswith("; đề nghị và quyết định theo năm thành tích")
    sums = {row[0]: row[1:] for row in book["Tổng hợp"].iter_rows(min_row=4, values_only=True)}
    assert sums["Hồ sơ đề nghị nhận được"] == (3, 1, 2)
    text = "\n".join(p.text for p in draft.paragraphs)
    assert "đề nghị và quyết định theo năm thành tích (2024 so với 2023)." in text


def run_report(db_url, monkeypatch, *args):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    return CliRunner().invoke(cli, ["report", *args])


def test_cli_year_json_says_its_basis_and_counts_late_lists(late_lists, db_url, monkeypatch):
    year = run_report(db_url, monkeypatch, "--year", "2024", "--period", "year", "--json")
    half = run_report(db_url, monkeypatch, "--year", "2026", "--json")
    assert (year.exit_code, half.exit_code) == (0, 0), year.output + half.output
    data, h1 = json.loads(year.output), json.loads(half.output)
    assert (data["basis"], data["nominations"], data["previous"]["nominations"]) == (
        "nam_thanh_tich", {LDTT: 2, CSTD: 1}, {LDTT: 1})
    assert (h1["basis"], h1["nominations"]) == ("ngay_nhan", {LDTT: 1, CSTD: 2})


@pytest.mark.parametrize("dates", [["--start", "01/03/2024"], ["--end", "30/06/2024"]])
def test_cli_refuses_start_and_end_with_the_year(dates, tmp_path, monkeypatch):
    monkeypatch.setenv("TDKT_DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    result = CliRunner().invoke(cli, ["report", "--year", "2024", "--period", "year", *dates, "--json"])
    assert result.exit_code == 2
    assert "--start/--end không dùng với --period year" in result.output
    assert not (tmp_path / "never.db").exists()  # refused before the database is opened


def test_so_ket_page_says_which_basis_each_figure_uses(app_env):
    engine = make_engine(app_env["url"])
    add_nominations(engine)
    engine.dispose()
    at = signed_in(app_env, "lanh_dao", "pages/so_ket.py")
    half = {m.label: m.proto.help for m in at.metric}
    assert half["Hồ sơ đề nghị nhận được"] == "Tính theo ngày nhận hồ sơ trong kỳ."
    assert any("theo ngày nhận hồ sơ, quyết định khen thưởng theo ngày quyết định" in c.value for c in at.caption)
    at.radio(key="so_ket_kind").set_value("year").run()
    assert not at.exception and not at.error
    assert at.date_input(key="so_ket_start_year_2024").disabled
    metrics = {m.label: (m.value, m.proto.help) for m in at.metric}
    assert metrics["Hồ sơ đề nghị nhận được"] == ("3", "Tính theo năm thành tích 2024 (nhận vào ngày nào cũng tính).")
    assert metrics["Sáng kiến được công nhận"][1] == "Tính theo ngày quyết định công nhận."
    assert any("theo năm thành tích: đề nghị của năm thành tích 2024 (so với 2023)" in c.value for c in at.caption)
