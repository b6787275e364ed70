"""Who sent it: assignment → identity → file name → containers/folders → sender."""

from __future__ import annotations

from dataclasses import replace

from wbtool.identify import assignment_for, identify
from wbtool.model import Form, Identity, ReturnedFile


def ident(catalogue, unit, *, cat=None, fp=None, source="property"):
    return Identity(cat or catalogue.id, fp or catalogue.fingerprint, "2023-01", unit, source)


def form_with(*identities):
    return Form(sheet="填报表", header_row=3, rows=(), identities=tuple(identities))


def file(*origin, sender=None):
    return ReturnedFile(origin=tuple(origin), path=None, data=b"", sender=sender)


def codes(result):
    return [f.code for f in result.findings]


def test_identity_decides_when_names_agree_or_say_nothing(wuxi):
    result = identify(file("回收/附件2.xlsx"), form_with(ident(wuxi, "市科技局")), wuxi)
    assert (result.unit, result.source, codes(result)) == ("市科技局", "identity", [])
    result = identify(file("回收/市科技局.xlsx"), form_with(ident(wuxi, "市科技局"), ident(wuxi, "市科技局", source="sheet")), wuxi)
    assert result.unit == "市科技局" and codes(result) == []


def test_renamed_copy_of_another_units_template_is_a_conflict(wuxi):
    result = identify(file("回收/附件2-市科技局.xlsx"), form_with(ident(wuxi, "市教育局")), wuxi)
    assert result.unit is None and result.held
    assert codes(result) == ["unit-conflict"]
    assert ("identity", "市教育局") in result.candidates and ("filename", "市科技局") in result.candidates
    assert result.findings[0].file == "回收/附件2-市科技局.xlsx"


def test_identities_that_disagree_among_themselves_conflict(wuxi):
    result = identify(file("回收/附件2.xlsx"), form_with(ident(wuxi, "市教育局"), ident(wuxi, "市财政局", source="sheet")), wuxi)
    assert result.unit is None and codes(result) == ["unit-conflict"]


def test_file_name_then_container_then_folder_innermost_first(wuxi):
    assert identify(file("回收/市财政局/市科技局.xlsx"), None, wuxi).unit == "市科技局"
    result = identify(file("回收/邮件.eml", "市科技局样板建设总结.zip", "附件2.xlsx"), None, wuxi)
    assert (result.unit, result.source) == ("市科技局", "container")
    result = identify(file("回收/市财政局/附件2.xlsx"), None, wuxi)
    assert (result.unit, result.source) == ("市财政局", "folder")
    result = identify(file("回收/市财政局/科技局总结.zip", "附件2.xlsx"), None, wuxi)
    assert result.unit == "市科技局", "the zip is inside the folder: innermost wins"


def test_aliases_and_short_names_resolve(wuxi):
    assert identify(file("回收/人社局样板建设总结.xlsx"), None, wuxi).unit == "市人力资源社会保障局"
    assert identify(file("回收/无锡太湖学院总结.xlsx"), None, wuxi).unit == "无锡太湖学院"


def test_ambiguous_name_is_ignored_and_reported_when_nothing_else_decides(wuxi):
    result = identify(file("回收/科技局和财政局.xlsx"), None, wuxi)
    assert result.unit is None and codes(result) == ["unit-unknown"]
    assert "科技局" in result.findings[0].message
    result = identify(file("回收/市教育局/科技局和财政局.xlsx"), None, wuxi)
    assert result.unit == "市教育局"


def test_nothing_found_is_unknown(wuxi):
    result = identify(file("回收/附件2.xlsx"), None, wuxi)
    assert result.unit is None and codes(result) == ["unit-unknown"]


def test_sender_address_is_the_last_resort(wuxi):
    units = tuple(replace(u, email="kjj@wuxi.gov.cn") if u.name == "市科技局" else u for u in wuxi.units)
    catalogue = replace(wuxi, units=units)
    result = identify(file("回收/邮件.eml", "附件2.xlsx", sender="KJJ@wuxi.gov.cn"), None, catalogue)
    assert (result.unit, result.source) == ("市科技局", "sender")


def test_foreign_template_is_warned_but_still_identified(wuxi):
    result = identify(file("回收/附件2.xlsx"), form_with(ident(wuxi, "市科技局", fp="0" * 16)), wuxi)
    assert result.unit == "市科技局" and codes(result) == ["template-foreign"]
    result = identify(file("回收/附件2.xlsx"), form_with(ident(wuxi, "市科技局", cat="jiangyin-2021")), wuxi)
    assert codes(result) == ["template-foreign"]


def test_assignment_overrides_everything(wuxi):
    f = file("回收/邮件.eml", "附件2-市科技局.zip", "附件2.xlsx")
    form = form_with(ident(wuxi, "市教育局"))
    for key in ("回收/邮件.eml › 附件2-市科技局.zip › 附件2.xlsx", "回收/邮件.eml/附件2-市科技局.zip/附件2.xlsx", "附件2.xlsx", "*科技局*"):
        result = identify(f, form, wuxi, assignments={key: "科技局"})
        assert (result.unit, result.source, codes(result)) == ("市科技局", "assigned", []), key


def test_assignment_to_a_unit_not_in_the_registry_is_unknown(wuxi):
    result = identify(file("回收/附件2.xlsx"), None, wuxi, assignments={"附件2.xlsx": "火星局"})
    assert result.unit is None and codes(result) == ["unit-unknown"]


def test_assignment_for_ignores_other_files(wuxi):
    assert assignment_for(file("回收/a.xlsx"), {"b.xlsx": "市科技局"}) is None
