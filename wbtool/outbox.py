"""Who gets which mail: the notices of ``send`` and the 催报 / 退回修改 of ``remind``.

Plain decisions over the catalogue, the batch manifest, the address book and a
``CheckResult``; the words are ``io/mail_out.py``'s, the network ``mailbox.py``'s.
A unit without an address gets no message and a ``contact-missing`` finding:
nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .atomic import write_bytes
from .errors import CannotWrite, os_reason
from .findings import finding
from .io import manifest as manifests
from .io.mailbox import Account, MailboxError, send_all
from .io.contacts import ContactBook, contact_for
from .io.mail_out import Outgoing, as_bytes, compose, notice_message, reminder_message, return_message
from .model import Catalogue, CheckResult, Finding, Progress, Severity
from .pipeline import check_returns, markup_returns_by_unit


@dataclass
class Plan:
    messages: list[Outgoing] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def without_address(self) -> list[str]:
        return [f.unit for f in self.findings if f.code == "contact-missing" and f.unit]


class PlanError(ValueError):
    """The inputs cannot give any message (no manifest, a file missing…)."""


def _no_address(unit: str, what: str) -> Finding:
    return finding(
        "contact-missing",
        f"{unit}没有邮箱（通讯录和任务清单里都没有），未生成{what}邮件。请在通讯录中补上邮箱后重新运行。",
        unit=unit,
    )


def notices(catalogue: Catalogue, templates_dir: str | Path, book: ContactBook | None) -> Plan:
    """One notice per template of the batch in ``templates_dir`` (its 清单.json)."""
    folder = Path(templates_dir)
    try:
        manifest = manifests.read(folder)
    except manifests.ManifestError as exc:
        raise PlanError(f"“{folder}”里的 {manifests.JSON_NAME} 无法读取：{exc}") from None
    if manifest is None:
        raise PlanError(f"“{folder}”里没有 {manifests.JSON_NAME}：请指向 wbtool generate 生成填报表的文件夹。")
    if manifest.catalogue != catalogue.id:
        raise PlanError(f"“{folder}”里的填报表按任务清单“{manifest.catalogue}”生成，而当前任务清单是“{catalogue.id}”；请用 --catalog 指定同一份清单。")
    plan = Plan(findings=list(book.findings) if book else [])
    for item in manifest.files:
        contact = contact_for(catalogue, item.unit, book)
        address = contact.email or (item.email or None)
        if not address:
            plan.findings.append(_no_address(item.unit, "发送填报表的"))
            continue
        path = folder / item.file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PlanError(f"填报表“{path}”无法读取（{os_reason(exc, '读取')}）。请重新运行 wbtool generate。") from None
        plan.messages.append(notice_message(catalogue, item.unit, address, contact.person, item.file, data))
    return plan


def reminders(
    catalogue: Catalogue,
    result: CheckResult,
    book: ContactBook | None,
    markup: Mapping[str, Sequence[Path]] | None = None,
) -> Plan:
    """催报 to every unit ``check`` found missing; with ``markup``, 退回修改 to every unit with errors.

    ``markup`` maps a unit to its 退回修改 workbooks (``check.markup_returns_by_unit``);
    ``None`` means no 退回修改 messages at all.
    """
    plan = Plan(findings=list(book.findings) if book else [])
    missing = {}
    for f in result.findings:
        if f.code == "unit-missing" and f.unit:
            missing[f.unit] = f
    for unit, f in missing.items():
        contact = contact_for(catalogue, unit, book)
        if not contact.email:
            plan.findings.append(_no_address(unit, "催报"))
            continue
        arrived = "只收到附带材料，还没有收到填报表" if "附带材料" in f.message else "目前尚未收到贵单位报送的材料"
        plan.messages.append(reminder_message(catalogue, unit, contact.email, contact.person, arrived))
    if markup is None:
        return plan
    errors: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.severity is Severity.ERROR and f.unit and f.unit not in missing and catalogue.unit(f.unit) is not None:
            errors.setdefault(f.unit, []).append(f)
    for unit, problems in errors.items():
        contact = contact_for(catalogue, unit, book)
        if not contact.email:
            plan.findings.append(_no_address(unit, "退回修改"))
            continue
        workbooks = tuple((path.name, path.read_bytes()) for path in markup.get(unit, ()))
        plan.messages.append(return_message(catalogue, unit, contact.email, contact.person, problems, workbooks))
    return plan


def write_drafts(messages: Sequence[Outgoing], out_dir: str | Path, sender: str | None) -> list[tuple[Path, object]]:
    """Save each message as ``<kind>-<unit>.eml`` (X-Unsent) in ``out_dir``.

    Returns ``(path, EmailMessage)`` pairs; the messages sent are these same
    objects without the X-Unsent mark.
    """
    out = Path(out_dir)
    written = []
    for message in messages:
        mail = compose(message, sender, draft=True)
        path = out / message.draft_name
        write_bytes(path, as_bytes(mail))
        del mail["X-Unsent"]
        written.append((path, mail))
    return written


KEPT_IN_LOG = "已发出的邮件记在输出文件夹的“发送记录.json”里，重新运行同一命令只发送未发出的。"

# What became of each message, by its draft's file name.
DRAFTED, SENT, SENT_BEFORE, FAILED = "草稿", "已发送", "此前已发送", "发送失败"


@dataclass(frozen=True)
class Delivery:
    """What ``deliver`` did: the drafts written, each message's state, and the findings."""

    drafts: tuple[Path, ...]
    status: Mapping[str, str]  # draft name → DRAFTED / SENT / SENT_BEFORE / FAILED
    findings: tuple[Finding, ...]


def deliver(
    plan: Plan,
    out_dir: str | Path,
    *,
    account: Account | None = None,
    sender: str | None = None,
    interval: float = 0.0,
    progress: Progress | None = None,
) -> Delivery:
    """Write every message of ``plan`` as a draft into ``out_dir``; with an ``account``, send them too.

    A refused recipient is a ``mail-send-failed`` finding and the others go on; a
    server that cannot be used raises ``MailboxError`` (what was sent is in the log).
    """
    out = Path(out_dir)
    try:
        drafts = write_drafts(plan.messages, out, sender)
    except OSError as exc:
        raise CannotWrite(f"草稿无法写入“{out}”（{os_reason(exc, '写入')}）。") from exc
    status = {message.draft_name: DRAFTED for message in plan.messages}
    findings = list(plan.findings)
    if account is not None and drafts:
        try:
            report = send_all([(path.name, mail) for path, mail in drafts], account, out, interval=interval, progress=progress)
        except MailboxError as exc:
            raise MailboxError(f"{exc} {KEPT_IN_LOG}") from exc
        except OSError as exc:
            raise CannotWrite(f"发送记录无法写入“{out}”（{os_reason(exc, '写入')}）；已发出的邮件请核对后再重新运行。") from exc
        status.update(dict.fromkeys(report.sent, SENT))
        status.update(dict.fromkeys(report.already, SENT_BEFORE))
        unit_of = {message.draft_name: message.unit for message in plan.messages}
        for key, reason in report.failed:
            status[key] = FAILED
            findings.append(
                finding("mail-send-failed", f"发给{unit_of[key]}的邮件未能发出：{reason}。重新运行同一命令会补发。", unit=unit_of[key], file=key)
            )
    return Delivery(drafts=tuple(path for path, _ in drafts), status=status, findings=tuple(findings))


def remind_plan(
    paths: Sequence[str | Path],
    catalogue: Catalogue,
    book: ContactBook | None,
    out_dir: str | Path,
    *,
    markup: bool = False,
    password: str | None = None,
    assignments: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    cache: str | Path | None = None,
) -> Plan:
    """Check the returns and plan the 催报 (and, with ``markup``, 退回修改) messages.

    The 退回修改 workbooks are written into ``out_dir/退回修改工作簿``; ``cache`` is
    the read cache, as for ``pipeline.check_returns``.
    """
    result = check_returns(
        list(paths), catalogue, password=password, assignments=assignments, progress=progress, cache=cache, work=out_dir
    )
    marked = markup_returns_by_unit(list(paths), result, Path(out_dir) / MARKUP_FOLDER) if markup else None
    return reminders(catalogue, result, book, marked)


MARKUP_FOLDER = "退回修改工作簿"
