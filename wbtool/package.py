"""The package beside the form: what each material is, and what a unit's package lacks.

Pure data in, data out.  The catalogue's ``package:`` block (``PackageRules``) says
what the notice asks for; the readers measured every attachment (``Material``);
here each one is given its category (工作总结 / 典型经验 / 盖章版 / 佐证材料 / 其他) and
each unit that returned anything is checked against the rules.  Catalogues without
rules (Jiangyin's asks for the form only) get no category and no finding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath
from typing import Iterable, Sequence

from . import wordcount
from .findings import finding
from .model import (
    CASE,
    EVIDENCE,
    OTHER_MATERIAL,
    STAMPED,
    SUMMARY,
    Catalogue,
    Compilation,
    Finding,
    Material,
    MaterialRule,
    PackageRules,
    PackageStatus,
    PackedMaterial,
    Passage,
    Piece,
    ReturnedFile,
)
from .owners import squeeze

DOCUMENT_FORMATS = ("docx", "doc", "wps")  # what a 工作总结 or 典型经验 in 电子版 is
SCAN_FORMATS = ("pdf", "image")  # 成果材料: scans and photographs
MISSING_CODE = {SUMMARY: "summary-missing", CASE: "case-missing", STAMPED: "stamped-missing"}
# What may stand between the unit and the rest of the name: 「单位+样板建设总结」 is
# written with a plus, a dash, a space, or nothing.
_JOINERS = re.compile(r"[\s+＋\-—_－·]")


def classify(name: str, material: Material, rules: PackageRules) -> tuple[str, str | None]:
    """``(category, subject)`` of one material: by its file name, else by its title line.

    A PDF of a kind that a PDF rule covers (a 工作总结 as PDF) is that rule's kind
    (盖章版), with the covered kind as its subject.
    """
    is_pdf = material.format == "pdf"
    kind = _kind_by_words(PurePosixPath(name).stem, rules, is_pdf) or _kind_by_words(material.title, rules, is_pdf)
    rule = rules.rule(kind) if kind else None
    if rule is not None and rule.pdf:  # 工作总结（盖章版）.pdf: a 盖章版, and of what
        covered = PackageRules(rules.name, tuple(r for r in rules.materials if r.kind in rule.covers))
        return rule.kind, _kind_by_words(PurePosixPath(name).stem, covered, False) or _kind_by_words(material.title, covered, False)
    if rule is not None and is_pdf:
        cover = next((r for r in rules.materials if r.pdf and rule.kind in r.covers), None)
        if cover is not None:
            return cover.kind, rule.kind
    if rule is not None and material.format in DOCUMENT_FORMATS:
        return rule.kind, None
    return (EVIDENCE if material.format in SCAN_FORMATS else OTHER_MATERIAL), None


def _kind_by_words(text: str, rules: PackageRules, is_pdf: bool) -> str | None:
    if not text:
        return None
    for rule in rules.materials:
        if rule.pdf and not is_pdf:
            continue
        if any(word in text for word in rule.words):
            return rule.kind
    return None


def pack(
    attachments: Sequence[tuple[ReturnedFile, str, Material]],
    returned: dict[str, list[ReturnedFile]],
    catalogue: Catalogue,
) -> tuple[tuple[PackedMaterial, ...], tuple[PackageStatus, ...], list[Finding]]:
    """Categorise the attributed attachments and check every unit that returned anything.

    ``attachments`` are ``(file, unit, material)``; ``returned`` maps each unit to all
    its files (forms too: a package named wrongly is told once, whatever it holds).
    """
    rules = catalogue.package
    if rules is None:
        return (), (), []
    materials = tuple(
        PackedMaterial(
            unit,
            *classify(file.name, material, rules),
            file=file.display,
            name=PurePosixPath(file.name).name,
            material=material,
            saved_at=file.modified_at,
        )
        for file, unit, material in attachments
    )
    by_unit: dict[str, list[PackedMaterial]] = defaultdict(list)
    for item in materials:
        by_unit[item.unit].append(item)
    statuses, findings = [], []
    for unit in _in_catalogue_order(catalogue, returned):
        mine = by_unit.get(unit, [])
        expected = rules.expected_name(unit)
        named = _named(returned[unit], _spellings(catalogue, unit), rules)
        findings += _missing(unit, mine, rules)
        findings += _lengths(unit, mine, rules)
        if not named:
            findings.append(_misnamed(unit, expected, returned[unit]))
        statuses.append(_status(unit, mine, named, expected))
    return materials, tuple(statuses), findings


def _in_catalogue_order(catalogue: Catalogue, returned: dict[str, list[ReturnedFile]]) -> list[str]:
    known = [unit.name for unit in catalogue.units if unit.name in returned]
    return known + sorted(unit for unit in returned if unit not in known)


def _spellings(catalogue: Catalogue, unit: str) -> tuple[str, ...]:
    found = catalogue.unit(unit)
    return (unit, *(found.aliases if found else ()))


def _containers(file: ReturnedFile) -> list[str]:
    """The names of the folders, zips and mails a file came in (not the returns folder itself)."""
    names: list[str] = []
    for depth, element in enumerate(file.origin):
        parts = list(PurePosixPath(element.replace("\\", "/")).parts)
        if depth == 0 and len(parts) > 1:
            parts = parts[1:]  # the folder given on the command line holds every unit's files
        if depth == len(file.origin) - 1:
            parts = parts[:-1]  # the file itself
        names += parts
    return names


def _named(files: Iterable[ReturnedFile], spellings: Sequence[str], rules: PackageRules) -> bool:
    wanted = {_JOINERS.sub("", squeeze(rules.expected_name(spelling))) for spelling in spellings}
    return any(
        _JOINERS.sub("", squeeze(PurePosixPath(name).stem if "." in name else name)) in wanted
        for file in files
        for name in _containers(file)
    )


def _misnamed(unit: str, expected: str, files: Sequence[ReturnedFile]) -> Finding:
    seen = list(dict.fromkeys(name for file in files for name in _containers(file)))
    came = f"收到的是“{'”“'.join(seen)}”" if seen else "收到的文件没有放在压缩包或文件夹里"
    message = f"通知要求材料压缩打包并命名为“{expected}”，{came}。不影响核查；请提醒单位今后按要求命名。"
    return finding("package-name", message, unit=unit, file=files[0].display if files else None)


def _missing(unit: str, mine: Sequence[PackedMaterial], rules: PackageRules) -> list[Finding]:
    findings = []
    for rule in rules.materials:
        have = sum(item.category == rule.kind for item in mine)
        if have >= rule.required or rule.kind not in MISSING_CODE:
            continue
        findings.append(finding(MISSING_CODE[rule.kind], _missing_message(unit, rule, have, mine), unit=unit))
    return findings


def _missing_message(unit: str, rule: MaterialRule, have: int, mine: Sequence[PackedMaterial]) -> str:
    wanted = f"至少 {rule.required} 份{rule.kind}" if rule.required > 1 else rule.kind
    if rule.pdf:
        return f"{unit}报送的材料中没有 PDF {rule.kind}（名称含“{'、'.join(rule.words)}”的 PDF，或总结材料的 PDF）。请单位把总结材料盖章后扫描或另存为 PDF 补报。"
    as_pdf = [item.name for item in mine if item.subject == rule.kind]
    only = f"只收到 PDF 版（{'、'.join(as_pdf)}）；" if as_pdf else ""
    got = f"只收到 {have} 份；" if have else ""
    return f"{unit}报送的材料中没有{wanted}的电子版（Word/WPS 文档）；{only}{got}请单位补报。"


def _lengths(unit: str, mine: Sequence[PackedMaterial], rules: PackageRules) -> list[Finding]:
    findings = []
    for item in mine:
        rule = rules.rule(item.category)
        words = item.material.words
        if rule is None or words is None:
            continue
        if rule.max_words is not None and words > rule.max_words:
            message = (
                f"{item.category}共 {words} 字，超过通知“原则上不超过 {rule.max_words} 字”的要求 {words - rule.max_words} 字"
                f"（计字规则：{wordcount.RULE}）。请单位酌情精简。"
            )
            findings.append(finding("summary-over-limit", message, unit=unit, file=item.file))
        if rule.about is not None and not (rule.low or 0) <= words <= (rule.high or words):
            message = (
                f"{item.category}“{item.material.title or item.name}”共 {words} 字，通知要求 {rule.about} 字左右"
                f"（{rule.low}–{rule.high} 字以外提示）。请单位酌情调整篇幅。"
            )
            findings.append(finding("case-length", message, unit=unit, file=item.file))
    return findings


def _status(unit: str, mine: Sequence[PackedMaterial], named: bool, expected: str) -> PackageStatus:
    summaries = [item for item in mine if item.category == SUMMARY]
    counted = [item.material.words for item in summaries if item.material.words is not None]
    return PackageStatus(
        unit=unit,
        summary_words=max(counted) if counted else None,
        summaries=len(summaries),
        cases=sum(item.category == CASE for item in mine),
        stamped=sum(item.category == STAMPED for item in mine),
        named=named,
        expected_name=expected,
    )


# ---------------------------------------------------------------------------
# The 汇编
# ---------------------------------------------------------------------------

COMPILED = (CASE, SUMMARY)  # the kinds gathered into a 汇编 of their own
TITLE_CHARS = 60  # a first paragraph longer than this is body text, not the document's title


def to_compile(materials: Sequence[PackedMaterial], kind: str, catalogue: Catalogue) -> list[PackedMaterial]:
    """The materials of ``kind`` in the catalogue's unit order (a unit's own in file order)."""
    order = {unit.name: index for index, unit in enumerate(catalogue.units)}
    chosen = [item for item in materials if item.category == kind]
    return sorted(chosen, key=lambda item: (order.get(item.unit, len(order)), item.unit, item.file))


def compilation(kind: str, items: Sequence[PackedMaterial], contents: Sequence[tuple], catalogue: Catalogue) -> Compilation:
    """The 汇编 of ``kind``: one piece per document read (``contents[i]`` is ``items[i]``'s blocks, or None)."""
    pieces = tuple(_piece(item, blocks) for item, blocks in zip(items, contents) if blocks is not None)
    subject = catalogue.package.subject if catalogue.package else ""
    return Compilation(title=f"{kind}汇编", subtitle=subject or catalogue.title, pieces=pieces)


def _piece(item: PackedMaterial, blocks: tuple) -> Piece:
    """The document's first paragraph is its title when it is short; else the file name is."""
    first = blocks[0] if blocks else None
    if isinstance(first, Passage) and len(first.text.strip()) <= TITLE_CHARS:
        return Piece(unit=item.unit, title=first.text.strip(), blocks=tuple(blocks[1:]), file=item.file)
    return Piece(unit=item.unit, title=PurePosixPath(item.name).stem, blocks=tuple(blocks), file=item.file)
