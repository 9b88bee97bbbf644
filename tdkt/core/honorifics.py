"""Honorifics, ranks and degrees written before a name ("Ông", "Đồng chí", "Đại tá", "PGS.TS.", "NSƯT"): split off
into a title, so that matching, search and duplicates use the bare name while lists can still print the title.

What counts as a title is matched on folded words (any case, with or without accents, dots or spaces: "PGS.TS.",
"PGS. TS", "pgs ts", "PGSTS" are the same two titles), several in a row. A real name is never eaten: the split is
made only when a name of at least two words remains ("Bà", "Bà Triệu" stay whole), and a title that is also a
family name ("Ông") is kept as the name's first word when what follows looks like a middle and a given name
("Ông Văn Minh" is Mr Ông Văn Minh). Households ("Gia đình ông Lê Văn Hải", "Hộ bà …") are recognised here too: their
name is the household's, so it keeps its "ông"/"bà".
"""

from __future__ import annotations

import re
from functools import lru_cache

from tdkt.core.text import fold

# Titles as folded word sequences. Abbreviations go in _SHORT as well, so that they are also found run together
# ("PGSTS", "BSCKII", "ThS.BS").
_SHORT = (
    "gs", "pgs", "ts", "tskh", "ths", "cn", "ks", "bs", "ds", "ls", "kts", "dc",
    "cki", "ckii", "ck1", "ck2", "ngnd", "ngut", "nsnd", "nsut", "ttnd", "ttut", "nnnd", "nnut", "ahld", "ahllvtnd",
)
_WORDS = (
    "ong", "ba", "dong chi", "d c", "th s", "ck i", "ck ii",
    "dai tuong", "thuong tuong", "trung tuong", "thieu tuong", "do doc", "pho do doc", "chuan do doc",
    "dai ta", "thuong ta", "trung ta", "thieu ta", "dai uy", "thuong uy", "trung uy", "thieu uy", "chuan uy",
    "thuong si", "trung si", "ha si", "binh nhat", "binh nhi",
    "giao su", "pho giao su", "tien si", "tien sy", "thac si", "thac sy", "bac si", "bac sy", "ky su", "ki su",
    "duoc si", "duoc sy", "luat su", "kien truc su", "cu nhan",
    "nha giao nhan dan", "nha giao uu tu", "nghe si nhan dan", "nghe si uu tu", "nghe sy nhan dan", "nghe sy uu tu",
    "thay thuoc nhan dan", "thay thuoc uu tu", "nghe nhan nhan dan", "nghe nhan uu tu", "anh hung lao dong",
)
_TITLES = frozenset(tuple(t.split()) for t in (*_SHORT, *_WORDS))
_LONGEST = max(len(t) for t in _TITLES)
_FIRST = frozenset(t[0] for t in _TITLES)
_BY_FIRST = {first: sorted((t for t in _TITLES if t[0] == first), key=len, reverse=True) for first in _FIRST}
# Titles that are also family names: "Ông Văn Minh" may be Mr Ông's whole name.
_ALSO_SURNAME = frozenset({("ong",)})
# First words of a two-word rest that make it read as a middle and a given name rather than a whole name.
_MIDDLE_NAMES = frozenset({"van", "thi", "huu", "duc", "dinh", "ngoc", "xuan", "quang", "cong", "thanh", "minh"})
_GENDER = {("ong",): "Nam", ("ba",): "Nữ"}

# A word of a name: letters and digits with their inner "/" or "-" ("Đ/c", "PGS-TS"), up to a dot, comma or colon.
_TOKEN = re.compile(r"[^\s.,:;]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_TRAILING = " \t:;,-–—"


@lru_cache(maxsize=8192)
def _key(word: str) -> str:
    return _NOT_ALNUM.sub("", fold(word))


@lru_cache(maxsize=1024)
def _compound(key: str) -> tuple[str, ...] | None:
    """Return the abbreviations a run-together word is made of ("pgsts" -> ("pgs", "ts")), or None."""
    if not key or len(key) > 16:
        return None
    if key in _SHORT:
        return (key,)
    for size in range(min(len(key) - 1, 8), 1, -1):
        head = key[:size]
        if head in _SHORT:
            rest = _compound(key[size:])
            if rest is not None:
                return (head, *rest)
    return None


@lru_cache(maxsize=4096)
def worth_a_look(first_word: str) -> bool | None:
    """Whether a name starting with this word (as written) may start with a title or be a household's name: True,
    False, or None when its second word decides ("Hà" may begin "Hạ sĩ"; see `worth_a_second_look`). A list's names
    start with a few hundred family names, so an importer asks this, cached, before anything costlier."""
    if first_word.lower() in ("gia", "hộ", "ho"):
        return True
    keys = [_key(t.group(0)) for t in _TOKEN.finditer(first_word)]
    if not keys:
        return False
    if _compound(keys[0]) is not None or (keys[0],) in _TITLES or tuple(keys) in _TITLES:
        return True
    return None if keys[0] in _FIRST and len(keys) == 1 else False


@lru_cache(maxsize=4096)
def worth_a_second_look(first_word: str, second_word: str) -> bool:
    """True when the first two words of a name may begin a title of two words or more ("Đại tá", "Hạ sĩ")."""
    keys = [_key(t.group(0)) for t in _TOKEN.finditer(f"{first_word} {second_word}")][:2]
    return len(keys) == 2 and any(len(t) > 1 and t[1] == keys[1] for t in _BY_FIRST.get(keys[0], ()))


def worth_splitting(name: str) -> bool:
    """True when a name (stripped) may start with a title or be a household's: the cheap test before the split."""
    first, _, rest = name.partition(" ")
    look = worth_a_look(first)
    if look is None:
        return worth_a_second_look(first, rest.partition(" ")[0])
    return look


def _match(keys: list[str], start: int) -> tuple[int, tuple[str, ...]] | None:
    """Return (number of words, title) of the longest title starting at keys[start], or None."""
    for title in _BY_FIRST.get(keys[start], ()):
        size = len(title)
        if size == 1 or tuple(keys[start:start + size]) == title:
            return size, title
    return None


def _titles(keys: list[str]) -> tuple[int, list[tuple[str, ...]]]:
    """Return how many leading words are titles, and the titles they spell."""
    found: list[tuple[str, ...]] = []
    i = 0
    while i < len(keys):
        hit = _match(keys, i)
        if hit is not None:
            size, title = hit
            found.append(title)
            i += size
            continue
        parts = _compound(keys[i])
        if parts is None:
            break
        found.extend((p,) for p in parts)
        i += 1
    return i, found


def split_title(name: str | None) -> tuple[str | None, str | None]:
    """Return (title as written, bare name) for a name that may start with honorifics, ranks or degrees.

    "Đại tá Nguyễn Văn An" -> ("Đại tá", "Nguyễn Văn An"); "PGS.TS. Lê Hoa" -> ("PGS.TS.", "Lê Hoa"); a name left
    with fewer than two words, or no title, comes back whole with title None."""
    if not name:
        return None, name
    if not worth_splitting(name.strip()):
        return None, name  # the common case: a family name and a middle name
    tokens = list(_TOKEN.finditer(name))
    keys = [_key(t.group(0)) for t in tokens[:_LONGEST * 4]]  # titles come first: the rest need no key
    count, found = _titles(keys)
    if not count:
        return None, name
    rest = tokens[count:]
    words = [t for t in rest[:4] if any(ch.isalpha() for ch in t.group(0))]
    if len(words) < 2:
        return None, name
    if (len(words) == 2 and found[0] in _ALSO_SURNAME and not tokens[0].group(0).islower()
            and count == 1 and _key(words[0].group(0)) in _MIDDLE_NAMES):
        return None, name
    title = name[: rest[0].start()].rstrip(_TRAILING).strip()
    bare = name[rest[0].start():].strip()
    return (title or None), bare


def without_typed_title(text: str) -> str:
    """Return what a person typed into a search box without its leading honorifics, ranks or degrees ("Ông Nguyễn
    Văn An", "đ/c An", "Đại tá Lê Hải" -> "Nguyễn Văn An", "An", "Lê Hải"): names are kept bare, so the title would
    match nothing. Unlike `split_title` one word may remain (a search types part of a name); nothing but a title is
    kept whole (someone searching for "Ông" wants people so named)."""
    stripped = text.strip()
    if not stripped or not worth_splitting(stripped):
        return text
    tokens = list(_TOKEN.finditer(stripped))
    count, _ = _titles([_key(t.group(0)) for t in tokens[:_LONGEST * 4]])
    rest = tokens[count:]
    if not count or not any(any(ch.isalpha() for ch in t.group(0)) for t in rest):
        return text
    return stripped[rest[0].start():].strip()


def title_gender(title: str | None) -> str | None:
    """Return "Nam" or "Nữ" when a title says it ("Ông", "Bà", also inside "Bà PGS.TS."), else None."""
    if not title:
        return None
    keys = [_key(t.group(0)) for t in _TOKEN.finditer(title)]
    _, found = _titles(keys)
    genders = {_GENDER[t] for t in found if t in _GENDER}
    return genders.pop() if len(genders) == 1 else None


def join_titles(*titles: str | None) -> str | None:
    """Return the titles joined with a space, each once (a title column and a title written in the name)."""
    seen: list[str] = []
    for title in titles:
        if title and fold(title) not in {fold(s) for s in seen}:
            seen.append(title.strip())
    return " ".join(seen) or None


_HONORIFIC_WORDS = "ong|ba|anh|chi|cu|chu|co|bac"
_HOUSEHOLD = re.compile(rf"^(?:ho gia dinh|gia dinh|ho)\s+(?:(?:{_HONORIFIC_WORDS})\s+)?\S+(?:\s+\S+)+$")


def is_household_name(name: str | None) -> bool:
    """True for a household's name: "Hộ gia đình …", "Gia đình ông Lê Văn Hải", "Hộ bà …" (not "Hồ Chí Minh").

    "Hộ" folds like the family name "Hồ", so the first word decides: "Hồ" never starts a household, "Hộ" does before
    "gia đình" or an honorific, and "Ho" typed without accents only before "gia đình", "ông" or "bà" ("Ho Anh Tuan"
    is a person). "Gia đình" needs a name of two words or more after it ("Gia đình văn hóa" is a title)."""
    if not name:
        return False
    words = name.split()
    if words[0].lower() not in ("gia", "hộ", "ho"):
        return False  # the common case, "Hoàng Văn An", "Hồ Thị Hoa": no fold, no pattern
    key = " ".join(_NOT_ALNUM.sub(" ", fold(name)).split())
    if not _HOUSEHOLD.match(key):
        return False
    first = words[0].lower()
    parts = key.split()
    if parts[0] == "gia":
        return len(parts) >= 4 and parts[2:4] != ["van", "hoa"]
    if first == "hộ":
        return parts[1] == "gia" or parts[1] in _HONORIFIC_WORDS.split("|")
    if first == "ho":
        return parts[1] in ("gia", "ong", "ba")
    return False
