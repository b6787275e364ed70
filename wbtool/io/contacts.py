"""The address book (通讯录): who to write to at each unit.

A table in .xlsx / .xls (read with the same calamine reader as the returns) or
.csv (UTF-8, UTF-8 with BOM, or GBK as Excel on a Chinese Windows saves it),
with the columns 单位, 联系人, 邮箱, 电话 in any order under a header row found
within the first rows, as the form reader finds its header: a cell is a header
when it contains one of the words below (邮箱 / 电子邮件 / E-mail …).

单位 may be a full name or an alias (市人社局): it resolves through the
catalogue's registry.  Nothing is guessed: a name the registry does not know and
an address that is not one are reported as findings, and the row is left out.
A book may list several addresses in one cell (``a@x.cn；b@y.cn``): the first is
used for sending, all are kept.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import os_reason
from ..findings import finding
from ..model import Catalogue, Finding
from ..owners import squeeze
from .read_sheet import read_workbook

HEADER_WORDS = {
    "unit": ("单位", "部门", "学校"),
    "person": ("联系人", "姓名", "经办人"),
    "email": ("邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"),
    "phone": ("电话", "手机", "联系方式"),
}
HEADER_SEARCH_ROWS = 10
_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Contact:
    unit: str  # the unit's full name in the catalogue
    email: str | None = None  # the address mail goes to
    person: str | None = None
    phone: str | None = None
    others: tuple[str, ...] = ()  # further addresses in the same cell


@dataclass(frozen=True)
class ContactBook:
    contacts: dict[str, Contact]  # by full unit name
    findings: tuple[Finding, ...] = ()
    source: str = ""

    def get(self, unit: str) -> Contact | None:
        return self.contacts.get(unit)


class ContactsError(ValueError):
    """The file cannot be used as an address book at all (unreadable, no header)."""


def contact_for(catalogue: Catalogue, unit: str, book: ContactBook | None) -> Contact:
    """The book's entry for ``unit``, filled in from the catalogue where the book is silent."""
    listed = book.get(unit) if book is not None else None
    registered = catalogue.unit(unit)
    return Contact(
        unit=unit,
        email=(listed.email if listed and listed.email else None) or _first_address(registered.email if registered else None),
        person=(listed.person if listed and listed.person else None) or (registered.contact if registered else None),
        phone=listed.phone if listed else None,
        others=listed.others if listed else (),
    )


def with_addresses(catalogue: Catalogue, book: ContactBook | None) -> Catalogue:
    """The catalogue whose units carry the book's addresses and contacts (the book wins).

    ``check`` recognises a unit by the sender of an email through these addresses.
    """
    if book is None or not book.contacts:
        return catalogue
    units = []
    for unit in catalogue.units:
        listed = book.get(unit.name)
        if listed is None:
            units.append(unit)
            continue
        email = "；".join((listed.email, *listed.others)) if listed.email else unit.email
        units.append(replace(unit, email=email, contact=listed.person or unit.contact))
    return replace(catalogue, units=tuple(units))


def read_contacts(path: str | Path, catalogue: Catalogue) -> ContactBook:
    """Read an address book; raise ``ContactsError`` when it cannot be one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContactsError(f"通讯录“{path}”无法打开：{os_reason(exc, '读取')}") from exc
    if path.suffix.lower() in (".csv", ".txt"):
        rows = _csv_rows(data)
    else:
        rows = _sheet_rows(data, path)
    return parse_rows(rows, catalogue, source=path.name)


def parse_rows(rows: list[list[str | None]], catalogue: Catalogue, source: str = "") -> ContactBook:
    header_at, columns = _find_header(rows)
    if columns is None:
        raise ContactsError(f"通讯录“{source}”前 {HEADER_SEARCH_ROWS} 行里找不到“单位”和“邮箱”两列的表头。")
    registry = catalogue.registry
    contacts: dict[str, Contact] = {}
    findings: list[Finding] = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        name = _cell(row, columns.get("unit"))
        email_text = _cell(row, columns.get("email"))
        if not name:
            continue
        where = {"file": source, "cell": f"第{number}行"}
        unit = registry.resolve(name)
        if unit is None:
            guess = registry.guess(name)
            hint = f"是否指“{guess.name}”？请在通讯录中改用全称或已登记的简称。" if guess else "请改用任务清单单位名录中的名称（wbtool units 可查看）。"
            findings.append(finding("contact-unit-unknown", f"通讯录中的单位“{name}”不在单位名录中，未采用。{hint}", unit=name, **where))
            continue
        addresses = _ADDRESS.findall(email_text or "")
        if email_text and not addresses:
            findings.append(
                finding("contact-email-invalid", f"{unit.name}的邮箱“{email_text}”不是有效的邮件地址，未采用。", unit=unit.name, **where)
            )
        contacts[unit.name] = Contact(
            unit=unit.name,
            email=addresses[0].lower() if addresses else None,
            person=_cell(row, columns.get("person")),
            phone=_cell(row, columns.get("phone")),
            others=tuple(a.lower() for a in addresses[1:]),
        )
    return ContactBook(contacts=contacts, findings=tuple(findings), source=source)


def _first_address(text: str | None) -> str | None:
    found = _ADDRESS.findall(text or "")
    return found[0].lower() if found else None


def _cell(row: list[str | None], column: int | None) -> str | None:
    if column is None or column >= len(row) or row[column] is None:
        return None
    text = str(row[column]).strip()
    return text or None


def _find_header(rows: list[list[str | None]]) -> tuple[int, dict[str, int] | None]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for column, value in enumerate(row):
            text = squeeze(str(value or "")).lower()
            if not text or len(text) > 12:
                continue
            # 联系人 before 单位: a header 联系单位 is rare, 单位联系人 common.
            for role in ("person", "email", "phone", "unit"):
                if role not in columns and any(word in text for word in HEADER_WORDS[role]):
                    columns[role] = column
                    break
        if "unit" in columns and "email" in columns:
            return index, columns
    return 0, None


def _csv_rows(data: bytes) -> list[list[str | None]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ContactsError("通讯录 CSV 的编码无法识别，请另存为“CSV UTF-8”。")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _sheet_rows(data: bytes, path: Path) -> list[list[str | None]]:
    try:
        grids = read_workbook(data)
    except Exception as exc:  # calamine raises its own types for every broken file
        raise ContactsError(f"通讯录“{path.name}”不是可读取的表格文件（xlsx / xls / csv）：{exc}") from exc
    for grid in grids:
        rows = [list(row) for row in grid.rows]
        if _find_header(rows)[1] is not None:
            return rows
    return [list(row) for row in grids[0].rows] if grids else []
