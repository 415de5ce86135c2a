"""html_extract._prepare cleans pages as UTF-8 bytes exactly as the string rules say."""

from __future__ import annotations

import random
import re

import pytest

from pipeline.html_extract import _prepare

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
_XML_DECL = re.compile(r"<\?xml[^>]*\?>", re.IGNORECASE)


def _reference(html: str) -> str | None:
    """The string version: drop controls and surrogates, leading BOMs, head declarations."""
    html = _CONTROL.sub("", html).lstrip("\ufeff")
    if html.find("<?", 0, 4096) >= 0:
        html = _XML_DECL.sub("", html[:4096]) + html[4096:]
    return None if not html or html.isspace() else html


def _decoded(html: str) -> str | None:
    data = _prepare(html)
    return None if data is None else data.decode("utf-8")


_ALPHABET = [
    "\x00", "\x01", "\x1f", "\x7f", "\x85", "\xa0", "\t", "\n", " ", "\u3000", "\ufeff",
    "\ud800", "\udfff", "<", "?", "x", ">", "中", "😀", "<?xml a?>", "<?XML v='1'?>",
]  # fmt: skip


@pytest.mark.parametrize(
    "html",
    ["", " \n", "\ufeff", "\x01\ufeff \x02", " \ufeff", "<?xml a?>", "<?xml a?>\u3000<p>x</p>"],
)
def test_prepare_edge_cases(html: str) -> None:
    assert _decoded(html) == _reference(html)


def test_prepare_matches_the_string_rules_on_random_pages() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        page = "".join(rng.choice(_ALPHABET) for _ in range(rng.choice([1, 3, 8, 40])))
        if rng.random() < 0.1:  # declarations around the 4096-character window
            page = rng.choice(["x", "中", "\x01中"]) * rng.randint(4080, 4100) + page
        assert _decoded(page) == _reference(page), repr(page[:60])


def test_prepare_is_linear_on_control_runs() -> None:
    assert _prepare("\x01" * 1_000_000) is None
    assert _prepare("\ufeff\x01" * 500_000 + "x") == b"x"
