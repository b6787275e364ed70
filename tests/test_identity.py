from hypothesis import given
from hypothesis import strategies as st

from wbtool import identity
from wbtool.model import Identity

names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: "|" not in s and s.strip() == s and s
)


@given(names, names, names, names)
def test_every_spelling_reads_back_the_same_identity(cat, fp, batch, unit):
    ident = Identity(catalogue=cat, fingerprint=fp, batch=batch, unit=unit)
    assert identity.from_properties(identity.properties(ident)) == Identity(cat, fp, batch, unit, "property")
    assert identity.from_sheet_rows(identity.sheet_rows(ident)) == Identity(cat, fp, batch, unit, "sheet")
    assert identity.from_name_value(identity.name_value(ident)) == Identity(cat, fp, batch, unit, "name")


def test_incomplete_identity_is_none():
    assert identity.from_properties({"wbtool.unit": "市教育局"}) is None
    assert identity.from_sheet_rows([("unit", "市教育局")]) is None
    assert identity.from_name_value('="a|b|c"') is None
    assert identity.from_name_value("") is None


def test_identity_of_a_catalogue_carries_its_fingerprint(wuxi):
    ident = identity.make(wuxi, "b1", "市教育局")
    assert ident.catalogue == "wuxi-2022" and ident.fingerprint == wuxi.fingerprint
