"""Open files the way a user would: through LibreOffice, headless.

One soffice process converts a whole list of files, with its own throw-away
profile, so parallel test runs never fight over a profile lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
FONTCONFIG = SHARED / "fontconfig" / "fonts.conf"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice binary; skip the test without it, unless CI demands it."""
    path = soffice_path()
    if path is None:
        if os.environ.get("WBTOOL_REQUIRE_SOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


def convert(files, to: str, outdir: Path, timeout: int = 240) -> list[Path]:
    """Convert ``files`` with LibreOffice to format ``to`` (e.g. "xlsx", "xls", "pdf").

    ``to`` may carry a filter, e.g. 'xls:"MS Excel 97"'.  Returns the output paths in
    the order of ``files``; fails the test if one is missing.
    """
    soffice = require_soffice()
    files = [Path(f) for f in files]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if FONTCONFIG.exists():
        env["FONTCONFIG_FILE"] = str(FONTCONFIG)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    extension = to.split(":", 1)[0]
    outputs = [outdir / f"{f.stem}.{extension}" for f in files]
    missing = [p for p in outputs if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {done.stdout} {done.stderr}"
    return outputs
