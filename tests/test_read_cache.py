"""The data version every write raises, the read cache keyed by it, and the nomination tallies kept in step by every
kind of write, on both engines."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import delete, update
from sqlmodel import Session, select

from tdkt.awards import dossier_moves, dossiers, stats
from tdkt.core import read_cache, tally
from tdkt.core.db import bulk_insert_rows, make_engine, read_session, write_session
from tdkt.core.models import Award, DataVersion, Nomination, NominationStatus, Role, Unit
from tests.test_dossiers import add_nominations
from tests.test_import_commit import CLEAN, _commit

S = NominationStatus


def version(engine) -> int:
    with read_session(engine) as session:
        return session.get(DataVersion, 1).version


def in_step(engine) -> dict:
    with engine.connect() as connection:
        return tally.differences(connection)


def test_every_write_raises_the_version_in_its_transaction_and_a_failed_one_does_not(engine):
    first = version(engine)
    with write_session(engine) as session:
        session.add(Unit(name="Phòng Thử nghiệm", kind="phong"))
    assert version(engine) == first + 1
    with pytest.raises(RuntimeError), write_session(engine) as session:
        session.add(Unit(name="Phòng Không lưu", kind="phong"))
        raise RuntimeError("rolled back")
    assert version(engine) == first + 1
    with write_session(engine, bump=False) as session:  # sign-in bookkeeping: no cached result reads it
        session.add(Unit(name="Phòng Sổ sách", kind="phong"))
    assert version(engine) == first + 1


def test_two_writers_at_once_each_raise_the_version_once(engine):
    first, errors = version(engine), []

    def write(i: int) -> None:
        try:
            with write_session(engine) as session:
                session.add(Unit(name=f"Phòng song song {i}", kind="phong"))
        except Exception as error:  # noqa: BLE001 -- reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and version(engine) == first + 4


def counting(calls: list):
    def compute(session, *, year: int) -> pd.DataFrame:
        calls.append(year)
        return pd.DataFrame({"year": [year], "n": [len(calls)]})
    return compute


def test_a_result_is_computed_once_per_version_and_again_after_any_write(engine):
    calls: list[int] = []
    compute = counting(calls)
    with read_session(engine) as session:
        first = read_cache.cached(session, compute, year=2024)
        again = read_cache.cached(session, compute, year=2024)
        other = read_cache.cached(session, compute, year=2023)
    assert calls == [2024, 2023] and first.equals(again) and list(other.year) == [2023]
    again.loc[0, "n"] = 99  # the caller's copy: the cached frame does not change
    with read_session(engine) as session:
        assert read_cache.cached(session, compute, year=2024).loc[0, "n"] == 1
    with write_session(engine) as session:
        session.add(Unit(name="Phòng Mới", kind="phong"))
    with read_session(engine) as session:
        read_cache.cached(session, compute, year=2024)
    assert calls == [2024, 2023, 2024]


def test_another_process_writing_makes_this_one_read_again(engine, db_url):
    """A second engine stands for another app process: its write reaches this process through the version."""
    calls: list[int] = []
    compute = counting(calls)
    with read_session(engine) as session:
        read_cache.cached(session, compute, year=2024)
    other = make_engine(db_url)
    with write_session(other) as session:
        session.add(Unit(name="Phòng của tiến trình khác", kind="phong"))
    other.dispose()
    with read_session(engine) as session:
        read_cache.cached(session, compute, year=2024)
    assert calls == [2024, 2024]


def test_the_statistics_of_a_cached_page_follow_a_move(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None)])
    with read_session(engine) as session:
        before = read_cache.cached(session, stats.count_tables, year=2024, dimensions=("status",))
    with write_session(engine) as session:
        dossier_moves.move(session, office, nomination_ids=ids, to=S.KHONG_DUYET)
    with read_session(engine) as session:
        after = read_cache.cached(session, stats.count_tables, year=2024, dimensions=("status",))
    counts = [dict(zip(t["status"].key, t["status"].nominations, strict=True)) for t in (before, after)]
    assert (counts[0]["de_nghi"], counts[0]["khong_duoc_duyet"]) == (2, 0)
    assert (counts[1]["de_nghi"], counts[1]["khong_duoc_duyet"]) == (0, 2)


def test_the_tallies_follow_every_kind_of_write(engine, actors):
    office = actors[Role.VAN_PHONG]
    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None), ("Hà Văn Cường", None)])
    assert in_step(engine) == {}
    with write_session(engine) as session:  # the path, one by one and as a selection
        dossiers.advance(session, office, nomination_ids=ids[:1], to=S.HOI_DONG, votes_for=9, council_members=9)
        dossier_moves.move(session, office, nomination_ids=ids[1:], to=S.KHONG_DUYET)
    with write_session(engine) as session:
        dossiers.advance(session, office, nomination_ids=ids[:1], to=S.DA_TRINH, today=date(2025, 1, 5))
        dossiers.advance(session, office, nomination_ids=ids[:1], to=S.CO_QUYET_DINH, today=date(2025, 1, 20),
                         decision_number="1/QĐ", decision_date=date(2025, 1, 15), decision_authority="UBND tỉnh")
    assert in_step(engine) == {}
    imported = _commit(engine, actors, CLEAN)  # the importer's bulk insert
    assert in_step(engine) == {}
    with write_session(engine) as session:  # a statement (as a submission sets the received date), then undo
        session.execute(update(Nomination).where(Nomination.batch_id == imported.batch_id)
                        .values(received_on=date(2024, 12, 1), category="Khác"))
    assert in_step(engine) == {}
    from tdkt.importing.nomination_lists import commit

    with write_session(engine) as session:
        commit.undo_batch(session, office, batch_id=imported.batch_id)
    assert in_step(engine) == {}
    with Session(engine) as session:  # a plain session, outside write_session: edited, then deleted
        n = session.get(Nomination, ids[1])
        n.year, n.category = 2023, None
        session.add(n)
        session.commit()
        session.delete(session.get(Nomination, ids[2]))
        session.commit()
    assert in_step(engine) == {}
    with write_session(engine) as session:
        session.execute(delete(Nomination).where(Nomination.id == ids[0]))
    assert in_step(engine) == {}


def test_a_bulk_insert_outside_any_session_is_counted_and_a_rolled_back_one_is_not(engine):
    with read_session(engine) as session:
        award = session.exec(select(Award.id).where(Award.code == "LDTT")).one()
    names = ["year", "target", "collective_name", "award_id", "status", "decision_date", "created_at"]
    made = datetime(2024, 12, 31, tzinfo=UTC)
    rows = [(2024, "tap_the", f"Tổ {i}", award, "co_quyet_dinh" if i % 2 else "de_nghi",
             date(2024, 12, 20) if i % 2 else None, made) for i in range(6)]
    with engine.begin() as connection:
        bulk_insert_rows(connection, Nomination.__table__, names, rows)
    assert in_step(engine) == {}
    with pytest.raises(RuntimeError), engine.begin() as connection:
        bulk_insert_rows(connection, Nomination.__table__, names, rows)
        raise RuntimeError("rolled back")
    assert in_step(engine) == {}
    with read_session(engine) as session:
        assert stats.summary(session, year=2024)["decisions"] == 3


def test_rebuild_counts_afresh_after_a_write_that_bypassed_the_hooks(engine, actors):
    add_nominations(engine, [("Trần Văn An", None)])
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE nomination SET status = 'khong_duoc_duyet'")
    assert in_step(engine) != {}
    with engine.begin() as connection:
        tally.rebuild(connection)
    assert in_step(engine) == {}


def test_database_rows_are_refused_by_the_cache(engine):
    def rows(session):
        return session.exec(select(Unit)).all()

    with read_session(engine) as session, pytest.raises(TypeError, match="returns database rows"):
        read_cache.cached(session, rows)


def test_the_completeness_from_the_tally_equals_the_count_of_every_nomination(engine, actors):
    """A year without list documents: the counts by award (tally) and the per-nomination count agree, with
    documents attached to some nominations and a requirement the Office set."""
    from tdkt.awards import checklist
    from tdkt.core.attachment_tables import Attachment

    ldtt = add_nominations(engine, [(f"Người {i}", None) for i in range(5)])
    cstd = add_nominations(engine, [("Hà Thị Cúc", None), ("Vi Văn Dũng", None)], award="CSTDCS")
    with write_session(engine) as session:
        award = session.get(Nomination, cstd[0]).award_id
        checklist.set_requirement(session, actors[Role.VAN_PHONG], year=2024, award_id=award,
                                  kinds=["to_trinh", "bao_cao_thanh_tich"])
        for nomination, kind in ((cstd[0], "to_trinh"), (cstd[0], "bao_cao_thanh_tich"), (cstd[1], "to_trinh"),
                                 (ldtt[0], "to_trinh")):
            session.add(Attachment(year=2024, nomination_id=nomination, kind=kind, sha256="0" * 64, size=1,
                                   media_type="application/pdf", file_name="a.pdf"))
    with read_session(engine) as session:
        states = checklist.dossier_states(session, nomination_ids=ldtt + cstd)  # one by one: the reference
        year = checklist.completeness(session, year=2024)
        award_only = checklist.completeness(session, year=2024, award_id=award)
        period = checklist.count_complete(session, Nomination.id.in_(ldtt + cstd))

    def reference(picked) -> dict:
        lacking = Counter(kind for s in picked for kind in s.missing)
        return {"complete": sum(s.complete for s in picked), "incomplete": sum(not s.complete for s in picked),
                "missing": {checklist.kind_label(k, year=2024): lacking[k] for k in checklist.REQUIRABLE
                            if lacking[k]}}

    assert year == period == reference(list(states.values()))
    assert award_only == reference([states[i] for i in cstd])
    assert (award_only["complete"], award_only["incomplete"]) == (1, 1)


@pytest.mark.parametrize("period", ["h1", "year"])
def test_the_review_reads_each_periods_counts_once_and_gives_what_figures_and_the_award_table_give(engine, period):
    from tdkt.reports import reports

    ids = add_nominations(engine, [("Trần Văn An", None), ("Lê Thị Bình", None)])
    add_nominations(engine, [("Hà Thị Cúc", None)], award="CSTDCS")
    with write_session(engine) as session:
        for i in ids:
            session.get(Nomination, i).received_on = date(2024, 3, 1)
    as_of = date(2025, 1, 1)
    with read_session(engine) as session:
        data, awards = reports.review(session, year=2024, period=period, as_of=as_of)
        first, last = reports.period(2024, period)
        alone = reports.figures(session, year=2024, period=period, as_of=as_of)
        table = reports.award_table(session, start=first, end=last, basis=alone["basis"])
    assert data == alone and awards.equals(table)
    assert sum(data["nominations"].values()) == (2 if period == "h1" else 3)
