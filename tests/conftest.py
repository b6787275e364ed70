from __future__ import annotations

from pathlib import Path

import pytest

from wbtool import catalogue as catalogues

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(autouse=True, scope="session")
def _read_cache_of_the_tests(tmp_path_factory):
    """Commands run by the tests keep their read cache in a folder of the test run, never the user's."""
    patch = pytest.MonkeyPatch()
    patch.setenv("WBTOOL_CACHE_DIR", str(tmp_path_factory.mktemp("read-cache")))
    yield
    patch.undo()


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


@pytest.fixture
def inflated(monkeypatch) -> list[int]:
    """The sizes of the chunks zipfile inflates from now on: proof that a limit stopped reading early."""
    import zipfile

    sizes: list[int] = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        chunk = real_read(self, n)
        sizes.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    return sizes
