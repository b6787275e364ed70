"""Reading saved emails (.eml): who sent them, when, and what was attached.

The message is parsed with ``email.policy.default``.  Attachment names get a
second look, because Chinese mail clients name attachments every way there is:
RFC 2047 words (``=?GBK?B?…?=``) inside a quoted parameter, RFC 2231 parameters
(``filename*=GBK''%CA%D0…``) split over continuations, a declared GB2312 that is
really GBK, or raw 8-bit GBK bytes.  The library's decoded value is not enough for
all of these (it mis-joins multi-byte characters split over RFC 2231 continuations,
and reads GB2312 strictly), so the raw header is decoded here with GB18030, the
superset of all three Chinese charsets.

Attachments are not decoded here: each gives its content a piece at a time
(``Attachment.chunks``), and the caller writes it where it belongs, so a large
attachment is never held whole a second time beside the message.
"""

from __future__ import annotations

import binascii
import email
import email.errors
import email.header
import email.policy
import email.utils
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Iterator

from ..findings import finding
from ..model import Finding
from .archive import decode_unlabelled

# Charsets that are all subsets of GB18030: decoding with it never fails on bytes
# a sender labelled with any of them, and reads the characters GB2312 lacks.
_CHINESE = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "x-euc-cn", "csgb2312", "ms936", "936"}

# What the email library raises on a damaged message: never a crash, a finding.
BROKEN_MAIL = (email.errors.MessageError, ValueError, LookupError, TypeError, AttributeError, RecursionError)

# Headers that every real message has at least one of.
_MESSAGE_HEADERS = ("from", "to", "date", "subject", "message-id", "mime-version", "content-type", "received")


@dataclass(frozen=True)
class Attachment:
    name: str
    is_message: bool = False  # an attached email (message/rfc822), given as .eml bytes
    part: Message | None = field(default=None, compare=False, repr=False)

    def chunks(self) -> Iterator[bytes]:
        """The attachment's content, decoded a piece at a time."""
        if self.part is None:
            return
        if self.is_message:
            yield _message_bytes(self.part)
        else:
            yield from decoded(self.part)


@dataclass(frozen=True)
class Mail:
    sender: str | None  # the From address, lower case
    sent_at: datetime | None  # the Date header, aware
    attachments: tuple[Attachment, ...]


def read_mail(source: bytes | Path, where: str) -> tuple[Mail | None, tuple[Finding, ...]]:
    """The sender, date and attachments of one saved email, its bytes or its file.

    ``where`` is the origin display of the .eml, used in findings.  A file that is
    not an email gives ``None`` and a ``file-unreadable`` finding.  A file is parsed
    as it is read, never held whole as bytes.
    """
    try:
        if isinstance(source, bytes):
            message = email.message_from_bytes(source, policy=email.policy.default)
        else:
            with open(source, "rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
        if not any(key.lower() in _MESSAGE_HEADERS for key in message.keys()):
            raise ValueError("no message headers")
        mail = Mail(
            sender=_sender(message),
            sent_at=_sent_at(message),
            attachments=tuple(_attachments(message)),
        )
    except BROKEN_MAIL:
        return None, (_unreadable(where),)
    return mail, ()


def _unreadable(where: str) -> Finding:
    message = (
        "文件扩展名是 .eml，但无法按邮件读取（不是邮件原文，或已损坏）。"
        "请在邮箱中把该邮件重新“另存为 .eml”，或直接把邮件附件保存到回收文件夹。"
    )
    return finding("file-unreadable", message, file=where)


def _sender(message: EmailMessage) -> str | None:
    header = message.get("From")
    if header is None:
        return None
    try:
        addresses = header.addresses
    except (AttributeError, ValueError, IndexError):
        addresses = ()
    for address in addresses:
        if address.addr_spec and "@" in address.addr_spec:
            return address.addr_spec.strip().lower()
    _, spec = email.utils.parseaddr(str(header))
    return spec.strip().lower() or None


def _sent_at(message: EmailMessage) -> datetime | None:
    header = message.get("Date")
    if header is None:
        return None
    try:
        when = email.utils.parsedate_to_datetime(str(header))
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    # "-0000" means "time zone unknown" (RFC 5322); the clock it shows is UTC.
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name) or "").strip()
    except (ValueError, LookupError):
        return ""


# ---------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------


def _attachments(message: EmailMessage):
    """Every named part, in message order, descending through multiparts."""
    unnamed = 0
    for part in _leaves(message):
        name = attachment_name(part)
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            yield _attached_message(part, name)
            continue
        if name is None:
            if not _is_nameless_attachment(part):
                continue  # the body text, or an inline picture in it
            unnamed += 1
            name = f"未命名附件{unnamed}{mimetypes.guess_extension(content_type) or ''}"
        yield Attachment(name=name, part=part)


def _leaves(part: EmailMessage):
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.iter_parts():
            yield from _leaves(child)
    else:
        yield part


def _attached_message(part: EmailMessage, name: str | None) -> Attachment:
    inner = _inner_message(part)
    if not name:
        subject = _header_text(inner, "Subject") if inner is not None else ""
        name = f"{_safe(subject) or '附件邮件'}.eml"
    return Attachment(name=name, is_message=True, part=part)


def _inner_message(part: Message) -> Message | None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    return inner if isinstance(inner, Message) else None


def _message_bytes(part: Message) -> bytes:
    inner = _inner_message(part)
    if inner is not None:
        return inner.as_bytes(policy=email.policy.default)
    return part.get_payload(decode=True) or b""


# Encoded text decoded per piece: a few MB of it at a time, whatever the attachment's size.
DECODE_STEP = 4 * 1024 * 1024
_NOT_PLAIN_BASE64 = re.compile(r"[^A-Za-z0-9+/ \t\r\n]")
_LINE_SPACE = " \t\r\n"
_NO_LINE_SPACE = str.maketrans("", "", _LINE_SPACE)


def decoded(part: Message, step: int = DECODE_STEP) -> Iterator[bytes]:
    """The part's content as ``part.get_payload(decode=True)`` gives it, a piece at a time.

    Base64, what mail clients use for every file, is decoded ``step`` characters at a
    time.  Anything else — quoted-printable, uuencode, base64 with stray characters or
    padding in the middle, whose leniencies the library's decoder knows — is decoded
    by the library, whole.
    """
    payload = part.get_payload()
    cte = str(part.get("content-transfer-encoding", "")).lower()
    if part.is_multipart() or not isinstance(payload, str) or cte != "base64":
        yield part.get_payload(decode=True) or b""
        return
    end = len(payload)
    while end and payload[end - 1] in _LINE_SPACE + "=":
        end -= 1
    spaces = sum(payload.count(char, 0, end) for char in _LINE_SPACE)
    if payload.count("=", end) > 2 or (end - spaces) % 4 == 1 or _NOT_PLAIN_BASE64.search(payload, 0, end):
        yield part.get_payload(decode=True) or b""
        return
    carry = ""
    for start in range(0, end, step):
        piece = carry + payload[start : min(start + step, end)].translate(_NO_LINE_SPACE)
        whole = len(piece) - len(piece) % 4
        carry = piece[whole:]
        if whole:
            yield binascii.a2b_base64(piece[:whole])
    if carry:
        yield binascii.a2b_base64(carry + "=" * (-len(carry) % 4))


def _is_nameless_attachment(part: EmailMessage) -> bool:
    """A part without a name that still carries a file (not body text or a picture)."""
    if part.get_content_disposition() == "attachment":
        return True
    return part.get_content_maintype() == "application"


def attachment_name(part: Message) -> str | None:
    """The attachment's file name, decoded, without any folder part; None if unnamed."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = _raw_header(part, header)
        if raw is None:
            continue
        value = _raw_param(raw, header, param)
        if value is None:
            continue
        name = _safe(_decode_param(value))
        if name:
            return name
    return None


def _raw_header(part: Message, header: str) -> str | None:
    for key, value in part.raw_items():
        if key.lower() == header:
            return value
    return None


def _raw_param(raw: str, header: str, param: str):
    """The parameter as the compat32 parser leaves it: str, or (charset, lang, str).

    Both strs hold the header's bytes one character per byte (latin-1): the
    parser turns undeclared 8-bit bytes, which arrive as surrogate escapes, into
    U+FFFD, so they are handed over in a form it leaves alone.
    """
    holder = Message(policy=email.policy.compat32)
    holder[header] = raw.encode("utf-8", "surrogateescape").decode("latin-1")
    return holder.get_param(param, header=header)


def _decode_param(value) -> str:
    if isinstance(value, tuple):  # RFC 2231
        charset, _, text = value
        return decode_bytes(text.encode("latin-1"), charset)
    if "=?" in value:  # RFC 2047 words where they do not belong, as clients do
        try:
            chunks = email.header.decode_header(value)
        except email.errors.HeaderParseError:
            chunks = [(value, None)]  # a damaged word: keep the text as it stands
        return "".join(
            decode_bytes(chunk if isinstance(chunk, bytes) else chunk.encode("latin-1"), charset)
            for chunk, charset in chunks
        )
    return decode_unlabelled(value.encode("latin-1"))  # raw 8-bit bytes, charset unstated


def decode_bytes(raw: bytes, charset: str | None) -> str:
    """Text from bytes labelled ``charset``, trusting the label only as far as it holds."""
    label = (charset or "").strip().lower()
    tries = ["gb18030"] if label in _CHINESE else [label] if label else []
    tries += ["utf-8", "gb18030"]
    for encoding in tries:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("gb18030", "replace")


def _safe(name: str) -> str:
    """The last path component, stripped: some clients send C:\\Users\\…\\附件2.xlsx."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if char >= " " and char != "\x7f").strip()
