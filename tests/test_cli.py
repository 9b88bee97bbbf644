"""The command line: init is idempotent, user add, plan --json, demo; Vietnamese errors and exit codes; docs."""

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tdkt.cli import click_vi
from tdkt.cli.program import RefusalsExitOne, cli
from tdkt.core.db import make_engine
from tdkt.core.errors import Refused
from tdkt.core.models import Nomination, Person, Plan, User

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(monkeypatch, db_url, tmp_path):
    monkeypatch.setenv("TDKT_DATABASE_URL", db_url)
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    click_vi.install()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def test_init_twice_changes_nothing(run):
    first, second = run("init"), run("init")
    assert first.exit_code == second.exit_code == 0
    assert "không có gì thay đổi" in second.output


def test_init_on_an_empty_database_prints_the_accounts(monkeypatch, tmp_path):
    monkeypatch.setenv("TDKT_DATABASE_URL", f"sqlite:///{tmp_path / 'moi.db'}")
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0
    assert re.findall(r"^\s+(\w+)\s+vai trò", result.output, re.M) == ["quantri", "vanphong", "lanhdao", "donvi"]


def test_plan_json_is_the_agreed_object(run):
    result = run("plan", "--year", "2024", "--as-of", "01/07/2024", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert {"year", "number", "date", "title", "tasks"} <= set(data)
    assert [sum(t["quarter"] == q for t in data["tasks"]) for q in (1, 2, 3, 4)] == [4, 1, 2, 4]
    assert {"quarter", "number", "content", "units", "status", "due"} <= set(data["tasks"][0])
    assert [t["status"] for t in data["tasks"]].count("Quá hạn") == 5


def test_plan_text_output_lists_every_task(run):
    result = run("plan", "--year", "2024")
    assert result.exit_code == 0 and result.output.count("Đơn vị:") == 11


@pytest.mark.parametrize(("args", "message"), [
    (["plan", "--year", "2031"], "Năm 2031 chưa có kế hoạch"),
    (["plan", "--year", "2024", "--as-of", "2024-07-01"], "dd/mm/yyyy"),
    (["plan"], "Thiếu tùy chọn"),
    (["plan", "--year", "abc"], "không phải là số nguyên"),
    (["user", "add", "moi", "--role", "sep"], "Vai trò “sep” không có"),
    (["user", "add", "moi", "--role", "don_vi", "--unit", "Phòng Ma"], "Không có đơn vị"),
    (["user", "add", "moi", "--role", "don_vi"], "phải gắn với một đơn vị"),
    (["user", "add", "vanphong", "--role", "van_phong"], "đã có"),
])
def test_bad_input_exits_non_zero_with_a_vietnamese_message(run, args, message):
    result = run(*args)
    assert result.exit_code != 0 and message in result.output


def test_a_refusal_exits_1_with_its_vietnamese_message(run, monkeypatch):
    taken = run("user", "add", "vanphong", "--role", "van_phong")  # auth refuses a name already taken
    assert (taken.exit_code, taken.output) == (1, "Lỗi: Tên đăng nhập “vanphong” đã có.\n")
    monkeypatch.setenv("TDKT_SECRET_KEY", "ngan")  # the settings refuse a short key
    short = run("plan", "--year", "2024")
    assert short.exit_code == 1 and short.output.startswith("Lỗi: TDKT_SECRET_KEY quá ngắn")


def test_the_group_turns_a_refusal_from_any_command_into_exit_1():
    @click.group(cls=RefusalsExitOne)
    def group() -> None:
        """A group."""

    @group.group()
    def sub() -> None:
        """A nested group."""

    @sub.command()
    def refuse() -> None:
        raise Refused("Không được làm vậy.")

    click_vi.install()
    result = CliRunner().invoke(group, ["sub", "refuse"])
    assert (result.exit_code, result.output, result.exception.__class__) == (1, "Lỗi: Không được làm vậy.\n",
                                                                              SystemExit)


def test_user_add_creates_an_account_that_must_change_password(run, db_url):
    result = run("user", "add", "Nv.Cong", "--role", "đơn vị", "--unit", "qlcn", "--name", "Nguyễn Văn Công")
    assert result.exit_code == 0 and "Mật khẩu ban đầu" in result.output
    engine = make_engine(db_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "nv.cong")).one()
    engine.dispose()
    assert (user.role, user.display_name, user.must_change_password, user.unit_id is not None) == (
        "don_vi", "Nguyễn Văn Công", True, True)


def test_demo_builds_a_separate_labelled_database(run, tmp_path, db_url):
    out = tmp_path / "demo.db"
    result = run("demo", "--out", str(out))
    assert result.exit_code == 0 and "Dữ liệu minh họa" in result.output
    engine = make_engine(f"sqlite:///{out}")
    with Session(engine) as session:
        years = sorted(session.exec(select(Plan.year)).all())
        nominations = session.exec(select(Nomination)).all()
        people = session.exec(select(Person)).all()
    engine.dispose()
    assert len(years) >= 3 and len(people) > 20
    assert len({n.year for n in nominations}) >= 3
    assert any(n.decision_number for n in nominations)
    assert run("demo", "--out", str(out)).exit_code != 0  # refuses to overwrite without --force
    real = make_engine(db_url)
    with Session(real) as session:
        assert session.exec(select(Person)).first() is None  # the real database is untouched
    real.dispose()


def test_demo_refuses_to_write_over_the_real_database(monkeypatch, tmp_path):
    real = tmp_path / "that.db"
    monkeypatch.setenv("TDKT_DATABASE_URL", f"sqlite:///{real}")
    monkeypatch.setenv("TDKT_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(cli, ["demo", "--out", str(real)])
    assert result.exit_code != 0 and "trùng với cơ sở dữ liệu thật" in result.output


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [(name,) if not isinstance(command, click.Group) else (name, sub)
                for name, command in cli.commands.items()
                for sub in (command.commands if isinstance(command, click.Group) else [None])]
    assert {("init",), ("user", "add"), ("plan",), ("clusters",), ("demo",), ("import",), ("eligibility",),
            ("stats",), ("report",), ("check",)} <= set(commands)
    for path in commands:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0 and result.output.strip()
        assert f"python -m tdkt {' '.join(path)}" in readme, f"{' '.join(path)} thiếu trong README"


def test_module_entry_point_runs(tmp_path):
    env = {"TDKT_DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}", "TDKT_SECRET_KEY": "k" * 40, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "tdkt", "plan", "--year", "2024", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and json.loads(result.stdout)["year"] == 2024
