"""Helpers of the concurrency test and bench: generated nomination lists, `python -m tdkt import` runs, row counts."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import sqlalchemy as sa

from tests.conftest import ROOT, SECRET

if TYPE_CHECKING:
    from pathlib import Path

HEADER = ("STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lương", "Nông", "Đặng", "Hà")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Sơn", "Trang")
UNITS = ("Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý Công nghiệp", "Phòng Quản lý Thương mại")
LIST_AWARD = "Lao động tiên tiến"
OTHER_AWARD = "Chiến sĩ thi đua cơ sở"  # what the second of two lists proposes for the people they share


def person(group: str, index: int) -> tuple[str, str, int, str]:
    """Return (name, gender, birth year, unit) of one generated person, unique by (group, index), names in letters.

    The index is written in given names as digits, so no name carries a number and no two people share a name.
    """
    words, rest = [], index
    while True:
        words.append(GIVEN[rest % len(GIVEN)])
        rest //= len(GIVEN)
        if not rest:
            break
    name = f"{FAMILY[index % len(FAMILY)]} {group} {' '.join(reversed(words))}"
    return name, ("Nam", "Nữ")[index % 2], 1965 + index % 35, UNITS[index % len(UNITS)]


_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/'
    'xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'
    '"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def _text_row(number: int, values: tuple[str, ...]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'


def nomination_list(people: list[tuple[str, str, int, str, str]], *, year: int = 2024) -> bytes:
    """Return an .xlsx nomination list of individuals (name, gender, birth year, unit, award) under a title naming
    the year.

    The sheet XML is written directly, with inline strings: openpyxl took 14 s for 100k rows here, this about 1 s.
    """
    body = [_text_row(1, (f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM {year}",)), _text_row(2, HEADER)]
    row = ('<row r="%d"><c><v>%d</v></c><c t="inlineStr"><is><t>%s</t></is></c><c t="inlineStr"><is><t>%s</t></is>'
           '</c><c><v>%d</v></c><c t="inlineStr"><is><t>Chuyên viên</t></is></c><c t="inlineStr"><is><t>%s</t></is>'
           '</c><c t="inlineStr"><is><t>%s</t></is></c></row>')
    body.extend(row % (i + 3, i + 1, escape(name), gender, birth, escape(unit), escape(award))
                for i, (name, gender, birth, unit, award) in enumerate(people))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + "".join(body) + "</sheetData></worksheet>")
    return buffer.getvalue()


def write_lists(directory: Path, *, rows: int, shared: int) -> dict[str, Path]:
    """Write two lists of `rows` people each: `a`, and `b`, which names the first `shared` people of `a` again (with
    another award, so no row of it repeats one of `a`) and new people otherwise."""
    a = [(*person("Văn", i), LIST_AWARD) for i in range(rows)]
    b = [(*person("Văn", i), OTHER_AWARD) for i in range(shared)]
    b += [(*person("Thị", i), LIST_AWARD) for i in range(rows - shared)]
    paths = {"a": directory / "ds_a.xlsx", "b": directory / "ds_b.xlsx"}
    paths["a"].write_bytes(nomination_list(a))
    paths["b"].write_bytes(nomination_list(b))
    return paths


def environment(url: str) -> dict[str, str]:
    """Return the environment of a `python -m tdkt` run against url."""
    return {**os.environ, "TDKT_DATABASE_URL": url, "TDKT_SECRET_KEY": SECRET, "PYTHONPATH": str(ROOT)}


def start_import(url: str, path: Path, log: Path, *extra: str) -> subprocess.Popen:
    """Start `python -m tdkt import --json path` against url, its output going to the files log.out and log.err.

    Files rather than pipes: a list of 100k rows prints its records as JSON, more than a pipe holds while nobody reads.
    """
    with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", "tdkt", "import", "--json", *extra, str(path)], cwd=ROOT,
                                env=environment(url), stdout=out, stderr=err)


@dataclass(frozen=True)
class Outcome:
    """How one import run ended: exit code, the JSON object it printed for the file, and all it printed."""

    code: int
    report: dict
    text: str

    @property
    def codes(self) -> set[str]:
        """Return the codes of the problems the run reported."""
        return {i["code"] for i in self.report.get("errors", []) + self.report.get("warnings", [])}


def finish(process: subprocess.Popen, log: Path, timeout: float = 120) -> Outcome:
    """Wait for an import run started with start_import(…, log); return its outcome."""
    code = process.wait(timeout)
    out = log.with_suffix(".out").read_text(errors="replace")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return Outcome(code, json.loads(lines[-1]) if lines else {}, out + log.with_suffix(".err").read_text(
        errors="replace"))


def counts(engine: sa.Engine) -> dict[str, int]:
    """Return the people, nominations and import batches in the database, and the people and nominations written
    more than once (the same person key; the same person, or collective, with the same award and year)."""
    queries = {
        "people": "SELECT count(*) FROM person",
        "nominations": "SELECT count(*) FROM nomination",
        "batches": "SELECT count(*) FROM import_batch",
        "duplicate_people": "SELECT count(*) - count(DISTINCT name_key || '|' || coalesce(birth_year, 0) || '|' || "
                            "coalesce(unit_id, 0)) FROM person",
        "duplicate_nominations": "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM nomination LEFT JOIN "
                                 "person ON person.id = nomination.person_id GROUP BY coalesce(person.name_key || '|' "
                                 "|| coalesce(person.birth_year, 0) || '|' || coalesce(person.unit_id, 0), "
                                 "nomination.collective_name), nomination.award_id, nomination.year) AS per_key",
    }
    with engine.connect() as connection:
        return {name: int(connection.exec_driver_sql(sql).scalar_one()) for name, sql in queries.items()}
