"""Nothing typed is lost: every non-empty 完成情况 text ends as an Entry or in a Finding.

Random units of the Wuxi catalogue, random fills (valid, over the limit, empty,
starting with "=", emoji, CJK punctuation), random rows of other units' tasks and
random edits of task texts, written with openpyxl and run through check_returns.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import returns as R
from wbtool import wordcount
from wbtool.pipeline import check_returns

LIMIT = 300
ALPHABET = st.sampled_from(list("推进职业教育高质量发展样板建设成效明显完成")) | st.sampled_from(
    list("，。；：、“”（）《》！？…—") + list("ABCxyz0123456789 %.,") + ["😀", "👍", "\u3000", "\n"]
)


def text_of(size: tuple[int, int]):
    return st.text(ALPHABET, min_size=size[0], max_size=size[1])


ENTRY = st.one_of(
    st.none(),
    text_of((1, 120)),
    text_of((LIMIT + 1, LIMIT + 60)),
    text_of((1, 30)).map(lambda t: "=" + t),
    st.just("   "),
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    return tmp_path_factory.mktemp("property"), {}


def owning_units(catalogue):
    return [u.name for u in catalogue.units if catalogue.tasks_of(u.name)]


@st.composite
def returns_of(draw, catalogue):
    unit = draw(st.sampled_from(owning_units(catalogue)))
    owned = catalogue.tasks_of(unit)
    entries = {task.no: draw(ENTRY) for task in owned}
    foreign_tasks = [t.no for t in catalogue.tasks if unit not in t.owners]
    foreign = draw(st.dictionaries(st.sampled_from(foreign_tasks), text_of((1, 40)), max_size=2))
    edited = draw(st.sets(st.sampled_from([t.no for t in owned]), max_size=2))
    return unit, entries, foreign, edited


def write_return(catalogue, templates, unit, entries, foreign, edited) -> Path:
    folder, cache = templates
    if unit not in cache:
        cache[unit] = R.template(catalogue, unit, folder / "templates" / unit)
    work = Path(tempfile.mkdtemp(dir=folder))
    path = R.fill(cache[unit], {no: text for no, text in entries.items() if text is not None}, work / cache[unit].name)
    for no in edited:
        R.edit_task_text(path, no, catalogue.task(no).text + "（有改动）", path)
    for no, text in foreign.items():
        R.add_row(path, no, catalogue.task(no).text, text, path)
    return path


@settings(max_examples=40, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_typed_text_is_accounted_for(wuxi, templates, data):
    unit, entries, foreign, edited = data.draw(returns_of(wuxi))
    path = write_return(wuxi, templates, unit, entries, foreign, edited)
    result = check_returns([path], wuxi)

    entry_texts = {(e.unit, e.task, e.text) for e in result.entries}
    finding_texts = {f.text for f in result.findings if f.text}
    for no, text in entries.items():
        typed = (text or "").strip()
        if not typed:
            continue
        assert (unit, no, typed) in entry_texts, (no, typed)
        if wordcount.count(typed) > wuxi.limit:
            assert any(f.code == "over-limit" and f.task == no and f.text == typed for f in result.findings)
    for no, text in foreign.items():
        typed = text.strip()
        if typed:
            assert typed in finding_texts and any(f.code == "not-owner" and f.task == no for f in result.findings)
    for no in edited:
        assert any(f.code == "task-text-changed" and f.task == no for f in result.findings)
