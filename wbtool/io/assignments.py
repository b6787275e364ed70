"""The assignments file (``--assignments``): which unit sent which file, when the tool cannot tell."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import yaml

from ..errors import UnreadableInput


def load_assignments(path: str | Path) -> dict[str, str]:
    """Read an assignments file: YAML (``文件: 单位`` or a list of them) or ``FILE=UNIT`` lines.

    Blank lines and lines starting with ``#`` are ignored.  Raises ``UnreadableInput``
    with a Chinese message when the file cannot be understood.
    """
    raw_text = Path(path).read_text(encoding="utf-8-sig")
    lines = [line.strip() for line in raw_text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if lines and all("=" in line for line in lines):
        return parse_assignments(lines)
    try:
        data = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        raise UnreadableInput(f"指定文件“{path}”既不是 YAML，也不是“文件=单位”的逐行格式：{exc}") from exc
    if data is None:
        return {}
    if isinstance(data, list):
        merged: dict = {}
        for item in data:
            if not isinstance(item, dict):
                raise UnreadableInput(f"指定文件“{path}”的列表项应是“文件: 单位”。")
            merged.update(item)
        data = merged
    if not isinstance(data, dict):
        raise UnreadableInput(f"指定文件“{path}”应是“文件: 单位”的键值对。")
    return {str(key).strip(): str(value).strip() for key, value in data.items()}


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """``["FILE=UNIT", …]`` → ``{FILE: UNIT}``; the last ``=`` separates (file names may hold one)."""
    result: dict[str, str] = {}
    for pair in pairs:
        file, sep, unit = pair.rpartition("=")
        if not sep or not file.strip() or not unit.strip():
            raise UnreadableInput(f"“{pair}”应写作“文件=单位”。")
        result[file.strip()] = unit.strip()
    return result
