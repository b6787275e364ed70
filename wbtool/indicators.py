"""Indicator targets and figures: parsing what is written, adding up what is reported.

Pure functions, data in and data out.  A target is parsed from the official text
(``3万人以上``, ``25%``, ``2.5万人次``, ``-``); a count is parsed from what a unit
typed (a number, numeric text, ``1.2万``, ``3,000``, full-width digits); the city
figure is a sum of counts, and for a share Σ numerator / Σ denominator.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from .findings import finding
from .model import Catalogue, Comparison, Count, Entry, Finding, Form, FormRow, Indicator, IndicatorResult, Target
from .owners import squeeze

NO_TARGET = ("-", "—", "－", "/", "")
# Words after the figure that say how it compares.  以上 / 以下 include the figure
# itself, as Chinese legal usage reads them.
_AFTER = {"以上": Comparison.AT_LEAST, "及以上": Comparison.AT_LEAST, "以内": Comparison.AT_MOST, "以下": Comparison.AT_MOST}
_BEFORE = {
    "不少于": Comparison.AT_LEAST,
    "不低于": Comparison.AT_LEAST,
    "达到": Comparison.AT_LEAST,
    "至少": Comparison.AT_LEAST,
    "不超过": Comparison.AT_MOST,
    "不高于": Comparison.AT_MOST,
    "不多于": Comparison.AT_MOST,
}
_TARGET = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<wan>万)?\s*(?P<measure>[^\d\s]*)")


class TargetError(ValueError):
    """A target text that is not a figure, a measure unit and a comparison."""


def parse_target(text: str) -> Target:
    """``3万人以上`` → Target(30000, 人, ≥); ``-`` → no target.  A bare figure is ≥."""
    verbatim = str(text).strip()
    rest = unicodedata.normalize("NFKC", verbatim).replace(" ", "")
    if rest in NO_TARGET:
        return Target(text=verbatim, value=None, measure="", comparison=Comparison.NONE)
    comparison = Comparison.AT_LEAST
    for word, meaning in _BEFORE.items():
        if rest.startswith(word):
            rest, comparison = rest[len(word):], meaning
            break
    for word, meaning in sorted(_AFTER.items(), key=lambda item: -len(item[0])):
        if rest.endswith(word):
            rest, comparison = rest[: -len(word)], meaning
            break
    match = _TARGET.fullmatch(rest)
    if not match or not match["measure"]:
        raise TargetError(f"目标“{verbatim}”应写成数值加计量单位，如“3万人以上”“25%”“1所”，无目标写“-”")
    value = float(match["number"]) * (10000 if match["wan"] else 1)
    return Target(text=verbatim, value=value, measure=match["measure"], comparison=comparison)


# ---------------------------------------------------------------------------
# What units type
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedCount:
    """A typed cell read as a count: ``value`` or the reason it is not one."""

    value: int | None
    problem: str | None = None  # Chinese: what is wrong; None when fine (or empty)
    empty: bool = False


_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"\d+(\.\d+)?")


def parse_count(cell: object, measure: str = "") -> ParsedCount:
    """A count as typed in Excel or WPS: 120, "120", "1.2万", "3,000", "１２０", "120人".

    Negative numbers, fractions, percentages and words (约100, 若干) are not counts.
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return ParsedCount(None, empty=True)
    if isinstance(cell, bool):
        return ParsedCount(None, "填的是逻辑值，不是数量")
    if isinstance(cell, (int, float)):
        return _whole(float(cell), str(cell))
    text = unicodedata.normalize("NFKC", str(cell)).strip().replace(" ", "")
    if text.endswith("%"):
        return ParsedCount(None, "填的是百分比；本表只填人数、个数等数量，比例由表格自动计算，请分别填写分子和分母的数量")
    if measure and text.endswith(measure) and len(text) > len(measure):
        text = text[: -len(measure)]
    scale = 1
    if text.endswith("万"):
        text, scale = text[:-1], 10000
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if text.startswith("-") and _PLAIN.fullmatch(text[1:]):
        return ParsedCount(None, "填的是负数，数量不能小于 0")
    if not _PLAIN.fullmatch(text):
        return ParsedCount(None, "不是数字，请只填写阿拉伯数字（如 120）")
    return _whole(float(text) * scale, str(cell))


def _whole(number: float, typed: str) -> ParsedCount:
    if math.isnan(number) or math.isinf(number):
        return ParsedCount(None, "不是数字，请只填写阿拉伯数字（如 120）")
    if number < 0:
        return ParsedCount(None, "填的是负数，数量不能小于 0")
    rounded = round(number)
    if 0 < number < 1:
        # Excel stores a typed 95% as 0.95: say so, without guessing the count behind it.
        return ParsedCount(None, f"“{typed}”是小于 1 的小数，可能填的是百分比；本表只填人数、个数等数量（整数），比例由表格自动计算")
    if abs(number - rounded) > 1e-9:
        return ParsedCount(None, f"“{typed}”不是整数，数量应为整数")
    return ParsedCount(int(rounded))


# ---------------------------------------------------------------------------
# The city's figure
# ---------------------------------------------------------------------------

UnitCounts = Mapping[str, int]  # count key → value, one unit's figures for one indicator


def unit_share(indicator: Indicator, counts: UnitCounts) -> float | None:
    """A unit's own share in %, or None when its denominator is missing or 0."""
    numerator = counts.get(indicator.numerator.key)
    denominator = counts.get(indicator.denominator.key)
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100


def city_result(indicator: Indicator, year: int, reports: Iterable[UnitCounts]) -> IndicatorResult:
    """Add the units' counts up and hold the figure against the year's target.

    A unit counts towards an indicator only with all of its counts: a share with a
    numerator and no denominator would bend Σ/Σ.
    """
    target = indicator.target(year) or Target(text="-", value=None, measure="", comparison=Comparison.NONE)
    complete = [r for r in reports if all(r.get(c.key) is not None for c in indicator.counts)]
    numerator = sum(r[indicator.numerator.key] for r in complete)
    denominator = sum(r[indicator.denominator.key] for r in complete) if indicator.is_share else 0
    if not complete:
        actual = None
    elif indicator.is_share:
        actual = numerator / denominator * 100 if denominator else None
    else:
        actual = float(numerator)
    met, gap = _against(target, actual)
    return IndicatorResult(indicator, target, actual, met, gap, numerator, denominator, len(complete))


def _against(target: Target, actual: float | None) -> tuple[bool | None, float | None]:
    if not target.has_target or actual is None or target.value is None:
        return None, None
    over = actual - target.value
    short = max(0.0, -over if target.comparison is Comparison.AT_LEAST else over)
    return short <= 1e-9, short


def plan_year(years: tuple[int, ...], year: int | None, this_year: int) -> tuple[int | None, str | None]:
    """The year a form or a merge is for: the one asked for, else this year if it is a
    plan year.  ``(year, None)`` or ``(None, why not)`` in Chinese."""
    span = "、".join(str(y) for y in years)
    if year is None:
        if this_year in years:
            return this_year, None
        return None, f"今年（{this_year}年）不是计划年度，请用 --year 指定年度（{span}）。"
    if year not in years:
        return None, f"{year}年不是计划年度，请在 {span} 中选择。"
    return year, None


# ---------------------------------------------------------------------------
# Checking a returned indicator form
# ---------------------------------------------------------------------------


def check_indicator_form(form: Form, unit: str, catalogue: Catalogue, file: str) -> tuple[list[Entry], list[Finding]]:
    """The counts a unit's indicator form gives, and every problem with them.

    A row is matched to its count by 序号 and 填报项; every typed text that is not a
    count stays in a finding with the text, so nothing typed is lost.
    """
    entries: list[Entry] = []
    findings: list[Finding] = []
    seen: set[str] = set()
    for row in form.rows:
        count, indicator = _count_of(row, catalogue)
        where = dict(unit=unit, task=indicator.no if indicator else _int(row.no), file=file, cell=row.entry_cell)
        if count is None or indicator is None:
            if row.entry is not None:
                findings.append(finding("task-unknown", f"这一行（序号“{row.no or ''}”，填报项“{row.count or ''}”）对不上任何指标，填报值未汇总。请核对是否改动了表格。", text=row.entry, **where))
            continue
        if count.key in seen:
            if row.entry is not None:
                findings.append(finding("row-duplicate", f"第 {indicator.no} 项“{count.label}”出现了不止一行，只采用第一行；这一行填的是“{row.entry}”。", text=row.entry, **where))
            continue
        seen.add(count.key)
        parsed = parse_count(row.entry, count.measure)
        if parsed.empty:
            findings.append(finding("value-missing", f"第 {indicator.no} 项“{count.label}”没有填写；没有的请填 0。", **where))
            continue
        if parsed.problem:
            findings.append(finding("value-invalid", f"第 {indicator.no} 项“{count.label}”填的是“{row.entry}”：{parsed.problem}。请单位改正后重新报送。", text=row.entry, **where))
        # What is typed is an entry even when it is not a count (value None): a later
        # file's 约100 replaces an earlier 80, and leaves no figure rather than an old one.
        entries.append(Entry(unit=unit, task=indicator.no, text=row.entry or "", file=file, cell=row.entry_cell, saved_at=form.saved_at, count=count.key, value=parsed.value))
    entries, inconsistent = _consistent(entries, catalogue, unit, file)
    findings.extend(inconsistent)
    for indicator in catalogue.indicators:
        for count in indicator.counts:
            if count.key not in seen:
                findings.append(finding("row-missing", f"返回的表中找不到第 {indicator.no} 项的“{count.label}”一行。请单位使用下发的填报表重新填写。", unit=unit, task=indicator.no, file=file))
    return entries, findings


def _int(text: str | None) -> int | None:
    try:
        return int(float(unicodedata.normalize("NFKC", text or "").strip()))
    except ValueError:
        return None


def _count_of(row: FormRow, catalogue: Catalogue) -> tuple[Count | None, Indicator | None]:
    no = _int(row.no)
    indicator = catalogue.indicator(no) if no is not None else None
    if indicator is None:
        return None, None
    label = squeeze(row.count or "")
    return next((c for c in indicator.counts if c.label == label), None), indicator


def _consistent(entries: list[Entry], catalogue: Catalogue, unit: str, file: str) -> tuple[list[Entry], list[Finding]]:
    """Void both counts of a share whose numerator exceeds its denominator (kept as typed, without a value)."""
    by_key = {e.count: e for e in entries}
    dropped: set[str] = set()
    findings = []
    for indicator in catalogue.indicators:
        if not indicator.is_share:
            continue
        num, den = by_key.get(indicator.numerator.key), by_key.get(indicator.denominator.key)
        if num is not None and den is not None and None not in (num.value, den.value) and num.value > den.value:
            dropped |= {num.count, den.count}
            findings.append(
                finding(
                    "value-inconsistent",
                    f"第 {indicator.no} 项“{indicator.numerator.label}”（{num.value}）大于“{indicator.denominator.label}”（{den.value}），"
                    "两个数都未计入汇总。请单位核对后重新报送。",
                    unit=unit, task=indicator.no, file=file, cell=num.cell, text=f"{num.text} / {den.text}",
                )
            )
    return [replace(e, value=None) if e.count in dropped else e for e in entries], findings


def city_results(catalogue: Catalogue, year: int, entries: Iterable[Entry]) -> tuple[IndicatorResult, ...]:
    """Every indicator's city figure for ``year`` from the units' current counts."""
    by_unit: dict[str, dict[str, int]] = {}
    for entry in entries:
        if entry.count is not None and entry.value is not None and not entry.superseded:
            by_unit.setdefault(entry.unit, {})[entry.count] = entry.value
    return tuple(city_result(indicator, year, by_unit.values()) for indicator in catalogue.indicators)
