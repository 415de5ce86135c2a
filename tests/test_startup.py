"""Start-up shortcuts leave every library working as usual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_jieba_is_imported_without_pkg_resources_which_stays_importable():
    out = _fresh(
        "import sys\n"
        "from pipeline.segment import jieba_tokenizer\n"
        "tokens = jieba_tokenizer().lcut('如何取消分期乐租机服务')\n"
        "skipped = 'pkg_resources' not in sys.modules\n"
        "import jieba._compat\n"
        "head = jieba._compat.get_module_res('dict.txt').read(4)\n"
        "import pkg_resources\n"
        "print(skipped, head == b'AT&T', '/'.join(tokens))\n"
    )
    assert out == "True True 如何/取消/分期乐/租机/服务"


def test_cn2an_is_imported_without_the_places_pattern_which_proces_still_has():
    calls = "print(proces.mask_address('家住北京市海淀区'), proces.mask_phone('电话13812345678'))\n"
    expected = _fresh("import proces\n" + calls)
    out = _fresh(
        "import sys\n"
        "from pipeline.numbers import cn2an_value\n"
        "deferred = 'proces.util.data' not in sys.modules\n"
        "import proces\n" + calls + "import proces.masking\n"
        "print(deferred, cn2an_value('一万二千'), proces.masking.city_ptn.search('上海市')[0])\n"
    )
    assert out == f"{expected}\nTrue 12000.0 上海市"
