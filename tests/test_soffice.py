"""The LibreOffice converter: real conversions, and one clear error for each way it can fail."""

from __future__ import annotations

import io
import sys

import docx
import pytest

from tests.office import require_soffice
from wbtool.io import soffice


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.soffice
def test_word97_round_trip_keeps_the_text():
    require_soffice()
    assert soffice.available()
    doc = soffice.convert(_docx_bytes("市有关单位名单"), ".docx", "doc:MS Word 97")
    assert doc.startswith(b"\xd0\xcf\x11\xe0")  # an OLE2 file: Word 97
    back = soffice.convert(doc, ".doc", "docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(back)).paragraphs]
    assert "市有关单位名单" in paragraphs


def test_not_installed_is_a_chinese_message(monkeypatch):
    monkeypatch.setattr(soffice, "find", lambda: None)
    assert not soffice.available()
    with pytest.raises(soffice.ConversionError, match="未安装 LibreOffice"):
        soffice.convert(b"x", ".doc", "docx")


@pytest.mark.skipif(sys.platform == "win32", reason="uses a POSIX shell script as the program")
def test_a_program_that_hangs_is_stopped(monkeypatch, tmp_path):
    hang = tmp_path / "soffice"
    hang.write_text("#!/bin/sh\nsleep 30\n")
    hang.chmod(0o755)
    monkeypatch.setattr(soffice, "find", lambda: str(hang))
    with pytest.raises(soffice.ConversionError, match="超过 1 秒"):
        soffice.convert(b"x", ".doc", "docx", timeout=1)


def test_a_program_that_writes_nothing_is_an_error(monkeypatch, tmp_path):
    silent = tmp_path / "soffice"
    silent.write_text("#!/bin/sh\nexit 0\n")
    silent.chmod(0o755)
    monkeypatch.setattr(soffice, "find", lambda: str(silent))
    with pytest.raises(soffice.ConversionError, match="未能转换"):
        soffice.convert(b"x", ".doc", "docx")
