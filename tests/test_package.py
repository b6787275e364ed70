"""The package beside the form: every material recognised and measured, what is missing
told with the exact codes, the 材料清单 and the 汇编 written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import packages as P
from tests.office import require_soffice
from wbtool import pipeline, wordcount
from wbtool.check import check_read
from wbtool.io import read as reader
from wbtool.io import soffice
from wbtool.io.collect import collect
from wbtool.model import CASE, EVIDENCE, STAMPED, SUMMARY, ReturnedFile, Role
from wbtool.pool import read_here

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "package"
UNIT = "市科技局"
PACKAGE = FIXTURES / f"{UNIT}样板建设总结.zip"
PACKAGE_CODES = {"summary-missing", "summary-over-limit", "case-missing", "case-length", "stamped-missing", "package-name", "material-unreadable"}


def checked(catalogue, *paths):
    collection = collect([str(p) for p in paths])
    results = read_here(collection.files)
    return check_read(collection.files, results, catalogue, extra=collection.findings)


def package_findings(result):
    return sorted((f.code, f.unit) for f in result.findings if f.code in PACKAGE_CODES)


def on_disk(name: str) -> ReturnedFile:
    return ReturnedFile(origin=(name,), path=str(FIXTURES / name))


def words_of(data: bytes) -> int:
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    return sum(wordcount.count("".join(t.text or "" for t in p.iter(docx.oxml.ns.qn("w:t")))) for p in body.iter(docx.oxml.ns.qn("w:p")))


# ---------------------------------------------------------------------------
# measuring each kind of file
# ---------------------------------------------------------------------------


def test_a_docx_is_measured_by_the_rule_with_its_title():
    data = (FIXTURES / "case-with-heading-bold-picture-table.docx").read_bytes()
    result = reader.read_file(ReturnedFile(origin=("典型经验.docx",), data=data))
    assert result.role is Role.ATTACHMENT and not result.findings
    assert result.material.format == "docx"
    assert result.material.title == "校企共建产业学院的探索与实践"
    assert result.material.words == words_of(data) > 900


def test_a_text_pdf_counts_words_and_pages_and_no_scan():
    result = reader.read_file(on_disk("text-layer-summary.pdf"))
    material = result.material
    assert (material.format, material.pages, material.scanned) == ("pdf", 1, 0)
    # The text layer holds the 工作总结's text; the line breaks of the layout do not count.
    assert material.words == words_of(_member(PACKAGE, f"{UNIT}工作总结.docx")) > 1000
    assert material.title.startswith("市科技局样板建设工作总结")


def test_a_page_without_text_is_a_scan_counted_as_a_page_not_in_words():
    material = reader.read_file(on_disk("scanned-one-page.pdf")).material
    assert (material.format, material.pages, material.scanned, material.words) == ("pdf", 1, 1, 0)


def test_a_damaged_pdf_is_a_warning_with_the_reason_never_a_crash():
    data = (FIXTURES / "text-layer-summary.pdf").read_bytes()[:400]
    result = reader.read_file(ReturnedFile(origin=("总结（盖章版）.pdf",), data=data))
    assert result.role is Role.ATTACHMENT
    assert [f.code for f in result.findings] == ["material-unreadable"]
    assert result.material.problem and result.material.words is None


def test_pictures_are_listed_without_being_read():
    result = reader.read_file(ReturnedFile(origin=("现场照片.jpg",), data=b"\xff\xd8\xff\xe0 not really a jpeg"))
    assert result.material.format == "image" and not result.findings


@pytest.mark.soffice
def test_a_word97_doc_is_measured_through_libreoffice():
    require_soffice()
    result = reader.read_file(on_disk("case-saved-by-word97.doc"))
    assert not result.findings
    source = (FIXTURES / "case-with-heading-bold-picture-table.docx").read_bytes()
    assert result.material.format == "doc"
    assert result.material.words == words_of(source)


def test_without_libreoffice_a_doc_is_a_finding_that_says_to_save_as_docx(monkeypatch):
    monkeypatch.setattr(soffice, "find", lambda: None)
    result = reader.read_file(on_disk("case-saved-by-word97.doc"))
    assert [f.code for f in result.findings] == ["material-unreadable"]
    assert ".docx" in result.findings[0].message
    assert result.material.format == "doc" and result.material.words is None


# ---------------------------------------------------------------------------
# the package's findings
# ---------------------------------------------------------------------------


def test_a_complete_package_well_named_has_no_package_finding(wuxi):
    result = checked(wuxi, PACKAGE)
    assert package_findings(result) == []
    categories = sorted((m.category, m.subject) for m in result.materials)
    assert categories == sorted([(SUMMARY, None), (CASE, None), (STAMPED, SUMMARY), (EVIDENCE, None)])
    assert {m.unit for m in result.materials} == {UNIT}
    (status,) = result.packages
    assert (status.summaries, status.cases, status.stamped, status.named) == (1, 1, 1, True)
    summary = next(m for m in result.materials if m.category == SUMMARY)
    assert status.summary_words == summary.material.words == words_of(_member(PACKAGE, f"{UNIT}工作总结.docx"))


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


@pytest.mark.parametrize("lacking, code", [("summary", "summary-missing"), ("case", "case-missing"), ("stamped", "stamped-missing")])
def test_a_package_lacking_one_material_gets_its_code(wuxi, lacking, code):
    result = checked(wuxi, FIXTURES / f"lacking-{lacking}")
    assert package_findings(result) == [(code, UNIT)]


def test_a_zip_named_wrongly_is_told_with_the_expected_name(wuxi):
    result = checked(wuxi, FIXTURES / f"wrongly-named-材料-{UNIT}.zip")
    assert package_findings(result) == [("package-name", UNIT)]
    (named,) = [f for f in result.findings if f.code == "package-name"]
    assert f"“{UNIT}样板建设总结”" in named.message
    assert result.packages[0].named is False


def test_lengths_summary_over_3000_and_case_far_from_1000_recognised_by_its_title(wuxi):
    result = checked(wuxi, FIXTURES / "lengths")
    assert package_findings(result) == [("case-length", UNIT), ("summary-over-limit", UNIT)]
    case = next(m for m in result.materials if m.category == CASE)
    assert case.name == "材料二.docx" and case.material.words < 500
    over = next(f for f in result.findings if f.code == "summary-over-limit")
    assert over.severity.value == "warning" and "3000" in over.message


def test_a_catalogue_without_package_rules_checks_no_package(jiangyin):
    result = checked(jiangyin, PACKAGE)
    assert package_findings(result) == [] and result.materials == () and result.packages == ()


# ---------------------------------------------------------------------------
# outputs: 材料清单, 报送情况, the report, the 汇编
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def merged(tmp_path_factory, wuxi):
    out = tmp_path_factory.mktemp("merged")
    returns = out / "回收材料"
    returns.mkdir()
    (returns / PACKAGE.name).write_bytes(PACKAGE.read_bytes())
    result = pipeline.merge([returns], out / "汇总", catalogue=wuxi, read=read_here)
    return out / "汇总", result


def test_merge_writes_the_material_list_and_package_columns(merged):
    folder, result = merged
    book = openpyxl.load_workbook(next(folder.glob("*.xlsx")))
    rows = list(book["材料清单"].iter_rows(values_only=True))
    assert rows[0] == ("单位", "类别", "文件", "字数", "页数", "扫描件", "来源文件", "保存时间")
    listed = {row[2]: row for row in rows[1:]}
    assert listed["成果材料扫描件.pdf"][1:6] == ("佐证材料", "成果材料扫描件.pdf", 0, 1, "是")
    assert listed[f"{UNIT}工作总结（盖章版）.pdf"][1] == "盖章版（工作总结）"
    units = list(book["报送情况"].iter_rows(values_only=True))
    header = units[0]
    row = next(r for r in units if r[0] == UNIT)
    figures = dict(zip(header, row))
    assert (figures["典型经验篇数"], figures["盖章版"], figures["命名"]) == (1, "有", "✔")
    assert figures["总结字数"] == next(m.material.words for m in result.master.materials if m.category == SUMMARY)


def test_the_report_says_who_lacks_which_material(merged):
    folder, _ = merged
    text = "\n".join(p.text for p in docx.Document(str(folder / "完成情况报告.docx")).paragraphs)
    assert "已报送的1个单位中，1个报送了工作总结，1个报送了典型经验（共1篇），1个报送了PDF盖章版。" in text


def test_the_compilation_has_a_title_page_a_toc_field_and_the_case_in_order(merged):
    folder, _ = merged
    path = folder / "典型经验汇编.docx"
    document = docx.Document(str(path))
    assert len(document.sections) == 3
    xml = document.element.xml
    assert 'TOC \\o "1-1"' in xml
    body = document.sections[2]._sectPr
    assert body.find(docx.oxml.ns.qn("w:pgNumType")).get(docx.oxml.ns.qn("w:start")) == "1"
    assert document.settings.element.find(docx.oxml.ns.qn("w:updateFields")) is not None
    texts = [p.text for p in document.paragraphs]
    start = texts.index("校企共建产业学院的探索与实践")
    assert texts[start + 1] == UNIT
    assert texts[start + 2] == "一、主要做法"
    assert any(run.bold and run.text == "（重点）" for p in document.paragraphs for run in p.runs)
    assert document.inline_shapes and len(document.tables) == 1
    assert round(document.sections[0].page_width.mm) == 210 and round(document.sections[2].top_margin.mm) == 37


# ---------------------------------------------------------------------------
# nothing lost, nothing reordered
# ---------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from(list("样板建设职业教育产教融合ABC123，。、")), min_size=1, max_size=60)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(st.sampled_from(["市科技局", "市教育局", "市财政局"]), st.lists(_TEXT, min_size=1, max_size=6)), min_size=1, max_size=4))
def test_every_paragraph_of_every_case_is_in_the_compilation_in_order(wuxi, tmp_path_factory, cases):
    folder = tmp_path_factory.mktemp("cases")
    returns = folder / "回收"
    returns.mkdir()
    for number, (unit, body) in enumerate(cases):
        P.zip_of(returns / f"{number}-{unit}样板建设总结.zip", {f"{unit}典型经验{number}.docx": P.document(f"经验{number}", body)})
    _, written, not_compiled = pipeline.compile_materials([returns], folder / "汇编", catalogue=wuxi, read=read_here)
    assert not_compiled == []
    (path,) = [p for p in written if p.name == "典型经验汇编.docx"]
    compiled = [p.text for p in docx.Document(str(path)).paragraphs]
    order = [u.name for u in wuxi.units]
    expected: list[str] = []
    for number, (unit, body) in sorted(enumerate(cases), key=lambda item: (order.index(item[1][0]), item[0])):
        expected += [f"经验{number}", unit, *[text for text in body if text.strip()]]
    position = 0
    for text in expected:
        position = compiled.index(text, position) + 1  # raises if missing or out of order


def test_the_quick_measure_of_a_document_agrees_with_the_full_one_and_steps_aside_for_a_form():
    from wbtool.io import read_docx

    data = (FIXTURES / "case-with-heading-bold-picture-table.docx").read_bytes()
    assert read_docx.measure_body(data, ("完成情况",)) == read_docx.measure(read_docx.open_document(data))
    mentions = P.document("关于任务完成情况的说明", ["正文。"])
    assert read_docx.measure_body(mentions, ("完成情况",)) is None
