"""Access to the data files under ``pipeline/resources`` (rules and lexicons)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


def resource_path(name: str) -> Path:
    """The file of resource ``name`` (for keying caches on its size and time)."""
    return Path(str(resources.files("pipeline.resources").joinpath(name)))


@cache
def read_text(name: str) -> str:
    """Return the UTF-8 text of resource ``name``."""
    return resources.files("pipeline.resources").joinpath(name).read_text(encoding="utf-8")


@cache
def read_lines(name: str) -> tuple[str, ...]:
    """Return the non-blank, non-comment (``#``) lines of resource ``name``, stripped."""
    lines = (line.strip() for line in read_text(name).splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def read_json(name: str) -> Any:
    """Return the parsed JSON of resource ``name``."""
    return json.loads(read_text(name))
