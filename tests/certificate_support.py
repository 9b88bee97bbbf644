"""Shared by the certificate tests: decided nominations put in a seeded database, and a PDF read back through
poppler (pdftotext -bbox for where each word is, pdftoppm for the pixels, pdffonts for the embedded fonts)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path

from sqlmodel import Session, select

from tdkt.core.db import write_session
from tdkt.core.models import Award, Nomination, NominationStatus, Person, Unit
from tdkt.core.text import fold

PT_PER_MM = 72 / 25.4


def add_nomination(session: Session, *, name: str, award_code: str, unit: str = "Văn phòng Sở", year: int = 2024,
                   target: str = "ca_nhan", gender: str | None = "Nữ", decision: str | None = "125/QĐ-SCT",
                   decided_on: date | None = date(2024, 12, 20), position: str | None = "Chuyên viên",
                   achievements: str | None = None) -> int:
    """Add one nomination (with its person for an individual), decided when a decision number is given."""
    unit_id = session.exec(select(Unit.id).where(Unit.name == unit)).one()
    award_id = session.exec(select(Award.id).where(Award.code == award_code)).one()
    person_id = None
    if target == "ca_nhan":
        person = Person(full_name=name, name_key=fold(name), gender=gender, unit_id=unit_id)
        session.add(person)
        session.flush()
        person_id = person.id
    nomination = Nomination(
        year=year, target=target, person_id=person_id, collective_name=None if person_id else name, unit_id=unit_id,
        award_id=award_id, position=position, achievements=achievements,
        status=NominationStatus.CO_QUYET_DINH if decision else NominationStatus.HOI_DONG,
        decision_number=decision, decision_date=decided_on if decision else None,
        decision_authority="Giám đốc Sở Công Thương" if decision else None)
    session.add(nomination)
    session.flush()
    return nomination.id


def add_many(engine, rows: list[dict]) -> list[int]:
    """Add nominations (add_nomination's keywords) in one transaction; return their ids."""
    with write_session(engine) as session:
        return [add_nomination(session, **row) for row in rows]


@dataclass(frozen=True, slots=True)
class Word:
    """One word pdftotext found: its page (from 1) and box in mm from the page's top-left corner."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def words(pdf: bytes, folder: Path) -> list[Word]:
    """Return every word of the PDF with its box (pdftotext -bbox), in mm."""
    source, target = folder / "in.pdf", folder / "words.html"
    source.write_bytes(pdf)
    subprocess.run(["pdftotext", "-bbox", str(source), str(target)], check=True, capture_output=True)
    found = []
    for page, chunk in enumerate(target.read_text(encoding="utf-8").split("<page ")[1:], start=1):
        for x0, y0, x1, y1, text in _WORD.findall(chunk):
            found.append(Word(page, unescape(text), *(float(v) / PT_PER_MM for v in (x0, y0, x1, y1))))
    return found


def text_of(pdf: bytes, folder: Path) -> str:
    """Return the PDF's text in reading order (pdftotext -layout)."""
    source = folder / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def fonts_of(pdf: bytes, folder: Path) -> list[list[str]]:
    """Return pdffonts' table: per font its name, type, encoding, embedded, subset, unicode columns."""
    source = folder / "fonts.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def dark_pixels(pdf: bytes, folder: Path, *, box_mm: tuple[float, float, float, float], page: int = 1,
                dpi: int = 50) -> int:
    """Return how many dark pixels the page has inside the box (x0, y0, x1, y1 in mm), rendered by pdftoppm."""
    source = folder / "pixels.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(source),
                    str(folder / "page")], check=True, capture_output=True)
    image = next(folder.glob("page*.pgm"))
    data = image.read_bytes()
    image.unlink()
    # Binary PGM: "P5\n<w> <h>\n255\n" then one byte a pixel.
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    width, height = int(header[1]), int(header[2])
    pixels = data[header.end():]
    scale = dpi / 25.4
    x0, y0, x1, y1 = (round(v * scale) for v in box_mm)
    return sum(1 for y in range(max(y0, 0), min(y1, height)) for x in range(max(x0, 0), min(x1, width))
               if pixels[y * width + x] < 128)
