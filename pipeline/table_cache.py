"""A disk cache for lookup tables derived from library data at start-up.

Some tables take a noticeable share of a worker's start-up to derive (OpenCC's
character classes from its dictionaries, a pinyin index from ``pypinyin``, word
frequencies from jieba's dictionary). They depend only on files on disk, so they
are derived once and kept, ``marshal``-ed, in ``$ZH_PIPELINE_CACHE`` (default
``$XDG_CACHE_HOME/zh-finance-pipeline``, or ``~/.cache/zh-finance-pipeline``).
The key is the table's name, its format version, the Python version and the path,
size and modification time of every file it is derived from, so a changed
dictionary or library rebuilds it. An unreadable, corrupt or unwritable cache is
never an error: the table is derived again. ``ZH_PIPELINE_CACHE=off`` disables it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
ENV = "ZH_PIPELINE_CACHE"
_FORMAT = 2  # a file holds ``(table,)``
KEEP = 4  # files kept per table (one per checkout or dictionary version in use)


def cache_dir() -> Path | None:
    """Where tables are kept, or ``None`` when caching is off."""
    configured = os.environ.get(ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zh-finance-pipeline"


def _key(name: str, version: int, sources: Iterable[Path | str]) -> str:
    digest = hashlib.sha1(f"{name}\0{version}\0{_FORMAT}\0{sys.version}".encode())
    for source in sources:
        path = Path(source)
        try:
            stat = path.stat()
            digest.update(f"\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"\0{source}\0missing".encode())
    return digest.hexdigest()[:20]


def cached_table(
    name: str, version: int, sources: Iterable[Path | str], build: Callable[[], T]
) -> T:
    """The table ``build()`` returns, read from the cache when its sources are unchanged.

    ``name`` is a word without ``-`` (it names the file).
    ``build`` must return plain data (``dict``, ``tuple``, ``str``, ``int``,
    ``frozenset`` ...: whatever ``marshal`` can store). ``sources`` are the files
    the table is derived from; ``version`` changes when the derivation does.
    """
    sources = list(sources)
    found = read_table(name, version, sources)
    if found is not None:
        return found[0]
    table = build()
    write_table(name, version, sources, table)
    return table


def read_table(name: str, version: int, sources: Iterable[Path | str]) -> tuple[Any] | None:
    """``(table,)`` when it is cached, else ``None`` (also when caching is off)."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / f"{name}-{_key(name, version, sources)}.marshal"
    try:
        found = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None  # not cached yet, or unreadable: derive it again
    return found if isinstance(found, tuple) and len(found) == 1 else None


def write_table(name: str, version: int, sources: Iterable[Path | str], table: object) -> None:
    """Keep ``table`` for :func:`read_table` (never raises; nothing when caching is off)."""
    directory = cache_dir()
    if directory is not None:
        _store(directory / f"{name}-{_key(name, version, sources)}.marshal", (table,))


def _store(path: Path, table: object) -> None:
    """Write ``table`` atomically (a temporary file renamed into place); never raises."""
    try:
        data = marshal.dumps(table)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _drop_old_keys(path)
    except (OSError, ValueError):
        return


def _drop_old_keys(path: Path) -> None:
    """Keep the ``KEEP`` newest files of ``path``'s table (other checkouts or venvs on
    the machine have their own keys: deleting every other key would make them rebuild
    in turn), drop older ones."""
    files = []
    for other in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.marshal"):
        try:
            files.append((other.stat().st_mtime_ns, other))
        except OSError:
            continue
    for _, stale in sorted(files, reverse=True)[KEEP:]:
        if stale != path:
            stale.unlink(missing_ok=True)
