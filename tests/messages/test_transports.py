"""The real transports against real protocol servers on 127.0.0.1: an SMTP server (aiosmtpd)
that requires STARTTLS and a sign-in, and an HTTP server standing in for 46elks's API that
checks the exact request the provider documents (POST /a1/sms, form fields from, to and
message, HTTP basic auth with the API username and password)."""
from __future__ import annotations

import base64
import email
import email.policy
import io
import json
import socket
import ssl
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.services.outbox import DeliveryFailure, Outgoing, PermanentFailure
from app.transports import ConsoleTransport, ElksSms, SmtpTransport, channels_of, transports_from

MESSAGE = Outgoing(id=7, channel="email", recipient="anna@example.org",
                   subject="Frågor från din coach",
                   body="Hej! Öppna länken: https://stegvis.test/i/abc\nKoden ABCD EFGH.")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl), and a client context trusting it."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


class Mailbox:
    """What the SMTP server accepted."""

    def __init__(self, reject: str | None = None) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.reject = reject

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.reject:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"stegvis", b"hemligt:l@sen")
    return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(certificate):
    mailbox = Mailbox(reject="nobody@example.org")
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=certificate[0],
                            require_starttls=True, auth_require_tls=True,
                            authenticator=_authenticator, auth_exclude_mechanism=["CRAM-MD5"])
    controller.start()
    yield mailbox, port
    controller.stop()


def _smtp(port, certificate, password="hemligt%3Al%40sen", timeout=10):
    return SmtpTransport(f"smtp://stegvis:{password}@127.0.0.1:{port}",
                         "Stegvis <stegvis@kommun.example.org>", tls_context=certificate[1],
                         timeout=timeout)


def test_email_goes_over_starttls_with_a_sign_in_and_arrives_as_written(smtp_server, certificate):
    mailbox, port = smtp_server
    _smtp(port, certificate).send(MESSAGE)
    [(sender, recipients, data)] = mailbox.messages
    assert sender == "stegvis@kommun.example.org" and recipients == ["anna@example.org"]
    mail = email.message_from_bytes(data, policy=email.policy.default)
    assert mail["Subject"] == "Frågor från din coach"
    assert mail["Message-ID"] == "<stegvis-message-7@kommun.example.org>"
    assert mail.get_content().replace("\r\n", "\n").strip() == MESSAGE.body


def test_a_wrong_password_is_a_temporary_failure_and_a_refused_recipient_a_permanent_one(
        smtp_server, certificate):
    mailbox, port = smtp_server
    with pytest.raises(DeliveryFailure) as wrong:
        _smtp(port, certificate, password="fel", timeout=3).send(MESSAGE)
    assert not wrong.value.permanent  # a sign-in that fails is fixed in the settings, then sent
    with pytest.raises(PermanentFailure, match="550"):
        _smtp(port, certificate).send(Outgoing(8, "email", "nobody@example.org", "s", "b"))
    assert mailbox.messages == []


def test_a_server_that_cannot_be_reached_is_a_temporary_failure(certificate):
    with pytest.raises(DeliveryFailure) as failure:
        SmtpTransport("smtp://127.0.0.1:9", "s@example.org", timeout=2).send(MESSAGE)
    assert not failure.value.permanent


class FakeElks(BaseHTTPRequestHandler):
    """46elks as documented: answers 200 with JSON carrying the SMS's id."""

    requests: ClassVar[list[dict]] = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length).decode()
        type(self).requests.append({"path": self.path, "auth": self.headers["Authorization"],
                                    "type": self.headers["Content-Type"], "body": body})
        answer = json.dumps({"id": "s70df59406a1b4643b96f3f91e0bfb7b0", "status": "created"}) \
            if self.status == 200 else "Invalid to number"
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def elks():
    FakeElks.requests, FakeElks.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeElks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield FakeElks, f"http://127.0.0.1:{server.server_address[1]}/a1/sms"
    server.shutdown()
    server.server_close()


def test_an_sms_is_the_exact_request_46elks_documents(elks):
    handler, url = elks
    sms = Outgoing(9, "sms", "+46701740605", "", "Hej! Öppna länken: https://stegvis.test/i/x")
    reference = ElksSms(url, "u2c11ef65", "C0ACCEEC", "Stegvis", timeout=5).send(sms)
    assert reference == "s70df59406a1b4643b96f3f91e0bfb7b0"
    [request] = handler.requests
    assert request["path"] == "/a1/sms"
    assert request["auth"] == "Basic " + base64.b64encode(b"u2c11ef65:C0ACCEEC").decode()
    assert request["type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(request["body"]) == {
        "from": ["Stegvis"], "to": ["+46701740605"], "message": [sms.body]}


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (401, False), (429, False),
                                                   (503, False)])
def test_gateway_refusals_are_permanent_and_its_troubles_temporary(elks, status, permanent):
    handler, url = elks
    handler.status = status
    with pytest.raises(DeliveryFailure) as failure:
        ElksSms(url, "u", "p", "Stegvis", timeout=5).send(Outgoing(1, "sms", "+4670", "", "x"))
    assert failure.value.permanent is permanent and str(status) in str(failure.value)


def test_the_console_prints_and_settings_choose_the_transports():
    out = io.StringIO()
    ConsoleTransport(out).send(MESSAGE)
    assert "email to anna@example.org" in out.getvalue() and MESSAGE.body in out.getvalue()
    chosen = transports_from({"mail": "smtp", "smtp_url": "smtp://h:587", "mail_from": "a@b.se",
                              "sms": "46elks", "sms_api_url": "https://x/a1/sms",
                              "sms_api_username": "u", "sms_api_password": "p", "sms_from": "S"})
    assert isinstance(chosen["email"], SmtpTransport) and isinstance(chosen["sms"], ElksSms)
    assert channels_of({"mail": None, "sms": "console"}) == frozenset({"sms"})
