"""The `spbe` command, run as a user would (click's runner, real database)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from app.cli import main
from app.models import ProcessModelVersion, RoleAssignment, User
from app.services.context import Platform
from tests.conftest import PROCESSES, TEST_PASSWORD_COST

#: The tests' password cost, through the environment as an operator would set it.
CHEAP_PASSWORDS = {
    "PASSWORD_TIME_COST": str(TEST_PASSWORD_COST.time_cost),
    "PASSWORD_MEMORY_KIB": str(TEST_PASSWORD_COST.memory_kib),
    "PASSWORD_PARALLELISM": str(TEST_PASSWORD_COST.parallelism),
}


def spbe(platform: Platform, *args: str, demo: bool = False, stdin: str | None = None) -> Result:
    env = {
        "DATABASE_URL": platform.settings.database_url,
        "SPBE_DEMO": "1" if demo else "",
        **CHEAP_PASSWORDS,
    }
    return CliRunner().invoke(main, list(args), env=env, input=stdin)


def test_db_upgrade_is_idempotent(platform: Platform) -> None:
    result = spbe(platform, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "database at head" in result.output


def test_deploy_prints_deployed_then_unchanged(platform: Platform) -> None:
    shipped = sorted(path.stem for path in PROCESSES.glob("*.bpmn"))
    first = spbe(platform, "deploy", str(PROCESSES))
    assert first.exit_code == 0, first.output
    assert [f"deployed: {model} v1" in first.output for model in shipped] == [True] * len(shipped)
    second = spbe(platform, "deploy", str(PROCESSES))
    assert [f"unchanged: {m} v1" in second.output for m in shipped] == [True] * len(shipped)
    with platform.sessions() as session:
        versions = session.scalar(select(func.count()).select_from(ProcessModelVersion))
        assert versions == len(shipped)


def test_deploy_invalid_file_lists_errors_and_exits_1(platform: Platform, tmp_path) -> None:
    bad = tmp_path / "rusak.bpmn"
    bad.write_text("<bpmn:definitions>")
    result = spbe(platform, "deploy", str(bad))
    assert result.exit_code == 1
    assert "rusak.bpmn:1" in result.output
    assert "Traceback" not in result.output


def test_demo_needs_demo_mode_and_is_idempotent(platform: Platform) -> None:
    refused = spbe(platform, "demo")
    assert refused.exit_code == 1
    assert "SPBE_DEMO" in refused.output
    first = spbe(platform, "demo", demo=True)
    assert first.exit_code == 0, first.output
    second = spbe(platform, "demo", demo=True)
    assert "+0 agencies, +0 services, +0 users, +0 role assignments" in second.output
    with platform.sessions() as session:
        names = set(session.scalars(select(User.username)))
    assert {
        "pengguna",
        "penyedia",
        "admin.layanan",
        "admin.infra",
        "pj.layanan",
        "pj.infra",
        "pimpinan",
        "analis",
        "admin",
    } <= names


def test_users_create_grant_revoke(platform: Platform, demo: None) -> None:
    created = spbe(
        platform, "users", "create", "budi", "--password", "rahasia-123", "--agency", "BKPSDM"
    )
    assert created.exit_code == 0, created.output
    granted = spbe(
        platform, "users", "grant", "budi", "Administrator Layanan", "--service", "SIMPEG"
    )
    assert "granted" in granted.output
    assert (
        "already held"
        in spbe(
            platform, "users", "grant", "budi", "Administrator Layanan", "--service", "SIMPEG"
        ).output
    )
    listed = spbe(platform, "users", "list")
    assert "budi: Administrator Layanan (service:" in listed.output
    assert "deactivated budi" in spbe(platform, "users", "deactivate", "budi").output
    assert "budi [inactive]" in spbe(platform, "users", "list").output
    revoked = spbe(
        platform, "users", "revoke", "budi", "Administrator Layanan", "--service", "SIMPEG"
    )
    assert "revoked 1" in revoked.output
    with platform.sessions() as session:
        assert not session.scalar(
            select(func.count())
            .select_from(RoleAssignment)
            .join(User)
            .where(User.username == "budi")
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "grant", "siapa", "Admin Sistem"], "no user"),
        (["users", "grant", "admin", "Raja"], "unknown role"),
        (["users", "grant", "admin", "Admin Sistem", "--service", "X"], "no service"),
        (["users", "create", "x", "--password", "pendek"], "password"),
        (["users", "create", "admin", "--password", "panjang-sekali"], "taken"),
    ],
)
def test_users_errors_are_one_line(
    platform: Platform, demo: None, args: list[str], message: str
) -> None:
    result = spbe(platform, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "mysql+nodriver://x@y/z",
        "this is not a url",
    ],
)
def test_bad_database_url_is_one_clear_line(url: str) -> None:
    line = _one_line_failure(["db", "upgrade"], {"DATABASE_URL": url})
    assert "DATABASE_URL" in line or "database" in line


def _one_line_failure(args: list[str], env: dict[str, str]) -> str:
    """Run `spbe` in a fresh process; it must exit 2 with one line on stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**env, "SECRET_KEY": "x", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_demo_after_deploy_files_its_sample_cases(platform: Platform) -> None:
    """A request, a complaint, a past outage and a monitoring report, once."""
    from app.models import Instance, Schedule, Task

    spbe(platform, "deploy", str(PROCESSES))
    first = spbe(platform, "demo", demo=True)
    assert "sample request filed by pengguna: instance" in first.output
    assert "sample complaint filed by penyedia: instance" in first.output
    assert "sample outage filed by penyedia.bkpsdm: instance" in first.output
    assert "sample monitoring filed by penyedia.bkpsdm: instance" in first.output
    with platform.sessions() as session:
        scheduled = session.scalar(select(func.count()).select_from(Schedule))
    assert "sample" not in spbe(platform, "demo", demo=True).output
    with platform.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Schedule)) == scheduled > 0
        instances = session.scalars(select(Instance).order_by(Instance.id)).all()
        assert [i.process_model_id for i in instances] == [
            "permintaan-layanan",
            "penanganan-aduan",
            "penanganan-aduan",
            "pemantauan-pemeliharaan",
        ]
        assert instances[1].priority == "P3"
        assert instances[1].response_due_at is not None
        assert instances[2].status == "complete"  # the past outage, resolved
        assert instances[2].resolved_at is not None
        tasks = session.scalars(
            select(Task).where(Task.state == "ready").order_by(Task.instance_id)
        ).all()
        assert [t.lane for t in tasks] == [
            "Administrator Layanan",
            "Administrator Layanan",
            "Penyedia Layanan",  # the monitoring report, its availability computed
        ]


@pytest.mark.parametrize("value", ["0", "-1", "banyak", "1.5"])
def test_a_bad_password_cost_is_one_clear_line(value: str) -> None:
    line = _one_line_failure(["users", "list"], {"PASSWORD_TIME_COST": value})
    assert line == (
        "spbe: PASSWORD_TIME_COST harus bilangan bulat positif / must be a positive integer"
    )
