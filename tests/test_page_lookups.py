"""The named lookups the pages call instead of querying: one unit by id, the awards a form offers."""

from sqlmodel import select

from tdkt.awards import catalog
from tdkt.core import units
from tdkt.core.db import read_session, write_session
from tdkt.core.models import Award, Unit


def test_a_unit_is_found_by_id_even_when_inactive(engine):
    with write_session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.name == "Thanh tra Sở")).one()
        unit.active = False
    with read_session(engine) as session:
        found = units.get_unit(session, unit_id=unit.id)
        assert (found.name, found.active) == ("Thanh tra Sở", False)
        assert units.get_unit(session, unit_id=10**6) is None


def test_award_choices_put_common_awards_first_in_catalogue_order(engine):
    expected = [spec.name for spec in sorted(catalog.CATALOG, key=lambda spec: not spec.is_common)]
    with read_session(engine) as session:
        choices = catalog.award_choices(session)
        ids = dict(session.exec(select(Award.name, Award.id)).all())
    assert list(choices) == expected
    assert choices == {name: ids[name] for name in expected}


def test_award_choices_for_a_target_keep_only_awards_given_to_it(engine):
    expected = [spec.name for spec in sorted(catalog.CATALOG, key=lambda spec: not spec.is_common)
                if "tap_the" in spec.targets]
    with read_session(engine) as session:
        choices = catalog.award_choices(session, target="tap_the")
    assert list(choices) == expected
    assert "Lao động tiên tiến" not in choices and "Tập thể lao động tiên tiến" in choices
