"""The identity a generated workbook carries, and how it is spelled in each place.

A template says which catalogue (and which wording of it), which batch and which unit
it was made for, in three places, because Excel, WPS and LibreOffice each drop some
of them on a re-save: a custom document property, a hidden sheet, and a defined
name.  The file name is the last fallback (see ``wbtool.identify``).
"""

from __future__ import annotations

from .model import Catalogue, Identity

# Custom document properties (docProps/custom.xml).
PROPERTY_PREFIX = "wbtool."
PROPERTY_KEYS = ("catalogue", "fingerprint", "batch", "unit")

# The hidden sheet: column A holds the key, column B the value, from row 1.
SHEET = "_wbtool"

# A workbook-level defined name whose value is a string constant.
DEFINED_NAME = "wbtool_identity"
_SEP = "|"


def make(catalogue: Catalogue, batch: str, unit: str) -> Identity:
    return Identity(catalogue=catalogue.id, fingerprint=catalogue.fingerprint, batch=batch, unit=unit)


def properties(identity: Identity) -> dict[str, str]:
    """The custom document properties to write: ``{"wbtool.unit": "市教育局", …}``."""
    return {PROPERTY_PREFIX + key: getattr(identity, key) for key in PROPERTY_KEYS}


def from_properties(props: dict[str, str], source: str = "property") -> Identity | None:
    values = {key: props.get(PROPERTY_PREFIX + key) for key in PROPERTY_KEYS}
    return _complete(values, source)


def sheet_rows(identity: Identity) -> list[tuple[str, str]]:
    """The (key, value) rows of the hidden sheet."""
    return [(key, getattr(identity, key)) for key in PROPERTY_KEYS]


def from_sheet_rows(rows, source: str = "sheet") -> Identity | None:
    values = {}
    for row in rows:
        if len(row) >= 2 and str(row[0]).strip() in PROPERTY_KEYS:
            values[str(row[0]).strip()] = str(row[1]).strip()
    return _complete(values, source)


def name_value(identity: Identity) -> str:
    """The defined name's value, as a formula string constant: ``="a|b|c|d"``."""
    text = _SEP.join(getattr(identity, key) for key in PROPERTY_KEYS)
    return '="' + text.replace('"', '""') + '"'


def from_name_value(value: str, source: str = "name") -> Identity | None:
    text = (value or "").strip().lstrip("=").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].replace('""', '"')
    parts = text.split(_SEP)
    if len(parts) != len(PROPERTY_KEYS):
        return None
    return _complete(dict(zip(PROPERTY_KEYS, parts)), source)


def _complete(values: dict, source: str) -> Identity | None:
    if not all(values.get(key) for key in PROPERTY_KEYS):
        return None
    return Identity(**{key: str(values[key]) for key in PROPERTY_KEYS}, source=source)
