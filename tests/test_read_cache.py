"""The read cache: a file read once is not read again, and nothing stale ever comes back.

Each test reads through ``read_cache.cached`` in front of ``pool.read_here`` and
counts the files that reached the reader: a hit is a file the reader never saw.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import packages as P
import returns as R
from wbtool import catalogue as catalogues
from wbtool.cli import main
from wbtool.io import read, read_cache, soffice
from wbtool.model import Finding, Form, FormRow, Identity, Material, ReadResult, ReturnedFile, Role, Severity
from wbtool.pipeline import merge
from wbtool.pool import read_here

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RETURNS = FIXTURES / "returns"
ENCRYPTED = FIXTURES / "read" / "encrypted-password-wbtool.xlsx"


class CountingReader:
    """``read_here`` that remembers which files it was asked to read."""

    def __init__(self):
        self.seen: list[str] = []
        self.compiled: list[str] = []  # read again, whole, for a 汇编: never cached

    def __call__(self, files, **options):
        (self.compiled if options.get("reader") is read.read_content else self.seen).extend(file.name for file in files)
        return read_here(files, **options)


def on_disk(path: Path) -> ReturnedFile:
    return ReturnedFile(origin=(path.name,), path=str(path))


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "returns"
    target.mkdir()
    for name in ("complete-return.xlsx", "macro-enabled.xlsm", "over-limit-text.xlsx"):
        shutil.copy(RETURNS / name, target / name)
    return target


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache" / read_cache.FILE_NAME


def read_twice(files, cache, **options):
    first, second = CountingReader(), CountingReader()
    cold = read_cache.cached(first, cache)(files, **options)
    warm = read_cache.cached(second, cache)(files, **options)
    return cold, warm, first.seen, second.seen


def test_a_file_read_once_is_not_read_again_and_gives_the_same_result(folder, cache):
    files = [on_disk(path) for path in sorted(folder.iterdir())]
    cold, warm, first, second = read_twice(files, cache)
    assert first == [file.name for file in files]
    assert second == []
    assert warm == cold
    assert cold[0].role is Role.FORM


def test_a_changed_file_is_read_again(folder, cache):
    path = folder / "complete-return.xlsx"
    files = [on_disk(path)]
    read_cache.cached(CountingReader(), cache)(files)
    shutil.copy(RETURNS / "over-limit-text.xlsx", path)  # same name, other content
    again = CountingReader()
    result = read_cache.cached(again, cache)(files)
    assert again.seen == ["complete-return.xlsx"]
    assert result == read_here(files)


def test_a_copy_under_another_name_is_a_hit_with_its_own_name_in_the_findings(folder, cache):
    original = on_disk(folder / "macro-enabled.xlsm")
    copy = ReturnedFile(origin=("某单位.zip", "宏.xlsm"), data=(folder / "macro-enabled.xlsm").read_bytes())
    read_cache.cached(CountingReader(), cache)([original])
    again = CountingReader()
    [result] = read_cache.cached(again, cache)([copy])
    assert again.seen == []
    assert [f.code for f in result.findings] == ["macro-present"]
    assert {f.file for f in result.findings} == {copy.display}


def test_another_suffix_is_another_key(folder, cache):
    """The readers look at the suffix: the same bytes named .xlsm are warned about, named .xlsx not."""
    data = (folder / "complete-return.xlsx").read_bytes()
    read_cache.cached(CountingReader(), cache)([ReturnedFile(origin=("a.xlsx",), data=data)])
    again = CountingReader()
    [result] = read_cache.cached(again, cache)([ReturnedFile(origin=("a.xlsm",), data=data)])
    assert again.seen == ["a.xlsm"]
    assert "macro-present" in [f.code for f in result.findings]


def test_new_reader_code_reads_everything_again(folder, cache, monkeypatch):
    files = [on_disk(path) for path in sorted(folder.iterdir())]
    read_cache.cached(CountingReader(), cache)(files)
    modules = read_cache._reader_modules

    def edited(root):
        sources, libraries = modules(root)
        sources["wbtool.io.read_sheet"] += b"\n# a changed reader\n"
        return sources, libraries

    monkeypatch.setattr(read_cache, "_reader_modules", edited)
    read_cache.reader_version.cache_clear()
    try:
        again = CountingReader()
        read_cache.cached(again, cache)(files)
    finally:
        read_cache.reader_version.cache_clear()
    assert again.seen == [file.name for file in files]


def test_the_reader_version_covers_modules_imported_inside_functions_and_the_parsing_library():
    sources, libraries = read_cache._reader_modules(read_cache.READERS)
    assert {"wbtool.io.read", "wbtool.io.read_sheet", "wbtool.io.read_docx", "wbtool.io.ooxml_meta"} <= set(sources)
    assert "python_calamine" in libraries


def test_another_password_reads_the_file_again(cache):
    files = [on_disk(ENCRYPTED)]
    [locked] = read_cache.cached(CountingReader(), cache)(files)
    assert [f.code for f in locked.findings] == ["file-encrypted"]
    again = CountingReader()
    [opened] = read_cache.cached(again, cache)(files, password="wbtool")
    assert again.seen == [ENCRYPTED.name]
    assert opened.role is Role.FORM
    wrong = CountingReader()
    [refused] = read_cache.cached(wrong, cache)(files, password="other")
    assert wrong.seen == [ENCRYPTED.name]
    assert [f.code for f in refused.findings] == ["file-encrypted"]


def test_a_deleted_file_is_reported_not_served_from_the_cache(folder, cache):
    path = folder / "complete-return.xlsx"
    read_cache.cached(CountingReader(), cache)([on_disk(path)])
    path.unlink()
    [result] = read_cache.cached(CountingReader(), cache)([on_disk(path)])
    assert result.role is Role.UNREADABLE
    assert [f.code for f in result.findings] == ["file-unreadable"]


def test_a_damaged_cache_file_is_started_afresh(folder, cache):
    files = [on_disk(path) for path in sorted(folder.iterdir())]
    expected = read_here(files)
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"SQLite format 3\0" + b"\xff" * 5000)
    first = CountingReader()
    assert read_cache.cached(first, cache)(files) == expected
    assert first.seen == [file.name for file in files]
    again = CountingReader()
    assert read_cache.cached(again, cache)(files) == expected
    assert again.seen == []


def test_a_folder_given_as_the_cache_holds_the_cache_file_and_is_never_moved(folder, tmp_path):
    files = [on_disk(path) for path in sorted(folder.iterdir())]
    mine = tmp_path / "my-folder"
    mine.mkdir()
    (mine / "notes.txt").write_text("the user's own file")
    read_cache.cached(CountingReader(), mine)(files)
    again = CountingReader()
    assert read_cache.cached(again, mine)(files) == read_here(files)
    assert again.seen == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-folder", "returns"]
    assert (mine / "notes.txt").read_text() == "the user's own file"
    assert (mine / read_cache.FILE_NAME).is_file()


def test_a_damaged_entry_is_read_again(folder, cache):
    files = [on_disk(folder / "complete-return.xlsx")]
    read_cache.cached(CountingReader(), cache)(files)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE reads SET result = ?", (b"\x80\x05garbage",))
    again = CountingReader()
    assert read_cache.cached(again, cache)(files) == read_here(files)
    assert again.seen == ["complete-return.xlsx"]


def test_an_entry_that_would_build_anything_but_model_data_is_refused(folder, cache):
    import pickle

    files = [on_disk(folder / "complete-return.xlsx")]
    read_cache.cached(CountingReader(), cache)(files)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE reads SET result = ?", (pickle.dumps(shutil.rmtree),))
    again = CountingReader()
    assert read_cache.cached(again, cache)(files) == read_here(files)
    assert again.seen == ["complete-return.xlsx"]


def test_results_made_up_for_a_timeout_or_crash_are_not_kept(folder, cache):
    files = [on_disk(folder / "complete-return.xlsx")]

    def timed_out(files, **_options):
        return [read.unreadable(file, "读取超时", transient=True) for file in files]

    read_cache.cached(timed_out, cache)(files)
    again = CountingReader()
    [result] = read_cache.cached(again, cache)(files)
    assert again.seen == ["complete-return.xlsx"]
    assert result.role is Role.FORM


def test_an_unusable_cache_location_costs_the_cache_not_the_run(folder, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    files = [on_disk(path) for path in sorted(folder.iterdir())]
    reader = CountingReader()
    assert read_cache.cached(reader, blocker / read_cache.FILE_NAME)(files) == read_here(files)


def test_progress_counts_hits_and_reads_to_the_total(folder, cache):
    files = [on_disk(path) for path in sorted(folder.iterdir())]
    read_cache.cached(CountingReader(), cache)(files[:1])
    calls = []
    read_cache.cached(CountingReader(), cache)(files, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3)
    assert calls[0] == (1, 3)


# --- merge: the outputs of a warm run are the cold run's ---------------------------


def sheets(path: Path) -> dict:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_a_warm_merge_writes_what_a_cold_merge_writes(wuxi, tmp_path, cache):
    returns = tmp_path / "returns"
    shutil.copytree(RETURNS, returns, ignore=shutil.ignore_patterns("*.py"))
    counting = CountingReader()
    cold = merge([returns], tmp_path / "cold", catalogue=wuxi, read=counting, cache=cache)
    assert counting.seen
    warm_reader = CountingReader()
    warm = merge([returns], tmp_path / "warm", catalogue=wuxi, read=warm_reader, cache=cache)
    assert warm_reader.seen == []
    assert warm_reader.compiled == counting.compiled  # the 汇编's documents, read whole each time
    assert replace(warm.master, made_at=cold.master.made_at) == cold.master  # made_at: the clock, not the inputs
    for cold_path, warm_path in zip(cold.outputs, warm.outputs):
        if cold_path.suffix == ".xlsx":
            assert sheets(warm_path) == sheets(cold_path)
        elif cold_path.suffix in (".json", ".csv"):
            assert warm_path.read_bytes() == cold_path.read_bytes()


def test_the_command_keeps_its_cache_where_the_environment_says_and_no_cache_bypasses_it(tmp_path, monkeypatch):
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(RETURNS / "complete-return.xlsx", returns)
    monkeypatch.setenv(read_cache.CACHE_DIR_ENV, str(tmp_path / "no-cache"))
    CliRunner().invoke(main, ["merge", str(returns), "--out", str(tmp_path / "out1"), "--no-cache"], catch_exceptions=False)
    assert not (tmp_path / "no-cache").exists()
    monkeypatch.setenv(read_cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    CliRunner().invoke(main, ["merge", str(returns), "--out", str(tmp_path / "out2")], catch_exceptions=False)
    with sqlite3.connect(tmp_path / "cache" / read_cache.FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM reads").fetchone() == (1,)


# ---------------------------------------------------------------------------
# every field of a result survives the cache (a field the model gains is not dropped)
# ---------------------------------------------------------------------------

_TEXT = st.none() | st.text(max_size=30)


@given(
    rows=st.lists(
        st.builds(
            FormRow,
            row=st.integers(1, 10**6), no=_TEXT, section=_TEXT, task=_TEXT, entry=_TEXT,
            entry_cell=st.text(max_size=12), entry_formula=_TEXT, task_cell=_TEXT, count=_TEXT,
        ),
        max_size=5,
    ),
    material=st.none() | st.builds(
        Material, format=st.sampled_from(["docx", "pdf", "doc"]), words=st.none() | st.integers(0, 10**5),
        pages=st.none() | st.integers(0, 500), scanned=st.integers(0, 500), title=st.text(max_size=20), problem=_TEXT,
    ),
)
def test_a_result_comes_back_from_the_cache_field_for_field(rows, material):
    form = Form("填报表", 4, tuple(rows), (Identity("wuxi-2022", "abc", "b1", "市教育局", "property"),),
                datetime(2023, 1, 5, 9, 30, tzinfo=timezone.utc), "WPS 表格", True, "xlsx")  # fmt: skip
    finding = Finding("over-limit", Severity.ERROR, "超出字数。", "市教育局", 3, "a.xlsx", "填报表!E7", "原文")
    result = ReadResult(Role.FORM, form, (finding,), material=material)
    assert read_cache._load(read_cache._dump(result)) == result


# --- the units' time zone is a read option: another zone, another result --------------


def test_an_ods_read_in_two_catalogue_zones_gives_two_times_and_the_cache_keeps_them_apart(wuxi, tmp_path, cache):
    """An .ods saves 10:00 without a zone: 02:00 UTC where the catalogue says China,
    09:00 UTC where it says Berlin; a result read in one zone is never served in the other."""
    import returns as R
    from wbtool.pipeline import check_returns

    unit = "宜兴市"
    task = wuxi.tasks_of(unit)[0]
    folder = tmp_path / "回收"
    R.ods([("序号", "主要任务", "完成情况"), (str(task.no), task.text, "已完成")], folder / f"{unit}.ods", saved="2023-01-05T10:00:00")
    saved = {}
    for zone in ("Asia/Shanghai", "Europe/Berlin", "Asia/Shanghai"):
        counting = CountingReader()
        result = check_returns([folder], replace(wuxi, time_zone=zone), read=counting, cache=cache)
        [report] = result.files
        saved.setdefault(zone, []).append((report.saved_at, counting.seen))
    china, berlin = saved["Asia/Shanghai"], saved["Europe/Berlin"]
    assert china[0][0] == datetime(2023, 1, 5, 2, 0, tzinfo=timezone.utc)
    assert berlin[0][0] == datetime(2023, 1, 5, 9, 0, tzinfo=timezone.utc)
    assert berlin[0][1] == [f"回收/{unit}.ods"]  # read again: not the China result from the cache
    assert china[1] == (china[0][0], [])  # and each zone's own result is kept


def test_a_doc_read_while_libreoffice_was_missing_is_read_again_once_it_is_there(tmp_path, cache, monkeypatch):
    source = tmp_path / "word" / "宜兴市典型经验.docx"
    source.parent.mkdir()
    source.write_bytes(P.document("宜兴市典型经验", P.paragraphs(3)))
    [doc] = R.resave([source], "doc", tmp_path / "回收")  # a real Word 97 file
    files = [ReturnedFile(origin=(doc.name,), path=str(doc))]
    reading = read_cache.cached(read_here, cache)

    monkeypatch.setattr(soffice, "find", lambda: None)  # this computer has no LibreOffice yet
    [missing] = reading(files)
    assert missing.material.problem == soffice.NOT_INSTALLED and missing.transient
    monkeypatch.undo()
    [measured] = reading(files)
    assert measured.material.problem is None and measured.material.words > 0
    assert reading(files) == [measured]  # now remembered


# ---------------------------------------------------------------------------
# parsed catalogues
# ---------------------------------------------------------------------------


class CountingParse:
    """``catalogue.parse_yaml`` that counts the files it was asked to parse."""

    def __init__(self):
        self.calls = 0

    def __call__(self, data: bytes):
        self.calls += 1
        return catalogues.parse_yaml(data)


@pytest.fixture
def wuxi_yaml(tmp_path) -> Path:
    target = tmp_path / "清单.yaml"
    shutil.copy(catalogues.locate("wuxi-2022"), target)
    return target


def test_a_catalogue_is_parsed_once_and_built_the_same_from_the_cache(wuxi_yaml, cache):
    parse = CountingParse()
    remembered = read_cache.remembered(cache, parse, catalogues.PARSER_VERSION)
    first, first_findings = catalogues.load(wuxi_yaml, parse=remembered)
    again, again_findings = catalogues.load(wuxi_yaml, parse=remembered)
    plain, plain_findings = catalogues.load(wuxi_yaml)
    assert parse.calls == 1
    assert first == again == plain
    assert first_findings == again_findings == plain_findings


def test_an_edited_catalogue_or_another_parser_version_is_parsed_again(wuxi_yaml, cache):
    parse = CountingParse()
    catalogues.load(wuxi_yaml, parse=read_cache.remembered(cache, parse, catalogues.PARSER_VERSION))
    text = wuxi_yaml.read_text("utf-8")
    wuxi_yaml.write_text(text.replace("limit: 300", "limit: 250"), "utf-8")
    edited, _ = catalogues.load(wuxi_yaml, parse=read_cache.remembered(cache, parse, catalogues.PARSER_VERSION))
    assert parse.calls == 2 and edited.limit == 250
    catalogues.load(wuxi_yaml, parse=read_cache.remembered(cache, parse, "PyYAML 99.0 CSafeLoader"))
    assert parse.calls == 3


def test_a_broken_catalogue_is_a_finding_every_time_and_nothing_is_kept(tmp_path, cache):
    broken = tmp_path / "坏清单.yaml"
    broken.write_text("id: x\ntitle: [没有闭合\n", "utf-8")
    parse = CountingParse()
    for _ in range(2):
        catalogue, findings = catalogues.load(broken, parse=read_cache.remembered(cache, parse, catalogues.PARSER_VERSION))
        assert catalogue is None and [f.code for f in findings] == ["catalog-invalid"]
    assert parse.calls == 2
    assert sqlite3.connect(cache).execute("SELECT count(*) FROM parsed").fetchone() == (0,)


def test_data_marshal_cannot_hold_is_parsed_every_time_and_still_right(cache):
    # A date written without quotes is a datetime.date in YAML: kept nowhere, parsed each time.
    parse = CountingParse()
    remembered = read_cache.remembered(cache, parse, catalogues.PARSER_VERSION)
    data = "report:\n  date: 2023-01-20\n".encode()
    assert remembered(data) == remembered(data) == {"report": {"date": datetime(2023, 1, 20).date()}}
    assert parse.calls == 2


def test_a_damaged_cache_file_costs_a_parse_not_the_catalogue(wuxi_yaml, cache):
    catalogues.load(wuxi_yaml, parse=read_cache.remembered(cache, catalogues.parse_yaml, catalogues.PARSER_VERSION))
    cache.write_bytes(b"this is not a database" * 100)
    parse = CountingParse()
    catalogue, _ = catalogues.load(wuxi_yaml, parse=read_cache.remembered(cache, parse, catalogues.PARSER_VERSION))
    assert catalogue is not None and catalogue.id == "wuxi-2022" and parse.calls == 1


YAML_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(st.characters(exclude_categories=("Cs",))),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=40, deadline=None)
@given(data=YAML_DATA)
def test_what_comes_back_from_the_cache_is_what_yaml_gave(data):
    text = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    parse = CountingParse()
    with tempfile.TemporaryDirectory() as folder:
        remembered = read_cache.remembered(Path(folder) / read_cache.FILE_NAME, parse, catalogues.PARSER_VERSION)
        missed, hit = remembered(text), remembered(text)
    assert missed == hit == catalogues.parse_yaml(text)
    assert parse.calls == 1
