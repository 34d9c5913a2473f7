from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from xiaoyou.accounts.models import User
from xiaoyou.alumni.demo_data import generate_records
from xiaoyou.alumni.models import AlumniRecord, DegreeLevel, Department, Major
from xiaoyou.organizations.models import Organization, OrganizationKind, OrgRole, Role

pytestmark = pytest.mark.django_db

CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "司徒", "东方", "皇甫", "令狐", "慕容", "尉迟")
# Seconds the whole seed may take on the CI machine (2 cores), SQLite or PostgreSQL.
TIME_LIMIT = 60


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the modules' demo photos and covers
    cache.clear()  # the demo posts and votes count in rate limits; user ids repeat
    yield tmp_path
    cache.clear()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "departments": Department.objects.count(),
        "majors": Major.objects.count(),
        "records": AlumniRecord.objects.count(),
        "users": User.objects.count(),
        "roles": OrgRole.objects.count(),
    }


def test_seed_demo_builds_a_believable_school_fast_and_idempotently(var_dir):
    started = time.monotonic()
    output = seed()
    elapsed = time.monotonic() - started
    print(f"seed-demo took {elapsed:.2f} s")
    assert elapsed < TIME_LIMIT
    assert "Demo school 示范大学" in output

    first = counts()
    assert first == {
        "organizations": 14,
        "departments": 8,
        "majors": 25,
        "records": 2000,
        "users": 18,  # the 6 demo accounts and 12 demo alumni (alumni/demo/members.py)
        "roles": 7,
    }
    started = time.monotonic()
    second_output = seed()
    print(f"second seed-demo took {time.monotonic() - started:.2f} s")
    assert counts() == first
    assert "nothing new" in second_output

    root = Organization.objects.get(parent__isnull=True)
    assert root.name == "示范大学校友总会"
    assert root.kind == OrganizationKind.MAIN
    kinds = Organization.objects.values_list("kind", flat=True)
    assert sorted(set(kinds)) == ["club", "college", "industry", "main", "regional"]
    regional = set(
        Organization.objects.filter(kind="regional").values_list("short_name", flat=True)
    )
    assert {"北京校友会", "上海校友会", "深圳校友会", "纽约校友会"} <= regional
    assert Organization.objects.filter(kind="club").count() == 2
    cs = Department.objects.get(code="CS")
    assert cs.org.name == "计算机科学与技术学院校友会"
    assert list(cs.majors.values_list("name", flat=True)) == sorted(
        ["计算机科学与技术", "软件工程", "人工智能", "网络空间安全"]
    )


def test_demo_records_look_real(var_dir):
    seed()
    records = AlumniRecord.objects.select_related("department", "major")
    names = list(records.values_list("name", flat=True))
    assert all(CHINESE_NAME.match(name) for name in names)
    two_character = [name for name in names if len(name) == 2]
    assert len(two_character) > 200  # 张伟, 李娜: a common shape that search must handle
    compound = [name for name in names if name.startswith(COMPOUND_SURNAMES)]
    assert len(compound) >= 10
    assert {name[:2] for name in compound} >= {"欧阳", "司马"}
    # Surnames follow their frequency: 王, 李 and 张 lead.
    from collections import Counter

    top = [surname for surname, _ in Counter(name[0] for name in names).most_common(3)]
    assert set(top) == {"王", "李", "张"}
    assert len(set(records.values_list("student_id", flat=True))) == 2000
    degrees = Counter(records.values_list("degree_level", flat=True))
    assert set(degrees) == set(DegreeLevel.values)
    assert degrees[DegreeLevel.BACHELOR] > degrees[DegreeLevel.MASTER] > degrees[DegreeLevel.DOCTOR]
    assert set(records.values_list("gender", flat=True)) == {"male", "female"}
    for record in records[:200]:
        assert record.major.department_id == record.department_id
        assert record.enrollment_year < record.graduation_year <= 2025
        assert 16 <= record.enrollment_year - record.birth_date.year <= 30
        assert record.org.parent_id is None
        assert record.email == "" or record.email.split("@")[1].startswith("example.")
    assert records.exclude(employer="").count() > 1500
    assert records.values("city").distinct().count() > 15


def test_generation_is_deterministic():
    assert list(generate_records(50)) == list(generate_records(50))
    assert list(generate_records(100))[:50] == list(generate_records(50))


def test_accounts_and_credentials_file(var_dir):
    seed("--records", "100")
    path = var_dir / "demo-credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["school"] == "示范大学"
    assert set(data["accounts"]) == {
        "platform_admin",
        "cs_admin",
        "em_admin",
        "beijing_admin",
        "shanghai_admin",
        "alumnus",
    }
    admin_entry = data["accounts"]["platform_admin"]
    admin = User.objects.get(username=admin_entry["username"])
    assert admin.is_superuser and admin.is_staff
    assert admin.phone == admin_entry["phone"] == "+8613800138000"
    assert admin.check_password(admin_entry["password"])
    assert len(admin_entry["password"]) >= 16
    root = Organization.objects.get(parent__isnull=True)
    assert OrgRole.objects.filter(user=admin, org=root, role=Role.ADMIN).exists()

    cs_admin = User.objects.get(username=data["accounts"]["cs_admin"]["username"])
    assert cs_admin.is_staff and not cs_admin.is_superuser
    assert list(OrgRole.objects.filter(user=cs_admin).values_list("org__name", "role")) == [
        ("计算机科学与技术学院校友会", "admin")
    ]
    alumnus = User.objects.get(username="demo-alumnus")
    assert not alumnus.is_staff
    assert alumnus.alumni_record.department.code == "CS"
    assert alumnus.display_name == alumnus.alumni_record.name

    # A second run keeps every password.
    seed("--records", "100")
    assert json.loads(path.read_text(encoding="utf-8"))["accounts"] == data["accounts"]
    admin.refresh_from_db()
    assert admin.check_password(admin_entry["password"])


def test_passwords_are_random_per_installation(var_dir):
    seed("--records", "10")
    first = json.loads((var_dir / "demo-credentials.json").read_text())["accounts"]
    # The same database seeded for a lost credentials file gets new passwords, not fixed ones.
    (var_dir / "demo-credentials.json").unlink()
    seed("--records", "10")
    second = json.loads((var_dir / "demo-credentials.json").read_text())["accounts"]
    assert first["platform_admin"]["password"] != second["platform_admin"]["password"]
    admin = User.objects.get(username="demo-admin")
    assert admin.check_password(second["platform_admin"]["password"])


def test_if_empty_does_nothing_when_organizations_exist(var_dir, org_tree):
    before = counts()
    output = seed("--if-empty")
    assert "not loaded" in output
    assert counts() == before
    assert not (var_dir / "demo-credentials.json").exists()


def test_if_empty_seeds_an_empty_database_once(var_dir):
    seed("--if-empty", "--records", "50")
    assert AlumniRecord.objects.count() == 50
    seed("--if-empty", "--records", "50")
    assert AlumniRecord.objects.count() == 50


def test_school_name_is_configurable(var_dir):
    seed("--school", "东海大学", "--records", "10")
    root = Organization.objects.get(parent__isnull=True)
    assert root.name == "东海大学校友总会"
    assert root.school_name == "东海大学"
    assert Organization.objects.filter(name="东海大学北京校友会").exists()


def test_demo_login_prints_the_platform_admin(var_dir):
    seed("--records", "10")
    data = json.loads((var_dir / "demo-credentials.json").read_text())["accounts"]["platform_admin"]
    out = StringIO()
    call_command("demo_login", "--url", "http://127.0.0.1:8000", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/console/" in text
    assert data["phone"] in text and data["email"] in text
    assert f"Password: {data['password']}" in text
    assert "two-factor" in text and "TOTP" in text
    assert "changed" not in text


def test_demo_login_without_demo_data(var_dir):
    out = StringIO()
    call_command("demo_login", stdout=out)
    assert "demo school was not loaded" in out.getvalue()


def test_demo_login_notices_a_changed_password(var_dir):
    seed("--records", "10")
    admin = User.objects.get(username="demo-admin")
    admin.set_password("a-new-password-of-my-own")
    admin.save(update_fields=["password"])
    out = StringIO()
    call_command("demo_login", stdout=out)
    assert "the password was changed since the demo was loaded" in out.getvalue()


def test_hyphenated_command_names_work_from_the_cli():
    # scripts/start types `xiaoyou seed-demo` and `xiaoyou demo-login`.
    for name in ("seed-demo", "demo-login"):
        result = subprocess.run(
            [sys.executable, "-m", "xiaoyou", name, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "usage:" in result.stdout
