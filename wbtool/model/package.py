"""The package a unit returns beside its form: the rules of the notice, and what came.

The Wuxi notice asks every unit for a zip named 「单位+样板建设总结」 holding a 工作总结
(at most 3000 字), at least one 典型经验 (about 1000 字) and the 总结材料 as a stamped
PDF.  ``PackageRules`` is that request as data (the catalogue's ``package:`` block);
``Material`` is one document of a package as measured by a reader; ``PackedMaterial``
is the same document once the domain has said what it is and whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The categories of the 材料清单, in the order the sheet sorts them.
SUMMARY, CASE, STAMPED, EVIDENCE, OTHER_MATERIAL = "工作总结", "典型经验", "盖章版", "佐证材料", "其他"
CATEGORIES = (SUMMARY, CASE, STAMPED, EVIDENCE, OTHER_MATERIAL)


@dataclass(frozen=True)
class MaterialRule:
    """One kind of material the notice asks for, and how to recognise it.

    ``words`` are looked for in the file name, then in the document's title line.
    ``max_words`` is a ceiling (工作总结 ≤ 3000); ``about`` a target whose band
    ``low``–``high`` is "near enough" (典型经验 about 1000).  ``pdf`` says the
    material must come as PDF; ``covers`` names the kinds whose PDF counts as it
    (the 盖章版 of the 工作总结 is a PDF of the 工作总结).
    """

    kind: str
    words: tuple[str, ...]
    required: int = 1
    max_words: int | None = None
    about: int | None = None
    low: int | None = None
    high: int | None = None
    pdf: bool = False
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackageRules:
    """How a unit's package must look: its name and its materials."""

    name: str  # e.g. "{单位}样板建设总结"
    materials: tuple[MaterialRule, ...]
    subject: str = ""  # what the 汇编's title page says they are about, e.g. 样板建设

    def rule(self, kind: str) -> MaterialRule | None:
        return next((rule for rule in self.materials if rule.kind == kind), None)

    def expected_name(self, unit: str) -> str:
        return self.name.replace("{单位}", unit)


@dataclass(frozen=True)
class Material:
    """One document of a package as a reader measured it (small: it crosses processes).

    ``format`` is docx / doc / wps / pdf / image / other; ``words`` counts 字 by
    ``wordcount`` (None when the text could not be read, and for pictures);
    ``pages`` and ``scanned`` (pages without a text layer) only for PDF;
    ``title`` is the first line of text.  ``problem`` says why the text could not
    be read (no LibreOffice for a .doc, a damaged PDF).
    """

    format: str
    words: int | None = None
    pages: int | None = None
    scanned: int = 0
    title: str = ""
    problem: str | None = None


@dataclass(frozen=True)
class PackedMaterial:
    """A measured material, attributed to its unit and given its category."""

    unit: str
    category: str  # one of CATEGORIES
    subject: str | None  # 工作总结 / 典型经验 a stamped PDF is the PDF of, else None
    file: str  # origin chain
    name: str  # the file's own name
    material: Material
    saved_at: datetime | None = None


@dataclass(frozen=True)
class PackageStatus:
    """One unit's package in a few figures: the 报送情况 sheet's extra columns."""

    unit: str
    summary_words: int | None  # 字数 of the (longest) 工作总结; None when none came or unreadable
    summaries: int
    cases: int
    stamped: int
    named: bool
    expected_name: str


# ---------------------------------------------------------------------------
# The text of a 工作总结 or 典型经验, for the 汇编: read again at compile time only
# (the 材料清单 needs figures, not text, and those travel between processes for
# every attachment).
# ---------------------------------------------------------------------------

BODY_LEVEL = 0  # a plain paragraph; 1–3: a heading of that level in the unit's document


@dataclass(frozen=True)
class Passage:
    """One paragraph of a unit's document: its heading level and its runs ``(text, bold)``."""

    level: int
    runs: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass(frozen=True)
class Picture:
    """An inline picture of a unit's document: the image file and its width in the source."""

    data: bytes
    width_mm: float | None = None


@dataclass(frozen=True)
class TableText:
    """A table of a unit's document, as the text of its cells (a merged cell once)."""

    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Piece:
    """One unit's document in a 汇编: its title, its unit, and everything it says, in order."""

    unit: str
    title: str
    blocks: tuple[Passage | Picture | TableText, ...]
    file: str = ""


@dataclass(frozen=True)
class Compilation:
    """A 汇编: the title (典型经验汇编) and every unit's pieces in the catalogue's unit order."""

    title: str
    subtitle: str
    pieces: tuple[Piece, ...]
