"""What reading a returned file gave, kept between runs: a merge run again as returns
trickle in reads only the files it has not seen.

A result is kept under a key made of

- the SHA-256 of the file's bytes (a renamed or moved copy is the same file; any
  change to the content is a different one),
- its suffix (the readers dispatch on it: ``.xlsm`` warns of macros, ``.xls`` is
  told apart from ``.xlsx``),
- the readers' version, derived from the source of every wbtool module the readers
  import and the versions of the libraries they use: new reader code or a new
  calamine reads everything again, without anyone remembering to bump a number,
- the password given, if any (a wrong password's finding is not the right
  password's form),
- and the units' time zone (the catalogue's ``time_zone``): an .ods saved time is
  read in it, so another zone is another result.

Only what a reader said about a file's content is kept: a result the pool made up
for a worker that timed out or crashed, or a file that could not be opened, is
``transient`` and read again next time.  A file whose size or time changed while it
was being read is not kept either.

The cache is an SQLite database (the standard library's ``sqlite3``); results are
kept as plain tuples of strings and numbers (``marshal``) and built back into the
model's classes here: a cache file is data, never code.  A damaged cache file is set aside and started afresh; a cache
that cannot be used at all (a read-only folder, a locked database) only makes the
run read everything, it never stops it.

The same file keeps parsed catalogues (``remembered``): a province's 名录 is
parsed once, not by every command.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import marshal
import os
import sqlite3
import sys
import time
from dataclasses import fields, replace
from datetime import datetime
from functools import lru_cache
from importlib import util
from pathlib import Path, PurePath
from typing import Any, Callable, Sequence

from ..model import DEFAULT_TIME_ZONE, Finding, Form, FormRow, Identity, Material, ReadResult, ReturnedFile, Role, Severity

log = logging.getLogger(__name__)

CACHE_DIR_ENV = "WBTOOL_CACHE_DIR"
FILE_NAME = "read-cache.sqlite3"
READERS = "wbtool.io.read"  # the module whose code (and everything it imports) reads a file
# Entries no run has used for this long are dropped: returns of past years.
KEEP_SECONDS = 180 * 24 * 3600
_SCHEMA = "CREATE TABLE IF NOT EXISTS reads (key TEXT PRIMARY KEY, result BLOB NOT NULL, used REAL NOT NULL)"
# What ``remembered`` keeps: a parsed catalogue, by the digest of its bytes.
_PARSED_SCHEMA = "CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, data BLOB NOT NULL, used REAL NOT NULL)"

ReadAll = Callable[..., "list[ReadResult]"]


def default_path() -> Path:
    """Where the cache lives: ``$WBTOOL_CACHE_DIR``, else the user's cache folder
    (Windows: %LOCALAPPDATA%\\wbtool\\Cache; Linux: ~/.cache/wbtool)."""
    folder = os.environ.get(CACHE_DIR_ENV)
    if not folder:
        import platformdirs  # only where the cache is used: the command's start-up stays light

        folder = platformdirs.user_cache_dir("wbtool", appauthor=False)
    return Path(folder) / FILE_NAME


def cached(read: ReadAll, path: str | Path) -> ReadAll:
    """``read`` (``pool.read_all`` or ``pool.read_here``) with the cache at ``path`` in front.

    Files whose key is in the cache are not read; the others go to ``read`` in one
    call and what it says about their content is stored.  Results come back in the
    order of the files, as from ``read`` itself.
    """

    def read_cached(
        files: Sequence[ReturnedFile], *, password: str | None = None, time_zone: str = DEFAULT_TIME_ZONE, progress=None, **options
    ):
        files = list(files)
        keys = [_key(file, password, time_zone) for file in files]
        with _open(Path(path)) as cache:
            known = cache.get([key for key, _ in keys if key is not None])
            results: list[ReadResult | None] = [
                _renamed(known[key], file) if key in known else None for file, (key, _) in zip(files, keys)
            ]
            todo = [index for index, result in enumerate(results) if result is None]
            hits = len(files) - len(todo)
            if progress is not None and hits:
                progress(hits, len(files))
            shifted = None if progress is None else (lambda done, _total: progress(hits + done, len(files)))
            options.update(password=password, time_zone=time_zone, progress=shifted)
            fresh = read([files[index] for index in todo], **options) if todo else []
            keep = []
            for index, result in zip(todo, fresh):
                results[index] = result
                key, seen = keys[index]
                if key is not None and not result.transient and _unchanged(files[index], seen):
                    keep.append((key, result))
            cache.put(keep)
        return results  # type: ignore[return-value]

    return read_cached


def remembered(path: str | Path, parse: Callable[[bytes], Any], version: str) -> Callable[[bytes], Any]:
    """``parse`` (bytes → plain data: a catalogue's YAML) with what it gave kept in the
    cache at ``path``, under the digest of the bytes and ``version`` (what ``parse``
    depends on besides them).

    Kept with ``marshal``, like the reads: data that holds anything else (a date
    written without quotes) is parsed every time.  An exception of ``parse`` is
    raised as it is, and nothing is kept.
    """

    def parse_remembered(data: bytes) -> Any:
        key = hashlib.sha256(version.encode("utf-8") + b"\0" + data).hexdigest()
        with _open(Path(path)) as store:
            found, value = store.recall(key)
            if not found:
                value = parse(data)
                store.keep(key, value)
        return value

    return parse_remembered


# ---------------------------------------------------------------------------
# keys
# ---------------------------------------------------------------------------


def _key(file: ReturnedFile, password: str | None, zone: str) -> tuple[str | None, tuple | None]:
    """The file's cache key and its (size, mtime) as hashed; no key if it cannot be read now."""
    try:
        seen = _stamp(file.path) if file.data is None else None
        digest = content_hash(file)
    except OSError:
        return None, None  # the reader will say what is wrong with it
    for part in (PurePath(file.name).suffix.lower(), reader_version(), zone, password or ""):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    digest.update(b"\1" if password is not None else b"\0")
    return digest.hexdigest(), seen


_CHUNK = 1024 * 1024


def file_hash(path: str | Path | None):
    """The SHA-256 of a file (a ``hashlib`` object), read a chunk at a time: the command never holds a file whole."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:  # type: ignore[arg-type]
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest


def content_hash(file: ReturnedFile):
    """The SHA-256 of a returned file's content (a ``hashlib`` object): the bytes in
    hand, or the file on disk read a chunk at a time."""
    return hashlib.sha256(file.data) if file.data is not None else file_hash(file.path)


def _stamp(path: str | None) -> tuple[int, int]:
    status = os.stat(path)  # type: ignore[arg-type]
    return status.st_size, status.st_mtime_ns


def _unchanged(file: ReturnedFile, seen: tuple | None) -> bool:
    if seen is None:
        return True  # bytes handed over in memory: what was hashed is what was read
    try:
        return _stamp(file.path) == seen
    except OSError:
        return False


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A digest of the readers' code: every wbtool module ``wbtool.io.read`` imports,
    directly or inside a function, and the installed files of every library they import."""
    digest = hashlib.sha256(sys.version.encode())
    modules, libraries = _reader_modules(READERS)
    for name in sorted(modules):
        digest.update(name.encode() + b"\0" + modules[name] + b"\0")
    for library in sorted(libraries):
        digest.update(f"{library}={installed(library)}\0".encode())
    return digest.hexdigest()[:32]


def installed(library: str) -> str:
    """Where a library is installed and when: a new version is a new file (located, not imported)."""
    try:
        spec = util.find_spec(library)
    except (ImportError, ValueError):
        return "absent"
    if spec is None or not spec.origin:
        return "absent"
    try:
        status = os.stat(spec.origin)
    except OSError:
        return spec.origin
    return f"{spec.origin}:{status.st_size}:{status.st_mtime_ns}"


def _reader_modules(root: str) -> tuple[dict[str, bytes], set[str]]:
    """Source of every wbtool module reachable from ``root`` by imports, and the other top-level packages named.

    Found by reading the files, not importing them: the command's process never
    loads the readers themselves.
    """
    base = Path(__file__).resolve().parents[2]  # the folder holding the wbtool package
    sources: dict[str, bytes] = {}
    libraries: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in sources:
            continue
        folder = base.joinpath(*name.split("."))
        is_package = (folder / "__init__.py").is_file()
        path = folder / "__init__.py" if is_package else folder.with_suffix(".py")
        if not path.is_file():
            continue  # a name imported from a module, not a module
        source = sources[name] = path.read_bytes()
        package = name if is_package else name.rpartition(".")[0]
        for imported in _imports(source, package):
            top = imported.partition(".")[0]
            if top == "wbtool":
                todo.append(imported)
            elif top and top not in sys.stdlib_module_names:
                libraries.add(top)
    return sources, libraries


def _imports(source: bytes, package: str) -> list[str]:
    """Absolute names of the modules ``source`` imports (``from . import x`` may name module x)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names]  # not modules mostly: find_spec skips those
    return names


# ---------------------------------------------------------------------------
# the store
# ---------------------------------------------------------------------------


class _Store:
    """The SQLite file; any trouble with it costs the cache, never the run."""

    def __init__(self, path: Path):
        self.path = path
        self.db: sqlite3.Connection | None = None

    def __enter__(self) -> _Store:
        try:
            self.db = self._connect()
        except sqlite3.DatabaseError as exc:  # not a database any more: start afresh
            log.warning("读取缓存 %s 已损坏（%s），已重新建立。", self.path, exc)
            self._set_aside()
            try:
                self.db = self._connect()
            except (sqlite3.Error, OSError) as again:
                self._unusable(again)
        except (sqlite3.Error, OSError) as exc:
            self._unusable(exc)
        return self

    def __exit__(self, *_exc) -> None:
        if self.db is not None:
            self.db.close()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        try:
            # A cache needs no flush to disk per commit (a run's worth of writes lost to
            # a power cut is re-read next time); the write-ahead log keeps it whole.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            db.execute(_PARSED_SCHEMA)
            db.execute("SELECT count(*) FROM reads WHERE key = ''").fetchone()  # reads a page: corruption shows here
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            if not os.path.isfile(f"{self.path}{suffix}"):
                continue  # only a damaged cache file is moved, never a folder or anything else of the user's
            try:
                os.replace(f"{self.path}{suffix}", f"{self.path}{suffix}.damaged")
            except OSError:
                pass

    def _unusable(self, exc: Exception) -> None:
        log.warning("读取缓存 %s 无法使用（%s），本次全部重新读取。", self.path, exc)
        self.db = None

    def get(self, keys: list[str]) -> dict[str, ReadResult]:
        if self.db is None or not keys:
            return {}
        found: dict[str, ReadResult] = {}
        try:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY)")
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM wanted")
            self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((key,) for key in keys))
            for key, blob in self.db.execute("SELECT reads.key, reads.result FROM reads JOIN wanted USING (key)"):
                result = _load(blob)  # one entry at a time: the blobs are never all held at once
                if result is not None:
                    found[key] = result
            self.db.execute("UPDATE reads SET used = ? WHERE key IN (SELECT key FROM wanted)", (time.time(),))
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            log.warning("读取缓存 %s 读出失败（%s），本次全部重新读取。", self.path, exc)
            return {}
        return found

    def put(self, items: list[tuple[str, ReadResult]]) -> None:
        if self.db is None:
            return
        now = time.time()
        try:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO reads VALUES (?, ?, ?)",
                ((key, _dump(result), now) for key, result in items),
            )
            self.db.execute("DELETE FROM reads WHERE used < ?", (now - KEEP_SECONDS,))
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            log.warning("读取缓存 %s 写入失败（%s），下次将重新读取这些文件。", self.path, exc)

    def recall(self, key: str) -> tuple[bool, Any]:
        """(True, the data kept under ``key``) or (False, None)."""
        if self.db is None:
            return False, None
        try:
            row = self.db.execute("SELECT data FROM parsed WHERE key = ?", (key,)).fetchone()
            if row is None:
                return False, None
            value = marshal.loads(row[0])
            self.db.execute("UPDATE parsed SET used = ? WHERE key = ?", (time.time(), key))
        except (sqlite3.Error, ValueError, EOFError, TypeError) as exc:
            log.warning("读取缓存 %s 读出失败（%s），本次重新解析。", self.path, exc)
            return False, None
        return True, value

    def keep(self, key: str, value: Any) -> None:
        if self.db is None:
            return
        try:
            blob = marshal.dumps(value)
        except ValueError:  # not plain data: parsed again next time
            return
        now = time.time()
        try:
            self.db.execute("BEGIN")
            self.db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", (key, blob, now))
            self.db.execute("DELETE FROM parsed WHERE used < ?", (now - KEEP_SECONDS,))
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            log.warning("读取缓存 %s 写入失败（%s）。", self.path, exc)

    def _rollback(self) -> None:
        try:
            self.db.execute("ROLLBACK")  # type: ignore[union-attr]
        except sqlite3.Error:
            pass


def _open(path: Path) -> _Store:
    """The cache at ``path``; a folder is taken as the folder the cache file lives in."""
    return _Store(path / FILE_NAME if path.is_dir() else path)


# ---------------------------------------------------------------------------
# results in and out
# ---------------------------------------------------------------------------

# A plain serialisation (``marshal`` of tuples of strings, numbers and None): it
# builds nothing but data, and unlike pickle it does not leave a UTF-8 copy cached
# inside every string it writes (pickling a batch's results doubled the parent's memory).
# Every field of each class is written in declaration order, and the field names are
# part of the format: a field added to the model makes old entries misses, never
# results with a field silently dropped.
def _names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_FORMAT = hashlib.sha256(
    repr([_names(cls) for cls in (Form, FormRow, Identity, Finding, Material, ReadResult)]).encode()
).hexdigest()[:16]
_FORM_SCALARS = tuple(name for name in _names(Form) if name not in ("rows", "identities", "saved_at"))


def _plain(value) -> tuple:
    return tuple(getattr(value, name) for name in _names(type(value)))


def _dump(result: ReadResult) -> bytes:
    form = result.form
    plain_form = None
    if form is not None:
        plain_form = (
            tuple(_plain(r) for r in form.rows),
            tuple(_plain(i) for i in form.identities),
            form.saved_at.isoformat() if form.saved_at is not None else None,
            tuple(getattr(form, name) for name in _FORM_SCALARS),
        )
    findings = tuple((f.code, f.severity.value, *(getattr(f, n) for n in _names(Finding)[2:])) for f in result.findings)
    material = _plain(result.material) if result.material is not None else None
    return marshal.dumps((_FORMAT, result.role.value, plain_form, findings, material))


def _load(blob: bytes) -> ReadResult | None:
    try:
        version, role, plain_form, findings, material = marshal.loads(blob)
        if version != _FORMAT:
            return None
        form = None
        if plain_form is not None:
            rows, identities, saved_at, scalars = plain_form
            form = Form(
                rows=tuple(FormRow(*row) for row in rows),
                identities=tuple(Identity(*i) for i in identities),
                saved_at=datetime.fromisoformat(saved_at) if saved_at is not None else None,
                **dict(zip(_FORM_SCALARS, scalars)),
            )
        found = tuple(Finding(code, Severity(severity), *rest) for code, severity, *rest in findings)
        return ReadResult(Role(role), form, found, material=Material(*material) if material is not None else None)
    except Exception:  # a damaged or foreign entry is a miss: the file is read again and the entry replaced
        return None


def _renamed(result: ReadResult, file: ReturnedFile) -> ReadResult:
    """A kept result told about this file: the same content may have come under another name."""
    if not result.findings:
        return result
    return replace(result, findings=tuple(replace(f, file=file.display) if f.file else f for f in result.findings))
