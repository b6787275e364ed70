from __future__ import annotations

from pathlib import Path

import pytest

from wbtool import catalogue as catalogues

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def wuxi():
    catalogue, findings = catalogues.load("wuxi-2022")
    assert catalogue is not None, findings
    return catalogue


@pytest.fixture(scope="session")
def jiangyin():
    catalogue, findings = catalogues.load("jiangyin-2021")
    assert catalogue is not None, findings
    return catalogue
