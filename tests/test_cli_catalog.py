"""``wbtool catalog check|list`` and ``wbtool units``, and the unit loads behind them."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

import wbtool.cli.catalog as catalog_cli

from wbtool.cli import main
from wbtool.model import SCHOOL
from wbtool.text import number_ranges
from wbtool.units import unit_loads


def runner(**options) -> CliRunner:
    """A runner that keeps stderr apart from stdout (the default from click 8.2 on)."""
    try:
        return CliRunner(mix_stderr=False, **options)
    except TypeError:
        return CliRunner(**options)


def run(*args: str):
    return runner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """A terminal wide enough that no table folds a finding code over two lines."""
    monkeypatch.setattr(catalog_cli, "console", Console(width=200, highlight=False))
    monkeypatch.setattr(catalog_cli, "err_console", Console(width=200, stderr=True, highlight=False))


def write_catalogue(tmp_path, owners: str = "市教育局") -> str:
    data = {
        "id": "small",
        "title": "小清单",
        "units": [{"name": "市教育局", "aliases": ["教育局"]}, {"name": "市财政局"}],
        "sections": [{"title": "（一）工程", "tasks": [{"number": 1, "text": "任务。", "owners": owners}]}],
    }
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


# -- unit loads -----------------------------------------------------------------


def test_unit_loads_split_lead_and_shared_tasks(jiangyin):
    loads = {load.unit.name: load for load in unit_loads(jiangyin)}
    assert loads["市委宣传部"].lead_tasks == (1, 31)
    assert loads["市委宣传部"].co_tasks == ()
    assert loads["市人力资源和社会保障局"].lead_tasks == (10, 14, 30)
    assert loads["市财政局"].lead_tasks == (29,)
    assert loads["市财政局"].co_tasks == (19, 23, 26)
    # A group task has no lead: every school shares it.
    assert all(loads[u.name].co_tasks == (9,) for u in jiangyin.units if u.kind == SCHOOL)


def test_unit_loads_cover_every_owner_once(wuxi, jiangyin):
    for catalogue in (wuxi, jiangyin):
        loads = unit_loads(catalogue)
        assert [load.unit for load in loads] == list(catalogue.units)
        for load in loads:
            assert load.tasks == tuple(task.no for task in catalogue.tasks_of(load.unit.name))
        assert sum(len(load.lead_tasks) for load in loads) == sum(1 for t in catalogue.tasks if t.lead)
        assert sum(len(load.tasks) for load in loads) == sum(len(t.owners) for t in catalogue.tasks)


def test_unit_without_task_is_listed_with_zero_counts(tmp_path):
    from wbtool import catalogue as catalogues

    catalogue, _ = catalogues.load(write_catalogue(tmp_path))
    (_, idle) = unit_loads(catalogue)
    assert (idle.unit.name, idle.lead_tasks, idle.co_tasks) == ("市财政局", (), ())


@pytest.mark.parametrize(
    "numbers,text",
    [
        ([], ""),
        ([5], "5"),
        ([7, 8], "7、8"),
        ([1, 4, 7, 8, 9], "1、4、7—9"),
        ([9, 7, 8, 1, 4, 8], "1、4、7—9"),
        ([1, 2, 3, 5, 6, 10, 11, 12, 13], "1—3、5、6、10—13"),
    ],
)
def test_number_ranges(numbers, text):
    assert number_ranges(numbers) == text


# -- wbtool catalog check / list ---------------------------------------------------


@pytest.mark.parametrize("name,tasks", [("jiangyin-2021", 31), ("wuxi-2022", 50)])
def test_check_shipped_catalogue_is_clean(name, tasks):
    from wbtool import catalogue as catalogues

    result = run("catalog", "check", name)
    assert result.exit_code == 0
    assert f"{tasks} 项任务" in result.output
    assert catalogues.load(name)[0].fingerprint in result.output
    assert "catalog-" not in result.output  # no finding at all


def test_check_without_name_checks_the_default():
    result = run("catalog", "check")
    assert result.exit_code == 0 and "50 项任务" in result.output


def test_check_reports_errors_with_exit_1(tmp_path):
    result = run("catalog", "check", write_catalogue(tmp_path, owners="市教育局、市财政局、市气象局"))
    assert result.exit_code == 1
    assert "catalog-owner-unknown" in result.output


def test_check_warning_alone_is_not_blocking(tmp_path):
    result = run("catalog", "check", write_catalogue(tmp_path, owners="市教育局、财政局"))
    assert result.exit_code == 0
    assert "catalog-unit-spelling" in result.output


@pytest.mark.parametrize("content", [None, "id: [unclosed"])
def test_check_unloadable_catalogue_exits_2(tmp_path, content):
    path = tmp_path / "catalogue.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner().invoke(main, ["catalog", "check", str(path)])
    assert result.exit_code == 2
    assert "catalog-invalid" in result.stderr
    assert result.stdout == ""


def test_list_names_the_shipped_catalogues():
    result = run("catalog", "list")
    assert result.exit_code == 0
    assert "wuxi-2022" in result.output and "jiangyin-2021" in result.output


def test_help_is_chinese():
    for args in (["catalog", "--help"], ["catalog", "check", "--help"], ["units", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "任务清单" in result.output or "单位" in result.output


# -- wbtool units ------------------------------------------------------------------


def test_units_json(jiangyin):
    result = runner().invoke(main, ["units", "--catalog", "jiangyin-2021", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["catalogue"], data["fingerprint"]) == ("jiangyin-2021", jiangyin.fingerprint)
    assert [row["unit"] for row in data["units"]] == [unit.name for unit in jiangyin.units]
    by_unit = {row["unit"]: row for row in data["units"]}
    assert by_unit["市教育局"]["kind"] == "成员单位"
    assert len(by_unit["市教育局"]["lead_tasks"]) == 21
    assert by_unit["市税务局"] == {"unit": "市税务局", "kind": "成员单位", "lead_tasks": [], "co_tasks": [13]}


def test_units_json_lists_units_without_tasks(tmp_path):
    result = run("units", "-c", write_catalogue(tmp_path), "-f", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)["units"]
    assert rows[1] == {"unit": "市财政局", "kind": "成员单位", "lead_tasks": [], "co_tasks": []}


def test_units_csv_opens_in_excel(wuxi):
    result = runner().invoke(main, ["units", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0] == ["单位", "类别", "牵头任务数", "参与任务数", "任务序号"]
    assert len(rows) == 1 + len(wuxi.units)
    assert rows[1] == ["市委宣传部", "成员单位", "3", "0", "1、7、50"]


def test_units_table_has_totals(jiangyin):
    result = runner().invoke(main, ["units", "-c", "jiangyin-2021"])
    assert result.exit_code == 0
    assert "共 15 个单位" in result.output
    assert "共 31 项任务" in result.output
    assert "2、4—8、11—28、31" in result.output  # 教育局


def test_units_with_blocking_catalogue_exits_1(tmp_path):
    result = runner().invoke(
        main, ["units", "-c", write_catalogue(tmp_path, owners="市教育局、市财政局、市气象局"), "-f", "json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["units"][0]["lead_tasks"] == [1]
    assert "catalog-owner-unknown" in result.stderr


def test_units_with_unloadable_catalogue_exits_2(tmp_path):
    result = run("units", "-c", str(tmp_path / "没有.yaml"))
    assert result.exit_code == 2
