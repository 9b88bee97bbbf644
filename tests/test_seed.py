"""The seed against the plan document: tasks per quarter, each task word for word, header, units, clusters."""

from datetime import date

from sqlmodel import Session, func, select

from tdkt.core.models import Award, AwardAlias, Cluster, ClusterMember, Plan, PlanTask, Unit, User
from tdkt.plan import plan as plan_module
from tdkt.seeding.seed import PLAN_FILES, bootstrap, parse_plan

# The plan's table as the document prints it: (quarter, number, content, units).
EXPECTED_TASKS = [
    (1, 1, "Phát động phong trào thi đua trong ngành phần đầu hoàn thành các chỉ tiêu kế hoạch được giao năm 2024.",
     ["Công đoàn", "Văn phòng Sở"]),
    (1, 2, "Tổ chức ký kết giao ước thi đua năm 2024.", ["Các phòng, đơn vị trực thuộc Sở"]),
    (1, 3, "Ký kết giao ước thi đua với Cụm II - Các cơ quan quản lý chuyên ngành.", ["Văn phòng Sở"]),
    (1, 4, "Xây dựng dự thảo Quy định về công tác TĐKT sở Công Thương (sau khi có TT hướng dẫn TĐKT của Bộ Nội vụ "
           "và sau khi UBND tỉnh ban hành Quy định mới về công tác TĐKT).", ["Văn phòng Sở"]),
    (2, 1, "Sửa đổi quy chế làm việc của Hội đồng TĐKT; Hội đồng sáng kiến (nếu có).", ["Văn phòng Sở", "HĐ TĐKT"]),
    (3, 2, "Báo cáo sơ kết công tác thi đua khen thưởng 6 tháng năm 2024 (cụm II – Các cơ quan quản lý chuyên ngành).",
     ["Văn phòng Sở", "HĐ TĐKT"]),
    (3, 3, "Báo cáo sơ kết công tác thi đua khen thưởng 6 tháng năm 2024 (cụm III - Sở Công Thương 04 tỉnh thuộc Bộ "
           "Công Thương).", ["Văn phòng Sở", "HĐ TĐKT"]),
    (4, 1, "- Hướng dẫn thực hiện công nhận sáng kiến; - Hướng dẫn tổng kết công tác thi đua khen thưởng năm 2024.",
     ["Văn phòng Sở", "HĐ TĐKT"]),
    (4, 2, "Tổ chức triển khai bình xét danh hiệu thi đua và xét đề nghị các cấp khen thưởng.",
     ["HĐ TĐKT", "Các phòng, đơn vị trực thuộc Sở"]),
    (4, 3, "Trình khen thưởng cho các tập thể, cá nhân có thành tích trong năm.",
     ["HĐ TĐKT", "Các phòng, đơn vị trực thuộc Sở"]),
    (4, 4, "Tổng kết công tác thi đua khen thưởng ngành Công Thương.", ["Văn phòng Sở", "HĐ TĐKT"]),
]


def test_parse_plan_reads_every_task_word_for_word():
    parsed = parse_plan(PLAN_FILES[2024].read_text(encoding="utf-8"),
                        known_units={"cac phong, don vi truc thuoc so"})
    assert [(t.quarter, t.number, t.content, t.units) for t in parsed.tasks] == EXPECTED_TASKS


def test_parse_plan_reads_the_header():
    parsed = parse_plan(PLAN_FILES[2024].read_text(encoding="utf-8"), known_units=set())
    assert (parsed.number, parsed.symbol, parsed.issued_on, parsed.title, parsed.signer, parsed.signer_title,
            parsed.dossier_deadline, parsed.place) == (
        None, "KH-SCT", date(2024, 1, 12), "Công tác thi đua, khen thưởng năm 2024", "Nguyễn Đình Đại",
        "Giám đốc", date(2024, 12, 15), "Lạng Sơn")


def test_seeded_plan_has_tasks_per_quarter_as_printed(engine):
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 1, 1))
    assert frame.groupby("quarter").size().to_dict() == {1: 4, 2: 1, 3: 2, 4: 4}
    assert [(r.quarter, r.number, r.content, list(r.units)) for r in frame.itertuples()] == EXPECTED_TASKS


def test_seeded_task_units_link_to_units_except_none(engine):
    with Session(engine) as session:
        frame = plan_module.tasks(session, year=2024, as_of=date(2024, 1, 1))
    assert all(len(r.unit_ids) == len(r.units) for r in frame.itertuples())


def test_seeded_units_include_the_department_and_the_plans_bodies(engine):
    with Session(engine) as session:
        names = set(session.exec(select(Unit.name)).all())
        shorts = set(session.exec(select(Unit.short_name)).all())
    assert {"Ban Giám đốc", "Văn phòng Sở", "Thanh tra Sở", "Các phòng, đơn vị trực thuộc Sở"} <= names
    assert {"Công đoàn", "HĐ TĐKT", "Hội đồng sáng kiến"} <= shorts


def test_seeded_clusters_hold_the_department_alone(engine):
    with Session(engine) as session:
        clusters = session.exec(select(Cluster).order_by(Cluster.code)).all()
        members = session.exec(select(ClusterMember).join(Cluster).where(Cluster.code.in_(["Cụm II", "Cụm III"]))).all()
    assert [(c.year, c.code) for c in clusters] == [(2024, "Cụm II"), (2024, "Cụm III"), (2024, "Nội bộ")]
    assert [(m.name, m.is_us) for m in members] == [("Sở Công Thương Lạng Sơn", True)] * 2


def test_seeded_catalogue_has_every_entry_and_alias(engine):
    from tdkt.awards import catalog

    with Session(engine) as session:
        awards = session.exec(select(func.count()).select_from(Award)).one()
        aliases = session.exec(select(func.count()).select_from(AwardAlias)).one()
    assert awards == len(catalog.CATALOG)
    assert aliases == sum(len(catalog.aliases(s)) for s in catalog.CATALOG)


def test_seed_creates_one_account_per_role_that_must_change_password(tmp_path):
    from dataclasses import replace

    from tdkt.core.config import Settings

    engine, result = bootstrap(replace(Settings(), database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="x" * 40))
    with Session(engine) as session:
        users = session.exec(select(User).order_by(User.username)).all()
    assert sorted(u.role for u in users) == ["don_vi", "lanh_dao", "quan_tri", "van_phong"]
    assert all(u.must_change_password for u in users)
    assert [a[0] for a in result.accounts] == ["quantri", "vanphong", "lanhdao", "donvi"]


def test_second_bootstrap_changes_nothing(settings, engine):
    def counts():
        with Session(engine) as session:
            return [session.exec(select(func.count()).select_from(t)).one()
                    for t in (Plan, PlanTask, Unit, Award, User)]

    before = counts()
    _, result = bootstrap(settings)
    assert (result.created, result.accounts, result.awards_added, counts()) == (False, [], 0, before)
