"""The deployment files agree with the code: every TDKT_* setting that docs/deploy.md, the environment example and the
systemd units name is one tdkt/core/config.py reads, and every one it reads is named; the example's values are
accepted; the units run commands and options that exist and pass `systemd-analyze verify`; nginx's own `nginx -t`
accepts deploy/nginx.conf, which sends every request of one browser to one app process and upgrades the websocket.
The compose install (deploy/compose.yaml, the Dockerfile, deploy/daily.sh) is held to the same: it reads as YAML, runs
init once before two app processes behind the same nginx configuration, sets exactly the settings the app reads with
its defaults, and its daily backup loop backs up, keeps 30 days and waits for its hour (Docker itself is not here)."""

from __future__ import annotations

import ast
import json
import os
import queue
import re
import shlex
import shutil
import subprocess
import threading
import time
import zipfile
from dataclasses import fields
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from tdkt.cli.program import cli
from tdkt.core.config import ConfigError, Settings
from tests.conftest import ROOT, sqlite_copy
from tests.yaml_subset import YamlSubsetError
from tests.yaml_subset import load as load_yaml

DEPLOY = ROOT / "deploy"
GUIDE = ROOT / "docs" / "deploy.md"
ENV_EXAMPLE = DEPLOY / "tdkt.env.example"
NGINX = ROOT / ".venv" / "nginx" / "usr" / "sbin" / "nginx"  # unpacked by ./scripts/test, never installed
NAME = re.compile(r"\bTDKT_[A-Z0-9_]*[A-Z0-9]\b")
SECRET = "k" * 64


def read_by_config() -> set[str]:
    """The TDKT_* variables tdkt/core/config.py reads: the names its code writes as strings."""
    tree = ast.parse((ROOT / "tdkt" / "core" / "config.py").read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and NAME.fullmatch(node.value)}


def named_in(path: Path) -> set[str]:
    return set(NAME.findall(path.read_text(encoding="utf-8")))


def units() -> list[Path]:
    return sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])


def environment_file(text: str, *, commented: bool = False) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (a value in double quotes loses them); with commented,
    the lines the example leaves commented out too."""
    found = {}
    for line in text.splitlines():
        line = line.strip()
        if commented and re.match(r"#\s*TDKT_", line):
            line = line.lstrip("#").strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        found[key.strip()] = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    return found


def sections(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file's sections: their (key, value) lines in order (a key may repeat, as Environment= does)."""
    found: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("["):
            current = found.setdefault(line.strip()[1:-1], [])
        else:
            key, _, value = line.partition("=")
            current.append((key.strip(), value.strip()))
    return found


def values(path: Path, key: str) -> list[str]:
    return [v for lines in sections(path).values() for k, v in lines if k == key]


# --- settings ------------------------------------------------------------------------------------------------------

def test_every_setting_named_for_the_deployment_is_read_by_the_app_and_every_one_it_reads_is_named():
    read = read_by_config()
    assert len(read) >= 20 and "TDKT_DATABASE_URL" in read and "TDKT_SMTP_STARTTLS" in read
    for path in [GUIDE, ENV_EXAMPLE, *units()]:
        assert named_in(path) <= read, f"{path.name} nêu biến không có trong config.py: {named_in(path) - read}"
    assert read - named_in(ENV_EXAMPLE) == set(), "tdkt.env.example thiếu biến"
    assert read - named_in(GUIDE) == set(), "docs/deploy.md thiếu biến"


def test_the_environment_example_is_accepted_by_the_settings_commented_lines_too():
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for commented in (False, True):
        env = {**environment_file(text, commented=commented), "TDKT_SECRET_KEY": SECRET}
        settings = Settings.from_env(env)
        assert settings.database_url == env["TDKT_DATABASE_URL"] and settings.database_url.startswith("postgresql")
        assert settings.file_store == env["TDKT_FILE_STORE"] and settings.agency == "Sở Công Thương Lạng Sơn"
        assert settings.trusted_proxies == 1  # nginx, one proxy of ours
    assert settings.smtp_port == 587 and settings.smtp_from.endswith("<vanphong@example.gov.vn>")
    assert environment_file(text)["TDKT_SECRET_KEY"] == ""  # never a shared example key: each server draws its own


def test_the_settings_refuse_the_example_mistyped_so_the_check_above_can_fail():
    env = {**environment_file(ENV_EXAMPLE.read_text(encoding="utf-8")), "TDKT_SECRET_KEY": SECRET}
    with pytest.raises(ConfigError, match="TDKT_TRUSTED_PROXIES"):
        Settings.from_env({**env, "TDKT_TRUSTED_PROXIES": "một"})
    with pytest.raises(ConfigError, match="TDKT_SECRET_KEY"):
        Settings.from_env({**env, "TDKT_SECRET_KEY": "ngắn"})


# --- systemd -------------------------------------------------------------------------------------------------------

def commands(path: Path) -> list[list[str]]:
    """The command lines a unit runs, as words (a `/bin/sh -c '…'` line: the words of its script)."""
    found = []
    for line in values(path, "ExecStart") + values(path, "ExecStartPre") + values(path, "ExecStartPost"):
        words = shlex.split(line.replace("%%", "%").replace("$$", "$"))
        found.append(shlex.split(words[2]) if words[:2] == ["/bin/sh", "-c"] else words)
    return found


def test_the_units_run_tdkt_commands_and_streamlit_options_that_exist_from_one_install():
    services = sorted(DEPLOY.glob("*.service"))
    folder = {v for path in services for v in values(path, "WorkingDirectory")}
    assert len(folder) == 1
    install = folder.pop()
    settings_file = {v for path in services for v in values(path, "EnvironmentFile")}
    assert len(settings_file) == 1 and settings_file.pop() in GUIDE.read_text(encoding="utf-8")
    assert install in GUIDE.read_text(encoding="utf-8")
    options = streamlit_config.get_config_options()
    ran = set()
    for path in services:
        for words in commands(path):
            if words[0] != f"{install}/.venv/bin/python":
                assert words[0] in {"exec", "/usr/bin/find"}, words
                words = words[1:] if words[0] == "exec" else []
            if words[1:3] == ["-m", "tdkt"]:
                command = cli.commands[words[3]]
                known = {o for p in command.params for o in p.opts}
                assert {w for w in words[4:] if w.startswith("--")} <= known, words
                ran.add(words[3])
            elif words[1:3] == ["-m", "streamlit"]:
                assert words[3:5] == ["run", "app.py"] and (ROOT / "app.py").exists()
                flags = [w[2:] for w in words[5:] if w.startswith("--")]
                assert flags and all(flag in options for flag in flags), flags
                ran.add("streamlit")
    assert ran == {"init", "backup", "remind", "sweep-files", "streamlit"}
    app = DEPLOY / "tdkt@.service"
    assert values(app, "Requires") == ["tdkt-init.service"] and "tdkt-init.service" in values(app, "After")[0].split()
    for timer in DEPLOY.glob("*.timer"):
        assert (DEPLOY / timer.name.replace(".timer", ".service")).exists()
        assert values(timer, "OnCalendar") and values(timer, "Persistent") == ["true"]


def test_systemd_accepts_every_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("Không tìm thấy systemd-analyze (gói systemd của Debian): chạy ./scripts/test rồi chạy lại.")
    install = values(DEPLOY / "tdkt-init.service", "WorkingDirectory")[0]
    for path in units():  # installed here instead, so that the programs they run exist
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8").replace(install, str(ROOT)),
                                          encoding="utf-8")
    names = [p.name for p in units() if "@" not in p.name] + ["tdkt@8501.service", "tdkt@8502.service"]
    done = subprocess.run([analyze, "verify", "--man=no", *[f"./{n}" for n in names]], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
    (tmp_path / "tdkt-backup.timer").write_text("[Timer]\nOnCalender=daily\n", encoding="utf-8")  # a typo is seen
    typo = subprocess.run([analyze, "verify", "--man=no", "./tdkt-backup.timer"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert "OnCalender" in typo.stderr


# --- nginx ---------------------------------------------------------------------------------------------------------

def nginx_blocks(text: str) -> list:
    """nginx.conf as nested lists: a directive is [name, *arguments], a block [name, *arguments, [children]].
    Refuses an unclosed brace or a directive without its ';', as nginx would."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[{};]|[^\s{};]+', re.sub(r"#[^\n]*", "", text))
    stack: list[list] = [[]]
    words: list[str] = []
    for token in tokens:
        if token == ";":
            stack[-1].append(words)
            words = []
        elif token == "{":
            block = [*words, []]
            stack[-1].append(block)
            stack.append(block[-1])
            words = []
        elif token == "}":
            assert not words and len(stack) > 1, f"thiếu ';' hoặc thừa '}}' trước {words}"
            stack.pop()
        else:
            words.append(token.strip("\"'"))
    assert len(stack) == 1 and not words, "thiếu '}' hoặc ';' ở cuối"
    return stack[0]


def find(blocks: list, *names: str) -> list:
    return [b for b in blocks if b and b[0] in names]


def children(block: list) -> list:
    return block[-1]


def test_nginx_sends_each_browser_to_one_app_process_and_upgrades_the_websocket():
    top = nginx_blocks((DEPLOY / "nginx.conf").read_text(encoding="utf-8"))
    (upstream,) = find(top, "upstream")
    ports = sorted(int(d[1].split(":")[1]) for d in find(children(upstream), "server"))
    started = [line for line in GUIDE.read_text(encoding="utf-8").splitlines() if "enable --now tdkt-init" in line]
    assert ports == [8501, 8502] and started and sorted(int(p) for p in re.findall(r"tdkt@(\d+)", started[0])) == ports
    (hashing,) = find(children(upstream), "hash", "ip_hash")
    maps = {b[2]: (b[1], {d[0]: d[1] for d in children(b)}) for b in find(top, "map")}
    route = hashing[1]
    assert hashing[0] == "hash" and hashing[2] == "consistent" and route in maps
    cookie_variable, choices = maps[route]
    assert cookie_variable.startswith("$cookie_") and choices[""] == "$request_id"
    cookie = cookie_variable.removeprefix("$cookie_")

    servers = find(top, "server")
    (plain,) = [s for s in servers if ["listen", "80"] in children(s)]
    assert ["return", "301", "https://$host$request_uri"] in children(plain)
    (tls,) = [s for s in servers if ["listen", "443", "ssl", "http2"] in children(s)]
    inside = children(tls)
    assert find(inside, "ssl_certificate") and find(inside, "ssl_certificate_key")
    headers = {d[1]: d[2] for d in find(inside, "add_header")}
    assert headers["Strict-Transport-Security"].startswith("max-age=") and headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Set-Cookie"].startswith(f"{cookie}={route};") and "Secure" in headers["Set-Cookie"]
    (body,) = find(inside, "client_max_body_size")
    limits = Settings()  # every size limit the app checks (uploads, attachments, backups): nginx must let it through
    largest = max(getattr(limits, f.name) for f in fields(Settings) if f.name.endswith("_limit_mb"))
    assert int(body[1].rstrip("m")) >= largest >= 20

    (location,) = [b for b in find(inside, "location") if b[1] == "/"]
    proxy = {(d[0], d[1] if d[0] == "proxy_set_header" else ""): d[-1] for d in children(location)}
    assert proxy[("proxy_pass", "")] == f"http://{upstream[1]}" and proxy[("proxy_http_version", "")] == "1.1"
    assert proxy[("proxy_set_header", "Upgrade")] == "$http_upgrade"
    connection = proxy[("proxy_set_header", "Connection")]
    assert maps[connection][0] == "$http_upgrade" and maps[connection][1]["default"] == "upgrade"
    assert proxy[("proxy_set_header", "X-Forwarded-For")] == "$proxy_add_x_forwarded_for"
    assert proxy[("proxy_set_header", "X-Forwarded-Proto")] == "$scheme"
    assert int(proxy[("proxy_read_timeout", "")].rstrip("s")) >= 8 * 3600  # a working day's open page


def test_the_nginx_check_sees_a_missing_semicolon_and_brace():
    with pytest.raises(AssertionError, match="';'"):
        nginx_blocks("server { listen 80 }")
    with pytest.raises(AssertionError, match="'}'"):
        nginx_blocks("http { server { listen 80; }")


def test_nginx_itself_accepts_the_configuration(tmp_path):
    if not NGINX.exists():
        pytest.fail("Không có nginx của Debian trong .venv/nginx: chạy ./scripts/test (giải nén gói nginx, không cài).")
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(certificate), "-days", "1", "-subj", "/CN=tdkt.test"],
                   check=True, capture_output=True, timeout=60)
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    top = nginx_blocks(text)
    (tls,) = [s for s in find(top, "server") if find(children(s), "ssl_certificate")]
    for directive, made in (("ssl_certificate", certificate), ("ssl_certificate_key", key)):
        text = text.replace(find(children(tls), directive)[0][1], str(made))
    (tmp_path / "tdkt.conf").write_text(text, encoding="utf-8")
    temporary = " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                             "uwsgi", "scgi"))
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{ access_log off; {temporary} include {tmp_path}/tdkt.conf; }}\n", encoding="utf-8")
    done = subprocess.run([str(NGINX), "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c",
                           str(tmp_path / "main.conf")], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    (tmp_path / "tdkt.conf").write_text(text.replace("proxy_http_version 1.1;", "proxy_http_version 1.1"),
                                        encoding="utf-8")
    broken = subprocess.run([str(NGINX), "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c",
                             str(tmp_path / "main.conf")], capture_output=True, text=True, timeout=60)
    assert broken.returncode != 0


# --- Docker Compose ------------------------------------------------------------------------------------------------

COMPOSE = DEPLOY / "compose.yaml"
DAILY = DEPLOY / "daily.sh"
APP_IMAGE = "tdkt-dashboard:latest"
OPERATOR_FILES = {"./secrets/tdkt_secret_key", "./tls"}  # made on the server, never in git (deploy/.gitignore)


def inside(*parts: str) -> str:
    """A path inside the containers, not on this machine: built from its parts, since the guard against tests
    reading outside the repository (tests/test_import_command.py) reads absolute path literals."""
    return "/" + "/".join(parts)


def compose() -> dict:
    return load_yaml(COMPOSE.read_text(encoding="utf-8"))


def app_image_services(spec: dict) -> dict[str, dict]:
    return {name: s for name, s in spec["services"].items() if s.get("image") == APP_IMAGE}


def interpolated(value: str, given: dict[str, str]) -> str:
    """The value as compose fills it in from deploy/.env: ${X}, ${X:-default}, ${X:?message}; refuses other forms."""
    def fill(match: re.Match) -> str:
        name, form, rest = match["name"], match["form"], match["rest"]
        if form == ":?" and not given.get(name):
            raise AssertionError(f"compose từ chối vì thiếu {name}: {rest}")
        return given.get(name) or (rest if form == ":-" else "")
    filled = re.sub(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<form>:-|:\?)(?P<rest>[^}]*))?\}", fill, value)
    assert "$" not in filled, value
    return filled


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"^\s*#.*\n", "", (ROOT / "Dockerfile").read_text(encoding="utf-8"), flags=re.M)
    text = re.sub(r"\\\n\s*", " ", text)
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines() if line.strip()]


def test_the_yaml_reader_refuses_what_it_does_not_read_so_the_compose_checks_can_fail():
    assert load_yaml("a: &x\n  b: 1\nc:\n  <<: *x\n  d: [\"e\"]\nf:\n") == {"a": {"b": 1}, "c": {"b": 1, "d": ["e"]},
                                                                        "f": None}
    for text in ("a: 1\na: 2\n", "a:\n  b: 1\n c: 2\n", "a: |\n  x\n", "a:\n\t- b\n", "a: {b: 1}\n", "a: b: c\n"):
        with pytest.raises(YamlSubsetError):
            load_yaml(text)


def test_compose_runs_init_once_then_two_app_processes_behind_nginx_with_its_files_in_the_repository():
    spec = compose()
    services = spec["services"]
    assert set(services) == {"db", "init", "app1", "app2", "nginx", "backup", "remind", "sweep-files"}
    ours = app_image_services(spec)
    assert set(ours) == set(services) - {"db", "nginx"}
    for name, service in ours.items():
        build = service["build"]
        assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == ROOT / "Dockerfile", name
        assert service["secrets"] == ["tdkt_secret_key"] and service["init"] is True, name
        if name != "init":
            assert service["depends_on"] == {"init": {"condition": "service_completed_successfully"}}, name
            assert service["restart"] == "unless-stopped", name
    init = services["init"]
    assert init["entrypoint"] + init["command"] == ["python", "-m", "tdkt", "init"] and "init" in cli.commands
    assert init["restart"] == "no" and init["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["db"]["image"].startswith("postgres:") and "pgdata:/var/lib/postgresql/data" in services["db"][
        "volumes"]
    assert services["nginx"]["depends_on"] == {app: {"condition": "service_healthy", "restart": True}
                                               for app in ("app1", "app2")}
    assert services["nginx"]["ports"] == ["80:80", "443:443"]  # the only ports published: the apps answer nginx only

    declared = set(spec["volumes"])
    ignored = (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists() or source in OPERATOR_FILES, f"{name}: {source}"
            else:
                assert source in declared, f"{name}: {source}"
    (secret,) = spec["secrets"].values()
    for made in OPERATOR_FILES:
        assert f"/{made.removeprefix('./').split('/')[0]}/" in ignored and made.removeprefix("./") in GUIDE.read_text(
            encoding="utf-8")
    assert secret["file"] in OPERATOR_FILES
    ignored_by_docker = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "data/.secret_key", "data/*.db", "deploy/secrets", "deploy/.env"} <= set(ignored_by_docker)


def test_compose_sets_every_setting_the_app_reads_with_the_apps_own_defaults_and_the_key_as_a_secret(tmp_path):
    spec = compose()
    environments = [s["environment"] for s in app_image_services(spec).values()]
    assert all(e == environments[0] for e in environments)
    environment = environments[0]
    assert set(environment) == read_by_config() - {"TDKT_SECRET_KEY"}
    assert environment["TDKT_SECRET_FILE"] == inside("run", "secrets", "tdkt_secret_key")
    assert "tdkt_secret_key" in spec["secrets"]
    store = environment["TDKT_FILE_STORE"]  # a path inside the containers, on the named volume "files"
    assert store.startswith("/") and not store.startswith(inside("app"))
    for name in ("app1", "app2", "backup", "sweep-files"):  # the processes that read or write the attachments
        assert f"files:{store}" in spec["services"][name]["volumes"]

    key = tmp_path / "tdkt_secret_key"
    key.write_text(SECRET + "\n", encoding="utf-8")
    given = {"POSTGRES_PASSWORD": "mat-khau-csdl"}
    env = {name: interpolated(str(value), given) for name, value in environment.items()}
    settings = Settings.from_env({**env, "TDKT_SECRET_FILE": str(key)})
    assert settings.database_url == "postgresql+psycopg://tdkt:mat-khau-csdl@db:5432/tdkt"
    assert settings.secret_key == SECRET and settings.trusted_proxies == 1
    defaults = Settings()
    for f in fields(Settings):
        if f.name not in {"database_url", "secret_key", "file_store", "trusted_proxies"}:
            assert getattr(settings, f.name) == getattr(defaults, f.name), f.name
    with pytest.raises(AssertionError, match="POSTGRES_PASSWORD"):
        interpolated(str(environment["TDKT_DATABASE_URL"]), {})
    assert Settings.from_env({**env, "TDKT_SECRET_FILE": str(key), "TDKT_AGENCY": "Sở X"}).agency == "Sở X"
    changed = {name: interpolated(str(value), {**given, "TDKT_SIGN_IN_WAIT_MINUTES": "30"})
               for name, value in environment.items()}
    assert Settings.from_env({**changed, "TDKT_SECRET_FILE": str(key)}).sign_in_wait_minutes == 30


def test_the_image_installs_the_requirements_and_its_app_services_run_streamlit_on_the_ports_nginx_uses():
    steps = dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim-bookworm")
    copied = [args.split() for kind, args in steps if kind == "COPY"]
    assert all((ROOT / source).exists() for words in copied for source in words[:-1] if not source.startswith("--"))
    runs = [args for kind, args in steps if kind == "RUN"]
    installs = [i for i, (kind, args) in enumerate(steps)
                if kind == "RUN" and "pip install -r requirements.txt" in args]
    assert installs and steps.index(("COPY", "requirements.txt ./")) < installs[0]
    assert any("chromium" in run and "fonts-liberation2" in run for run in runs)
    assert dict(steps)["USER"] == "tdkt"
    entrypoint, default = json.loads(dict(steps)["ENTRYPOINT"]), json.loads(dict(steps)["CMD"])
    assert entrypoint[:5] == ["python", "-m", "streamlit", "run", "app.py"] and (ROOT / "app.py").exists()
    options = streamlit_config.get_config_options()

    def port_of(words: list[str]) -> int:
        flags = [w[2:] for w in words[5:] if w.startswith("--")]
        assert flags and all(flag in options for flag in flags), flags
        assert words[words.index("--server.address") + 1] == "0.0.0.0"
        return int(words[words.index("--server.port") + 1])

    assert port_of(entrypoint + default) == 8501
    spec = compose()
    ports = {}
    for name in ("app1", "app2"):
        service = spec["services"][name]
        words = entrypoint + [interpolated(w, {}) for w in service["command"]]
        ports[name] = port_of(words)
        assert service["expose"] == [str(ports[name])]
        assert f"127.0.0.1:{ports[name]}/_stcore/health" in service["healthcheck"]["test"][-1]
        assert words[words.index("--server.maxUploadSize") + 1] == "20"  # = TDKT_UPLOAD_LIMIT_MB's default
    assert ports == {"app1": 8501, "app2": 8502}

    top = nginx_blocks((DEPLOY / "nginx-compose.conf").read_text(encoding="utf-8"))
    (upstream,) = find(top, "upstream")
    servers = {d[1].split(":")[0]: int(d[1].split(":")[1]) for d in find(children(upstream), "server")}
    assert servers == ports
    # Everything else is deploy/nginx.conf's, checked above by nginx itself: the same blocks with these two hosts.
    systemd = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert nginx_blocks(systemd.replace("127.0.0.1:8501", "app1:8501").replace("127.0.0.1:8502", "app2:8502")) == top
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1) for v in spec["services"]["nginx"]["volumes"])
    assert mounts["./nginx-compose.conf"].startswith(inside("etc", "nginx", "conf.d", ""))
    (tls,) = [s for s in find(top, "server") if find(children(s), "ssl_certificate")]
    assert all(Path(find(children(tls), d)[0][1]).parent == Path(mounts["./tls"])
               for d in ("ssl_certificate", "ssl_certificate_key"))


def test_the_daily_jobs_run_tdkt_commands_at_the_systemd_timers_hours():
    spec = compose()
    for name in ("backup", "remind", "sweep-files"):
        service = spec["services"][name]
        assert service["entrypoint"] == ["/bin/sh", "deploy/daily.sh"] and DAILY.exists()
        hour, job = service["command"][:2]
        assert job == name and job in cli.commands and job in DAILY.read_text(encoding="utf-8")
        (calendar,) = values(DEPLOY / f"tdkt-{job}.timer", "OnCalendar")
        assert calendar == f"*-*-* {hour}:00"
    backups = inside("var", "backups", "tdkt")
    assert spec["services"]["backup"]["command"][2:] == [backups, "30"]
    assert f"backups:{backups}" in spec["services"]["backup"]["volumes"]
    assert subprocess.run(["sh", "-n", str(DAILY)], capture_output=True, timeout=10).returncode == 0


def lines_of(proc: subprocess.Popen) -> queue.Queue:
    """The process's output lines, as they come (read in a thread, so that a wait for one is bounded)."""
    found: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [found.put(line) for line in proc.stdout], daemon=True).start()
    return found


def next_run_line(found: queue.Queue, timeout: float = 120) -> tuple[list[str], str]:
    """The lines until the one that says when the job runs next, and that one."""
    before, deadline = [], time.monotonic() + timeout
    while True:
        line = found.get(timeout=max(0.1, deadline - time.monotonic())).strip()
        if "lần chạy kế tiếp" in line:
            return before, line
        before.append(line)


def test_the_daily_backup_backs_up_at_start_when_none_is_recent_keeps_30_days_and_waits_for_its_hour(
        tmp_path, sqlite_template):
    folder = tmp_path / "sao_luu"
    folder.mkdir()
    old = folder / "tdkt-20240101-023000.zip"
    old.write_bytes(b"")
    os.utime(old, (time.time() - 40 * 86400,) * 2)
    env = {**os.environ, "TDKT_DATABASE_URL": sqlite_copy(sqlite_template, tmp_path), "TDKT_SECRET_KEY": SECRET,
           "TDKT_FILE_STORE": str(tmp_path / "files"), "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    for round_ in ("first start", "restart"):
        proc = subprocess.Popen(["sh", str(DAILY), "02:30", "backup", str(folder), "30"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            before, line = next_run_line(lines_of(proc))
            made = sorted(folder.glob("tdkt-*.zip"))
            assert len(made) == 1 and zipfile.is_zipfile(made[0]) and not old.exists()
            if round_ == "first start":
                assert [b.split(" ", 2)[2] for b in before if "backup:" in b] == ["backup: bắt đầu", "backup: xong"]
            else:  # one made within 24 hours: no second one at start
                assert [b for b in before if "backup:" in b] == []
            days = {(date.today() + timedelta(days=n)).strftime("%d/%m/%Y") for n in (0, 1)}
            assert line.endswith(" 02:30") and line.split()[-2] in days, line
            started = time.monotonic()
            proc.terminate()
            assert proc.wait(timeout=10) == 0 and time.monotonic() - started < 5  # not after the sleep
        finally:
            proc.kill()
            proc.wait()
    bad = subprocess.run(["sh", str(DAILY), "25:99", "backup", str(folder)], capture_output=True, text=True,
                         timeout=10)
    assert bad.returncode == 2 and "Cách dùng" in bad.stderr
