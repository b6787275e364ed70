"""Who sent a returned file.

Sources, in order of trust:

1. an explicit assignment by the user (``--assign FILE=UNIT``);
2. the identity the template carries (document property, hidden sheet, defined
   name) — the reader gives every copy it found, and they must agree;
3. the file's own name;
4. the names of the folders and containers (zip, email) around it, innermost
   first — the notice asks units to name their zip 「单位+样板建设总结」;
5. the sender of the email that carried it, where the unit registry has an address.

A name that names two different units decides nothing.  When the identity and a
name disagree the file is held back (``unit-conflict``): a renamed copy of another
unit's template looks exactly like that, and only the user can tell which unit
really filled it in.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Mapping

from .findings import finding
from .model import Catalogue, Finding, Form, Identity, ReturnedFile
from .owners import Registry

class Source(str, Enum):
    """Where the unit of a returned file was learnt, in the order they are believed."""

    ASSIGNED = "assigned"
    IDENTITY = "identity"
    FILENAME = "filename"
    CONTAINER = "container"
    FOLDER = "folder"
    SENDER = "sender"
    UNDECIDED = ""

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    Source.ASSIGNED: "人工指定",
    Source.IDENTITY: "文件内标识",
    Source.FILENAME: "文件名",
    Source.CONTAINER: "压缩包/邮件名",
    Source.FOLDER: "文件夹名",
    Source.SENDER: "邮件发件人",
    Source.UNDECIDED: "",
}
ASSIGNED, IDENTITY, FILENAME, CONTAINER, FOLDER, SENDER = (
    Source.ASSIGNED, Source.IDENTITY, Source.FILENAME, Source.CONTAINER, Source.FOLDER, Source.SENDER
)

_PATH_SPLIT = re.compile(r"[\\/]+")
NO_ASSIGNMENTS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Identification:
    """The unit a file is attributed to, how that was decided, and what else was seen."""

    unit: str | None
    source: Source
    candidates: tuple[tuple[str, str], ...] = ()  # (source, unit) for every source that named one unit
    findings: tuple[Finding, ...] = ()

    @property
    def held(self) -> bool:
        """True when the file's entries must wait for the user's decision."""
        return self.unit is None


def identify(
    file: ReturnedFile,
    form: Form | None,
    catalogue: Catalogue,
    *,
    assignments: Mapping[str, str] = NO_ASSIGNMENTS,
) -> Identification:
    """Decide which unit sent ``file`` (see the module docstring for the order)."""
    registry = catalogue.registry
    identities = tuple(form.identities) if form is not None else ()
    identity_units = _identity_units(identities, registry)
    names, ambiguous = _name_candidates(file, registry)
    sender_unit = _sender_unit(file, catalogue)
    candidates = (
        *((IDENTITY, unit) for unit in identity_units),
        *names,
        *(((SENDER, sender_unit),) if sender_unit else ()),
    )
    assigned = assignment_for(file, assignments)
    if assigned is not None:
        unit, source, problem = _assigned(file, assigned, registry)
    else:
        unit, source, problem = _decide(file, identity_units, names, ambiguous, sender_unit)
    findings = _foreign(identities, catalogue, {"file": file.display}) + ([problem] if problem else [])
    return Identification(unit, source, candidates, tuple(findings))


_Decision = tuple[str | None, str, Finding | None]  # unit, source, the finding when undecided


def _assigned(file: ReturnedFile, assigned: str, registry: Registry) -> _Decision:
    unit = registry.resolve(assigned)
    if unit is not None:
        return unit.name, ASSIGNED, None
    message = f"人工指定的单位“{assigned}”不在单位名录中，请改用名录里的单位全称或简称。"
    return None, Source.UNDECIDED, finding("unit-unknown", message, file=file.display)


def _decide(
    file: ReturnedFile,
    identity_units: list[str],
    names: list[tuple[str, str]],
    ambiguous: list[tuple[str, str, list[str]]],
    sender_unit: str | None,
) -> _Decision:
    if len(identity_units) > 1:
        return None, Source.UNDECIDED, _conflict(file, [(IDENTITY, unit) for unit in identity_units])
    if identity_units:
        unit = identity_units[0]
        # Only the innermost name counts: an outer folder may be the bureau's own sorting.
        disagreeing = [(source, name) for source, name in names[:1] if name != unit]
        if disagreeing:
            return None, Source.UNDECIDED, _conflict(file, [(IDENTITY, unit), *disagreeing])
        return unit, IDENTITY, None
    if names:
        source, unit = names[0]
        return unit, source, None
    if sender_unit:
        return sender_unit, SENDER, None
    return None, Source.UNDECIDED, _unknown(file, ambiguous)


# ---------------------------------------------------------------------------
# assignments
# ---------------------------------------------------------------------------


def assignment_for(file: ReturnedFile, assignments: Mapping[str, str]) -> str | None:
    """The unit the user assigned to ``file``, if any.

    A key matches the origin display (``邮件.eml › 总结.zip › 附件2.xlsx``), the chain
    written with ``/``, the file's own name, its path on disk, or any of these as a
    glob pattern (``*科技局*``).
    """
    if not assignments:
        return None
    spellings = _spellings(file)
    patterns = [(key.strip().replace("\\", "/"), unit) for key, unit in assignments.items()]
    # An exact key wins over a pattern listed before it.
    for pattern, unit in patterns:
        if pattern in spellings:
            return unit
    for pattern, unit in patterns:
        if any(fnmatch.fnmatchcase(spelling, pattern) for spelling in spellings):
            return unit
    return None


def _spellings(file: ReturnedFile) -> set[str]:
    chain = [part.replace("\\", "/") for part in file.origin]
    spellings = {file.display, "/".join(chain), file.name, PurePosixPath(chain[-1]).name}
    if file.path and not file.in_container:
        spellings.add(str(file.path).replace("\\", "/"))
    return spellings


# ---------------------------------------------------------------------------
# the sources
# ---------------------------------------------------------------------------


def _identity_units(identities: tuple[Identity, ...], registry: Registry) -> list[str]:
    units: list[str] = []
    for identity in identities:
        unit = registry.resolve(identity.unit)
        if unit is not None and unit.name not in units:
            units.append(unit.name)
    return units


def _foreign(identities: tuple[Identity, ...], catalogue: Catalogue, where: dict) -> list[Finding]:
    for identity in identities:
        if identity.catalogue != catalogue.id:
            return [
                finding(
                    "template-foreign",
                    f"该文件是用任务清单“{identity.catalogue}”生成的模板，不是本次的“{catalogue.id}”；"
                    "仍按本次清单核查，请确认单位用的是本次下发的填报表。",
                    **where,
                )
            ]
        if identity.fingerprint != catalogue.fingerprint:
            return [
                finding(
                    "template-foreign",
                    "该文件来自任务内容措辞不同的另一版模板；仍按当前清单核查，请留意任务对应是否正确，"
                    "必要时请单位改用本次下发的填报表。",
                    **where,
                )
            ]
    return []


def _name_candidates(file: ReturnedFile, registry: Registry) -> tuple[list[tuple[str, str]], list[tuple[str, str, list[str]]]]:
    """Units named by the file name, then folders and containers, innermost first.

    Returns the decisive ``(source, unit)`` pairs and the ambiguous names
    ``(source, name, units)`` that named more than one unit.
    """
    decisive: list[tuple[str, str]] = []
    ambiguous: list[tuple[str, str, list[str]]] = []
    for source, name in _names_innermost_first(file):
        units = registry.find_in(name)
        if len(units) == 1:
            decisive.append((source, units[0].name))
        elif len(units) > 1:
            ambiguous.append((source, name, [unit.name for unit in units]))
    return decisive, ambiguous


def _names_innermost_first(file: ReturnedFile) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    for depth, element in enumerate(reversed(file.origin)):
        parts = [part for part in _PATH_SPLIT.split(element) if part]
        if not parts:
            continue
        own = PurePosixPath(parts[-1])
        names.append((FILENAME if depth == 0 else CONTAINER, own.stem if own.suffix else own.name))
        names.extend((FOLDER, folder) for folder in reversed(parts[:-1]))
    return names


def _sender_unit(file: ReturnedFile, catalogue: Catalogue) -> str | None:
    if not file.sender:
        return None
    address = file.sender.strip().lower()
    units = [unit.name for unit in catalogue.units if unit.email and address in _addresses(unit.email)]
    return units[0] if len(units) == 1 else None


def _addresses(text: str) -> set[str]:
    """A unit's ``email``: one address, or several separated by ；，, or spaces."""
    return {part.lower() for part in re.split(r"[\s;,；，、]+", text) if part}


# ---------------------------------------------------------------------------
# findings
# ---------------------------------------------------------------------------


def _describe(pairs) -> str:
    return "；".join(f"{source.label}指向“{unit}”" for source, unit in pairs)


def _conflict(file: ReturnedFile, pairs: list[tuple[str, str]]) -> Finding:
    return finding(
        "unit-conflict",
        f"无法确定报送单位：{_describe(pairs)}。该文件内容暂不汇总（原文已列入问题清单）；"
        f"请核实后用 --assign \"{file.name}=单位名称\" 指定。",
        file=file.display,
    )


def _unknown(file: ReturnedFile, ambiguous: list[tuple[str, str, list[str]]]) -> Finding:
    hint = ""
    if ambiguous:
        source, name, units = ambiguous[0]
        hint = f"{source.label}“{name}”同时含有{'、'.join(units)}，无法判断；"
    return finding(
        "unit-unknown",
        f"无法确定报送单位：文件内没有模板标识，文件名、压缩包名、文件夹名和发件人都对不上名录中的单位。{hint}"
        f"该文件内容暂不汇总（原文已列入问题清单）；请用 --assign \"{file.name}=单位名称\" 指定，"
        "或请单位按“单位+样板建设总结”重新命名后报送。",
        file=file.display,
    )
