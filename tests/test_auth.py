"""Passwords, sign-in tokens, sign-out, the permission matrix and account administration."""

from dataclasses import replace
from datetime import timedelta

import jwt
import pytest
from sqlmodel import Session, select

from tdkt.core import auth, permissions
from tdkt.core.db import read_session, write_session
from tdkt.core.models import AuditLog, AuthSession, Role, Unit, User, utcnow
from tests.conftest import PASSWORD, SECRET


def _user(session, username):
    return session.exec(select(User).where(User.username == username)).one()


def test_passwords_are_hashed_with_argon2():
    hashed = auth.hash_password("MatKhau2024")
    assert hashed.startswith("$argon2id$") and auth.verify_password(hashed, "MatKhau2024")
    assert not auth.verify_password(hashed, "matkhau2024") and not auth.verify_password("rác", "x")


def test_sign_in_with_wrong_password_or_unknown_user_is_refused_alike(engine):
    with write_session(engine) as session:
        for username, password in [("vanphong", "sai"), ("khongco", PASSWORD)]:
            with pytest.raises(auth.AuthError, match="Sai tên đăng nhập hoặc mật khẩu"):
                auth.authenticate(session, username=username, password=password)


def test_locked_account_cannot_sign_in(engine):
    with write_session(engine) as session:
        _user(session, "lanhdao").active = False
    with write_session(engine) as session:
        with pytest.raises(auth.AuthError, match="khóa"):
            auth.authenticate(session, username="lanhdao", password=PASSWORD)


def test_token_names_the_user_until_it_expires_or_is_revoked(engine):
    with write_session(engine) as session:
        user = auth.authenticate(session, username="VanPhong ", password=PASSWORD)
        token, expires = auth.issue_token(session, user=user, secret=SECRET, hours=2)
    with write_session(engine) as session:
        assert auth.user_from_token(session, token=token, secret=SECRET).username == "vanphong"
        assert auth.user_from_token(session, token=token, secret="another-secret-0123456789-abcdefghij") is None
        assert auth.user_from_token(session, token=token + "x", secret=SECRET) is None
        auth.revoke_token(session, token=token, secret=SECRET)
    with write_session(engine) as session:
        assert auth.user_from_token(session, token=token, secret=SECRET) is None
    assert timedelta(hours=1, minutes=59) < expires - utcnow() <= timedelta(hours=2)


def test_expired_token_is_refused(engine):
    with write_session(engine) as session:
        user = _user(session, "vanphong")
        token, _ = auth.issue_token(session, user=user, secret=SECRET, hours=1)
        record = session.exec(select(AuthSession)).one()
        record.expires_at = utcnow() - timedelta(seconds=1)
    with write_session(engine) as session:
        assert auth.user_from_token(session, token=token, secret=SECRET) is None
    forged = jwt.encode({"sub": str(user.id), "jti": record.id, "exp": utcnow() + timedelta(hours=5)}, SECRET)
    with write_session(engine) as session:
        assert auth.user_from_token(session, token=forged, secret=SECRET) is None


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.LANH_DAO, {"xem", "xem_tiep_nhan"}),
    (Role.VAN_PHONG, {"xem", "sua_ke_hoach", "cap_nhat_nhiem_vu", "nhap_danh_sach", "quan_ly_cum", "xu_ly_ho_so",
                       "tiep_nhan_ho_so", "xem_tiep_nhan", "dinh_kem_ho_so", "thanh_phan_ho_so", "nhac_han",
                       "quan_ly_don_vi", "dang_ky_thi_dua", "hoi_dong", "soan_van_ban", "cham_diem"}),
    (Role.QUAN_TRI, {"xem", "quan_tri", "xem_nhat_ky", "xem_tiep_nhan", "quan_ly_don_vi", "sao_luu", "khoi_phuc"}),
    (Role.DON_VI, {"xem", "cap_nhat_nhiem_vu", "nhap_danh_sach", "nop_ho_so", "xem_tiep_nhan", "dinh_kem_ho_so",
                     "dang_ky_thi_dua"}),
])
def test_permission_matrix(role, allowed):
    actor = permissions.Actor(id=1, username="x", role=role, unit_id=7)
    assert {a for a in permissions.PERMISSIONS if permissions.can(actor, a, unit_ids={7})} == allowed


def test_unit_user_may_only_touch_its_own_unit():
    actor = permissions.Actor(id=1, username="x", role=Role.DON_VI, unit_id=7)
    assert permissions.can(actor, "cap_nhat_nhiem_vu", unit_ids={3, 7})
    assert not permissions.can(actor, "cap_nhat_nhiem_vu", unit_ids={3})
    assert not permissions.can(actor, "cap_nhat_nhiem_vu")
    with pytest.raises(permissions.PermissionDenied, match="chính đơn vị mình"):
        permissions.require(actor, "cap_nhat_nhiem_vu", unit_ids={3})
    with pytest.raises(permissions.PermissionDenied, match="đăng nhập"):
        permissions.require(None, "xem")


def test_first_password_change_clears_the_flag_and_checks_strength(engine):
    with write_session(engine) as session:
        user = _user(session, "donvi")
        user.must_change_password = True
        for new, confirm, message in [("ngan1", "ngan1", "8 ký tự"), ("MatKhauMoi", "MatKhauMoi", "chữ và số"),
                                      ("MatKhau2025", "MatKhau2026", "không khớp"), ("donvi", "donvi", "8 ký tự")]:
            with pytest.raises(auth.AuthError, match=message):
                auth.change_password(session, user=user, old_password=PASSWORD, new_password=new, confirm=confirm)
        with pytest.raises(auth.AuthError, match="hiện tại không đúng"):
            auth.change_password(session, user=user, old_password="sai", new_password="MatKhau2025",
                                 confirm="MatKhau2025")
        auth.change_password(session, user=user, old_password=PASSWORD, new_password="MatKhau2025",
                             confirm="MatKhau2025")
    with write_session(engine) as session:
        user = auth.authenticate(session, username="donvi", password="MatKhau2025")
        assert not user.must_change_password


def test_admin_creates_edits_and_resets_accounts_with_audit(engine, actors):
    admin = actors[Role.QUAN_TRI]
    with write_session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.name == "Thanh tra Sở")).one()
        user, password = auth.create_user(session, admin, username="Thanh.Tra", display_name="Cán bộ Thanh tra",
                                          role=Role.DON_VI, unit_id=unit.id)
        auth.update_user(session, admin, user_id=user.id, display_name="Thanh tra", role=Role.LANH_DAO,
                         unit_id=None, active=True)
        new_password = auth.reset_password(session, admin, user_id=user.id)
    with write_session(engine) as session:
        signed = auth.authenticate(session, username="thanh.tra", password=new_password)
        actions = session.exec(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert (signed.role, signed.must_change_password, password != new_password) == ("lanh_dao", True, True)
    assert actions[-3:] == ["tao_nguoi_dung", "sua_nguoi_dung", "dat_lai_mat_khau"]


def test_account_rules(engine, actors):
    admin = actors[Role.QUAN_TRI]
    with write_session(engine) as session:
        with pytest.raises(auth.AuthError, match="đã có"):
            auth.create_user(session, admin, username="vanphong", display_name="", role=Role.VAN_PHONG)
        with pytest.raises(auth.AuthError, match="gắn với một đơn vị"):
            auth.create_user(session, admin, username="dv2", display_name="", role=Role.DON_VI)
        with pytest.raises(auth.AuthError, match="chữ thường không dấu"):
            auth.create_user(session, admin, username="Người dùng", display_name="", role=Role.LANH_DAO)
        with pytest.raises(auth.AuthError, match="chính mình"):
            auth.update_user(session, admin, user_id=admin.id, display_name="x", role=Role.LANH_DAO, unit_id=None,
                             active=True)


def test_accounts_are_listed_by_user_name_and_found_by_id_even_when_locked(engine):
    with write_session(engine) as session:
        _user(session, "lanhdao").active = False
    with read_session(engine) as session:
        names = [u.username for u in auth.list_users(session)]
        locked = auth.get_user(session, user_id=_user(session, "lanhdao").id)
        assert names == sorted(names) and {"lanhdao", "vanphong", "donvi"} <= set(names)
        assert (locked.username, locked.active) == ("lanhdao", False)
        assert auth.get_user(session, user_id=10**6) is None


@pytest.mark.parametrize("role", [Role.VAN_PHONG, Role.LANH_DAO, Role.DON_VI])
def test_only_admin_manages_accounts(engine, actors, role):
    with write_session(engine) as session:
        with pytest.raises(permissions.PermissionDenied):
            auth.create_user(session, actors[role], username="moi", display_name="", role=Role.LANH_DAO)
        with pytest.raises(permissions.PermissionDenied):
            auth.reset_password(session, actors[role], user_id=actors[Role.QUAN_TRI].id)


def test_settings_reject_a_bad_value_naming_the_variable(tmp_path):
    from tdkt.core.config import ConfigError, Settings

    for env, name in [({"TDKT_SESSION_HOURS": "abc"}, "TDKT_SESSION_HOURS"),
                      ({"TDKT_SECRET_KEY": "short"}, "TDKT_SECRET_KEY"),
                      ({"TDKT_DATABASE_URL": "mysql://x"}, "TDKT_DATABASE_URL")]:
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({"TDKT_SECRET_FILE": str(tmp_path / "k"), **env})
    made = Settings.from_env({"TDKT_SECRET_FILE": str(tmp_path / "k")})
    assert made.secret_key == Settings.from_env({"TDKT_SECRET_FILE": str(tmp_path / "k")}).secret_key
    assert replace(made, session_hours=1).session_hours == 1 and (tmp_path / "k").stat().st_mode & 0o777 == 0o600


def test_session_records_do_not_leak_between_users(engine):
    with write_session(engine) as session:
        a, b = _user(session, "vanphong"), _user(session, "lanhdao")
        token_a, _ = auth.issue_token(session, user=a, secret=SECRET, hours=1)
        record = session.exec(select(AuthSession)).one()
    tampered = jwt.encode({"sub": str(b.id), "jti": record.id, "exp": utcnow() + timedelta(hours=1)}, SECRET)
    with Session(engine) as session:
        assert auth.user_from_token(session, token=tampered, secret=SECRET) is None
        assert auth.user_from_token(session, token=token_a, secret=SECRET).id == a.id
