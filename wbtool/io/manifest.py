"""The batch manifest: what was sent to whom, for the sender and for the checker.

``清单.json`` is for scripts (and for ``generate`` itself, to refuse mixing two
batches in one folder); ``发送清单.xlsx`` is a printable checklist for the person
who emails the files out.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from pathlib import Path

from ..atomic import write_bytes, write_text
from ..errors import UnreadableInput
from ..model import Manifest, ManifestFile
from ..text import number_ranges
from .xlsx_common import BODY_FONT, FILL_HEADER, HEADER_FONT, TITLE_FONT, Workbook, line_count, print_setup, row_height, workbook_options
from .xlsx_common import check as check_call

JSON_NAME = "清单.json"
SEND_LIST_NAME = "发送清单.xlsx"
SEND_LIST_SHEET = "发送清单"
FORMAT_VERSION = 1


class ManifestError(UnreadableInput):
    """A manifest file exists but is not one we wrote."""


def to_json(manifest: Manifest) -> str:
    data = {"format": FORMAT_VERSION, **asdict(manifest)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def from_json(text: str) -> Manifest:
    try:
        data = json.loads(text)
        files = tuple(
            ManifestFile(
                unit=f["unit"],
                kind=f.get("kind", ""),
                email=f.get("email"),
                file=f["file"],
                sha256=f["sha256"],
                tasks=tuple(int(n) for n in f.get("tasks", ())),
            )
            for f in data["files"]
        )
        return Manifest(
            batch=str(data["batch"]),
            catalogue=str(data["catalogue"]),
            fingerprint=str(data["fingerprint"]),
            generated_at=str(data.get("generated_at", "")),
            files=files,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ManifestError(str(exc)) from exc


def read(folder: str | Path) -> Manifest | None:
    """The manifest in ``folder``, or ``None`` if there is none.

    Raises ``ManifestError`` for a file that is there but unreadable.
    """
    path = Path(folder) / JSON_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None  # no manifest; a folder that cannot be one fails later, on writing
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(str(exc)) from exc
    return from_json(text)


def write(folder: str | Path, manifest: Manifest) -> tuple[Path, Path]:
    """Write 清单.json and 发送清单.xlsx atomically; return their paths."""
    folder = Path(folder)
    json_path, xlsx_path = folder / JSON_NAME, folder / SEND_LIST_NAME
    write_bytes(xlsx_path, send_list_bytes(manifest))
    # The JSON last: its presence says the batch folder is complete.
    write_text(json_path, to_json(manifest))
    return json_path, xlsx_path


# ---------------------------------------------------------------------------

SEND_COLUMNS = (
    ("序号", 6),
    ("单位", 26),
    ("类别", 10),
    ("邮箱", 24),
    ("文件名", 44),
    ("任务数", 8),
    ("任务序号", 30),
    ("发送日期", 12),
    ("备注", 16),
)


def task_numbers(tasks: tuple[int, ...]) -> str:
    """``1、3、5—8``: as ``wbtool units`` lists them (one way of writing task numbers)."""
    return number_ranges(tasks)


def send_list_bytes(manifest: Manifest) -> bytes:
    """The printable sending checklist as xlsx bytes."""
    buffer = io.BytesIO()
    book = Workbook(buffer, workbook_options(in_memory=True))
    base = {"font_name": BODY_FONT, "font_size": 11, "font_scheme": "none", "text_wrap": True, "valign": "vcenter"}
    title_fmt = book.add_format({**base, "font_name": TITLE_FONT, "font_size": 16, "align": "center"})
    header_fmt = book.add_format({**base, "font_name": HEADER_FONT, "font_size": 11, "border": 1, "align": "center", "bg_color": FILL_HEADER})
    cell_fmt = book.add_format({**base, "border": 1})
    center_fmt = book.add_format({**base, "border": 1, "align": "center"})
    info_fmt = book.add_format(base)
    ws = book.add_worksheet(SEND_LIST_SHEET)
    last = len(SEND_COLUMNS) - 1
    check_call(ws.merge_range(0, 0, 0, last, "填报表发送清单", title_fmt), "发送清单")
    check_call(ws.set_row(0, 30), "发送清单")
    info = f"批次：{manifest.batch}　　任务清单：{manifest.catalogue}（{manifest.fingerprint}）　　生成时间：{manifest.generated_at}　　共 {len(manifest.files)} 个单位"
    check_call(ws.merge_range(1, 0, 1, last, info, info_fmt), "发送清单")
    for col, (header, width) in enumerate(SEND_COLUMNS):
        check_call(ws.set_column(col, col, width), "发送清单")
        check_call(ws.write_string(2, col, header, header_fmt), "发送清单")
    for i, f in enumerate(manifest.files, start=1):
        row = 2 + i
        numbers = task_numbers(f.tasks)
        values = (i, f.unit, f.kind, f.email or "", f.file, len(f.tasks), numbers, None, None)
        centred = (0, 2, 5)  # 序号, 类别, 任务数
        for col, value in enumerate(values):
            fmt = center_fmt if col in centred else cell_fmt
            if value is None:  # 发送日期 and 备注: left for the person who sends the emails
                check_call(ws.write_blank(row, col, None, fmt), "发送清单")
            elif isinstance(value, int):
                check_call(ws.write_number(row, col, value, fmt), "发送清单")
            else:
                check_call(ws.write_string(row, col, value, fmt), "发送清单")
        lines = max(line_count(f.file, SEND_COLUMNS[4][1]), line_count(numbers, SEND_COLUMNS[6][1]), line_count(f.unit, SEND_COLUMNS[1][1]))
        check_call(ws.set_row(row, row_height(lines)), "发送清单")
    print_setup(ws, 2, margins=(0.4, 0.4, 0.6, 0.6))
    ws.center_horizontally()
    ws.freeze_panes(3, 0)
    book.set_properties({"title": f"填报表发送清单 {manifest.batch}", "comments": f"{manifest.catalogue} {manifest.fingerprint}"})
    book.close()
    return buffer.getvalue()
