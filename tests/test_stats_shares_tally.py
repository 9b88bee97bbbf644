"""The shares of decided individuals by category read the tally, and the person's category only for nominations that
carry none: the same split as counted from the nominations, with or without the unit and award filters."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from tdkt.awards import categories, stats
from tdkt.core.models import Award, Nomination, Person, Unit

LEADER, DIRECT = categories.DEPARTMENT_LEADER[0], categories.DIRECT_WORKER_NAME


def test_an_individual_without_a_category_takes_the_persons_and_filters_agree(engine):
    with Session(engine) as session:
        unit = session.exec(select(Unit).order_by(Unit.id)).first().id
        award = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
        people = [Person(full_name=n, name_key=n.lower(), unit_id=unit, category=c)
                  for n, c in (("Nguyễn Văn An", LEADER), ("Trần Thị Bình", None), ("Lê Văn Cường", DIRECT))]
        session.add_all(people)
        session.flush()
        for person, category in zip(people, (None, DIRECT, ""), strict=True):  # "" stays "" (coalesce keeps it)
            session.add(Nomination(year=2024, target="ca_nhan", person_id=person.id, unit_id=unit, award_id=award,
                                   category=category, status="co_quyet_dinh", decision_date=date(2024, 12, 20)))
        session.commit()
        everything = stats.shares(session, year=2024)
        of_unit = stats.shares(session, year=2024, unit_id=unit)  # the unit filter reads the nominations
        of_award = stats.shares(session, year=2024, award_id=award)
    people_rows = [(r.part, r.n) for r in everything.itertuples() if r.group == "Cá nhân"]
    assert people_rows == [(stats.DIRECT_WORKER, 1), (stats.LEADER, 1), (stats.OTHER_INDIVIDUAL, 1)]
    assert of_unit.equals(everything) and of_award.equals(everything)
