"""Loading catalogues: every problem comes back as a finding, never as an exception."""

from __future__ import annotations

import copy

import pytest
import yaml

from wbtool import catalogue as catalogues
from wbtool.model import Severity

from conftest import ROOT

GOOD = {
    "id": "test",
    "title": "测试清单",
    "units": [
        {"name": "市教育局", "kind": "成员单位", "aliases": ["教育局"]},
        {"name": "市财政局", "kind": "成员单位"},
        {"name": "无锡职业技术学院", "kind": "职业院校"},
        {"name": "无锡商业职业技术学院", "kind": "职业院校"},
    ],
    "groups": [{"name": "各职业学校、技工院校", "kinds": ["职业院校"]}],
    "sections": [
        {
            "title": "（一）第一工程",
            "tasks": [
                {"number": 1, "text": "第一项任务。", "owners": "市教育局、市财政局"},
                {"number": 2, "text": "第二项任务。", "owners": "各职业学校、技工院校"},
            ],
        },
        {
            "title": "（二）第二工程",
            "tasks": [{"number": 3, "text": "第三项任务。", "owners": "教育局、无锡职业技术学院按职责分工负责"}],
        },
    ],
}


def write(tmp_path, data, name="catalogue.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def edited(change):
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def codes(findings):
    return [(f.code, f.task) for f in findings]


def test_good_catalogue_loads_without_findings(tmp_path, capsys):
    catalogue, findings = catalogues.load(write(tmp_path, GOOD))
    assert findings == []
    assert [task.no for task in catalogue.tasks] == [1, 2, 3]
    assert catalogue.task(2).owners == ("无锡职业技术学院", "无锡商业职业技术学院")
    assert catalogue.task(3).owners == ("市教育局", "无锡职业技术学院")
    assert capsys.readouterr() == ("", "")


def test_folder_path_finds_its_catalogue_file(tmp_path):
    write(tmp_path, GOOD)
    catalogue, _ = catalogues.load(tmp_path)
    assert catalogue is not None and catalogue.id == "test"


def test_owner_not_in_registry(tmp_path):
    data = edited(lambda d: d["sections"][0]["tasks"][0].update(owners="市教育局、市气象局、市财政局"))
    catalogue, findings = catalogues.load(write(tmp_path, data))
    assert codes(findings) == [("catalog-owner-unknown", 1)]
    assert findings[0].severity is Severity.ERROR
    # The rest of the catalogue is still usable.
    assert catalogue.task(1).owners == ("市教育局", "市财政局")


def test_unit_spelled_another_way_without_alias(tmp_path):
    data = edited(lambda d: d["sections"][0]["tasks"][0].update(owners="市教育局、财政局"))
    catalogue, findings = catalogues.load(write(tmp_path, data))
    assert codes(findings) == [("catalog-unit-spelling", 1)]
    assert findings[0].severity is Severity.WARNING
    assert catalogue.task(1).owners == ("市教育局", "市财政局")


def test_declared_alias_is_not_a_spelling_problem(tmp_path):
    catalogue, findings = catalogues.load(write(tmp_path, GOOD))
    assert "catalog-unit-spelling" not in [f.code for f in findings]
    assert catalogue.task(3).lead == "市教育局"


def test_duplicate_task_number(tmp_path):
    data = edited(lambda d: d["sections"][1]["tasks"][0].update(number=1))
    catalogue, findings = catalogues.load(write(tmp_path, data))
    assert codes(findings) == [("catalog-duplicate-task", 1)]
    assert catalogue.task(1).text == "第一项任务。"


@pytest.mark.parametrize("field", ["text", "owners"])
def test_empty_task_text_or_owners(tmp_path, field):
    data = edited(lambda d: d["sections"][0]["tasks"][1].update({field: "  "}))
    _, findings = catalogues.load(write(tmp_path, data))
    assert ("catalog-empty-text", 2) in codes(findings)


def test_unit_without_task_is_only_noted(tmp_path):
    data = edited(lambda d: d["units"].append({"name": "市体育局", "kind": "成员单位"}))
    _, findings = catalogues.load(write(tmp_path, data))
    assert [(f.code, f.unit, f.severity) for f in findings] == [("catalog-unit-unused", "市体育局", Severity.INFO)]


# -- nothing usable: catalogue is None ---------------------------------------


def test_missing_file(tmp_path):
    catalogue, findings = catalogues.load(tmp_path / "没有这个文件.yaml")
    assert catalogue is None
    assert [f.code for f in findings] == ["catalog-invalid"]


def test_unknown_shipped_name():
    catalogue, findings = catalogues.load("no-such-catalogue")
    assert catalogue is None and [f.code for f in findings] == ["catalog-invalid"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("id: [unclosed\n  title: x", id="broken-yaml"),
        pytest.param("- 只是一个列表\n- 不是清单\n", id="top-level-list"),
        pytest.param("就是一行字\n", id="plain-text"),
        pytest.param("", id="empty-file"),
    ],
)
def test_unreadable_or_wrong_shape(tmp_path, capsys, content):
    path = tmp_path / "catalogue.yaml"
    path.write_text(content, encoding="utf-8")
    catalogue, findings = catalogues.load(path)
    assert catalogue is None
    assert [f.code for f in findings] == ["catalog-invalid"]
    assert capsys.readouterr() == ("", "")


def test_gbk_encoded_file(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_bytes(yaml.safe_dump(GOOD, allow_unicode=True).encode("gbk"))
    catalogue, findings = catalogues.load(path)
    assert catalogue is None and [f.code for f in findings] == ["catalog-invalid"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d["sections"][0]["tasks"][0].pop("number"), id="task-without-number"),
        pytest.param(lambda d: d["sections"][0]["tasks"][0].update(number="一"), id="number-not-a-number"),
        pytest.param(lambda d: d["units"][0].update(kind="局"), id="unknown-unit-kind"),
        pytest.param(lambda d: d.pop("id"), id="no-id"),
        pytest.param(lambda d: d.update(sections="（一）"), id="sections-not-a-list"),
        pytest.param(lambda d: d.update(sections=[]), id="no-tasks"),
    ],
)
def test_wrong_shape(tmp_path, change):
    catalogue, findings = catalogues.load(write(tmp_path, edited(change)))
    assert catalogue is None
    assert "catalog-invalid" in [f.code for f in findings]


# -- the shipped catalogues ----------------------------------------------------


def test_shipped_catalogues_are_listed():
    assert {"wuxi-2022", "jiangyin-2021"} <= set(catalogues.available())


def test_shipped_dir_is_the_repositorys_templates_folder():
    assert catalogues.shipped_dir().resolve() == (ROOT / "templates").resolve()


@pytest.mark.parametrize("name", ["wuxi-2022", "jiangyin-2021"])
def test_shipped_catalogue_is_clean(name):
    catalogue, findings = catalogues.load(name)
    assert catalogue is not None
    assert [f for f in findings if f.severity is not Severity.INFO] == []
    assert catalogue.id == name


def test_shipped_catalogue_sizes(wuxi, jiangyin):
    assert (len(wuxi.sections), len(wuxi.tasks)) == (6, 50)
    assert (len(jiangyin.sections), len(jiangyin.tasks)) == (7, 31)
    assert jiangyin.has_deadlines and not wuxi.has_deadlines
    assert (wuxi.attachment, jiangyin.attachment) == ("附件2", "附件")
    assert jiangyin.notice.issuer == "江阴市人民政府办公室"
    assert wuxi.fingerprint != jiangyin.fingerprint


def test_report_block_is_optional_and_read_line_by_line(tmp_path):
    catalogue, _ = catalogues.load(write(tmp_path, GOOD))
    assert (catalogue.report.recipient, catalogue.report.issuer, catalogue.report.date, catalogue.report.title) == ("", (), "", ())

    def add_report(data):
        data["report"] = {"recipient": "市 政府", "issuer": ["某某领导小组办公室", "（市教育局代章）"], "date": "2023-01-20", "title": "关于测试的报告"}

    catalogue, findings = catalogues.load(write(tmp_path, edited(add_report)))
    assert findings == []
    assert catalogue.report.recipient == "市政府"  # stray spaces of an extracted text squeezed
    assert catalogue.report.issuer == ("某某领导小组办公室", "（市教育局代章）")
    assert (catalogue.report.date, catalogue.report.title) == ("2023-01-20", ("关于测试的报告",))


def test_a_report_date_that_is_not_a_date_is_refused(tmp_path):
    catalogue, findings = catalogues.load(write(tmp_path, edited(lambda d: d.update(report={"date": "1月20日"}))))
    assert catalogue is None and [f.code for f in findings] == ["catalog-invalid"]
    assert "2023-01-20" in findings[0].message


@pytest.mark.parametrize("name", ["wuxi-2022", "jiangyin-2021"])
def test_shipped_catalogues_name_recipient_issuer_and_title_lines(name):
    catalogue, _ = catalogues.load(name)
    head = catalogue.report
    assert head.recipient and head.issuer and head.title
    assert "".join(head.title) == f"关于{catalogue.title}的报告"
    assert all(len(line) <= 20 for line in head.title)  # 二号 in the 156 mm text width


def test_the_units_time_zone_is_china_unless_the_catalogue_names_another(tmp_path):
    catalogue, _ = catalogues.load(write(tmp_path, GOOD))
    assert catalogue.time_zone == "Asia/Shanghai"
    catalogue, findings = catalogues.load(write(tmp_path, edited(lambda d: d.update(time_zone="Asia/Hong_Kong"))))
    assert findings == [] and catalogue.time_zone == "Asia/Hong_Kong"


def test_catalog_check_refuses_a_time_zone_zoneinfo_does_not_know_in_chinese(tmp_path):
    from click.testing import CliRunner

    from wbtool.cli import main

    path = write(tmp_path, edited(lambda d: d.update(time_zone="Asia/Shangai")))
    catalogue, findings = catalogues.load(path)
    assert catalogue is None and [f.code for f in findings] == ["catalog-invalid"]
    result = CliRunner().invoke(main, ["catalog", "check", str(path)])
    assert result.exit_code == 2
    assert "time_zone" in result.output and "Asia/Shangai" in result.output and "不是已知的时区名称" in result.output
