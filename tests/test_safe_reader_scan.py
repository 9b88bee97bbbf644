"""The xlsx scan's shortcuts give what the slower scans they replace gave: the odd cells and the last column letter
found in one scan, the width of a text's references told without a regex stop at each of them."""

from __future__ import annotations

import random
import re

from tdkt.importing.read_budget import _WIDE_REF, _width
from tdkt.importing.zip_checks import _le_pattern, _max_letter, _odd_cells


def _region(rng: random.Random) -> bytes:
    cells = []
    for _ in range(rng.randint(0, 60)):
        letters = rng.choice(["A", "B", "H", "K", "Z", "AA", "ZZ"])
        row = rng.choice(["1", "7", "99", "100", "101", "1000000", "0"])
        cells.append(rng.choice([
            f'<c r="{letters}{row}" t="n"><v>1</v></c>', f'<c r="{letters}{row}"/>', f'<c r="{letters}{row}" s="2"/>',
            '<c t="n"><v>2</v></c>', f'<c s="1" r="{letters}{row}"><v>3</v></c>', f'<c r="{letters.lower()}{row}">',
            f'<col r="{letters}"/>', f'<cell r="{letters}{row}"/>',
        ]))
    return ("<sheetData><row>" + "".join(cells) + "</row></sheetData>").encode()


def test_one_scan_finds_the_odd_cells_and_the_last_letter_as_the_two_scans_did():
    rng = random.Random(14)
    rows_ok = _le_pattern(100)
    odd = re.compile(rb'<c(?! r="[A-Z]' + rows_ok + rb'")[\s/>]')
    for _ in range(500):
        buf = _region(rng)
        start, end = rng.randint(0, 10), len(buf) - rng.randint(0, 10)
        known = rng.choice([-1, -1, 0, 7, 25])
        box = [known]
        found = list(_odd_cells(buf, start, end, odd, rows_ok, box))
        assert found == [m.start() for m in odd.finditer(buf, start, end)], buf
        assert box[0] == _max_letter(buf, start, end, known), buf


def test_a_reference_beyond_the_bmp_makes_a_text_wide_among_many_short_ones():
    many = b"Nguy&#7877;n V&#259;n " * 2000
    widths = [_width(many), _width(many + b"&#128512;"), _width(b"&#x1F600;" + many), _width(b"&#X1F600;")]
    assert widths == [2, 4, 4, 2]
    assert [_width(b"&#12354;"), _width(b"&#65536;"), _width(b"&#0000065;"), _width(b"&#x0FFFF;")] == [2, 4, 2, 2]
    assert _WIDE_REF.findall(b"&#X1F600;") == []  # XML writes a hex reference with a lower-case x only
