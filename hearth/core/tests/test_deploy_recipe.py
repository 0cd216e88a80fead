"""The deploy recipe (docs/operators/deploy.md and the files under deploy/) is checked
against the code, so it cannot rot: the files shown are the files in the repository, the
environment variables it names are the ones the code reads, its `hearth` commands parse,
and systemd and nginx accept the units and the proxy configuration where they are
installed."""

import ast
import http.client
import importlib
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "hearth"
DEPLOY = ROOT / "deploy"
DOC = ROOT / "docs" / "operators" / "deploy.md"
RUNNING_DOC = ROOT / "docs" / "operators" / "running.md"
ENV_FILE = DEPLOY / "hearth.env"
UNITS = DEPLOY / "systemd"
NGINX_CONF = DEPLOY / "nginx" / "hearth.conf"
INSTALLED_HEARTH = "/opt/hearth/.venv/bin/hearth"

ENV_HELPERS = {"env_bool", "env_int", "env_list", "env_secret"}
# Read from the environment but not settings an operator sets.
NOT_SETTINGS = {
    "RUN_MAIN": "Django's autoreloader marks its child process with it (`worker --reload`)",
}
# How the docs name a variable: every setting starts with one of these.
DOC_NAME = re.compile(r"\b(?:HEARTH|DATABASE|REDIS|EMAIL|PROMETHEUS)_[A-Z0-9_]*[A-Z0-9]\b")


def _environment_reads(path: Path, module: str) -> set[str]:
    """Names read in one module: os.environ.get(NAME), os.environ[NAME], os.getenv(NAME)
    and the settings' env_* helpers (env_secret(NAME) also reads NAME_FILE). NAME is a
    string or a module-level constant."""

    def name_of(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            value = getattr(importlib.import_module(module), node.id, None)
            return value if isinstance(value, str) else None
        return None

    def is_environ(node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "environ"
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        )

    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            reads = isinstance(func, ast.Attribute) and (
                (func.attr == "get" and is_environ(func.value)) or func.attr == "getenv"
            )
            if reads:
                name = name_of(node.args[0])
            elif isinstance(func, ast.Name) and func.id in ENV_HELPERS:
                name = name_of(node.args[0])
                if name and func.id == "env_secret":
                    found.add(f"{name}_FILE")
            else:
                continue
            if name:
                found.add(name)
        elif (
            isinstance(node, ast.Subscript)
            and is_environ(node.value)
            and isinstance(node.ctx, ast.Load)
        ):
            name = name_of(node.slice)
            if name:
                found.add(name)
    return found


def settings_the_code_reads() -> set[str]:
    names = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if {"tests", "migrations", "testing"} & set(relative.parts):
            continue
        if path.name == "settings_test.py" or "environ" not in path.read_text():
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        names |= _environment_reads(path, module)
    return names - set(NOT_SETTINGS)


def parse_env_file(text: str) -> dict[str, str]:
    """The set lines of an EnvironmentFile (NAME=value, a value optionally in quotes)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[name] = value
    return values


def listed_in_env_file(text: str) -> set[str]:
    """Every variable the file names on a line of its own, set or commented out."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_the_scanner_finds_what_settings_read():
    names = settings_the_code_reads()
    # A plain read, a helper, a secret's _FILE twin and a constant read outside settings.
    assert {"DATABASE_URL", "HEARTH_DB_POOL", "HEARTH_SECRET_KEY_FILE", "HEARTH_SERVER"} <= names
    assert "PROMETHEUS_MULTIPROC_DIR" in names  # os.environ.get(MULTIPROC_ENV)


def test_every_deploy_file_is_shown_in_the_doc_as_it_is():
    doc = DOC.read_text()
    files = [path for path in sorted(DEPLOY.rglob("*")) if path.is_file()]
    assert len(files) >= 10
    for path in files:
        assert path.read_text().rstrip("\n") in doc, (
            f"{path.relative_to(ROOT)} differs from its copy in {DOC.relative_to(ROOT)}"
        )


def test_the_env_file_lists_every_setting_the_code_reads_and_no_other():
    listed = listed_in_env_file(ENV_FILE.read_text())
    read = settings_the_code_reads()
    assert read - listed == set(), "add these to deploy/hearth.env (and deploy.md)"
    assert listed - read == set(), "deploy/hearth.env names settings the code does not read"


@pytest.mark.parametrize("doc", [DOC, RUNNING_DOC], ids=["deploy.md", "running.md"])
def test_the_docs_name_every_setting_the_code_reads_and_no_other(doc):
    text = doc.read_text()
    # running.md's table writes "NAME(_FILE)" for a secret and its file.
    named = set(DOC_NAME.findall(text))
    named |= {f"{name}_FILE" for name in re.findall(r"\b([A-Z0-9_]+)\(_FILE\)", text)}
    read = settings_the_code_reads()
    assert read - named == set(), f"document these in {doc.name}"
    assert named - read == set(), f"{doc.name} names settings the code does not read"


def test_the_env_file_reads_the_same_under_sh(tmp_path):
    if not shutil.which("sh"):
        pytest.skip("no sh")
    expected = parse_env_file(ENV_FILE.read_text())
    result = subprocess.run(
        ["sh", "-c", 'set -a; . "$1"; set +a; env -0', "sh", str(ENV_FILE)],
        capture_output=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        timeout=30,
        check=True,
    )
    under_sh = dict(
        entry.split("=", 1) for entry in result.stdout.decode().split("\0") if "=" in entry
    )
    assert {name: under_sh.get(name) for name in expected} == expected


def test_the_env_file_passes_the_deploy_check(tmp_path):
    """The settings as shipped start in production mode and `check --deploy` finds nothing
    to warn about (paths moved into a temporary folder)."""
    values = parse_env_file(ENV_FILE.read_text())
    assert values["HEARTH_ENV"] == "production"
    secret = tmp_path / "secret_key"
    secret.write_text("s" * 20 + "-A-long-random-production-secret-key-0123456789\n")
    smtp = tmp_path / "smtp_password"
    smtp.write_text("password\n")
    values |= {
        "HEARTH_DATA_DIR": str(tmp_path / "data"),
        "HEARTH_SECRET_KEY_FILE": str(secret),
        "EMAIL_HOST_PASSWORD_FILE": str(smtp),
    }
    env = {
        name: value
        for name, value in os.environ.items()
        if not DOC_NAME.fullmatch(name) and name != "DJANGO_SETTINGS_MODULE"
    }
    env |= values | {"DJANGO_SETTINGS_MODULE": "hearth.settings", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "hearth.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def hearth_commands() -> list[tuple[str, list[str]]]:
    """(where, argv after `hearth`) for every hearth command in the units and the doc."""
    commands = []
    for unit in sorted(UNITS.iterdir()):
        for line in unit.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.startswith("Exec") and value.startswith(INSTALLED_HEARTH + " "):
                commands.append((unit.name, shlex.split(value)[1:]))
    for line in DOC.read_text().splitlines():
        if line.startswith("hearth-admin "):
            argv = shlex.split(line, comments=True)
            commands.append(("deploy.md", argv[1:]))
    return commands


def test_the_recipe_runs_the_services_it_should():
    units = {where: argv[0] for where, argv in hearth_commands() if where != "deploy.md"}
    assert units == {
        "hearth-web.service": "serve",
        "hearth-worker@.service": "worker",
        "hearth-tick.service": "tick",
        "hearth-backup.service": "backup",
        "hearth-prune.service": "audience",
    }


@pytest.mark.parametrize("where, argv", hearth_commands(), ids=lambda value: str(value))
def test_every_hearth_command_in_the_recipe_parses(where, argv, settings):
    """The command exists and its own parser accepts the flags (as `hearth` reads a dash
    in a command's name as an underscore)."""
    # As in production: `hearth worker` refuses a backend that is not the database's.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    name = argv[0].replace("-", "_")
    commands = get_commands()
    assert name in commands, f"{where}: `hearth {argv[0]}` is not a command"
    command = load_command_class(commands[name], name)
    parser = command.create_parser("hearth", name)
    try:
        parser.parse_args(argv[1:])
    except (CommandError, SystemExit) as exc:
        pytest.fail(f"{where}: `hearth {shlex.join(argv)}` does not parse: {exc}")


def test_a_wrong_flag_would_be_caught():
    parser = load_command_class("hearth.core", "serve").create_parser("hearth", "serve")
    with pytest.raises(CommandError):
        parser.parse_args(["--server", "gunicorn"])
    with pytest.raises(CommandError):
        parser.parse_args(["--no-such-flag"])


def test_production_serve_uses_granian_on_loopback_without_a_worker():
    (argv,) = [argv for where, argv in hearth_commands() if where == "hearth-web.service"]
    parser = load_command_class("hearth.core", "serve").create_parser("hearth", "serve")
    options = parser.parse_args(argv[1:])
    assert options.server == "granian"
    assert options.host == "127.0.0.1"
    assert options.with_worker is False


def test_systemd_accepts_the_units(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    # The units name /opt/hearth's executable; verify checks that it exists.
    stub = tmp_path / "hearth"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS.iterdir():
        (units / unit.name).write_text(unit.read_text().replace(INSTALLED_HEARTH, str(stub)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(path) for path in units.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "hearth" not in output, output


def test_nginx_accepts_the_proxy_configuration(tmp_path):
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx (or openssl, for a throwaway certificate) is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=community.example.org", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        timeout=60,
        check=True,
    )
    live = "/etc/letsencrypt/live/community.example.org/"
    site = NGINX_CONF.read_text()
    assert live + "fullchain.pem" in site and live + "privkey.pem" in site
    site = site.replace(live + "fullchain.pem", str(cert)).replace(live + "privkey.pem", str(key))
    (tmp_path / "hearth.conf").write_text(site)
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        "events {}\n"
        "http {\n"
        "  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp_path}/hearth.conf;\n"
        "}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c", "nginx.conf"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def _anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize("doc", ["deploy.md", "scaling.md"])
def test_the_links_between_the_operator_docs_lead_somewhere(doc):
    page = DOC.with_name(doc)
    for target, anchor in re.findall(r"\]\(([^):#\s]*)(?:#([^)\s]+))?\)", page.read_text()):
        if target == "replica.md":  # written with the read-replica router, on its own branch
            continue
        path = (page.parent / target).resolve() if target else page
        assert path.is_file(), f"{doc}: {target} does not exist"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", path.read_text(), flags=re.MULTILINE)
            assert anchor in {_anchor(h) for h in headings}, f"{doc}: {target}#{anchor}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}: {process.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}")


def _request(port, method, path, *, tls=True, body=None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Host": "community.example.org"})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.fixture
def served(tmp_path):
    """hearth serve as hearth-web.service runs it (granian, production mode, the env file's
    settings; embedded SQLite instead of PostgreSQL and Redis) behind nginx with
    deploy/nginx/hearth.conf, moved to free ports and a throwaway certificate."""
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx (or openssl, for a throwaway certificate) is not installed")
    pytest.importorskip("granian")
    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    data = tmp_path / "data"
    (data / "media").mkdir(parents=True)
    (data / "private-media").mkdir()
    secret = tmp_path / "secret_key"
    secret.write_text("s" * 20 + "-A-long-random-production-secret-key-0123456789\n")
    values = parse_env_file(ENV_FILE.read_text())
    for name in ("DATABASE_URL", "HEARTH_DB_POOL", "REDIS_URL", "EMAIL_HOST_PASSWORD_FILE"):
        values.pop(name)
    values |= {"HEARTH_DATA_DIR": str(data), "HEARTH_SECRET_KEY_FILE": str(secret)}
    env = {
        name: value
        for name, value in os.environ.items()
        if not DOC_NAME.fullmatch(name) and name != "DJANGO_SETTINGS_MODULE"
    }
    env |= values | {"DJANGO_SETTINGS_MODULE": "hearth.settings", "PYTHONPATH": str(ROOT)}
    ((unit_argv),) = [argv for where, argv in hearth_commands() if where == "hearth-web.service"]
    argv = [arg if arg != "8000" else str(app_port) for arg in unit_argv]
    app = subprocess.Popen(
        [sys.executable, "-m", "hearth.cli", *argv, "--workers", "1", "--no-collectstatic"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=community.example.org", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        timeout=60,
        check=True,
    )
    live = "/etc/letsencrypt/live/community.example.org/"
    site = (
        NGINX_CONF.read_text()
        .replace(live + "fullchain.pem", str(cert))
        .replace(live + "privkey.pem", str(key))
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
        .replace("/var/lib/hearth/", f"{data}/")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    )
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (tmp_path / "hearth.conf").write_text(site)
    (tmp_path / "temp").mkdir()
    # Started by root, nginx's workers would run as nobody, who cannot read the test's
    # folders (in production: www-data in the hearth group, deploy.md).
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path}/nginx.pid;\ndaemon off;\nerror_log stderr;\nevents {{}}\nhttp {{\n"
        "  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {tmp_path}/temp/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp_path}/hearth.conf;\n}}\n"
    )
    proxy = subprocess.Popen(
        ["nginx", "-e", "stderr", "-p", str(tmp_path), "-c", "nginx.conf"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(app_port, app)
        _wait_for(https_port, proxy)
        yield {"http": http_port, "https": https_port, "data": data}
    finally:
        for process in (proxy, app):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_proxy_and_the_web_service_serve_the_site_together(served):
    https = served["https"]
    # Plain HTTP is sent to HTTPS by nginx.
    status, headers, _ = _request(served["http"], "GET", "/healthz", tls=False)
    assert (status, headers["Location"]) == (301, "https://community.example.org/healthz")
    # Through TLS to granian: Hearth's own answer, its headers once, nginx's request id.
    status, headers, body = _request(https, "GET", "/healthz")
    assert (status, body) == (200, b"ok")
    assert len(headers.get_all("Content-Security-Policy")) == 1
    assert "max-age=31536000" in headers["Strict-Transport-Security"]  # HTTPS was passed on
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # nginx's $request_id
    # Static files come from Hearth (whitenoise).
    status, _, _ = _request(https, "GET", "/static/hearth/editor.js")
    assert status == 200
    # /metrics never leaves the machine through the proxy.
    assert _request(https, "GET", "/metrics")[0] == 404
    # Bodies over the cap stop at nginx.
    assert _request(https, "POST", "/healthz", body=b"x" * (7 * 1024 * 1024))[0] == 413
    # Public uploads come from the folder; the private folder only through Hearth.
    (served["data"] / "media" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    status, headers, _ = _request(https, "GET", "/media/logo.png")
    assert (status, headers["X-Content-Type-Options"]) == (200, "nosniff")
    (served["data"] / "private-media" / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert _request(https, "GET", "/protected-media/secret.png")[0] == 404
