"""A whole province's returns for the merge bench: 1,000 distinct units, one file each.

The catalogue is synthetic but shaped like the real ones: the 50 tasks and sections
of the Wuxi list, owned by 1,000 units of 13 cities — 成员单位 (a city's bureaus) and
职业院校 — each responsible for about five tasks, one task owned by the group
各职业院校 (every school reports on it).  Each unit gets its template from
``wbtool.pipeline.generate`` (real identity and fingerprint) and fills it with varied texts
from the samples: most within the limit, some over it, some left empty.
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TEXTS = HERE.parent / "samples" / "texts.yaml"
BATCH = "20230105-province"
CITIES = ("南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市")
BUREAUS = ("教育局", "人力资源社会保障局", "发展改革委", "财政局", "工业和信息化局", "科技局")
SCHOOL_KINDS = ("中等专业学校", "职业技术学院", "技工学校", "高级职业学校")
GROUP = "各职业院校"
GROUP_TASK = 3  # every school reports on it, as 各职业学校 tasks do in the Wuxi list
NAMED_TASKS = 4  # per school, besides the group task; a bureau owns one more
SHARE_OVER, SHARE_EMPTY = 0.06, 0.05  # of the entries: over the limit, left empty


def unit_names(count: int = 1000) -> list[tuple[str, str]]:
    """(name, kind) of ``count`` units: the bureaus of every city, then schools."""
    units = [(city + bureau, "成员单位") for city in CITIES for bureau in BUREAUS]
    number = 0
    while len(units) < count:
        number += 1
        for city in CITIES:
            for kind in SCHOOL_KINDS:
                if len(units) < count:
                    units.append((f"{city}第{number}{kind}", "职业院校"))
    return units[:count]


def catalogue_data(count: int = 1000) -> dict:
    """The province catalogue as the YAML a bureau would write."""
    from wbtool import catalogue as catalogues

    wuxi = yaml.safe_load(catalogues.locate(catalogues.DEFAULT).read_text(encoding="utf-8"))
    units = unit_names(count)
    numbers = [task["number"] for section in wuxi["sections"] for task in section["tasks"]]
    named = [no for no in numbers if no != GROUP_TASK]
    owners: dict[int, list[str]] = {no: [] for no in numbers}
    for index, (name, kind) in enumerate(units):
        # 13 is prime to len(named) = 49: a unit's tasks are distinct and spread out.
        for k in range(NAMED_TASKS + (kind == "成员单位")):
            owners[named[(index * 5 + k * 13) % len(named)]].append(name)
    owners[GROUP_TASK] = [GROUP]
    sections = [
        {
            "title": section["title"],
            "tasks": [
                {"number": t["number"], "text": t["text"], "owners": "、".join(owners[t["number"]])}
                for t in section["tasks"]
            ],
        }
        for section in wuxi["sections"]
    ]
    return {
        "id": "province-bench",
        "title": "江苏省职业教育改革创新任务（项目）完成情况",
        "attachment": "附件2",
        "entry_label": "完成情况",
        "limit": 300,
        "notice": {"title": "关于报送职业教育改革创新任务完成情况的通知"},
        "units": [{"name": name, "kind": kind, "aliases": []} for name, kind in units],
        "groups": [{"name": GROUP, "kinds": ["职业院校"]}],
        "sections": sections,
    }


def text_pool() -> list[str]:
    raw = yaml.safe_load(TEXTS.read_text(encoding="utf-8"))
    return ["".join(str(t).split()) for unit in raw["entries"].values() for t in unit.values()]


def entry_text(pool: list[str], rng: random.Random) -> str | None:
    """A varied 完成情况: fresh numbers, sometimes a paragraph break, sometimes too long or empty."""
    roll = rng.random()
    if roll < SHARE_EMPTY:
        return None
    text = rng.choice(pool)
    if roll < SHARE_EMPTY + SHARE_OVER:
        text += rng.choice(pool)
    text = "".join(str(rng.randint(2, 980)) if ch.isdigit() and rng.random() < 0.3 else ch for ch in text)
    if rng.random() < 0.2 and "。" in text[:-1]:
        head, tail = text.split("。", 1)
        text = f"{head}。\n{tail}"
    return text


def type_entries(book, text_for) -> None:
    """Type ``text_for(row)`` into every 完成情况 cell of the fill-in sheet of an openpyxl ``book``."""
    sheet = book["填报表"]
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "序号")
    entry = next(c for c in range(1, sheet.max_column + 1) if str(sheet.cell(header, c).value).startswith("完成情况"))
    for row in range(header + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value is not None:
            sheet.cell(row, entry).value = text_for(row)


def fill(job: tuple[Path, Path, int]) -> Path:
    """Copy the template at ``source`` to ``target`` with every 完成情况 typed in."""
    import openpyxl

    source, target, seed = job
    rng = random.Random(seed)
    pool = text_pool()
    book = openpyxl.load_workbook(source)
    type_entries(book, lambda row: entry_text(pool, rng))
    book.save(target)
    return target


def build(folder: Path, count: int = 1000, *, seed: int = 20230112) -> tuple[Path, list[Path]]:
    """Write the catalogue and one filled return per unit under ``folder``.

    Returns the catalogue's path and the returned files, in the order the units
    would be merged (file names sort in that order).
    """
    from wbtool import catalogue as catalogues
    from wbtool.pipeline import generate

    folder.mkdir(parents=True, exist_ok=True)
    catalogue_path = folder / "catalogue.yaml"
    catalogue_path.write_text(yaml.safe_dump(catalogue_data(count), allow_unicode=True, sort_keys=False), encoding="utf-8")
    catalogue, findings = catalogues.load(catalogue_path)
    if catalogue is None:
        raise SystemExit(f"province catalogue refused: {[f.message for f in findings]}")
    result = generate(catalogue, folder / "templates", batch=BATCH)
    returns = folder / "returns"
    returns.mkdir(exist_ok=True)
    rng = random.Random(seed)
    files = list(result.files)
    rng.shuffle(files)  # mix bureaus and schools, cities and kinds
    jobs = [
        (generated.path, returns / f"{i:04d}-附件2-任务完成情况-{generated.unit}.xlsx", rng.randrange(2**32))
        for i, generated in enumerate(files)
    ]
    with ProcessPoolExecutor() as pool:
        paths = list(pool.map(fill, jobs, chunksize=16))
    return catalogue_path, paths
