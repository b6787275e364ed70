from hypothesis import given
from hypothesis import strategies as st

from wbtool import wordcount


def test_every_character_counts_except_white_space():
    assert wordcount.count("2024年完成") == 7
    assert wordcount.count("建设 20 个\n中心。") == 8
    assert wordcount.count("全角\u3000空格") == 4
    assert wordcount.count("") == 0
    assert wordcount.count(None) == 0


def test_punctuation_and_latin_each_count_one():
    assert wordcount.count("“1+X”证书") == 7
    assert wordcount.count("HWK") == 3


# The README's rule written out independently of the module: these five are not counted.
SPACES = " \u3000\t\r\n"
COUNTED = st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs"))


@given(st.lists(st.one_of(COUNTED.map(lambda ch: (ch, 1)), st.sampled_from(SPACES).map(lambda ch: (ch, 0)))))
def test_count_is_one_per_character_but_spaces_and_line_breaks(parts):
    text = "".join(ch for ch, _ in parts)
    assert wordcount.count(text) == sum(weight for _, weight in parts)


def test_excel_formula_strips_exactly_the_uncounted_characters():
    formula = wordcount.excel_formula("F5")
    assert formula.startswith("LEN(") and formula.count("SUBSTITUTE(") == len(wordcount.NOT_COUNTED)
    for code in (9, 10, 13):
        assert f"CHAR({code})" in formula
    assert '"\u3000"' in formula and '" "' in formula
