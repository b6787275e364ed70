"""Real mail servers on loopback, started and stopped by the tests.

IMAP is pymap (its in-memory ``dict`` backend) in a child process; messages are
put into the mailbox with IMAP APPEND, as another mail client would.  SMTP is
aiosmtpd in a thread of the test process, keeping what it received.  Both only
listen on 127.0.0.1 on a free port.  ``silent_server`` accepts connections and
never answers; ``closed_port`` is a port nobody listens on.
"""

from __future__ import annotations

import asyncio
import imaplib
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

HOST = "127.0.0.1"
USER = "wxzqs@126.com"
PASSWORD = "secret-code"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 20.0, log_path: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server ended: {log_path.read_text(errors='replace') if log_path else ''}")
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
    log_path: Path | None = None  # pymap --debug: every command a client sent

    def sessions(self) -> list[list[str]]:
        """Per connection, the command lines the client sent, tags dropped ("UID FETCH 1:* …").

        Read from pymap's debug log, whose lines are "… <connection> -->| TAG COMMAND …".
        """
        by_connection: dict[str, list[str]] = {}
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            head, sep, sent = line.partition(" -->| ")
            if not sep:
                continue
            words = sent.split(" ", 1)
            by_connection.setdefault(head.rsplit(":", 1)[-1], []).append(words[1] if len(words) == 2 else words[0])
        return list(by_connection.values())

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
        "--debug", "--no-service", "admin", "--host", HOST, "--port", str(port), "--no-tls",
        "dict", "--demo-user", USER, "--demo-password", PASSWORD,
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        log_path = Path(folder) / "pymap.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                _wait_for(port, process, log_path=log_path)
                yield ImapServer(port, process, log_path)
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


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
    stall: set[str] = field(default_factory=set)  # recipients whose DATA gets no answer for 3 s, then 451

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
            if server.stall & {address.lower() for address in envelope.rcpt_tos}:
                await asyncio.sleep(3)
                return "451 4.3.0 try again later"
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
