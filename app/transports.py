"""How messages leave: e-mail over SMTP (STARTTLS and sign-in), SMS through 46elks's HTTP
API, or printed (development). Each transport sends one `Outgoing` and answers with the
provider's reference, or raises a DeliveryFailure the outbox retries (temporary) or records
(permanent: a refused address). Standard library only.
"""
from __future__ import annotations

import base64
import json
import smtplib
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import TextIO

from .services.message_texts import Links
from .services.messaging import Sending
from .services.outbox import DeliveryFailure, Outgoing, PermanentFailure, Transport

TIMEOUT_SECONDS = 30  # well inside the outbox's claim lease
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class SmtpTransport:
    """E-mail through an SMTP server: `smtp://user:password@host:587` upgrades with STARTTLS
    (refusing a server that does not offer it, unless it is on this machine), `smtps://…:465`
    speaks TLS from the start. A sign-in is used when the URL has a user."""

    def __init__(self, url: str, sender: str, *, tls_context: ssl.SSLContext | None = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        parts = urllib.parse.urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname or ""
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.user = urllib.parse.unquote(parts.username) if parts.username else None
        self.password = urllib.parse.unquote(parts.password or "")
        self.sender = sender
        self.tls_context = tls_context or ssl.create_default_context()
        self.timeout = timeout

    def _email(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "stegvis.invalid"
        # Stable per message: a copy sent again after a crash carries the same id.
        email["Message-ID"] = f"<stegvis-message-{message.id}@{domain}>"
        email.set_content(message.body)
        return email

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=self.tls_context)
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        connection.ehlo()
        if connection.has_extn("starttls"):
            connection.starttls(context=self.tls_context)
            connection.ehlo()
        elif self.host not in LOOPBACK:
            connection.close()
            raise DeliveryFailure(f"{self.host} offers no STARTTLS; not sending in the clear")
        return connection

    def send(self, message: Outgoing) -> str | None:
        try:
            with self._connect() as connection:
                if self.user:
                    connection.login(self.user, self.password)
                refused = connection.send_message(self._email(message))
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(f"recipient refused: {_first_reply(error.recipients)}") from None
        except smtplib.SMTPResponseException as error:
            failure = PermanentFailure if 500 <= error.smtp_code < 600 and error.smtp_code != 535 \
                else DeliveryFailure
            raise failure(f"SMTP {error.smtp_code}: {_text(error.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailure(f"SMTP: {type(error).__name__}: {error}") from None
        if refused:
            raise PermanentFailure(f"recipient refused: {_first_reply(refused)}")
        return None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _first_reply(refused: Mapping) -> str:
    code, reply = next(iter(refused.values()))
    return f"{code} {_text(reply)}"


class ElksSms:
    """SMS through 46elks: POST /a1/sms with the form fields from, to and message, signed in
    with HTTP basic auth (the API username and password); the answer is JSON with the id."""

    def __init__(self, api_url: str, username: str, password: str, sender: str, *,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.api_url, self.sender, self.timeout = api_url, sender, timeout
        credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self.authorization = f"Basic {credentials}"

    def send(self, message: Outgoing) -> str | None:
        form = urllib.parse.urlencode({"from": self.sender, "to": message.recipient,
                                       "message": message.body}).encode("utf-8")
        request = urllib.request.Request(self.api_url, data=form, method="POST", headers={
            "Authorization": self.authorization,
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:200].decode("utf-8", "replace")
            # A request the gateway refuses (bad number, 4xx) fails for good; a refused
            # sign-in, throttling or trouble at their end (5xx) may pass later.
            permanent = 400 <= error.code < 500 and error.code not in (401, 403, 408, 429)
            failure = PermanentFailure if permanent else DeliveryFailure
            raise failure(f"46elks {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryFailure(f"46elks: {error}") from None
        try:
            return str(json.loads(answer).get("id") or "") or None
        except (ValueError, AttributeError):
            return None


class ConsoleTransport:
    """Development: print the message instead of sending it."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: Outgoing) -> str | None:
        out = self.stream or sys.stdout
        print(f"--- {message.channel} to {message.recipient} (message {message.id})", file=out)
        if message.channel == "email":
            print(f"Subject: {message.subject}", file=out)
        print(message.body, file=out, flush=True)
        return f"console-{message.id}"


def transports_from(settings: Mapping) -> dict[str, Transport]:
    """The transports the settings (`Settings.messaging`) set up, by channel."""
    transports: dict[str, Transport] = {}
    if settings.get("mail") == "smtp":
        transports["email"] = SmtpTransport(settings["smtp_url"], settings["mail_from"])
    elif settings.get("mail") == "console":
        transports["email"] = ConsoleTransport()
    if settings.get("sms") == "46elks":
        transports["sms"] = ElksSms(settings["sms_api_url"], settings["sms_api_username"],
                                    settings["sms_api_password"], settings["sms_from"])
    elif settings.get("sms") == "console":
        transports["sms"] = ConsoleTransport()
    return transports


def channels_of(settings: Mapping) -> frozenset[str]:
    """The channels messages can be queued for: those with a transport."""
    return frozenset(channel for channel, key in (("email", "mail"), ("sms", "sms"))
                     if settings.get(key))


def sending_from(config: Mapping) -> Sending:
    """What the sending use cases need, from the app's config (the web and the CLI alike)."""
    return Sending(links=Links(base_url=config["BASE_URL"], secret=config["SECRET_KEY"]),
                   channels=channels_of(config["MESSAGING"]),
                   valid_days=config["INVITATION_DAYS"], environment=config["STEGVIS_ENV"])
