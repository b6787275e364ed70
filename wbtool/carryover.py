"""Carrying the bureau's 定稿 over when the master is merged again.

The bureau re-merges every time a late return arrives, into the same ``--out``.
The 定稿 column of the previous master holds its edits; a new merge must not wipe
them.  Pure data in, data out: ``pipeline.merge`` reads the previous master
(``io.master_read``), calls ``carry_over`` and writes what it returns.

Per task:

* the previous 定稿 is the bureau's edit when it is not simply what merge itself
  put there (the 完成情况, or the one unit's text without its 【单位】 label);
* an edit whose task's 完成情况 is unchanged is kept (``final-carried``, info);
* an edit whose task's 完成情况 changed since is kept too — the bureau's words are
  never dropped — and flagged for review (``final-review``, with both texts);
* a 定稿 that was only merge's own prefill is replaced by the new prefill.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from .findings import finding
from .model import Finding, MasterEdits, MasterRow, TaskRow
from .text import printable


@dataclass(frozen=True)
class CarryOver:
    rows: tuple[TaskRow, ...]
    findings: tuple[Finding, ...]
    kept: int  # 定稿 carried over unchanged
    review: int  # 定稿 carried over whose 完成情况 changed since


def _as_written(text: str) -> str:
    return printable(text).strip()


def edited(row: MasterRow) -> bool:
    """Whether the 定稿 of a previous master is the bureau's own text, not merge's prefill."""
    final, entry = row.final.strip(), row.entry.strip()
    if not final or final == entry:
        return False
    # One unit's text under its 【单位】 label: merge prefills the text without the label.
    return not (entry.startswith("【") and "】" in entry and entry.split("】", 1)[1].strip() == final)


def carry_over(rows: Sequence[TaskRow], previous: MasterEdits, *, file: str) -> CarryOver:
    """The task rows with the previous master's edited 定稿 carried over."""
    before = {row.no: row for row in previous.rows}
    result: list[TaskRow] = []
    findings: list[Finding] = []
    kept = review = 0
    for row in rows:
        old = before.get(row.task.no)
        if old is None or not edited(old):
            result.append(row)
            continue
        result.append(replace(row, final=old.final))
        if _as_written(row.merged) == old.entry.strip():
            kept += 1
            findings.append(
                finding(
                    "final-carried",
                    f"第 {row.task.no} 项沿用了上一版汇总表中修改过的定稿。",
                    task=row.task.no,
                    file=file,
                    cell=old.cell,
                )
            )
        else:
            review += 1
            findings.append(
                finding(
                    "final-review",
                    f"第 {row.task.no} 项沿用了上一版汇总表中修改过的定稿，但该项的完成情况在这次汇总中有变化"
                    f"（有单位补报或更正）。请对照新的完成情况复核定稿。上一版的完成情况：“{old.entry.strip()}”",
                    task=row.task.no,
                    file=file,
                    cell=old.cell,
                    text=old.final,
                )
            )
    return CarryOver(rows=tuple(result), findings=tuple(findings), kept=kept, review=review)
