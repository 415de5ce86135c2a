"""Stage: Traditional -> Simplified with OpenCC, plus the text repairs around it.

Per article: detect the script ``variant`` of the raw body, then on the whole
body at once (blocks joined by newlines, which no step touches): normalise
characters, remove pinyin glue and mojibake, convert with OpenCC ``t2s``, undo
Latin obfuscation (it needs Simplified words to restore characters).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from functools import cache, partial
from pathlib import Path

from pipeline import scanner
from pipeline.document import Document
from pipeline.mojibake import remove_mojibake
from pipeline.normalize import normalize_text
from pipeline.obfuscation import repair_obfuscation
from pipeline.pinyin_glue import remove_pinyin_glue
from pipeline.scanner import char_class
from pipeline.table_cache import cached_table

_HAN_RANGE = ("\u3400", "\u9fff")
_MIXED_MIN = 3  # fewer foreign-script characters than this never make an article mixed
_MIXED_SHARE = 0.05


@cache
def _opencc(config: str):  # -> opencc.OpenCC
    import opencc

    return opencc.OpenCC(config)


def load_converters() -> None:
    """Open both OpenCC converters now (~0.04 s each), not in the first article needing one."""
    _opencc("t2s")
    _opencc("s2t")


def to_simplified(text: str) -> str:
    """OpenCC ``t2s``, repeated once where a phrase rule leaves convertible text.

    A text holding no key that ``t2s`` changes is its own conversion (most text
    after one pass): it is not converted, and the second pass converts only the
    lines still holding such a key (OpenCC's keys hold no newline, so it converts
    each line on its own).
    """
    keys = _t2s_keys()
    if keys is None:
        once = _opencc("t2s").convert(text)
        return text if once == text else _opencc("t2s").convert(once)
    if not keys.found_in(text):
        return text
    once = _opencc("t2s").convert(text)
    return text if once == text else _convert_lines(once, keys)


def _convert_lines(text: str, keys: _ChangingKeys) -> str:
    """``t2s`` of ``text``, converting only the lines holding a key."""
    spans = keys.lines(text)
    if not spans:
        return text
    if spans[0] == (0, len(text)):
        return _opencc("t2s").convert(text)
    lines = _opencc("t2s").convert("\n".join([text[start:end] for start, end in spans])).split("\n")
    if len(lines) != len(spans):  # pragma: no cover - t2s never adds or drops a newline
        return _opencc("t2s").convert(text)
    parts: list[str] = []
    last = 0
    for (start, end), line in zip(spans, lines, strict=True):
        parts += (text[last:start], line)
        last = end
    parts.append(text[last:])
    return "".join(parts)


class _ChangingKeys:
    """Where ``t2s`` can change a text: the keys whose conversion differs from them.

    A text holding none of them is its own conversion. One pattern finds them:
    its first class holds the single-character keys and, for each longer key, one
    of its characters (its *pivot*: the first one its conversion changes, rare in
    Simplified text) around which lookarounds check the rest. An astral character
    of any key counts as a key (``re`` tests astral members of a class one by one,
    so they are tested only at astral characters).
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    @staticmethod
    def pattern_of(keys: dict[str, str]) -> str:
        """The pattern finding ``keys`` (see the class)."""
        singles = {key for key in keys if len(key) == 1 and key <= "\uffff"}
        astral = {char for key in keys for char in key if char > "\uffff"}
        pivots: dict[str, list[str]] = {}
        for key, value in sorted(keys.items()):
            if len(key) > 1 and max(key) <= "\uffff":
                at = next(
                    (i for i, (a, b) in enumerate(zip(key, value, strict=False)) if a != b), 0
                )
                pivots.setdefault(key[at], []).append(_around(key, at))
        branches = [f"(?<={char_class(singles).pattern})"]
        branches += [f"(?<={re.escape(c)})(?:{'|'.join(arounds)})" for c, arounds in pivots.items()]
        first = char_class(singles | set(pivots)).pattern
        if astral:
            branches.append(f"(?<={_ASTRAL_RANGE})(?<={char_class(astral).pattern})")
            first = f"[{first[1:-1]}{_ASTRAL_RANGE[1:-1]}]"
        return f"{first}(?:{'|'.join(branches)})"

    def found_in(self, text: str) -> bool:
        """Whether ``text`` holds a key."""
        return self.pattern.search(text) is not None

    def lines(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of each line of ``text`` holding a key, in order."""
        spans = []
        search = self.pattern.search
        found = search(text)
        while found is not None:
            at = found.start()
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            spans.append((text.rfind("\n", 0, at) + 1, end))
            found = search(text, end)
        return spans


def _around(key: str, at: int) -> str:
    """Lookarounds checking that ``key`` stands around its character ``at`` just consumed."""
    before = f"(?<={re.escape(key[: at + 1])})" if at else ""
    return before + (f"(?={re.escape(key[at + 1 :])})" if at + 1 < len(key) else "")


_ASTRAL_RANGE = "[\U00010000-\U0010ffff]"


@cache
def _t2s_keys() -> _ChangingKeys | None:
    """The keys ``t2s`` changes, shortest first (``None``: unknown).

    Those of its normalisation and its conversion whose first (default) value
    differs from them, without the keys holding a shorter one (finding the shorter
    one is enough).
    """
    derived = _derived_tables()
    return None if derived is None else _ChangingKeys(derived["t2s_pattern"])


def _changing_keys_of(sets: dict[str, str]) -> dict[str, str]:
    return dict(line.split("\t") for line in sets["t2s_changing"].split("\n") if line)


@cache
def _derived_tables() -> dict[str, str | bytes] | None:
    """The pattern of :func:`_t2s_keys` and the bytes of :func:`_class_table`.

    Derived from :func:`_class_sets` (~0.013 s), so kept in the table cache keyed on
    its sources, this module and :mod:`pipeline.scanner` (which writes the classes).
    """
    sources = [*_opencc_sources(), Path(__file__), Path(scanner.__file__)]
    return cached_table("opencc_derived", 1, sources, _derive_tables)


def _derive_tables() -> dict[str, str | bytes] | None:
    sets = _class_sets()
    if sets is None:
        return None
    return {
        "t2s_pattern": _ChangingKeys.pattern_of(_changing_keys_of(sets)),
        "class_table": _class_table_of(sets).tobytes(),
    }


def detect_variant(text: str) -> str:
    """``traditional``, ``simplified`` or ``mixed``: which script the Han characters use.

    Counts, over a sample of up to 20000 Han characters, the positions that ``t2s``
    changes and the simplified-only ones (``s2t`` changes them, ``t2s`` keeps them).
    Most articles are decided from per-character bounds on both counts (see
    :func:`_class_table`) without converting the sample; the rest are converted.
    """
    # The classes hold Han characters only: a short text (at most ``_SAMPLE``
    # characters, so all its Han characters are in the sample) counts as its sample.
    short = len(text) <= _SAMPLE
    decided = _decide_from_bounds(text) if short else None
    if decided is not None:
        return decided
    sample = _NOT_HAN.sub("", text)[:_SAMPLE]
    if not sample:
        return "simplified"
    decided = None if short else _decide_from_bounds(sample)
    if decided is not None:
        return decided
    return _variant_by_conversion(sample)


def _variant(traditional_only: int, simplified_only: int) -> str:
    """The variant for the two counts of :func:`detect_variant`."""
    if traditional_only == 0:
        return "simplified"
    minority = min(traditional_only, simplified_only)
    if minority >= _MIXED_MIN and minority >= _MIXED_SHARE * (traditional_only + simplified_only):
        return "mixed"
    return "traditional" if traditional_only > simplified_only else "simplified"


def _variant_by_conversion(sample: str) -> str:
    """:func:`detect_variant` on a Han-only sample by converting it both ways."""
    simplified = _opencc("t2s").convert(sample)
    if simplified == sample:
        return "simplified"
    # Position by position (over the shortest of the strings, as ``zip`` pairs them).
    import numpy as np

    original, simple = _code_points(sample), _code_points(simplified)
    if len(simple) != len(original):
        original = original[: len(simple)]
        simple = simple[: len(original)]
    changed = original != simple
    traditional_only = int(np.count_nonzero(changed))
    if traditional_only == 0:
        return "simplified"
    traditional = _code_points(_opencc("s2t").convert(sample))
    n = min(len(original), len(traditional))
    simplified_only = int(np.count_nonzero((original[:n] != traditional[:n]) & ~changed[:n]))
    return _variant(traditional_only, simplified_only)


def _code_points(text: str):  # -> numpy.ndarray
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _decide_from_bounds(sample: str) -> str | None:
    """The variant when per-character bounds on both counts settle it, else ``None``.

    A character outside ``t2s``'s *may change* class is certainly kept by ``t2s``,
    one in its *always changes* class is certainly changed, whatever phrase it is in
    (likewise for ``s2t``); both dictionaries map every key to a value of the same
    length, so positions stay aligned. The answer stands when every pair of counts
    within the bounds gives the same variant.
    """
    counts = _class_counts(sample)
    if counts is None or counts[_UNSAFE]:
        return None
    t_lo, t_hi, s_lo, s_hi = (counts[name] for name in _CLASSES[:4])
    # The variant only moves one way as either count grows (simplified -> mixed ->
    # traditional as traditional_only grows, the reverse as simplified_only grows),
    # so it is the same over the whole box when its two extreme corners agree.
    low, high = _variant(t_hi, s_lo), _variant(t_lo, s_hi)
    return low if low == high else None


_CLASSES = ("t_always", "t_may", "s_always_t_keeps", "s_may_t_may_keep", "unsafe")
_UNSAFE = "unsafe"
_TABLE_END = ord(_HAN_RANGE[1]) + 1  # code points from here on are in no class


def _class_counts(text: str) -> dict[str, int] | None:
    """How many characters of ``text`` each class of :func:`_class_table` holds.

    One table lookup per character in numpy (code points past the table clip to
    its last entry, in no class), a count per combination of classes, and one
    product with the bits of each combination; ``None`` when the classes are unknown.
    """
    table = _class_table()
    if table is None:
        return None
    import numpy as np

    per_code = np.bincount(table.take(_code_points(text), mode="clip"), minlength=_COMBINATIONS)
    return dict(zip(_CLASSES, (per_code @ _class_bits()).tolist(), strict=True))


_COMBINATIONS = 1 << len(_CLASSES)


@cache
def _class_bits():  # -> numpy.ndarray
    """Per combination of classes (a table value), 1 for each class it holds."""
    import numpy as np

    codes = np.arange(_COMBINATIONS)[:, None]
    return (codes >> np.arange(len(_CLASSES))) & 1


@cache
def _class_table():  # -> numpy.ndarray | None
    """Per code point up to U+9FFF, a bit per class of :func:`_class_sets` it belongs to.

    Only characters of the sampled Han range are in a class. *unsafe* Han characters
    (of an entry changing length, or of a normalisation step) send a sample to the
    exact path; ``None`` when the dictionaries cannot be read.
    """
    derived = _derived_tables()
    if derived is None:
        return None
    import numpy as np

    return np.frombuffer(derived["class_table"], dtype=np.uint8)  # read-only


def _class_table_of(sets: dict[str, str]):  # -> numpy.ndarray
    import numpy as np

    table = np.zeros(_TABLE_END + 1, dtype=np.uint8)
    for bit, name in enumerate(_CLASSES):
        points = [ord(char) for char in _in_range(set(sets[name]))]
        table[points] |= 1 << bit
    return table


_SAMPLE = 20000
_NOT_HAN = re.compile(f"[^{_HAN_RANGE[0]}-{_HAN_RANGE[1]}]+")


@cache
def _class_sets() -> dict[str, str] | None:
    """The character sets behind :func:`_class_table`, and the keys of :func:`_t2s_keys`.

    Derived from OpenCC's dictionaries (dumped with its ``opencc_dict`` tool, which
    takes a tenth of a second), so kept in the table cache keyed on those files.
    """
    return cached_table("opencc_classes", 2, _opencc_sources(), _derive_class_sets)


def _opencc_sources() -> list[Path]:
    """OpenCC's dictionaries, configs and dump tool: what the class sets derive from."""
    import opencc

    root = Path(opencc.__file__).parent / "clib"
    return [*sorted((root / "share" / "opencc").glob("*")), root / "bin" / "opencc_dict"]


def _derive_class_sets() -> dict[str, str] | None:
    try:
        t2s, t2s_norm = _dictionary_entries("t2s")
        s2t, s2t_norm = _dictionary_entries("s2t")
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    unsafe = {char for key, _ in (*t2s_norm, *s2t_norm) for char in key}
    t_may, t_always = _change_classes(t2s, unsafe)
    s_may, s_always = _change_classes(s2t, unsafe)
    sets = {
        "t_always": t_always,
        "t_may": t_may,
        "s_always_t_keeps": s_always - t_may,
        "s_may_t_may_keep": s_may - t_always,
        "unsafe": unsafe,
    }
    out = {name: "".join(sorted(chars)) for name, chars in sets.items()}
    out["t2s_changing"] = "\n".join(
        f"{key}\t{value}" for key, value in _changing_keys(t2s_norm + t2s)
    )
    return out


def _changing_keys(entries: Entries) -> list[tuple[str, str]]:
    """``(key, default value)`` of the entries that change their key, shortest keys first.

    A key holding a shorter changing key is left out: a text holds one of the
    kept keys whenever it holds any changing key.
    """
    changing: dict[str, str] = {}
    for key, values in sorted(entries, key=lambda entry: len(entry[0])):
        if values[0] != key and not any(
            key[i:j] in changing
            for i in range(len(key))
            for j in range(i + 1, len(key) + 1)
            if j - i < len(key)
        ):
            changing.setdefault(key, values[0])
    return list(changing.items())


def _change_classes(entries: Entries, unsafe: set[str]) -> tuple[set[str], set[str]]:
    """Characters a conversion step may change, and those it changes in every context.

    A character is changed in every context when it is an entry of its own (so it
    never passes through unmatched) and no entry keeps it. Characters of an entry
    that changes length are added to ``unsafe``.
    """
    single = {key for key, _ in entries if len(key) == 1}
    keys: list[str] = []
    outs: list[str] = []
    for key, values in entries:
        for value in values:
            if len(value) != len(key):
                unsafe.update(key)
            else:
                keys.append(key)
                outs.append(value)
    pairs = set(zip("".join(keys), "".join(outs), strict=True))  # (character, what it becomes)
    may = {char for char, out in pairs if char != out}
    kept = {char for char, out in pairs if char == out}
    return may, single - kept - unsafe


def _in_range(chars: set[str]) -> list[str]:
    """The characters of ``chars`` in the sampled Han range, sorted."""
    return sorted(char for char in chars if _HAN_RANGE[0] <= char <= _HAN_RANGE[1])


Entries = list[tuple[str, tuple[str, ...]]]


def _dictionary_entries(config: str) -> tuple[Entries, Entries]:
    """The ``(key, values)`` entries of an OpenCC config: its conversion step, its normalisation."""
    import opencc

    root = Path(opencc.__file__).parent / "clib"
    share = root / "share" / "opencc"
    spec = json.loads((share / f"{config}.json").read_text(encoding="utf-8"))
    chain = spec.get("conversion_chain")
    if not isinstance(chain, list) or len(chain) != 1:
        raise ValueError(f"OpenCC config {config} is not a single conversion step")
    return _dump(root, _dict_files(chain)), _dump(root, _dict_files(spec.get("normalization", [])))


def _dict_files(node: object) -> list[str]:
    """The dictionary files named anywhere in a piece of OpenCC config."""
    if isinstance(node, dict):
        own = [node["file"]] if isinstance(node.get("file"), str) else []
        return own + [name for value in node.values() for name in _dict_files(value)]
    if isinstance(node, list):
        return [name for value in node for name in _dict_files(value)]
    return []


def _dump(root: Path, files: list[str]) -> Entries:
    """Entries of OpenCC ``.ocd2`` dictionaries, dumped as text by ``opencc_dict``."""
    return [entry for name in files for entry in _dump_one(root, name)]


@cache
def _dump_one(root: Path, name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Entries of one dictionary (each is dumped once per process)."""
    if not name.endswith(".ocd2"):
        raise ValueError(f"unexpected OpenCC dictionary {name}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dict.txt"
        subprocess.run(
            [
                str(root / "bin" / "opencc_dict"),
                *("-i", str(root / "share" / "opencc" / name), "-o", str(out)),
                *("-f", "ocd2", "-t", "text"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        lines = out.read_text(encoding="utf-8").splitlines()
    entries = []
    for line in lines:
        key, _, values = line.partition("\t")
        if not key or not values:
            raise ValueError(f"unexpected line in {name}: {line!r}")
        entries.append((key, tuple(values.split(" "))))
    return tuple(entries)


def convert_document(doc: Document, raw_body: str) -> Document:
    """Detect the variant of ``raw_body``, then repair and convert every block and the title."""
    doc.variant = detect_variant(raw_body)
    texts = [block.text for block in doc.blocks]
    joined = convert_text("\n".join(texts), doc.remove)
    parts = joined.split("\n")
    if len(parts) != len(texts):  # pragma: no cover - repairs never add or drop newlines
        parts = [convert_text(text, doc.remove) for text in texts]
    for block, text in zip(doc.blocks, parts, strict=True):
        block.text = text
    if doc.title:
        doc.title = convert_text(doc.title, lambda _rule, _text: None).strip() or None
    return doc


def convert_text(text: str, remove) -> str:
    """Normalise, repair and convert one string; ``remove(rule, text)`` audits each repair."""
    text = normalize_text(text)
    text = remove_pinyin_glue(text, partial(remove, "pinyin_glue"))
    text = remove_mojibake(text, partial(remove, "mojibake"))
    text = to_simplified(text)
    return repair_obfuscation(text, partial(remove, "obfuscation"))
