"""Real mail servers on loopback, started and stopped by the tests.

IMAP is pymap (its in-memory ``dict`` backend) in a child process; messages are
put into the mailbox with IMAP APPEND, as another mail client would.  SMTP is
aiosmtpd in a thread of the test process, keeping what it received.  Both only
listen on 127.0.0.1 on a free port.  ``silent_server`` accepts connections and
never answers; ``closed_port`` is a port nobody listens on.
"""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy

HOST = "127.0.0.1"
USER = "wxzqs@126.com"
PASSWORD = "secret-code"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen | None = None, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server ended: {process.stdout.read().decode(errors='replace')}")
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s")


@dataclass
class ImapServer:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"imap://{HOST}:{self.port}"

    def deliver(self, raw: bytes, when: float | None = None) -> None:
        """Put a message into INBOX (IMAP APPEND), received at ``when`` (epoch seconds)."""
        client = imaplib.IMAP4(HOST, self.port, timeout=10)
        try:
            client.login(USER, PASSWORD)
            stamp = imaplib.Time2Internaldate(when if when is not None else time.time())
            typ, data = client.append("INBOX", None, stamp, raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def flags(self) -> list[bytes]:
        client = imaplib.IMAP4(HOST, self.port, timeout=10)
        try:
            client.login(USER, PASSWORD)
            client.select("INBOX", readonly=True)
            typ, data = client.fetch("1:*", "(FLAGS)")
            return [item for item in data if item]
        finally:
            client.logout()

    def count(self) -> int:
        client = imaplib.IMAP4(HOST, self.port, timeout=10)
        try:
            client.login(USER, PASSWORD)
            typ, data = client.select("INBOX", readonly=True)
            return int(data[0])
        finally:
            client.logout()


@contextmanager
def imap_server():
    port = free_port()
    command = [
        sys.executable, "-c", "from pymap.main import main; main()",
        "--no-service", "admin", "--host", HOST, "--port", str(port), "--no-tls",
        "dict", "--demo-user", USER, "--demo-password", PASSWORD,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_for(port, process)
        yield ImapServer(port, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self):
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class SmtpServer:
    port: int
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"


@contextmanager
def smtp_server(password: str = PASSWORD):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    server = SmtpServer(port=free_port())

    class Handler:
        async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):  # noqa: N802 — aiosmtpd's hook
            if address.lower() in server.refuse:
                return "550 5.1.1 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, smtp, session, envelope):  # noqa: N802
            server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
            return "250 OK"

    def authenticate(smtp, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == USER and auth_data.password.decode("utf-8") == password
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    controller = Controller(
        Handler(), hostname=HOST, port=server.port, authenticator=authenticate, auth_require_tls=False, ready_timeout=10
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@contextmanager
def silent_server():
    """A port that accepts connections (the kernel's backlog) and never says a word."""
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def closed_port() -> int:
    return free_port()
