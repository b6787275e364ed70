"""Who answers for what: each unit's lead (牵头) and shared (参与) tasks.

The bureau reads this before sending anything out, so units that own no task are
listed too (with zero counts): a unit missing from the table would go unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Catalogue, Unit

RANGE_DASH = "—"  # the em dash official tables use between numbers (3—5个)
LIST_SEPARATOR = "、"


@dataclass(frozen=True)
class UnitLoad:
    """The tasks one unit answers for, by task number, in catalogue order."""

    unit: Unit
    lead_tasks: tuple[int, ...]
    co_tasks: tuple[int, ...]

    @property
    def tasks(self) -> tuple[int, ...]:
        """Every task the unit reports on, lead and shared, in number order."""
        return tuple(sorted(self.lead_tasks + self.co_tasks))


def unit_loads(catalogue: Catalogue) -> list[UnitLoad]:
    """Every unit of the registry, in registry order, with the tasks it owns."""
    lead: dict[str, list[int]] = {unit.name: [] for unit in catalogue.units}
    shared: dict[str, list[int]] = {unit.name: [] for unit in catalogue.units}
    for task in catalogue.tasks:
        for owner in task.owners:
            # Owners are resolved names, so every one is in the registry.
            (lead if owner == task.lead else shared)[owner].append(task.no)
    return [
        UnitLoad(unit=unit, lead_tasks=tuple(lead[unit.name]), co_tasks=tuple(shared[unit.name]))
        for unit in catalogue.units
    ]


def number_ranges(numbers: Iterable[int]) -> str:
    """Task numbers the way an official text lists them: ``1、4、7—9``.

    Runs of three or more become a range; a pair stays a pair (``7、8``), as
    ``7—8`` reads oddly in Chinese.
    """
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{ordered[start]}{RANGE_DASH}{ordered[end]}")
        else:
            parts.extend(str(n) for n in ordered[start : end + 1])
        start = end + 1
    return LIST_SEPARATOR.join(parts)
