"""Writing emails: the notice that carries a unit's template, 催报 and 退回修改.

A message is built with the ``email`` package's MIME classes and saved as an .eml draft
(``X-Unsent: 1``: Outlook and Foxmail open it ready to send) or handed to the SMTP
client as is.  Attachments go byte for byte, base64; a Chinese file name is given
twice, as mail clients read one or the other: RFC 2231 ``filename*=utf-8''…`` in
Content-Disposition (the standard, what 126 / QQ / Thunderbird read) and an RFC
2047 word in Content-Type's ``name`` (what older Outlook and Foxmail read).  The
body is plain text, base64, so no server's 7-bit path mangles it.

Reading mail back is ``io/mail.py``'s job; the tests read every draft with it.
"""

from __future__ import annotations

import base64
import email.policy
import email.utils
import mimetypes
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

from ..atomic import safe_stem
from ..model import Catalogue, Finding
from ..text import number_ranges

NOTICE = "通知"
REMINDER = "催报"
RETURN = "退回修改"
KINDS = (NOTICE, REMINDER, RETURN)

# Types mimetypes does not know on every system.
_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
}
MAX_LISTED_PROBLEMS = 30
# Long header lines (up to SMTP's 998) rather than folds: compat32 folds a long
# Content-Type before its value.  The SMTP client flattens with the message's own
# policy, so the drafts and the mail sent are the same bytes.
POLICY = email.policy.compat32.clone(max_line_length=998)


@dataclass(frozen=True)
class Outgoing:
    """One message to one unit, before it is a MIME message."""

    kind: str  # NOTICE / REMINDER / RETURN
    unit: str
    to: str
    subject: str
    body: str
    attachments: tuple[tuple[str, bytes], ...] = ()

    @property
    def draft_name(self) -> str:
        """``通知-市科技局.eml``: also the key of the sent log."""
        return f"{safe_stem(f'{self.kind}-{self.unit}')}.eml"


def compose(message: Outgoing, sender: str | None, *, draft: bool, now: datetime | None = None) -> Message:
    """The MIME message for ``message``; ``draft`` marks it X-Unsent for mail clients.

    Built with the compat32 classes, whose headers are written as given:
    ``policy.default`` would decode the RFC 2047 word put in ``name`` and, folding
    a long Content-Type, encode the MIME type itself.
    """
    mail = MIMEMultipart(policy=POLICY)
    if sender:
        mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = Header(message.subject, "utf-8").encode()
    mail["Date"] = email.utils.format_datetime((now or datetime.now()).astimezone())
    domain = sender.rsplit("@", 1)[-1] if sender and "@" in sender else "wbtool.local"
    mail["Message-ID"] = email.utils.make_msgid(domain=domain)
    if draft:
        mail["X-Unsent"] = "1"
    mail.attach(MIMEText(message.body, "plain", "utf-8"))  # utf-8 bodies go base64
    for name, data in message.attachments:
        maintype, subtype = _mime_type(name).split("/", 1)
        part = MIMEBase(maintype, subtype)
        part.set_payload(data)
        encoders.encode_base64(part)
        if name.isascii():
            part.set_param("name", name)
            part.add_header("Content-Disposition", "attachment", filename=name)
        else:
            part.set_param("name", "=?utf-8?B?" + base64.b64encode(name.encode("utf-8")).decode("ascii") + "?=")
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        mail.attach(part)
    return mail


def _mime_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def as_bytes(mail: Message) -> bytes:
    return mail.as_bytes(policy=POLICY.clone(linesep="\r\n"))


# ---------------------------------------------------------------------------
# What the messages say
# ---------------------------------------------------------------------------


def _title(catalogue: Catalogue) -> str:
    return catalogue.notice.title or catalogue.title


def _greeting(unit: str, person: str | None) -> str:
    return f"{unit}{f' {person}同志' if person else ''}：\n\n您好！"


def _signature(catalogue: Catalogue) -> str:
    notice = catalogue.notice
    lines = []
    contact = "，".join(part for part in (notice.contact, f"电话 {notice.phone}" if notice.phone else "", f"邮箱 {notice.email}" if notice.email else "") if part)
    if contact:
        lines.append(f"联系人：{contact}")
    if notice.issuer:
        lines.append(notice.issuer)
    return "\n".join(lines)


def notice_message(catalogue: Catalogue, unit: str, to: str, person: str | None, filename: str, data: bytes) -> Outgoing:
    """The mail that carries a unit's template."""
    notice = catalogue.notice
    tasks = catalogue.tasks_of(unit)
    deadline = f"请于{notice.deadline}报送" if notice.deadline else "请按通知要求按时报送"
    paragraphs = [
        _greeting(unit, person),
        f"根据《{_title(catalogue)}》要求，现将贵单位的《{catalogue.attachment}》填报表发给您（附件“{filename}”），"
        f"列出贵单位负责的 {len(tasks)} 项任务（序号 {number_ranges(sorted(t.no for t in tasks))}）。"
        f"请在“{catalogue.entry_label}”一栏逐项填写，每项不超过 {catalogue.limit} 字，不要改动表格的其他部分，{deadline}。",
    ]
    if notice.how_to_return:
        paragraphs.append(f"报送方式：{notice.how_to_return}")
    if notice.naming:
        paragraphs.append(f"文件命名：{notice.naming}")
    paragraphs.append("填好后直接回复本邮件，把填报表作为附件发回即可（可与其他材料一起压缩打包）。")
    paragraphs.append(_signature(catalogue))
    subject = f"{_title(catalogue)}——{catalogue.attachment}填报表（{unit}）"
    return Outgoing(NOTICE, unit, to, subject, _join(paragraphs), ((filename, data),))


def reminder_message(catalogue: Catalogue, unit: str, to: str, person: str | None, what_arrived: str) -> Outgoing:
    """催报: the unit has tasks and no form has come back from it."""
    notice = catalogue.notice
    tasks = catalogue.tasks_of(unit)
    deadline = f"报送截止时间为{notice.deadline}。" if notice.deadline else ""
    paragraphs = [
        _greeting(unit, person),
        f"贵单位负责《{catalogue.attachment}》中的 {len(tasks)} 项任务（序号 {number_ranges(sorted(t.no for t in tasks))}），"
        f"{what_arrived}。{deadline}请尽快填写并报送。",
    ]
    if notice.how_to_return:
        paragraphs.append(f"报送方式：{notice.how_to_return}")
    paragraphs.append("如已报送，请回复告知发送时间和发件邮箱，以便核对；如未收到填报表，请回复本邮件索取。")
    paragraphs.append(_signature(catalogue))
    subject = f"【催报】{_title(catalogue)}（{unit}）"
    return Outgoing(REMINDER, unit, to, subject, _join(paragraphs))


def return_message(
    catalogue: Catalogue,
    unit: str,
    to: str,
    person: str | None,
    problems: Sequence[Finding],
    workbooks: Sequence[tuple[str, bytes]],
) -> Outgoing:
    """退回修改: the unit's return has errors; the marked-up workbooks go along."""
    lines = []
    for number, problem in enumerate(problems[:MAX_LISTED_PROBLEMS], start=1):
        where = "，".join(part for part in (f"任务 {problem.task}" if problem.task is not None else "", problem.cell or "") if part)
        lines.append(f"{number}. {f'（{where}）' if where else ''}{problem.message}")
    if len(problems) > MAX_LISTED_PROBLEMS:
        lines.append(f"……另有 {len(problems) - MAX_LISTED_PROBLEMS} 个问题，见附件。")
    attached = (
        "附件是贵单位报送的表格，问题单元格已标色并加了批注，第一个工作表“退回修改”列出全部问题。"
        if workbooks
        else ""
    )
    paragraphs = [
        _greeting(unit, person),
        f"贵单位报送的《{catalogue.attachment}》经核查有以下 {len(problems)} 个问题需要修改：",
        "\n".join(lines),
        f"{attached}请修改后重新报送（每项{catalogue.entry_label}不超过 {catalogue.limit} 字）。",
        _signature(catalogue),
    ]
    subject = f"【退回修改】{_title(catalogue)}（{unit}）"
    return Outgoing(RETURN, unit, to, subject, _join(paragraphs), tuple(workbooks))


def _join(paragraphs: Sequence[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p) + "\n"

