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
