"""Parsing 责任单位 strings and finding units by name.

Official owner strings are messy: 、，,；; as separators, a trailing 按职责分工负责,
names broken by line wrap (市人 力资源社会保 障局), groups that themselves contain a
separator (各职业学校、技工院校), short names (人社局).  They are parsed into tokens and
resolved through the unit registry; nothing is ever matched raw.
"""

from __future__ import annotations

import re

import ahocorasick
from dataclasses import dataclass
from typing import Iterable

from .model import Group, Unit

SEPARATORS = "、，,；;／/\n"
# Phrases that say how units share the work, not who they are.  Longest first.
SUFFIXES = ("按职责分工负责", "按职能分工负责", "按职责负责", "分工负责", "共同负责", "负责")
LEAD_MARKS = ("（牵头）", "(牵头)", "牵头")

_SPACE = re.compile(r"\s+")
_SPLIT = re.compile("[" + re.escape(SEPARATORS) + "]+")


def squeeze(text: str) -> str:
    """Remove every kind of white space: what line wrap and PDF extraction insert."""
    return _SPACE.sub("", text or "")  # \s includes the full-width space U+3000


def split_suffix(text: str) -> tuple[str, str]:
    """``(units part, sharing suffix)``: 「市教育局、市财政局按职责分工负责」 →
    (「市教育局、市财政局」, 「按职责分工负责」); the suffix is "" when there is none."""
    for suffix in SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)], suffix
    return text, ""


@dataclass(frozen=True)
class OwnerToken:
    """One piece of a 责任单位 string and what it resolved to."""

    text: str  # as written, white space removed
    unit: str | None = None  # full unit name, if it names one unit
    group: str | None = None  # group name, if it names a group
    by_alias: bool = False  # resolved through a declared alias
    guessed: bool = False  # resolved only by a spelling guess (no alias declared)


class Registry:
    """The units and groups of one catalogue, looked up by any of their names."""

    def __init__(self, units: Iterable[Unit], groups: Iterable[Group] = ()):
        self.units = tuple(units)
        self.groups = tuple(groups)
        self._by_name: dict[str, Unit] = {}
        self._by_alias: dict[str, Unit] = {}
        for unit in self.units:
            self._by_name[squeeze(unit.name)] = unit
            for alias in unit.aliases:
                self._by_alias.setdefault(squeeze(alias), unit)
        self._groups = {squeeze(group.name): group for group in self.groups}
        # Longest names first, so 无锡太湖学院 wins over its alias 太湖学院; all of
        # them found in one pass over a file name (Aho-Corasick), however many units
        # the registry holds (a province has thousands).
        needles = sorted({**self._by_alias, **self._by_name}.items(), key=lambda pair: -len(pair[0]))
        self._names = ahocorasick.Automaton()
        for rank, (key, unit) in enumerate(needles):
            if key:
                self._names.add_word(key, (rank, len(key), unit))
        if needles:
            self._names.make_automaton()
        # File and folder names repeat across a batch (every file of a unit's zip
        # carries the zip's name): each distinct name is searched once.
        self._found: dict[str, tuple[Unit, ...]] = {}

    # -- single names ------------------------------------------------------
    def resolve(self, name: str) -> Unit | None:
        """The unit called ``name`` (full name or declared alias, spaces ignored)."""
        key = squeeze(name)
        return self._by_name.get(key) or self._by_alias.get(key)

    def group(self, name: str) -> Group | None:
        return self._groups.get(squeeze(name))

    def guess(self, name: str) -> Unit | None:
        """The one unit whose name contains ``name`` or is contained in it.

        Used only to suggest the unit meant by a spelling with no declared alias.
        """
        key = squeeze(name)
        if len(key) < 2:
            return None
        hits = {unit.name: unit for full, unit in self._by_name.items() if key in full or full in key}
        return next(iter(hits.values())) if len(hits) == 1 else None

    # -- free text (file names, folder names, subjects) -------------------
    def find_in(self, text: str) -> tuple[Unit, ...]:
        """Every unit named somewhere in ``text``, in order of appearance.

        Matches never overlap and longer names win, so 无锡职业技术学院 is not also
        read as a shorter name hidden inside it.
        """
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = self._search(text)
        return found

    def _search(self, text: str) -> tuple[Unit, ...]:
        haystack = squeeze(text)
        if self._names.kind != ahocorasick.AHOCORASICK:
            return ()  # no names at all
        # Every occurrence of every name; then, longest name first, each takes its
        # characters unless a longer one took them already.
        hits = sorted((rank, end - length + 1, length, unit) for end, (rank, length, unit) in self._names.iter(haystack))
        taken = [False] * len(haystack)
        found: list[tuple[int, Unit]] = []
        for _, start, length, unit in hits:
            end = start + length
            if not any(taken[start:end]):
                taken[start:end] = [True] * length
                found.append((start, unit))
        seen: dict[str, Unit] = {}
        for _, unit in sorted(found, key=lambda pair: pair[0]):
            seen.setdefault(unit.name, unit)
        return tuple(seen.values())

    # -- owner strings -----------------------------------------------------
    def parse(self, owners_text: str) -> list[OwnerToken]:
        """Split a 责任单位 string into resolved tokens, in the table's order."""
        text, _ = split_suffix(squeeze(owners_text))
        # Group names may contain a separator: cut them out before splitting.
        placeholders: dict[str, str] = {}
        for index, key in enumerate(sorted(self._groups, key=len, reverse=True)):
            if key in text:
                marker = f"\x00{index}\x00"
                placeholders[marker] = key
                text = text.replace(key, f"、{marker}、")
        tokens: list[OwnerToken] = []
        for piece in _SPLIT.split(text):
            for mark in LEAD_MARKS:
                piece = piece.replace(mark, "")
            if not piece:
                continue
            if piece in placeholders:
                tokens.append(OwnerToken(text=placeholders[piece], group=self._groups[placeholders[piece]].name))
                continue
            tokens.append(self._token(piece))
        return tokens

    def _token(self, piece: str) -> OwnerToken:
        if piece in self._by_name:
            return OwnerToken(text=piece, unit=self._by_name[piece].name)
        if piece in self._by_alias:
            return OwnerToken(text=piece, unit=self._by_alias[piece].name, by_alias=True)
        if piece in self._groups:
            return OwnerToken(text=piece, group=self._groups[piece].name)
        guessed = self.guess(piece)
        if guessed is not None:
            return OwnerToken(text=piece, unit=guessed.name, guessed=True)
        return OwnerToken(text=piece)

    def members(self, group: Group, per_task: dict[str, tuple[str, ...]] | None = None) -> list[str]:
        """The unit names a group stands for (for a per-task group: that task's list)."""
        names: list[str] = []
        if group.per_task:
            names.extend((per_task or {}).get(group.name, ()))
        names.extend(unit.name for unit in self.units if unit.kind in group.kinds)
        names.extend(group.members)
        resolved = [self.resolve(name) for name in names]
        return list(dict.fromkeys(unit.name for unit in resolved if unit is not None))
