"""Owner strings of both official tables, parsed from the seed documents themselves.

The seeds are text extracted from the original PDF/Word files: table cells are
tab-separated and names carry stray spaces.  The expectations below are built from
the seed text with the simplest possible reading (split on the table's separators,
a short hand-written list of spellings), independent of ``wbtool.owners``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wbtool.model import SCHOOL, Catalogue
from wbtool.owners import Registry, squeeze

from conftest import SEEDS

WUXI_SEED = SEEDS / "000_f80ea82c9a3a3574.txt"
JIANGYIN_SEED = SEEDS / "001_7fdab2a4388eb7e7.txt"

if not (WUXI_SEED.exists() and JIANGYIN_SEED.exists()):
    pytest.skip("the seed documents (../shared/seeds) are not beside this checkout", allow_module_level=True)


@dataclass(frozen=True)
class SeedRow:
    no: int
    text: str
    owners: str  # the 责任单位 cell as extracted, stray spaces included
    section: str | None = None
    deadline: str | None = None


def wuxi_rows() -> list[SeedRow]:
    """附件2 of the Wuxi notice: one line per task, ``…\\t12. 任务\\t责任单位\\t``."""
    lines = WUXI_SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if squeeze(line) == "附件2")
    rows = []
    for line in lines[start:]:
        cells = line.split("\t")
        for index, cell in enumerate(cells[:-1]):
            match = re.match(r"\s*(\d+)\.\s*(.+)", cell)
            if match:
                rows.append(SeedRow(int(match[1]), match[2], cells[index + 1]))
                break
    return rows


def wuxi_member_units() -> list[str]:
    """附件1 市有关单位名单: the line after its heading."""
    lines = [line for line in WUXI_SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    heading = lines.index("市有关单位名单")
    return lines[heading + 1].split("、")


def jiangyin_rows() -> list[SeedRow]:
    """The table at the end of the Jiangyin plan: every cell is a tab-led line.

    A task is ``\\t7．任务`` followed by its 责任单位 and 完成年限 cells; a 工程 is
    ``\\t（二）`` followed by untabbed lines that continue its title.
    """
    lines = JIANGYIN_SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "工程名称")
    rows: list[SeedRow] = []
    section = None
    index = start
    while index < len(lines):
        line = lines[index]
        if re.fullmatch(r"\t（[一二三四五六七八九十]+）", line):
            parts = [line.strip()]
            while index + 1 < len(lines) and lines[index + 1] and not lines[index + 1].startswith("\t"):
                index += 1
                parts.append(lines[index].strip())
            section = "".join(parts)
        match = re.fullmatch(r"\t(\d+)．(.+)", line)
        if match:
            rows.append(SeedRow(int(match[1]), match[2], lines[index + 1].strip(), section, lines[index + 2].strip()))
            index += 2
        index += 1
    return rows


WUXI_ROWS = wuxi_rows()
JIANGYIN_ROWS = jiangyin_rows()

# Spellings in the official tables that are not the registry's unit name.
WUXI_SPELLINGS = {"太湖学院": "无锡太湖学院"}
# The Jiangyin table writes short names only; the registry's names are the full ones.
JIANGYIN_SPELLINGS = {
    "宣传部": "市委宣传部",
    "教育局": "市教育局",
    "科技局": "市科学技术局",
    "人社局": "市人力资源和社会保障局",
    "发改委": "市发展和改革委员会",
    "工信局": "市工业和信息化局",
    "财政局": "市财政局",
    "税务局": "市税务局",
    "工商联": "市工商业联合会",
    "澄西技校": "江阴市澄西高级技工学校",
}
GROUP_TEXTS = ("各职业学校、技工院校", "各相关院校", "各职业院校")
SHARING_SUFFIX = "按职责分工负责"


def named_pieces(owners: str) -> tuple[list[str], list[str]]:
    """(unit spellings, group names) of an owner cell, by the plainest reading."""
    text = squeeze(owners).removesuffix(SHARING_SUFFIX)
    groups = [group for group in GROUP_TEXTS if group in text]
    for group in groups:
        text = text.replace(group, "")
    return [piece for piece in re.split("[、，]", text) if piece], groups


def schools_named_in(text: str, catalogue: Catalogue) -> set[str]:
    return {unit.name for unit in catalogue.units if unit.kind == SCHOOL and unit.name in squeeze(text)}


def expected_owners(row: SeedRow, catalogue: Catalogue, spellings: dict[str, str]) -> tuple[list[str], set[str]]:
    """(individually named units in order, units the groups stand for)."""
    pieces, groups = named_pieces(row.owners)
    named = [spellings.get(piece, piece) for piece in pieces]
    members: set[str] = set()
    for group in groups:
        if group == "各相关院校":  # the schools this task names
            members |= schools_named_in(row.text, catalogue)
        else:
            members |= {unit.name for unit in catalogue.units if unit.kind == SCHOOL}
    return named, members


CASES = [("wuxi", row, WUXI_SPELLINGS) for row in WUXI_ROWS] + [
    ("jiangyin", row, JIANGYIN_SPELLINGS) for row in JIANGYIN_ROWS
]


@pytest.fixture(scope="module")
def catalogues(wuxi, jiangyin) -> dict[str, Catalogue]:
    return {"wuxi": wuxi, "jiangyin": jiangyin}


def registry_of(catalogue: Catalogue) -> Registry:
    return Registry(catalogue.units, catalogue.groups)


def test_seed_tables_are_read_in_full():
    assert [row.no for row in WUXI_ROWS] == list(range(1, 51))
    assert [row.no for row in JIANGYIN_ROWS] == list(range(1, 32))
    assert len(wuxi_member_units()) == 22


# -- every owner string of both tables ---------------------------------------


@pytest.mark.parametrize("name,row,spellings", CASES, ids=[f"{name}-{row.no}" for name, row, _ in CASES])
def test_seed_owner_string_parses_to_known_units(catalogues, name, row, spellings):
    catalogue = catalogues[name]
    tokens = registry_of(catalogue).parse(row.owners)
    named, members = expected_owners(row, catalogue, spellings)

    assert all(token.unit or token.group for token in tokens), [t.text for t in tokens if not (t.unit or t.group)]
    assert not any(token.guessed for token in tokens)
    assert [token.unit for token in tokens if token.unit] == named
    first = tokens[0]
    task = catalogue.task(row.no)
    assert task.lead == (first.unit if first.unit else None)
    assert [owner for owner in task.owners if owner in named] == named
    assert set(task.owners) == set(named) | members


@pytest.mark.parametrize("name,row,spellings", CASES, ids=[f"{name}-{row.no}" for name, row, _ in CASES])
def test_catalogue_copies_the_seed_verbatim(catalogues, name, row, spellings):
    task = catalogues[name].task(row.no)
    assert task.text == squeeze(row.text)
    assert squeeze(task.owners_text) == squeeze(row.owners)


# -- targeted cases -----------------------------------------------------------


def test_name_broken_by_line_wrap(wuxi):
    tokens = registry_of(wuxi).parse("市人 力资源社会保 障局")
    assert [(t.unit, t.by_alias, t.guessed) for t in tokens] == [("市人力资源社会保障局", False, False)]


def test_sharing_suffix_is_not_a_unit(wuxi):
    tokens = registry_of(wuxi).parse("市发展改革委、市国资委、市工业和信息化局按职责分工负责")
    assert [t.unit for t in tokens] == ["市发展改革委", "市国资委", "市工业和信息化局"]


def test_group_with_a_separator_in_its_name_is_one_token(wuxi):
    tokens = registry_of(wuxi).parse("各职业学校、技工院校")
    assert [(t.unit, t.group) for t in tokens] == [(None, "各职业学校、技工院校")]


def test_all_schools_group_reaches_every_school(wuxi, jiangyin):
    for catalogue, no in ((wuxi, 17), (jiangyin, 9)):
        schools = {unit.name for unit in catalogue.units if unit.kind == SCHOOL}
        assert schools and schools <= set(catalogue.task(no).owners)
        for school in schools:
            assert no in [task.no for task in catalogue.tasks_of(school)]


def test_per_task_group_is_exactly_the_schools_the_task_names(wuxi):
    task = wuxi.task(10)
    named = schools_named_in(task.text, wuxi)
    assert len(named) == 10
    assert {owner for owner in task.owners if wuxi.unit(owner).kind == SCHOOL} == named
    # Schools the task does not name are not drawn in by the group.
    assert "无锡职业技术学院" not in task.owners


def test_alias_resolves_to_full_name(wuxi):
    (token,) = registry_of(wuxi).parse("太湖学院")
    assert (token.unit, token.by_alias) == ("无锡太湖学院", True)


def test_full_width_comma_separates(wuxi, jiangyin):
    assert [t.unit for t in registry_of(jiangyin).parse("宣传部、教育局，人社局")] == ["市委宣传部", "市教育局", "市人力资源和社会保障局"]
    assert [t.unit for t in registry_of(wuxi).parse("市教育局，市财政局")] == ["市教育局", "市财政局"]
    assert jiangyin.task(31).owners == ("市委宣传部", "市教育局", "市人力资源和社会保障局")


def test_short_names_and_full_names_in_jiangyin(jiangyin):
    registry = registry_of(jiangyin)
    assert registry.resolve("教育局").name == registry.resolve("江阴市教育局").name == "市教育局"
    assert registry.resolve("人社局").name == "市人力资源和社会保障局"
    assert registry.resolve("澄西技校").name == "江阴市澄西高级技工学校"
    assert registry.resolve("华姿中专校").name == "江阴市华姿中等专业学校"


def test_unknown_owner_is_left_unresolved(wuxi):
    (token,) = registry_of(wuxi).parse("市气象局")
    assert (token.unit, token.group) == (None, None)


# -- finding units in file names ----------------------------------------------


@pytest.mark.parametrize(
    "file_name,units",
    [
        ("附件2-任务完成情况-市教育局.xlsx", ["市教育局"]),
        ("无锡职业技术学院样板建设总结.zip", ["无锡职业技术学院"]),
        ("无锡太湖学院样板建设总结.zip", ["无锡太湖学院"]),  # not also its alias 太湖学院
        ("江阴市华姿中等专业学校.xlsx", ["江阴市华姿中等专业学校"]),  # not also 江阴市
        ("市人社局.xlsx", ["市人力资源社会保障局"]),
        ("市委教育工委 附件2.xlsx", ["市委教育工委"]),  # not also 教育工委 / 市教育局
        ("江阴市、宜兴市联合总结.docx", ["江阴市", "宜兴市"]),
        ("样板建设总结.zip", []),
    ],
)
def test_find_in_file_names(wuxi, file_name, units):
    assert [unit.name for unit in registry_of(wuxi).find_in(file_name)] == units


# -- the Wuxi catalogue against the seed --------------------------------------


def test_wuxi_member_units_are_the_22_of_attachment_1(wuxi):
    members = wuxi_member_units()
    assert [unit.name for unit in wuxi.units if unit.kind == "成员单位"] == members


@pytest.mark.parametrize("member", wuxi_member_units())
def test_wuxi_member_owns_exactly_the_tasks_naming_it(wuxi, member):
    naming = [row.no for row in WUXI_ROWS if member in squeeze(row.owners)]
    assert [task.no for task in wuxi.tasks_of(member)] == naming


def test_wuxi_every_school_named_in_an_owner_cell_gets_the_task(wuxi):
    spelled = {alias: unit.name for unit in wuxi.units for alias in unit.aliases} | {u.name: u.name for u in wuxi.units}
    checked = 0
    for row in WUXI_ROWS:
        pieces, _ = named_pieces(row.owners)
        for piece in pieces:
            unit = wuxi.unit(spelled[piece])
            if unit.kind != "成员单位":
                assert row.no in [task.no for task in wuxi.tasks_of(unit.name)], (piece, row.no)
                checked += 1
    assert checked > 20


# -- the Jiangyin catalogue against the seed ----------------------------------


def test_jiangyin_sections_and_deadlines_follow_the_seed(jiangyin):
    assert [section.title for section in jiangyin.sections] == list(dict.fromkeys(row.section for row in JIANGYIN_ROWS))
    for row in JIANGYIN_ROWS:
        task = jiangyin.task(row.no)
        assert (task.section, task.deadline) == (row.section, row.deadline)
    assert {task.deadline for task in jiangyin.tasks} == {"2021年", "2022年", "持续推进"}
    # The seed repeats the 5th 工程's name for the 6th; the catalogue keeps it.
    assert jiangyin.sections[5].title == "（六）体制机制创新工程"


def _find_in_by_brute_force(registry: Registry, text: str) -> list[str]:
    """Every name tried against the text, longest first: the plainest reading."""
    haystack = squeeze(text)
    names = sorted(
        {**{squeeze(a): u for u in registry.units for a in u.aliases}, **{squeeze(u.name): u for u in registry.units}}.items(),
        key=lambda pair: -len(pair[0]),
    )
    taken, found = [False] * len(haystack), []
    for needle, unit in names:
        start = haystack.find(needle)
        while start != -1:
            end = start + len(needle)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                found.append((start, unit.name))
            start = haystack.find(needle, start + 1)
    return list(dict.fromkeys(name for _, name in sorted(found)))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_find_in_agrees_with_trying_every_name(wuxi, data):
    registry = registry_of(wuxi)
    names = [n for u in wuxi.units for n in (u.name, *u.aliases)]
    pieces = data.draw(st.lists(st.one_of(st.sampled_from(names), st.text("市区局委院校-_ 2023样板总结", max_size=6)), max_size=6))
    text = "".join(pieces)
    assert [u.name for u in registry.find_in(text)] == _find_in_by_brute_force(registry, text)
