"""The log: JSON lines or text, the request id on every line, and no participant token
anywhere, neither in the app's log nor in gunicorn's access log."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms

from app import create_app
from app.config import PROJECT_ROOT, Settings
from app.logs import RedactingGunicornLogger, redact_path, redact_text
from app.migrate import upgrade

TOKEN = "eyJpbnZpdGF0aW9uIjo0Mn0.Zx1-ab.c_Def0"


@pytest.mark.parametrize(("path", "logged"), [
    (f"/i/{TOKEN}", "/i/…"),
    (f"/i/{TOKEN}/", "/i/…/"),
    (f"/%69/{TOKEN}", "/i/…"),  # the same route, spelled with an escape
    (f"/login?next=/i/{TOKEN}", "/login?…"),
    (f"/password/{TOKEN}", "/password/…"),  # a staff user's set-password link
    ("/account/password", "/account/password"),
    ("/answer/work_wheel/q3?x=1", "/answer/work_wheel/q3?…"),
    (f"https://stegvis.test/i/{TOKEN}#top", "https://stegvis.test/i/…#top"),
    ("/healthz", "/healthz"),
    (None, "-"),
])
def test_paths_are_logged_without_tokens_or_query_strings(path, logged):
    assert redact_path(path) == logged


def test_tokens_are_cut_from_free_text():
    assert redact_text(f'GET /i/{TOKEN} HTTP/1.1 "/i/{TOKEN}"') == 'GET /i/… HTTP/1.1 "/i/…"'


def test_log_format_setting():
    assert Settings.from_env({}).log_format == "text"
    assert Settings.from_env({"STEGVIS_LOG_FORMAT": " JSON "}).log_format == "json"


def test_json_format_writes_one_object_per_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("STEGVIS_LOG_FORMAT", "json")
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SERVER_NAME": "stegvis.test",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}"})

    @app.get("/i/<token>/test-raises")
    def raises(token):
        raise ValueError("a defect")

    client = app.test_client()
    failed = client.get(f"/i/{TOKEN}/test-raises")
    unavailable = client.get("/healthz", headers={"X-Request-ID": "lb-check-1"})
    lines = capsys.readouterr().err.splitlines()  # the app's own handler writes to stderr
    entries = [json.loads(line) for line in lines]
    assert [(e["level"], e["request_id"]) for e in entries] == [
        ("ERROR", failed.headers["X-Request-ID"]), ("WARNING", "lb-check-1")]
    assert all(e["message"] for e in entries)
    assert entries[0]["path"] == "/i/…/test-raises" and "ValueError: a defect" in entries[0]["exception"]
    assert "503" in entries[1]["message"] and unavailable.status_code == 503
    assert TOKEN not in "\n".join(lines)


def test_text_format_puts_the_request_id_on_the_line(app, client, capsys):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-raises")
    def raises():
        raise ValueError("a defect")

    reference = client.get("/test-raises").headers["X-Request-ID"]
    first, *traceback = capsys.readouterr().err.splitlines()
    assert f" ERROR app.errors [{reference}] Unexpected ValueError on GET /test-raises" in first
    assert traceback[0] == "Traceback (most recent call last):"


def _fake_exchange(path: str):
    """What gunicorn hands its logger after a request: response, request, environ, duration."""
    raw_path, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": raw_path, "QUERY_STRING": query,
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": f"https://stegvis.test{path}", "HTTP_USER_AGENT": "phone"}
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"]), ("USER-AGENT", "phone")])
    response = SimpleNamespace(status="302 FOUND", sent=0, headers=[("X-Request-ID", "abc123")])
    return response, request, environ, timedelta(milliseconds=12)


def test_gunicorn_access_log_atoms_are_redacted():
    config = Config()
    config.set("access_log_format", "%(r)s|%(U)s|%(q)s|%(f)s|%({referer}i)s|%({raw_uri}e)s|"
                                    "%({query_string}e)s|%({x-request-id}o)s")
    logger = RedactingGunicornLogger(config)
    atoms = logger.atoms(*_fake_exchange(f"/i/{TOKEN}?lang=sv"))
    line = config.access_log_format % SafeAtoms(atoms)
    assert line == ("GET /i/…?… HTTP/1.1|/i/…|…|https://stegvis.test/i/…?…|https://stegvis.test/i/…?…|"
                    "/i/…?…|…|abc123")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_runs_with_the_config_and_its_access_log_keeps_tokens_out(tmp_path):
    database = f"sqlite:///{tmp_path / 'stegvis.sqlite'}"
    upgrade(database)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database, "STEGVIS_BIND": f"127.0.0.1:{port}",
           "STEGVIS_WORKERS": "1", "STEGVIS_THREADS": "2"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200
        assert _get(f"http://127.0.0.1:{port}/i/{TOKEN}?from=sms") == 404  # not a signed token
    finally:
        server.send_signal(signal.SIGTERM)
        access_log, error_log = server.communicate(timeout=30)
    assert '"GET /healthz HTTP/1.1" 200' in access_log
    assert '"GET /i/…?… HTTP/1.1" 404' in access_log
    assert TOKEN not in access_log + error_log
