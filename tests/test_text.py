"""Lengths and pieces of text as Excel counts them (UTF-16 code units)."""

from hypothesis import given
from hypothesis import strategies as st

from wbtool.text import utf16_chunks, utf16_cut, utf16_len

# Any code point, lone surrogates included: a damaged file can carry them to here.
_ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=60)


def _units(ch: str) -> int:
    return 2 if ord(ch) >= 0x10000 else 1  # the UTF-16 definition, written out independently


@given(_ANY_TEXT)
def test_length_counts_a_character_beyond_the_basic_plane_as_two(text):
    assert utf16_len(text) == sum(_units(ch) for ch in text)


def test_length_of_known_texts():
    assert utf16_len("") == 0
    assert utf16_len("abc") == 3
    assert utf16_len("完成情况") == 4
    assert utf16_len("𠀀😀") == 4  # CJK Extension B and an emoji
    assert utf16_len("\ud800x") == 2  # a lone surrogate is one unit, not an error


@given(_ANY_TEXT, st.integers(min_value=2, max_value=9))
def test_chunks_give_back_the_text_without_splitting_a_pair(text, units):
    chunks = utf16_chunks(text, units)
    assert "".join(chunks) == text
    assert all(utf16_len(chunk) <= units for chunk in chunks)
    assert all(chunk for chunk in chunks[:-1])


@given(_ANY_TEXT, st.integers(min_value=0, max_value=70))
def test_cut_is_the_longest_start_that_fits(text, units):
    head = utf16_cut(text, units)
    assert text.startswith(head)
    assert utf16_len(head) <= units
    assert head == text or utf16_len(text[: len(head) + 1]) > units
