"""Who answers for what: each unit's lead (牵头) and shared (参与) tasks.

The bureau reads this before sending anything out, so units that own no task are
listed too (with zero counts): a unit missing from the table would go unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Catalogue, Unit


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
