"""Talking to the bureau's mail server: SMTP out, IMAP in (standard library only).

The network lives here and nowhere else; composing messages is ``io/mail_out.py``,
reading them ``io/mail.py``.  Every socket has a timeout, so a server that hangs
ends the command within seconds; every way a server can refuse becomes a
``MailboxError`` whose text is a Chinese sentence for the user.  The password is
passed in by the caller, kept only in ``Account`` (which never shows it in its
repr) and never written anywhere.

Sending (``send_all``) keeps a log, ``发送记录.json`` in the drafts folder, written
after every message: a run that was interrupted, or where the server refused
some recipients, sends on the next run only what was not sent.  One refused
recipient never stops the others.

Fetching (``fetch_returns``) is read-only on the server: the folder is opened with
EXAMINE and messages are read with ``BODY.PEEK[]``, so nothing is marked, moved
or deleted.  It does not use SEARCH (QQ mail lacks it): it lists UIDs with FETCH
and filters here.  A state file in the returns folder (``.wbtool-fetch.json``,
skipped by ``collect``) keeps UIDVALIDITY and the last UID per folder and the
Message-ID and SHA-256 of every message saved, so a second run saves nothing new
and a UIDVALIDITY change re-scans without saving anything twice.  The RFC 2971 ID
command is sent after LOGIN: 126.com and 163.com refuse SELECT without it.
"""

from __future__ import annotations

import base64
import email
import email.policy
import email.utils
import hashlib
import imaplib
import json
import re
import smtplib
import socket
import ssl
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Callable, Iterator, Sequence
from urllib.parse import urlsplit

from .. import __version__
from ..errors import WbtoolError, os_reason
from ..atomic import safe_stem, write_bytes, write_text
from ..model import Progress
from .mail import read_mail

SENT_LOG = "发送记录.json"
FETCH_STATE = ".wbtool-fetch.json"
DEFAULT_TIMEOUT = 30.0
DEFAULT_PORTS = {"smtp": 25, "smtps": 465, "imap": 143, "imaps": 993}
FORMAT_VERSION = 1


class MailboxError(WbtoolError):
    """The mail server could not be used (refused, wrong password, timed out): the message says why, in Chinese."""


@dataclass(frozen=True)
class Server:
    scheme: str  # smtp / smtps / imap / imaps
    host: str
    port: int

    @property
    def encrypted(self) -> bool:
        return self.scheme.endswith("s")

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Account:
    server: Server
    user: str
    password: str = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT


def parse_server(url: str, schemes: Sequence[str]) -> Server:
    """``smtps://smtp.126.com`` → Server; ``ValueError`` (Chinese) for anything else."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    examples = "、".join(f"{s}://主机名:{DEFAULT_PORTS[s]}" for s in schemes)
    if scheme not in schemes or not parts.hostname:
        raise ValueError(f"邮件服务器地址“{url}”写法不对，应为 {examples}。")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError(f"邮件服务器地址“{url}”的端口不对。") from None
    return Server(scheme=scheme, host=parts.hostname, port=port)


@contextmanager
def _talking(account: Account, what: str) -> Iterator[None]:
    """Every network failure as a ``MailboxError`` that says what to do."""
    server, timeout = account.server, account.timeout
    try:
        yield
    except MailboxError:
        raise
    except (TimeoutError, socket.timeout):
        raise MailboxError(f"{what}：邮件服务器 {server} 在 {timeout:g} 秒内没有响应。请检查网络和服务器地址、端口，或稍后再试。") from None
    except ConnectionRefusedError:
        raise MailboxError(f"{what}：邮件服务器 {server} 拒绝连接。请检查服务器地址和端口（SMTP 一般为 465 或 25，IMAP 一般为 993）。") from None
    except socket.gaierror:
        raise MailboxError(f"{what}：找不到邮件服务器“{server.host}”。请检查服务器地址和网络。") from None
    except ssl.SSLError as exc:
        raise MailboxError(
            f"{what}：与 {server} 建立加密连接失败（{exc.reason or exc}）。端口 465 / 993 请用 smtps:// / imaps://，其他端口用 smtp:// / imap://。"
        ) from None
    except smtplib.SMTPServerDisconnected as exc:
        if "timed out" in str(exc):
            raise MailboxError(f"{what}：邮件服务器 {server} 在 {timeout:g} 秒内没有响应。请检查网络和服务器地址、端口，或稍后再试。") from None
        raise MailboxError(f"{what}：邮件服务器 {server} 断开了连接（{exc}）。请稍后再试。") from None
    except (smtplib.SMTPException, imaplib.IMAP4.error) as exc:  # the server's own reply: worth quoting
        raise MailboxError(f"{what}：与邮件服务器 {server} 通信出错（{_text(exc)}）。") from None
    except OSError as exc:
        raise MailboxError(f"{what}：与邮件服务器 {server} 通信出错（{os_reason(exc)}）。") from None


def _text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _refused_login(account: Account, detail: str) -> MailboxError:
    return MailboxError(
        f"邮件服务器 {account.server} 拒绝登录（{detail}）：用户名或密码不对。"
        f"126、163、QQ 邮箱要用在网页邮箱“设置”里开启 SMTP/IMAP 服务后生成的授权码，而不是登录密码。"
    )


def _non_ascii(account: Account) -> MailboxError:
    return MailboxError(f"无法登录 {account.server}：用户名和密码只能含英文字母、数字和符号（邮件协议的限制）。126、163、QQ 邮箱请用授权码。")


# ---------------------------------------------------------------------------
# SMTP
# ---------------------------------------------------------------------------


def _smtp_connect(account: Account) -> smtplib.SMTP:
    server = account.server
    if server.encrypted:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=account.timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=account.timeout)
    try:
        smtp.ehlo()
        if not server.encrypted and smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if account.user and smtp.has_extn("auth"):
            try:
                smtp.login(account.user, account.password)
            except smtplib.SMTPAuthenticationError as exc:
                raise _refused_login(account, f"{exc.smtp_code}") from None
            except UnicodeEncodeError:
                raise _non_ascii(account) from None
    except BaseException:
        smtp.close()
        raise
    return smtp


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)  # keys sent in this run
    already: list[str] = field(default_factory=list)  # keys the log says were sent before
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)


def read_sent_log(folder: str | Path) -> dict[str, dict]:
    path = Path(folder) / SENT_LOG
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data.get("sent") or {})
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, AttributeError) as exc:
        raise MailboxError(f"发送记录“{path}”无法读取（{_text(exc)}）。如确认需要重发全部邮件，可删除该文件后重试。") from None


def _write_sent_log(folder: Path, log: dict[str, dict]) -> None:
    write_text(folder / SENT_LOG, json.dumps({"format": FORMAT_VERSION, "sent": log}, ensure_ascii=False, indent=2) + "\n")


def send_all(
    messages: Sequence[tuple[str, Message]],
    account: Account,
    log_folder: str | Path,
    *,
    interval: float = 0.0,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send ``(key, message)`` pairs not yet in the folder's sent log.

    A message is skipped when the log has its key with the same recipients.  The
    log is written after each message sent.  Connection trouble before the first
    message raises ``MailboxError``; a refused recipient or message is recorded
    in ``failed`` and the rest go on.  When the connection fails or times out
    during a message, it is opened again; a second failure in a row ends the
    batch with ``MailboxError`` (the log keeps what was sent).
    """
    folder = Path(log_folder)
    log = read_sent_log(folder)
    report = SendReport()
    todo = []
    for key, message in messages:
        recipients = _recipients(message)
        if key in log and sorted(log[key].get("to") or ()) == recipients:
            report.already.append(key)
        else:
            todo.append((key, message, recipients))
    total = len(messages)
    done = len(report.already)
    if progress is not None:
        progress(done, total)
    if not todo:
        return report
    with _talking(account, "连接发信服务器"):
        smtp = _smtp_connect(account)
    stuck = 0
    try:
        for index, (key, message, recipients) in enumerate(todo):
            if index and interval > 0:
                sleep(interval)
            refused = None
            try:
                with _talking(account, f"发送“{key}”"):
                    try:
                        smtp = _send_one(smtp, account, message, recipients)
                    except smtplib.SMTPRecipientsRefused as exc:
                        refused = _refusal(exc.recipients)
                    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                        refused = f"服务器拒收（{exc.smtp_code} {_decode(exc.smtp_error)}）"
            except MailboxError as exc:
                # The connection is gone or stuck: a new one for the rest.  Twice in a
                # row means the server is not usable: stop rather than wait out the
                # timeout once per message.
                stuck += 1
                if stuck > 1:
                    raise
                refused = str(exc)
                smtp.close()
                with _talking(account, "重新连接发信服务器"):
                    smtp = _smtp_connect(account)
            else:
                stuck = 0
            if refused is not None:
                report.failed.append((key, refused))
            else:
                log[key] = {
                    "to": recipients,
                    "sent_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "message_id": str(message.get("Message-ID") or ""),
                }
                _write_sent_log(folder, log)
                report.sent.append(key)
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return report


def _send_one(smtp: smtplib.SMTP, account: Account, message: Message, recipients: list[str]) -> smtplib.SMTP:
    """Send one message; once again on a new connection if the server had dropped the old one."""
    try:
        smtp.send_message(message, from_addr=account.user or None, to_addrs=recipients)
    except smtplib.SMTPServerDisconnected:
        smtp.close()
        smtp = _smtp_connect(account)
        smtp.send_message(message, from_addr=account.user or None, to_addrs=recipients)
    return smtp


def _recipients(message: Message) -> list[str]:
    values = [str(value) for header in ("To", "Cc", "Bcc") for value in message.get_all(header) or ()]
    return sorted({address.lower() for _, address in email.utils.getaddresses(values) if "@" in address})


def _refusal(recipients: dict) -> str:
    return "；".join(f"{address} 被拒收（{code} {_decode(reason)}）" for address, (code, reason) in recipients.items())


def _decode(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


# ---------------------------------------------------------------------------
# IMAP
# ---------------------------------------------------------------------------


@dataclass
class FetchReport:
    saved: list[Path] = field(default_factory=list)
    without_attachments: int = 0  # messages read and not saved: no attachment
    already: int = 0  # messages saved by an earlier run (same Message-ID or bytes)
    examined: int = 0
    rescanned: bool = False  # the folder's UIDVALIDITY changed since the last run


_UID = re.compile(rb"\bUID (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_DATE = re.compile(r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})")


def _imap_connect(account: Account) -> imaplib.IMAP4:
    server = account.server
    if server.encrypted:
        imap = imaplib.IMAP4_SSL(server.host, server.port, ssl_context=ssl.create_default_context(), timeout=account.timeout)
    else:
        imap = imaplib.IMAP4(server.host, server.port, timeout=account.timeout)
    try:
        try:
            imap.login(account.user, account.password)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            raise _refused_login(account, _text(exc).strip("b'\"")) from None
        except UnicodeEncodeError:
            raise _non_ascii(account) from None
        # RFC 2971 ID, whatever the capabilities say: 126.com / 163.com answer SELECT
        # with "Unsafe Login" without it.
        try:
            imap.xatom("ID", f'("name" "wbtool" "version" "{__version__}")')
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error:
            pass  # a server without ID (BAD) still lets us read
    except BaseException:
        imap.shutdown()
        raise
    return imap


def load_fetch_state(folder: str | Path) -> dict:
    path = Path(folder) / FETCH_STATE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": FORMAT_VERSION, "folders": {}, "messages": {}}
    except (OSError, ValueError) as exc:
        raise MailboxError(f"收信记录“{path}”无法读取（{_text(exc)}）。删除该文件后重试即可（已保存的邮件不会重复保存）。") from None
    state.setdefault("folders", {})
    state.setdefault("messages", {})
    return state


def _save_state(folder: Path, state: dict) -> None:
    _saved(folder / FETCH_STATE, (json.dumps(state, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def _saved(path: Path, data: bytes) -> None:
    """Write a file of the returns folder; a failure there is not the server's fault."""
    try:
        write_bytes(path, data)
    except OSError as exc:
        raise MailboxError(f"无法写入回收文件夹中的“{path.name}”（{os_reason(exc, '写入')}）。请检查文件夹是否可写、磁盘是否已满。") from None


def fetch_returns(
    account: Account,
    out_dir: str | Path,
    *,
    folder: str = "INBOX",
    since: date | None = None,
    progress: Progress | None = None,
) -> FetchReport:
    """Save every new message with an attachment as .eml into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state = load_fetch_state(out)
    known_ids = {entry.get("message_id") for entry in state["messages"].values() if entry.get("message_id")}
    known_hashes = set(state["messages"])
    report = FetchReport()
    with _talking(account, "连接收信服务器"):
        imap = _imap_connect(account)
    try:
        with _talking(account, "读取邮件"):
            typ, data = imap.select(_quoted(folder), readonly=True)
            if typ != "OK":
                raise MailboxError(f"邮箱里没有文件夹“{folder}”（服务器答复：{_decode(data[0]) if data else typ}）。收件箱请用 INBOX。")
            exists = int(data[0]) if data and data[0] and data[0].isdigit() else 0
            validity = _uidvalidity(imap)
            remembered = state["folders"].get(folder) or {}
            start = 1
            if remembered:
                if remembered.get("uidvalidity") == validity:
                    start = int(remembered.get("last_uid", 0)) + 1
                else:
                    report.rescanned = True
            uids = _list_uids(imap, start, since) if exists else []
            last_uid = max([start - 1, *uids])
            for done, uid in enumerate(uids, start=1):
                raw = _fetch_body(imap, uid)
                report.examined += 1
                if raw is not None:
                    _take(raw, out, state, known_ids, known_hashes, report)
                state["folders"][folder] = {"uidvalidity": validity, "last_uid": uid}
                _save_state(out, state)
                if progress is not None:
                    progress(done, len(uids))
            state["folders"][folder] = {"uidvalidity": validity, "last_uid": last_uid}
            _save_state(out, state)
    finally:
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            imap.shutdown()
    return report


def _quoted(folder: str) -> str:
    """The folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), quoted when needed."""
    name = imap_utf7(folder)
    if re.fullmatch(r"[A-Za-z0-9._/&,+-]+", name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_utf7(text: str) -> str:
    """``已发送`` → ``&XfJT0ZAB-``: printable ASCII as is, the rest UTF-16 in base64 with "," for "/"."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii").rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending.clear()

    for char in text:
        if char == "&":
            flush()
            out.append("&-")
        elif " " <= char <= "~":
            flush()
            out.append(char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _uidvalidity(imap: imaplib.IMAP4) -> int | None:
    _, values = imap.response("UIDVALIDITY")
    for value in values or ():
        if value and value.strip().isdigit():
            return int(value)
    return None


def _list_uids(imap: imaplib.IMAP4, start: int, since: date | None) -> list[int]:
    """UIDs from ``start`` on, received on or after ``since``: FETCH, not SEARCH."""
    typ, data = imap.uid("FETCH", f"{start}:*", "(UID INTERNALDATE)")
    if typ != "OK":
        raise MailboxError(f"服务器拒绝列出邮件（{_decode(data[0]) if data else typ}）。")
    uids = set()
    for item in data or ():
        head = item[0] if isinstance(item, tuple) else item
        if not isinstance(head, bytes):
            continue
        found = _UID.search(head)
        if not found:
            continue  # an unsolicited FLAGS or EXISTS line
        uid = int(found.group(1))
        if uid < start:
            continue  # "n:*" also names the last message when n is past it
        if since is not None:
            received = _internaldate(head)
            if received is not None and received.date() < since:
                continue
        uids.add(uid)
    return sorted(uids)


def _internaldate(head: bytes) -> datetime | None:
    found = _INTERNALDATE.search(head)
    if not found:
        return None
    match = _DATE.match(found.group(1).decode("ascii", "replace"))
    if not match or match.group(2).title() not in _MONTHS:
        return None
    day, month, year, hour, minute, second, sign, oh, om = match.groups()
    offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    return datetime(int(year), _MONTHS[month.title()], int(day), int(hour), int(minute), int(second), tzinfo=timezone(offset))


def _fetch_body(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data or ():
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            found = _UID.search(item[0])
            if found is None or int(found.group(1)) == uid:
                return item[1]
    return None  # the message went away between the two commands


def _take(raw: bytes, out: Path, state: dict, known_ids: set, known_hashes: set, report: FetchReport) -> None:
    digest = hashlib.sha256(raw).hexdigest()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = _header(message, "Message-ID")
    if digest in known_hashes or (message_id and message_id in known_ids):
        report.already += 1
        return
    mail, _ = read_mail(raw, "邮件")
    if mail is None or not mail.attachments:
        report.without_attachments += 1
        return
    target = _unique(out, eml_name(mail.sent_at, mail.sender, _header(message, "Subject")))
    _saved(target, raw)
    state["messages"][digest] = {"message_id": message_id, "file": target.name}
    known_hashes.add(digest)
    if message_id:
        known_ids.add(message_id)
    report.saved.append(target)


def _header(message: EmailMessage, name: str) -> str:
    try:
        return " ".join(str(message.get(name) or "").split())
    except (ValueError, LookupError, TypeError):
        return ""


def eml_name(sent_at: datetime | None, sender: str | None, subject: str) -> str:
    """``20230110-0932-kjj@wuxi.gov.cn-关于报送….eml``: sortable, readable, safe on Windows."""
    when = sent_at.strftime("%Y%m%d-%H%M") if sent_at else "无日期"
    subject = subject[:60] or "无主题"
    return f"{safe_stem(when + '-' + (sender or '无发件人') + '-' + subject)}.eml"


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    stem, number = target.stem, 2
    while target.exists():
        target = folder / f"{stem}-{number}.eml"
        number += 1
    return target
