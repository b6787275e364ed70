"""Every file of Apache POI's test corpus (broken, encrypted, fuzzed, malicious Office files) reads to a result.

Nothing here was made by wbtool or by a unit: the point is that reading any file
ends in a form, an attachment or a coded finding, within bounded time and memory,
never an exception, a hang or a dead batch.  Files are read in place.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from wbtool.model import ReturnedFile
from wbtool.pool import read_all

from conftest import CORPUS

POI = CORPUS / "poi"
ROLES = {"form", "attachment", "unreadable"}
READ_CODES = {"file-unreadable", "file-encrypted", "form-not-found", "macro-present"}
BUDGET_SECONDS = 60


def corpus_files() -> list[ReturnedFile]:
    paths = sorted(p for folder in ("spreadsheet", "document") for p in (POI / folder).rglob("*") if p.is_file())
    return [ReturnedFile(origin=(str(p.relative_to(POI)),), path=str(p)) for p in paths]


@pytest.mark.slow
def test_every_poi_file_ends_as_form_attachment_or_finding():
    if not POI.is_dir():
        pytest.skip(f"POI corpus not found at {POI}")
    files = corpus_files()
    assert len(files) > 800

    started = time.monotonic()
    results = read_all(files, timeout=20.0)
    elapsed = time.monotonic() - started

    assert len(results) == len(files)
    assert {result.role for result in results} <= ROLES
    for file, result in zip(files, results):
        assert {f.code for f in result.findings} <= READ_CODES, file.name
        if result.role == "form":
            assert result.form is not None
        if result.role == "unreadable":
            assert result.findings, f"{file.name}: unreadable without saying why"
    assert elapsed < BUDGET_SECONDS

    roles = Counter(result.role for result in results)
    codes = Counter(f.code for result in results for f in result.findings)
    print(f"\nPOI corpus: {len(files)} files in {elapsed:.1f} s; roles {dict(roles)}; codes {dict(codes)}")


def test_known_hostile_files_are_findings_not_crashes():
    """A few named members of the zoo, with what each must become."""
    expected = {
        "spreadsheet/protected_passtika.xlsx": "file-encrypted",  # encrypted OOXML
        "spreadsheet/password.xls": "file-encrypted",  # RC4-encrypted BIFF8
    }
    present = {name: code for name, code in expected.items() if (POI / name).is_file()}
    if not present:
        pytest.skip("POI corpus not found or renamed")
    files = [ReturnedFile(origin=(name,), path=str(POI / name)) for name in present]
    results = read_all(files)
    assert [[f.code for f in result.findings] for result in results] == [[code] for code in present.values()]
