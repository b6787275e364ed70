"""Indicator catalogues (指标分解): targets, counts as typed, the city figure, the form, the master."""

from __future__ import annotations

import re
import importlib.util
from pathlib import Path

import openpyxl
import pytest

from wbtool import catalogue as catalogues
from wbtool import pipeline
from wbtool.errors import Refused
from wbtool.indicators import city_result, city_results, parse_count, parse_target, plan_year, unit_share
from wbtool.io import template_xlsx as tx
from wbtool.io.xlsx_common import FILL_ENTRY
from wbtool.layout import SHEET_INDICATOR_DETAILS, SHEET_INDICATORS, SHEET_UNITS
from wbtool.model import Comparison, Count, Entry, Indicator, Target
from wbtool.pool import read_here

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "indicators"
# Loaded by path under its own name: other fixture folders have a make_fixtures.py too.
_spec = importlib.util.spec_from_file_location("indicator_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)

SEED = next((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("004_*.txt"))
AT_LEAST, AT_MOST, NONE = Comparison.AT_LEAST, Comparison.AT_MOST, Comparison.NONE


def seed_table() -> list[tuple[int, str, tuple[str, str, str]]]:
    """The 24 rows of the seed's 指标分解 table: (序号, 项目, (2021, 2022, 2023))."""
    text = SEED.read_text(encoding="utf-8").split("计划指标分解", 2)[-1]
    cells = [line.strip() for line in text.splitlines() if line.startswith("\t")]
    start = cells.index("1")
    rows = []
    for i in range(start, len(cells) - 4, 5):
        if not cells[i].isdigit():
            break
        rows.append((int(cells[i]), cells[i + 1], (cells[i + 2], cells[i + 3], cells[i + 4])))
    return rows


# ---------------------------------------------------------------------------
# The shipped catalogue and its targets
# ---------------------------------------------------------------------------


def test_shipped_catalogue_holds_the_seed_table_verbatim():
    catalogue, findings = catalogues.load("changzhou-2021")
    assert findings == [] and catalogue.kind == "indicators" and catalogue.years == (2021, 2022, 2023)
    table = seed_table()
    assert len(table) == 24
    shipped = [(i.no, i.text, tuple(t.text for _, t in i.targets)) for i in catalogue.indicators]
    assert shipped == table


EXPECTED = {
    "3万人以上": (30000, "人", AT_LEAST),
    "2.5万人次": (25000, "人次", AT_LEAST),
    "2.8万人次": (28000, "人次", AT_LEAST),
    "2000人": (2000, "人", AT_LEAST),
    "10人次": (10, "人次", AT_LEAST),
    "3门": (3, "门", AT_LEAST),
    "80个": (80, "个", AT_LEAST),
    "1所": (1, "所", AT_LEAST),
    "2人": (2, "人", AT_LEAST),
    "-": (None, "", NONE),
}


@pytest.mark.parametrize("text", sorted({t for _, _, targets in seed_table() for t in targets}))
def test_every_seed_target_parses(text):
    target = parse_target(text)
    assert target.text == text
    if text.endswith("%"):
        assert (target.value, target.measure, target.comparison) == (float(text[:-1]), "%", AT_LEAST)
    elif text in EXPECTED:
        assert (target.value, target.measure, target.comparison) == EXPECTED[text]
    else:
        number, measure = re.fullmatch(r"(\d+)(\D+)", text).groups()
        assert (target.value, target.measure, target.comparison) == (float(number), measure, AT_LEAST)


@pytest.mark.parametrize(
    "text, value, measure, comparison",
    [
        ("不少于2000人", 2000, "人", AT_LEAST),
        ("不低于95%", 95, "%", AT_LEAST),
        ("不超过5%", 5, "%", AT_MOST),
        ("10个以内", 10, "个", AT_MOST),
        ("１所", 1, "所", AT_LEAST),
        ("—", None, "", NONE),
    ],
)
def test_comparison_words(text, value, measure, comparison):
    target = parse_target(text)
    assert (target.value, target.measure, target.comparison) == (value, measure, comparison)


@pytest.mark.parametrize("text", ["若干", "100", "约3万人"])
def test_a_target_that_is_not_a_figure_with_a_measure_is_refused(text):
    with pytest.raises(ValueError):
        parse_target(text)


def test_plan_year_defaults_to_this_year_only_within_the_plan():
    years = (2021, 2022, 2023)
    assert plan_year(years, None, 2022) == (2022, None)
    assert plan_year(years, 2021, 2026) == (2021, None)
    assert plan_year(years, None, 2026)[0] is None and "--year" in plan_year(years, None, 2026)[1]
    assert plan_year(years, 2030, 2022)[0] is None


# ---------------------------------------------------------------------------
# Counts as typed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, value",
    [(120, 120), (120.0, 120), ("120", 120), ("1.2万", 12000), ("3,000", 3000), ("４０００", 4000), ("2人", 2), (" 7 ", 7), (0, 0)],
)
def test_counts_as_typed_in_excel_and_wps(typed, value):
    assert parse_count(typed, "人") == parse_count(typed, "人").__class__(value)


@pytest.mark.parametrize("typed", ["95%", "约100", "若干", -5, "-5", "12.5", 0.95, "1,00", True])
def test_what_is_not_a_count_is_a_problem_not_a_guess(typed):
    parsed = parse_count(typed, "人")
    assert parsed.value is None and parsed.problem


def test_an_empty_cell_is_empty_not_zero():
    assert parse_count(None).empty and parse_count("  ").empty and parse_count(None).value is None


# ---------------------------------------------------------------------------
# The city figure
# ---------------------------------------------------------------------------

SHARE = Indicator(3, "专任教师中本科以上学历", ((2022, parse_target("98%")),), (Count("3.num", "本科", "人"), Count("3.den", "专任", "人")))
COUNT = Indicator(7, "获评省级教学名师", ((2022, parse_target("2人")),), (Count("7", "获评省级教学名师", "人"),))


def test_counts_are_summed():
    result = city_result(COUNT, 2022, [{"7": 1}, {"7": 0}, {"7": 2}])
    assert (result.actual, result.met, result.gap, result.verdict, result.units) == (3, True, 0, "是", 3)


def test_a_share_is_sum_over_sum_not_an_average_of_percentages():
    reports = [{"3.num": 99, "3.den": 100}, {"3.num": 1, "3.den": 10}]
    result = city_result(SHARE, 2022, reports)
    assert result.actual == pytest.approx(100 / 110 * 100)  # 90.9 %, where the mean of 99 % and 10 % is 54.5 %
    assert (result.numerator, result.denominator, result.met, result.verdict) == (100, 110, False, "否")
    assert result.gap == pytest.approx(98 - 100 / 110 * 100)


def test_a_unit_with_a_zero_denominator_adds_nothing_and_breaks_nothing():
    reports = [{"3.num": 0, "3.den": 0}, {"3.num": 49, "3.den": 50}]
    assert unit_share(SHARE, reports[0]) is None
    result = city_result(SHARE, 2022, reports)
    assert result.actual == pytest.approx(98.0) and result.met is True and result.units == 2
    assert city_result(SHARE, 2022, [reports[0]]).actual is None


def test_a_share_with_one_count_missing_is_left_out():
    result = city_result(SHARE, 2022, [{"3.num": 10}, {"3.num": 5, "3.den": 5}])
    assert (result.numerator, result.denominator, result.units) == (5, 5, 1)


def test_no_target_is_no_verdict():
    indicator = Indicator(20, "创建", ((2022, parse_target("-")),), (Count("20", "创建", "所"),))
    result = city_result(indicator, 2022, [{"20": 1}])
    assert (result.actual, result.met, result.gap, result.verdict) == (1, None, None, "无目标")


def test_an_at_most_target_is_short_when_above():
    indicator = Indicator(1, "x", ((2022, parse_target("不超过5人")),), (Count("1", "x", "人"),))
    assert city_result(indicator, 2022, [{"1": 7}]).gap == 2 and city_result(indicator, 2022, [{"1": 5}]).met is True


def test_superseded_counts_do_not_count():
    catalogue = make_fixtures.test_catalogue()
    entries = [
        Entry(unit="甲", task=7, text="5", file="a", count="7", value=5, superseded=True),
        Entry(unit="甲", task=7, text="2", file="b", count="7", value=2),
    ]
    assert city_results(catalogue, 2022, entries)[6].actual == 2


# ---------------------------------------------------------------------------
# The generated form
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    catalogue = make_fixtures.test_catalogue()
    out = tmp_path_factory.mktemp("forms")
    result = pipeline.generate(catalogue, out, batch="t1", year=2022, units=[make_fixtures.UNITS[0]])
    return catalogue, result.files[0].path


def test_form_has_numeric_cells_validated_as_whole_numbers(form):
    catalogue, path = form
    ws = openpyxl.load_workbook(path)[tx.FILL_SHEET]
    header = [ws.cell(tx.HEADER_ROW, c).value for c in range(1, 8)]
    assert header == ["序号", "项目", "2022年目标", "填报项", "计量单位", "填报值", "本单位比例"]
    rows = sum(len(i.counts) for i in catalogue.indicators)
    (validation,) = ws.data_validations.dataValidation
    # OOXML leaves out the default operator, "between"
    assert (validation.type, validation.operator, validation.formula1, validation.formula2) == ("whole", None, "0", "999999999")
    assert validation.errorStyle in (None, "stop") and validation.showErrorMessage
    assert str(validation.sqref) == f"F{tx.FIRST_DATA_ROW}:F{tx.FIRST_DATA_ROW + rows - 1}"
    for row in range(tx.FIRST_DATA_ROW, tx.FIRST_DATA_ROW + rows):
        cell = ws.cell(row, 6)
        assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith(FILL_ENTRY.lstrip("#"))
        assert ws.cell(row, 4).protection.locked is not False
    assert ws.protection.sheet is True


def test_form_shows_targets_measures_and_live_shares(form):
    catalogue, path = form
    ws = openpyxl.load_workbook(path)[tx.FILL_SHEET]
    first = tx.FIRST_DATA_ROW
    assert [ws.cell(first, c).value for c in (1, 2, 3, 4, 5)] == [1, "在校生规模", "3万人以上", "在校生人数", "人"]
    # 指标 2 is a share: two rows, 序号/项目/目标 merged over them, a formula for its share
    assert f"A{first + 1}:A{first + 2}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(first + 1, 7).value == f'=IF(N(F{first + 2})>0,N(F{first + 1})/N(F{first + 2}),"")'
    targets = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(first, ws.max_row + 1) if ws.cell(r, 1).value}
    assert targets[20] == "-" and targets[22] == "1所"


def test_form_prints_and_identifies_like_a_text_form(form):
    catalogue, path = form
    book = openpyxl.load_workbook(path)
    ws = book[tx.FILL_SHEET]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${tx.HEADER_ROW}:${tx.HEADER_ROW}"
    assert book.sheetnames[:2] == [tx.FILL_SHEET, tx.GUIDE_SHEET] and book["_wbtool"].sheet_state == "hidden"
    assert {p.name: p.value for p in book.custom_doc_props.props}["wbtool.unit"] == make_fixtures.UNITS[0]


def test_year_outside_the_plan_is_refused(tmp_path):
    with pytest.raises(Refused):
        pipeline.generate(make_fixtures.test_catalogue(), tmp_path, year=2030)


# ---------------------------------------------------------------------------
# Reading and merging returns
# ---------------------------------------------------------------------------


def values_of(result) -> dict[str, tuple[str, int | None]]:
    return {e.count: (e.text, e.value) for e in result.current_entries()}


def check(*names):
    return pipeline.check_returns([FIXTURES / n for n in names], make_fixtures.test_catalogue(), read=read_here)


def test_numbers_typed_as_text_are_read():
    result = check("typed-as-text-wan-comma-fullwidth.xlsx")
    values = {e.count: e.value for e in result.entries}
    assert (values["1"], values["2.num"], values["2.den"], values["7"]) == (12000, 3000, 4000, 2)
    assert not result.has_errors


def test_a_percentage_in_a_count_cell_is_a_finding():
    result = check("percent-in-count-cell.xlsx")
    (f,) = [f for f in result.findings if f.code == "value-invalid"]
    assert (f.task, f.text, f.cell) == (3, "95%", f"填报表!F{make_fixtures.row_of(make_fixtures.test_catalogue(), '3.num')}")
    assert values_of(result)["3.num"] == ("95%", None)  # kept as typed, no count guessed


def test_words_and_negatives_are_value_invalid_with_the_text_kept():
    result = check("words-and-negative.xlsx")
    invalid = {f.task: f.text for f in result.findings if f.code == "value-invalid"}
    assert invalid == {14: "约100", 15: "若干", 17: "-5"}


def test_numerator_above_denominator_is_inconsistent():
    result = check("numerator-above-denominator.xlsx")
    (f,) = [f for f in result.findings if f.code == "value-inconsistent"]
    assert f.task == 4 and f.severity.name == "ERROR"
    assert values_of(result)["4.num"] == ("120", None) and values_of(result)["4.den"] == ("100", None)


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    out = tmp_path_factory.mktemp("merged")
    names = [f"complete-{u}.xlsx" for u in make_fixtures.UNITS[:2]] + ["words-and-negative.xlsx"]
    result = pipeline.merge([FIXTURES / n for n in names], out / "汇总", catalogue=make_fixtures.test_catalogue(), year=2022, read=read_here)
    return result


def test_master_summary_adds_counts_and_shares_as_sum_over_sum(merged):
    book = openpyxl.load_workbook(merged.outputs[0])
    assert book.sheetnames[:4] == [SHEET_INDICATORS, SHEET_UNITS, SHEET_INDICATOR_DETAILS, "问题清单"]
    ws = book[SHEET_INDICATORS]
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(1, 11)] for r in range(2, 26)}
    v = [make_fixtures.complete_values(i) for i in range(3)]
    # 指标 3, a share: all three units reported it
    num, den = sum(x["3.num"] for x in v), sum(x["3.den"] for x in v)
    assert rows[3][2:9] == ["98%", "%", round(num / den * 100, 1), "否", round(98 - num / den * 100, 1), num, den]
    # 指标 14: the third unit typed 约100, so only two units count
    assert rows[14][4] == v[0]["14"] + v[1]["14"] and rows[14][9] == 2
    assert rows[20][2] == "-" and rows[20][5] == "无目标"
    assert book[SHEET_INDICATORS]._charts


def test_nothing_typed_is_lost(merged):
    book = openpyxl.load_workbook(merged.outputs[0])
    details = book[SHEET_INDICATOR_DETAILS]
    kept = {(details.cell(r, 1).value, details.cell(r, 7).value) for r in range(2, details.max_row + 1)}
    held = {(f.unit, f.text) for f in merged.findings if f.code == "value-invalid"}
    catalogue = make_fixtures.test_catalogue()
    assert details.max_row - 1 == 3 * sum(len(i.counts) for i in catalogue.indicators)  # every typed cell, one row
    assert (make_fixtures.UNITS[2], "约100") in held and (make_fixtures.UNITS[2], "约100") in kept
    voided = [details.cell(r, 5).value for r in range(2, details.max_row + 1) if details.cell(r, 7).value == "约100"]
    assert voided == ["—"]
    assert (make_fixtures.UNITS[0], str(make_fixtures.complete_values(0)["1"])) in kept


def test_word_report_has_the_indicator_table(merged):
    import docx

    document = docx.Document(str(merged.outputs[1]))
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["序号", "项目", "目标", "全市完成值", "达标", "差距"]
    assert len(table.rows) == 25
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    v = [make_fixtures.complete_values(i) for i in range(3)]
    num, den = sum(x["3.num"] for x in v), sum(x["3.den"] for x in v)
    assert rows["3"][2:5] == ["98%", f"{num / den * 100:.1f}%", "否"]
    assert rows["20"][4] == "无目标" and rows["20"][5] == ""
    text = "\n".join(p.text for p in document.paragraphs)
    assert "二、指标完成情况" in text and "字数计算规则" not in text


def test_a_later_file_corrects_count_by_count():
    unit = make_fixtures.UNITS[2]
    result = check(f"complete-{unit}.xlsx", "words-and-negative.xlsx")
    keys = [c.key for i in make_fixtures.test_catalogue().indicators for c in i.counts]
    current = [e.count for e in result.current_entries()]
    assert sorted(current) == sorted(keys)  # one current value per count
    # every count typed in both files has one superseded copy, words (约100) included:
    # the later file's text replaces the earlier number, it does not fall back to it
    superseded = sorted(e.count for e in result.entries if e.superseded)
    assert superseded == sorted(keys)
    (winner,) = {e.file for e in result.current_entries()}  # one file, the later one, for every count
    later = {e.count: e.value for e in result.current_entries()}
    words_won = winner.endswith("words-and-negative.xlsx")
    assert [later[k] is None for k in ("14", "15", "17")] == [words_won] * 3
    assert sum(f.code == "superseded" for f in result.findings) == len(superseded)


@pytest.mark.parametrize(
    "item",
    [
        {"number": 1, "text": "比例", "targets": {2022: "40%"}},  # a share without its two counts
        {"number": 1, "text": "人数", "targets": {2022: "3人"}, "numerator": "甲", "denominator": "乙"},
        {"number": 1, "text": "若干", "targets": {2022: "若干"}},
    ],
)
def test_an_indicator_units_cannot_report_is_a_catalogue_error(item):
    raw = {"id": "x", "kind": "indicators", "title": "x", "units": ["甲校"], "indicators": [item, {"number": 2, "text": "在校生", "targets": {2022: "3人"}}]}
    catalogue, findings = catalogues.build(raw)
    assert [(f.code, f.task) for f in findings] == [("catalog-invalid", 1)]
    assert [i.no for i in catalogue.indicators] == [2]


def test_report_from_an_indicator_master_points_back_to_merge(merged, tmp_path):
    path, findings = pipeline.report_from_master(merged.outputs[0], tmp_path / "r.docx", catalogue=make_fixtures.test_catalogue())
    assert path is None and [f.code for f in findings] == ["master-invalid"] and not (tmp_path / "r.docx").exists()


def test_a_percentage_typed_in_excel_is_a_finding_not_a_count():
    result = check("percent-typed-in-excel-is-a-fraction.xlsx")
    (f,) = [f for f in result.findings if f.code == "value-invalid"]
    assert (f.task, f.text) == (3, "0.95") and "百分比" in f.message
    assert values_of(result)["3.num"] == ("0.95", None)
