"""`text.name_order`'s per-character fast path gives exactly what `sort_key` ranks word by word (the slow path)."""

from __future__ import annotations

import ast
import pathlib
import random

from tdkt.core import text
from tdkt.core.text import name_order, nfc

_SEEDING = pathlib.Path(text.__file__).parents[1] / "seeding"
# Vietnamese letters in both cases with every tone, đ/Đ, digits, other Latin letters, combining marks, other scripts.
_LETTERS = ("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYfjwzFJWZ0123456789-'.()"
            "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
            "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
            "çñöüßÿİıǅĳ\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u0308\u00adΣσςЖж中\u00a0\x01")


def _slow(name: str) -> str:
    """name_order as it was before the fast path: every word through `sort_key`."""
    parts = nfc(name).split(" ")
    given = text._slow_order_word(parts[-1])
    family = text._slow_order_word(parts[0] if len(parts) > 1 else "")
    middle = [text._slow_order_word(w) for w in parts[1:-1]] or [("", "")]
    return "\x01".join((*given, *family, "\x02".join(m[0] for m in middle), "\x02".join(m[1] for m in middle)))


def _seeding_texts() -> list[str]:
    found = []
    for path in _SEEDING.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
                found.append(node.value)
    return found


def test_fast_path_equals_sort_key_on_every_seeded_text_and_random_names():
    rng = random.Random(14)
    names = _seeding_texts()
    assert len(names) > 200
    for _ in range(20_000):
        names.append(" ".join("".join(rng.choice(_LETTERS) for _ in range(rng.randint(0, 8)))
                              for _ in range(rng.randint(1, 5))))
    names += [f"Nguyễn Văn An {i}" for i in range(50)] + ["", " ", "ĐẶNG  thị\tÂN", "Nguyen Van A\u0301n", "x\u0300"]
    names += [chr(code) for code in range(0x2000)] + [f"a{chr(code)} b" for code in range(0x2000)]
    text._ORDER_WORDS.clear()
    fast = 0
    for name in names:
        if not name:
            assert name_order(name) is None
            continue
        assert name_order(name) == _slow(name), repr(name)
        fast += nfc(name).translate(text._ORDER_TONES).isascii()
    assert fast > 10_000  # the fast path is taken (most seeded texts, a third of the random names)


def test_every_character_of_the_tables_is_ranked_alone_as_in_a_word():
    for code, letters in text._ORDER_LETTERS.items():
        ch = chr(code)
        if ch == " ":
            continue
        assert (letters, text._ORDER_TONES[code]) == text._slow_order_word(ch)
        for around in ("a", "Ư", "đ", "7"):
            word = around + ch + around
            assert text._order_word(word) == text._slow_order_word(word), repr(word)
