"""Award names that give the form but not who awards it ("Bằng khen", "Giấy khen", "Cờ thi đua"): the catalogue's
candidates for one, the likely one from a list's title, and the user's answers (`--award-map`, the preview's
selects)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from tdkt.awards import catalog
from tdkt.core.errors import Refused


class _Named(Protocol):
    name: str
    is_common: bool
    position: int


def award_key(text: object) -> str:
    """Return the key two spellings of one award text share ("BẰNG KHEN", "Bằng khen của", "BK": "bang khen")."""
    return catalog.normalize_award_text(text) if text is not None else ""


def candidates(awards: Iterable[_Named], text: object) -> list[str]:
    """Return the names of the awards a text without its issuer may mean: every award whose name begins with the
    text's words (common ones first, then in catalogue order); empty when the text is no award's beginning.

    Two words at least: "Bằng khen", "Cờ thi đua", "Huân chương Lao động"; one word ("Bằng") is no award's name.
    """
    key = award_key(text)
    if len(key.split()) < 2:
        return []
    start = key + " "
    found = [a for a in awards if award_key(a.name).startswith(start)]
    return [a.name for a in sorted(found, key=lambda a: (not a.is_common, a.position, a.name))]


# "Tờ trình số 15/TTr-SCT" and "Số: 123" are not the Sở ("so" once folded), which names the Giám đốc Sở; nor is the
# "sở" of "cơ sở", kept as one word on both sides so that "Chiến sĩ thi đua cơ sở" still finds its own.
_DOCUMENT_NUMBER = re.compile(r"\bso \d\S*|(?<=trinh) so\b|(?<=dinh) so\b|(?<=van) so\b")
# The lines that say who is asked to give the award ("đề nghị … tặng", "Kính gửi: …"), read before the others (the
# agency's own name in the corner, a cited decision).
_ASKING = re.compile(r"\b(?:tang|de nghi|kinh gui|trinh|danh sach)\b")


def likely(text: object, names: list[str], title_lines: Iterable[str]) -> str | None:
    """Return the candidate whose issuer the list's title or addressee names ("đề nghị Chủ tịch UBND tỉnh tặng Bằng
    khen…" -> the provincial Bằng khen), the lines that ask first; None when no line names one."""
    start = len(award_key(text))
    issuers = [(_words(award_key(name)[start:]), name) for name in names]
    lines = [f" {_words(_DOCUMENT_NUMBER.sub(' ', award_key(line)))} " for line in title_lines
             if line and str(line).strip()]
    for tier in ([line for line in lines if _ASKING.search(line)], lines):
        named = [(len(issuer), name) for issuer, name in issuers
                 if issuer and any(f" {issuer} " in line for line in tier)]
        if named:
            return max(named, key=lambda found: found[0])[1]  # the most precise issuer: "Ủy ban nhân dân tỉnh"
    return None


def _words(key: str) -> str:
    return key.replace("co so", "co_so").strip()


def parse_award_map(entries: Iterable[str], *, award_named) -> dict[str, str]:
    """Return written text -> award name for `--award-map "Bằng khen=Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"`.

    `award_named(text)` returns the catalogue's award a text means (or None). Refused, in Vietnamese, for an entry
    without "=", a right side that is no award of the catalogue, a left side that is already one, or two answers for
    one text.
    """
    mapping: dict[str, str] = {}
    keys: dict[str, str] = {}
    for entry in entries:
        written, sep, chosen = (part.strip() for part in str(entry).partition("="))
        if not sep or not written or not chosen:
            raise Refused(f"--award-map “{entry}”: ghi theo dạng “Bằng khen=Bằng khen của Chủ tịch Ủy ban nhân dân "
                          "tỉnh” (chữ trong tệp, dấu =, rồi tên danh hiệu trong danh mục).")
        award = award_named(chosen)
        if award is None:
            raise Refused(f"--award-map “{entry}”: “{chosen}” không phải danh hiệu/hình thức khen thưởng nào trong "
                          "danh mục. Ghi đúng tên trong danh mục, ví dụ “Bằng khen của Chủ tịch Ủy ban nhân dân "
                          "tỉnh”.")
        same = award_named(written)
        if same is not None:
            raise Refused(f"--award-map “{entry}”: “{written}” đã là “{same.name}” trong danh mục, không cần chọn.")
        key = award_key(written)
        if keys.get(key, award.name) != award.name:
            raise Refused(f"--award-map: “{written}” được chọn hai lần, là “{keys[key]}” và “{award.name}”. Giữ một.")
        keys[key] = mapping[written] = award.name
    return mapping


def keyed(mapping: Mapping[str, str]) -> dict[str, str]:
    """Return the answers by the key of their written text, as rows are matched to them."""
    return {award_key(written): name for written, name in mapping.items()}
