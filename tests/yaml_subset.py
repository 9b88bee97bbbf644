"""A strict reader of the YAML that deploy/compose.yaml is written in, for tests/test_deploy_files.py: PyYAML is not
among the project's libraries. Block mappings and sequences by indentation, plain, quoted and JSON flow values,
comments, anchors on mappings (`&name`), aliases (`*name`) and merge keys (`<<: *name`), which compose files use.
Anything else (tabs, a block scalar `|`, a `{…}` mapping, a duplicate key, a misaligned line) is refused with its
line number rather than read some other way, so a file it reads means the same to it as to YAML.

Checked against PyYAML 6 on deploy/compose.yaml while it was written: the same value."""

from __future__ import annotations

import json
import re

KEY = re.compile(r"^(?P<key>[A-Za-z0-9_.<-][A-Za-z0-9_.<-]*|\"[^\"]*\"):(?:\s+(?P<rest>.*))?$")


class YamlSubsetError(ValueError):
    """The text uses YAML this reader does not accept."""


def _strip_comment(text: str) -> str:
    """The line without its comment: a # at the start or after a space, outside quotes."""
    quote = None
    for i, char in enumerate(text):
        if quote:
            if char == quote and not (quote == '"' and text[i - 1] == "\\"):
                quote = None
        elif char in "\"'" and (i == 0 or text[i - 1] in " [,:"):
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] == " "):
            return text[:i].rstrip()
    return text.rstrip()


def _scalar(text: str, number: int, anchors: dict):
    if text.startswith("*"):
        if text[1:] not in anchors:
            raise YamlSubsetError(f"dòng {number}: không có neo “{text[1:]}”")
        return anchors[text[1:]]
    if text.startswith(("[", '"')):
        try:
            return json.loads(text)
        except ValueError:
            raise YamlSubsetError(f"dòng {number}: giá trị không đọc được: {text}") from None
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise YamlSubsetError(f"dòng {number}: thiếu dấu ' đóng")
        return text[1:-1].replace("''", "'")
    if text[0] in "{|>&!%@`?":
        raise YamlSubsetError(f"dòng {number}: cú pháp YAML chưa hỗ trợ: {text}")
    if ": " in text or text.endswith(":"):  # "a: b: c" is an error in YAML, not the string "b: c"
        raise YamlSubsetError(f"dòng {number}: dấu “: ” trong giá trị chưa đặt trong nháy: {text}")
    if text in ("true", "false"):
        return text == "true"
    if text in ("null", "~"):
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def load(text: str):
    """Return the document's value: dicts, lists, strings, ints, booleans, None."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw:
            raise YamlSubsetError(f"dòng {number}: có ký tự tab")
        content = _strip_comment(raw)
        if content.strip():
            lines.append((number, len(content) - len(content.lstrip(" ")), content.strip()))
    anchors: dict = {}
    value, end = _block(lines, 0, 0, anchors)
    if end != len(lines):
        number = lines[end][0]
        raise YamlSubsetError(f"dòng {number}: thụt lề không khớp")
    return value


def _block(lines: list, start: int, indent: int, anchors: dict):
    """Read the block whose lines start at `indent`; return its value and the index after it."""
    if start >= len(lines) or lines[start][1] != indent:
        raise YamlSubsetError(f"dòng {lines[min(start, len(lines) - 1)][0]}: thiếu khối thụt lề")
    if lines[start][2].startswith("- ") or lines[start][2] == "-":
        return _sequence(lines, start, indent, anchors)
    return _mapping(lines, start, indent, anchors)


def _nested(lines: list, i: int, indent: int, anchors: dict):
    """The block under the line before `i`, more indented than `indent`."""
    return _block(lines, i, lines[i][1], anchors)


def _sequence(lines: list, i: int, indent: int, anchors: dict):
    found = []
    while i < len(lines) and lines[i][1] == indent and lines[i][2].startswith("-"):
        number, _, content = lines[i]
        item = content[1:].strip()
        if not item or KEY.match(item):
            raise YamlSubsetError(f"dòng {number}: mục danh sách phải là một giá trị trên cùng dòng")
        found.append(_scalar(item, number, anchors))
        i += 1
    return found, i


def _mapping(lines: list, i: int, indent: int, anchors: dict):
    found: dict = {}
    merged: dict = {}  # what `<<` brings: keys written in the mapping itself win, in any order
    while i < len(lines) and lines[i][1] == indent:
        number, _, content = lines[i]
        match = KEY.match(content)
        if not match:
            raise YamlSubsetError(f"dòng {number}: không phải “khóa: giá trị”: {content}")
        key, rest = match["key"].strip('"'), (match["rest"] or "").strip()
        if key in found:
            raise YamlSubsetError(f"dòng {number}: khóa “{key}” lặp lại")
        i += 1
        anchor = None
        if rest.startswith("&"):
            anchor, _, rest = rest[1:].partition(" ")
            rest = rest.strip()
        if rest:
            value = _scalar(rest, number, anchors)
        elif i >= len(lines) or lines[i][1] <= indent:  # "key:" and nothing under it: null, as a named volume
            value = None
        else:
            value, i = _nested(lines, i, indent, anchors)
        if anchor:
            anchors[anchor] = value
        if key == "<<":
            if not isinstance(value, dict):
                raise YamlSubsetError(f"dòng {number}: “<<” cần một neo là bảng")
            merged.update(value)
        else:
            found[key] = value
    return {**merged, **found}, i
