import re
from pathlib import Path

from wbtool.findings import CODES, codes_table_markdown, finding
from wbtool.model import Severity

ROOT = Path(__file__).resolve().parents[1]


def test_codes_are_stable_kebab_case():
    for code in CODES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code


def test_severity_comes_from_the_registry():
    assert finding("over-limit", "x").severity is Severity.ERROR
    assert finding("superseded", "x").severity is Severity.INFO


def test_readme_table_of_codes_is_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- codes:begin -->\n(.*?)<!-- codes:end -->", readme, re.S)
    assert block, "README lacks the generated table of finding codes"
    assert block.group(1).strip() == codes_table_markdown().strip(), "run: python -m wbtool.findings --readme"
