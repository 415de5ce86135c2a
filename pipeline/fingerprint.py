"""What identifies a run's code: reused rows are valid only under the same fingerprint."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

_PACKAGES = ("opencc", "jieba", "rjieba", "pandas", "pyarrow", "lxml", "cn2an", "pypinyin")


@cache
def package_versions() -> dict[str, str]:
    """Versions of the libraries whose behaviour shapes the tables."""
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@cache
def fingerprint(segmenter: str) -> str:
    """Hash of the package's code and data files, library versions and the segmenter."""
    digest = hashlib.sha256(segmenter.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".txt", ".tsv"):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(repr(sorted(package_versions().items())).encode())
    return digest.hexdigest()[:16]
