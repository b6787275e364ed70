"""Telling containers apart, and opening password-protected Office files (msoffcrypto-tool).

Everything happens in memory: a decrypted workbook is never written to disk.
"""

from __future__ import annotations

import io

import msoffcrypto
import olefile
from msoffcrypto.exceptions import InvalidKeyError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class WrongPassword(Exception):
    """The password given does not open this file."""


class CannotDecrypt(Exception):
    """The file is encrypted in a way msoffcrypto-tool does not support."""


def container(data: bytes) -> str:
    """``ole2``, ``zip`` or ``other``, from the first bytes (extensions lie: xlsx saved as .xls)."""
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    return "other"


def ole_streams(data: bytes) -> set[str]:
    """The top-level stream names of an OLE2 file ("Workbook", "WordDocument", "EncryptionInfo" …)."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}


def is_encrypted(data: bytes) -> bool:
    """True when opening the file needs a password.

    Encrypted OOXML is an OLE2 file with an EncryptionInfo stream; an encrypted .xls
    carries a FILEPASS record inside its Workbook stream, which msoffcrypto finds.
    """
    if container(data) != "ole2":
        return False
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # not an Office file msoffcrypto knows: the reader will say what it is
        return False


def decrypt(data: bytes, password: str) -> bytes:
    """The plain file inside an encrypted one; raises WrongPassword or CannotDecrypt."""
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password)
        plain = io.BytesIO()
        office.decrypt(plain)
    except InvalidKeyError as exc:
        raise WrongPassword(str(exc)) from exc
    except Exception as exc:
        # msoffcrypto reports a wrong RC4 password on .xls as a generic error, and
        # unsupported schemes raise anything from ValueError to AssertionError.
        if "password" in str(exc).lower():
            raise WrongPassword(str(exc)) from exc
        raise CannotDecrypt(f"{type(exc).__name__}: {exc}") from exc
    return plain.getvalue()
