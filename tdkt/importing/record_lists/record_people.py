"""The people a record list names, found among those on record: exactly, else the one person whose gaps fit."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tdkt.core.models import Person

AMBIGUOUS = -1  # a person id that says several people on record fit the name


def known_people(session: Session, keys: set[tuple[str, int | None, int | None]]) -> dict[tuple, int]:
    """Return person ids by (folded name, birth year, unit): exact, else the one person whose missing year or unit
    fits; AMBIGUOUS when several fit. Keys not in the result are new people."""
    names = sorted({k[0] for k in keys if k[0]})
    candidates: dict[str, list[tuple[int, int | None, int | None]]] = {}
    for i in range(0, len(names), 1000):
        for pid, name_key, birth, unit in session.exec(
            select(Person.id, Person.name_key, Person.birth_year, Person.unit_id)
            .where(col(Person.name_key).in_(names[i:i + 1000])).order_by(Person.id)
        ).all():
            candidates.setdefault(name_key, []).append((pid, birth, unit))
    found: dict[tuple, int] = {}
    for key in keys:
        name, birth, unit = key
        people = candidates.get(name, [])
        exact = [p for p, b, u in people if b == birth and u == unit]
        if exact:
            found[key] = exact[0]
            continue
        fits = [p for p, b, u in people if (birth is None or b is None or b == birth)
                and (unit is None or u is None or u == unit)]
        if len(fits) == 1:
            found[key] = fits[0]
        elif len(fits) > 1:
            found[key] = AMBIGUOUS
    return found
