"""What the last ``merge`` into an output folder was made from, and what it wrote.

The bureau re-runs ``merge`` whenever it wonders whether something came in; most
runs find nothing new.  A run then would write, byte for byte in content, the files
already there, which is most of its time.  After writing, ``merge`` leaves this
record beside its outputs: a fingerprint of everything the outputs are made from
(``pipeline``'s business) and a digest of each file written.  The next run whose
fingerprint is the same, and whose outputs are all still there exactly as written
(the bureau has not edited the master since), leaves them as they are.

The record is a small JSON file, hidden by its leading dot; a record that is
missing, damaged or of another version only means the outputs are written again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..atomic import write_bytes
from ..model import Finding
from .read_cache import file_hash, installed

RECORD_NAME = ".wbtool-汇总记录.json"
_VERSION = 1
# The libraries that write the outputs: a new version may write other bytes.
_WRITERS = ("xlsxwriter", "docx", "lxml")


@dataclass(frozen=True)
class RunRecord:
    fingerprint: str
    outputs: dict[str, str]  # file name in the output folder → digest of its content
    findings: tuple[Finding, ...] = ()  # what writing found (the 汇编's own problems): not in the fingerprint


def read_record(out: Path) -> RunRecord | None:
    """The record in ``out``, or None when there is none worth trusting."""
    try:
        data = json.loads((out / RECORD_NAME).read_bytes())
        if data.get("version") != _VERSION:
            return None
        outputs = {str(name): str(digest) for name, digest in data["outputs"].items()}
        findings = tuple(Finding.from_dict(item) for item in data["findings"])
        return RunRecord(str(data["fingerprint"]), outputs, findings)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_record(out: Path, fingerprint: str, written: Iterable[Path], findings: Iterable[Finding]) -> None:
    """Record the run that has just written ``written`` (files in ``out``)."""
    data = {
        "version": _VERSION,
        "fingerprint": fingerprint,
        "outputs": {path.name: file_digest(path) for path in written},
        "findings": [finding.as_dict() for finding in findings],
    }
    write_bytes(out / RECORD_NAME, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def outputs_intact(out: Path, record: RunRecord, expected: Iterable[Path]) -> bool:
    """Whether every file the record lists is in ``out`` as it was written, and the
    record lists every file of ``expected`` (those this run would write whatever came)."""
    if any(path.name not in record.outputs for path in expected):
        return False
    try:
        return all(file_digest(out / name) == digest for name, digest in record.outputs.items())
    except OSError:
        return False


def file_digest(path: Path) -> str:
    return file_hash(path).hexdigest()


def code_digest() -> str:
    """The code that writes the outputs: every module of the package, and the writing libraries' files."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in _WRITERS:
        digest.update(f"{library}={installed(library)}\0".encode())
    return digest.hexdigest()

