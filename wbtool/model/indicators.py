"""Numeric indicators (指标分解): targets by year, and the counts units report.

Units report counts only.  A share indicator (专任教师中本科以上学历 95%) is reported
as its two counts, numerator and denominator, so the city figure is
Σ numerator / Σ denominator — never an average of the units' percentages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

PERCENT = "%"


class Comparison(str, Enum):
    """How an actual figure is held against its target."""

    AT_LEAST = "≥"  # 以上 / 不少于 / 不低于, and a bare figure: inclusive, as in Chinese legal usage
    AT_MOST = "≤"  # 不超过 / 以内
    NONE = "无目标"  # “-”: no target that year


@dataclass(frozen=True)
class Target:
    """One year's target: the official text verbatim and what it means."""

    text: str  # e.g. 3万人以上, 25%, -
    value: float | None  # 30000, 25.0; None when there is no target
    measure: str  # 计量单位 of the value: 人, 人次, 个, %, …; "" when there is no target
    comparison: Comparison

    @property
    def has_target(self) -> bool:
        return self.comparison is not Comparison.NONE


@dataclass(frozen=True)
class Count:
    """One figure a unit types in: a whole number ≥ 0."""

    key: str  # stable within the catalogue: "3" or "3.分子" / "3.分母"
    label: str  # what is counted, e.g. 专任教师数
    measure: str  # 计量单位: 人, 个, 人次, …


@dataclass(frozen=True)
class Indicator:
    """One numbered indicator of the table, with a target per plan year."""

    no: int
    text: str  # 项目, verbatim
    targets: tuple[tuple[int, Target], ...]  # (year, target), in year order
    counts: tuple[Count, ...]  # one count, or (numerator, denominator) for a share

    @property
    def is_share(self) -> bool:
        return len(self.counts) == 2

    @property
    def numerator(self) -> Count:
        return self.counts[0]

    @property
    def denominator(self) -> Count:
        return self.counts[-1]

    @property
    def measure(self) -> str:
        """The 计量单位 of the indicator's figure: % for a share, else its count's."""
        return PERCENT if self.is_share else self.counts[0].measure

    def target(self, year: int) -> Target | None:
        return dict(self.targets).get(year)


@dataclass(frozen=True)
class IndicatorResult:
    """The city figure of one indicator for one year, held against its target."""

    indicator: Indicator
    target: Target
    actual: float | None  # Σ counts, or Σ numerator / Σ denominator × 100; None without data
    met: bool | None  # None when there is no target or no figure
    gap: float | None  # how far short of the target; 0 when met; None when not comparable
    numerator: int = 0
    denominator: int = 0
    units: int = 0  # units whose figures went into it

    @property
    def verdict(self) -> str:
        """达标: 是 / 否 / 无目标 (and 无数据 when no unit reported it)."""
        if not self.target.has_target:
            return "无目标"
        if self.met is None:
            return "无数据"
        return "是" if self.met else "否"
