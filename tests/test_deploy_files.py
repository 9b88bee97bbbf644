"""The deployment files agree with the code: every TDKT_* setting that docs/deploy.md, the environment example and the
systemd units name is one tdkt/core/config.py reads, and every one it reads is named; the example's values are
accepted; the units run commands and options that exist and pass `systemd-analyze verify`; nginx's own `nginx -t`
accepts deploy/nginx.conf, which sends every request of one browser to one app process and upgrades the websocket."""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from tdkt.cli.program import cli
from tdkt.core.config import ConfigError, Settings
from tests.conftest import ROOT

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
