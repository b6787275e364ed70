"""``wbtool catalog import``: official documents in several shapes give back the shipped catalogues.

The fixtures are made by tests/fixtures/import/make_fixtures.py from the seed texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.office import require_soffice
from wbtool import catalogue as catalogues
from wbtool.catalog_import import ImportRefused, default_id, import_catalogue
from wbtool.cli import main
from wbtool.importer import section_title, split_number, unwrap
from wbtool.io import import_docs, soffice

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
WUXI_SHAPES = (
    "wuxi-notice-whole.docx",
    "wuxi-annex2-pdf-to-word-one-table-per-page.docx",
    "wuxi-annex2-merged-cells.xlsx",
    "wuxi-annex2-merged-cells.xls",
    "wuxi-annex2-merged-cells.ods",
)
JIANGYIN = "jiangyin-list-deadlines-fullwidth-numbers.docx"


def shipped(name: str):
    catalogue, _ = catalogues.load(name)
    return catalogue


def table_of(catalogue):
    """What the official table says: 工程 titles, and per task its number, text, 责任单位 and 完成年限."""
    return [
        (section.title, [(t.no, t.text, t.owners_text, t.deadline) for t in section.tasks])
        for section in catalogue.sections
    ]


def assignments(catalogue) -> dict[str, list[int]]:
    return {unit.name: [task.no for task in catalogue.tasks_of(unit.name)] for unit in catalogue.units}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Import a fixture once per module: name → ImportResult."""
    folder = tmp_path_factory.mktemp("imported")
    done = {}

    def get(*names: str):
        if names not in done:
            done[names] = import_catalogue([FIXTURES / name for name in names], folder / f"{len(done)}.yaml")
        return done[names]

    return get


@pytest.mark.parametrize("name", WUXI_SHAPES)
def test_every_shape_of_the_wuxi_table_gives_the_shipped_tasks(imported, name):
    result = imported(name)
    assert result.catalogue is not None and not result.blocking
    assert table_of(result.catalogue) == table_of(shipped("wuxi-2022"))
    assert result.catalogue.limit == 300  # from the 完成情况 header


def test_the_jiangyin_list_keeps_deadlines_and_loses_fullwidth_numbers(imported):
    result = imported(JIANGYIN)
    assert not result.blocking
    assert table_of(result.catalogue) == table_of(shipped("jiangyin-2021"))
    assert result.catalogue.attachment == "附件"


def test_without_annex1_government_bodies_are_guessed_members(imported):
    """The Jiangyin list has no 附件1 and writes short names (教育局, 人社局): the kinds guessed
    from them are those the shipped catalogue gives the same units."""
    catalogue = imported(JIANGYIN).catalogue
    registry = shipped("jiangyin-2021").registry
    assert {u.name: u.kind for u in catalogue.units} == {u.name: registry.resolve(u.name).kind for u in catalogue.units}


def test_the_whole_notice_assigns_every_unit_the_shipped_tasks(imported):
    catalogue = imported("wuxi-notice-whole.docx").catalogue
    expected = shipped("wuxi-2022")
    assert assignments(catalogue) == assignments(expected)
    assert {u.name: u.kind for u in catalogue.units} == {u.name: u.kind for u in expected.units}


def test_the_whole_notice_gives_the_notice_facts(imported):
    catalogue = imported("wuxi-notice-whole.docx").catalogue
    expected = shipped("wuxi-2022")
    assert catalogue.notice == expected.notice
    assert (catalogue.title, catalogue.attachment) == (expected.title, expected.attachment)


def test_a_notice_and_a_separate_annex_workbook_together(imported):
    result = imported("notice-without-table.docx", "wuxi-annex2-merged-cells.xlsx")
    expected = shipped("wuxi-2022")
    assert table_of(result.catalogue) == table_of(expected)
    assert assignments(result.catalogue) == assignments(expected)
    assert result.catalogue.notice == expected.notice
    assert (result.catalogue.title, result.catalogue.attachment) == (expected.title, expected.attachment)


def test_guesses_are_comments_and_findings(imported):
    result = imported("wuxi-notice-whole.docx")
    text = result.path.read_text(encoding="utf-8")
    codes = {(f.code, f.unit, f.task) for f in result.findings}
    assert ("import-unit-alias", "无锡太湖学院", None) in codes
    assert ("import-unit-kind", "无锡学院", None) in codes
    assert ("import-group-members", None, 10) in codes
    line = next(line for line in text.splitlines() if "name: 无锡太湖学院" in line)
    assert "aliases: [太湖学院]" in line and "# " in line and "推断" in line
    assert "kind: 其他" in next(line for line in text.splitlines() if "name: 无锡学院," in line)
    assert all(f.severity.label == "提示" for f in result.findings)
    # Members of 附件1 are facts, not guesses: no comment, no finding.
    assert not any(f.unit == "市教育局" for f in result.findings)


def test_title_fragments_over_rows_and_pages_are_joined_and_reported(imported):
    result = imported("wuxi-annex2-pdf-to-word-one-table-per-page.docx")
    joined = [f.message for f in result.findings if f.code == "import-section-joined"]
    assert len(joined) == 2
    assert any("（五）增强内生动力，高效能推进体制机制创新工程" in message for message in joined)
    text = result.path.read_text(encoding="utf-8")
    assert "title: （二）完善结构布局，高品质推进资源优化工程    # 工程名称在表中分在 2 处" in text


def test_without_annex1_every_unit_is_a_reported_guess(imported):
    result = imported("wuxi-annex2-merged-cells.xlsx")
    assert any(f.code == "import-notice-missing" and "附件1" in f.message for f in result.findings)
    kinds = {f.unit for f in result.findings if f.code == "import-unit-kind"}
    assert {u.name for u in result.catalogue.units} == kinds


def test_the_yaml_reads_back_as_written(imported):
    result = imported("wuxi-notice-whole.docx")
    raw = yaml.safe_load(result.path.read_text(encoding="utf-8"))
    assert raw["id"] == result.catalogue.id
    task10 = raw["sections"][1]["tasks"][1]
    assert task10["number"] == 10 and len(task10["group_members"]["各相关院校"]) == 10


@pytest.mark.soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_word97_notice_through_libreoffice(tmp_path, suffix):
    require_soffice()
    source = tmp_path / f"通知{suffix}"  # WPS 文字 saves .wps in Word 97's format
    source.write_bytes((FIXTURES / "wuxi-notice-word97.doc").read_bytes())
    result = import_catalogue([source], tmp_path / "catalogue.yaml")
    assert table_of(result.catalogue) == table_of(shipped("wuxi-2022"))
    assert assignments(result.catalogue) == assignments(shipped("wuxi-2022"))


def test_word97_without_libreoffice_says_to_save_as_docx(monkeypatch):
    monkeypatch.setattr(soffice, "find", lambda: None)
    with pytest.raises(import_docs.DocumentUnreadable, match="另存为” .docx"):
        import_docs.read_document(FIXTURES / "wuxi-notice-word97.doc")


# ---------------------------------------------------------------------------
# Text rules.
# ---------------------------------------------------------------------------


def test_line_wrap_spaces_go_latin_word_spaces_stay():
    assert unwrap("市人力资源 社会保障局") == "市人力资源社会保障局"
    assert unwrap("重点打造 20 个无锡市") == "重点打造20个无锡市"
    assert unwrap("Python 3 教程") == "Python 3教程"


def test_section_titles_get_fullwidth_punctuation():
    assert section_title("(四) 全面提质增效, 高水平推进内涵工程") == "（四）全面提质增效，高水平推进内涵工程"


@pytest.mark.parametrize("text", ["1. 建立", "1．建立", "1、建立", "（1）建立", "(1) 建立"])
def test_task_numbers_in_the_text(text):
    assert split_number(text) == (1, "建立")


def test_catalogue_id_from_the_output_path():
    assert default_id(Path("templates/wuxi-2023/catalogue.yaml")) == "wuxi-2023"
    assert default_id(Path("无锡 2023.yaml")) == "无锡-2023"


# ---------------------------------------------------------------------------
# Broken and foreign documents, the output file.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, code",
    [
        ("notice-without-table.docx", "import-no-table"),
        ("table-without-main-tasks.docx", "import-no-table"),
        ("encrypted-password-wbtool.docx", "file-encrypted"),
    ],
)
def test_broken_or_foreign_documents_exit_2_in_chinese(tmp_path, name, code):
    out = tmp_path / "catalogue.yaml"
    result = CliRunner().invoke(main, ["catalog", "import", str(FIXTURES / name), "--out", str(out)])
    assert result.exit_code == 2
    assert code in result.output and "Traceback" not in result.output
    assert "未导入" in result.output
    assert not out.exists()


def test_a_pdf_or_damaged_file_is_refused_not_a_traceback(tmp_path):
    pdf = tmp_path / "通知.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes((FIXTURES / "wuxi-notice-whole.docx").read_bytes()[:3000])
    for path in (pdf, damaged):
        with pytest.raises(ImportRefused) as caught:
            import_catalogue([path], tmp_path / "out.yaml")
        assert caught.value.findings[0].code == "file-unreadable"


def test_an_existing_catalogue_is_kept_unless_forced(tmp_path):
    out = tmp_path / "catalogue.yaml"
    out.write_text("# 手工修改过的清单\n", encoding="utf-8")
    source = str(FIXTURES / JIANGYIN)
    refused = CliRunner().invoke(main, ["catalog", "import", source, "--out", str(out)])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "# 手工修改过的清单\n"
    forced = CliRunner().invoke(main, ["catalog", "import", source, "--out", str(out), "--force", "--id", "jy"])
    assert forced.exit_code == 0, forced.output
    assert catalogues.load(out)[0].id == "jy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.yaml"]  # no temporary file left


def test_a_catalogue_the_check_rejects_is_written_but_exits_1(tmp_path):
    out = tmp_path / "catalogue.yaml"
    result = CliRunner().invoke(
        main, ["catalog", "import", str(FIXTURES / "jiangyin-list-task-number-1-twice.docx"), "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "catalog-duplicate-task" in result.output
    assert out.exists()  # the bureau corrects the slip in the file, then runs catalog check
