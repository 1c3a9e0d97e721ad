"""The `spbe` command: database, deploy, demo data, server, timers, users.

Every subcommand goes through the services; failures the user can fix (a wrong
DATABASE_URL, an invalid model, an unknown user) are one clear line and a non-zero exit.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from app.clock import Clock, FixedClock
from app.config import SettingInvalid, Settings
from app.database import DatabaseUnavailable
from app.errors import DeploymentInvalid, DomainError
from app.services.context import Platform
from app.worker import start_in_background, tick_once, work


class _Context:
    def __init__(self) -> None:
        self.settings = Settings.from_env()
        self._platform: Platform | None = None

    def platform(self, clock: Clock | None = None) -> Platform:
        """The platform for this command; its connections close when the command ends."""
        if self._platform is None or clock is not None:
            if self._platform is not None:
                self._platform.engine.dispose()
            self._platform = Platform.build(self.settings, clock)
            click.get_current_context().call_on_close(self._platform.engine.dispose)
        return self._platform

    @contextmanager
    def transaction(self) -> Iterator[tuple[Session, Platform]]:
        platform = self.platform()
        with platform.sessions() as session, session.begin():
            yield session, platform


pass_context = click.make_pass_decorator(_Context, ensure=True)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"spbe: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """Turns the errors a user can fix into one line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (DatabaseUnavailable, SettingInvalid) as err:
            _fail(str(err), 2)
        except DeploymentInvalid as err:
            click.echo(f"spbe: {err.message}", err=True)
            for problem in err.problems:
                where = ":".join(str(p) for p in (problem.file, problem.line) if p)
                element = f" [{problem.element_id}]" if problem.element_id else ""
                click.echo(f"  {where}{element}: {problem.message}", err=True)
            sys.exit(1)
        except DomainError as err:
            details = f" {err.errors}" if err.errors else ""
            _fail(f"{err.message}{details}")


@click.group(cls=_Group)
def main() -> None:
    """Manajemen Layanan SPBE: procedures as BPMN on SpiffWorkflow."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("app").setLevel(logging.INFO)
    logging.getLogger("spbe").setLevel(logging.INFO)


@main.group(cls=_Group)
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_context
def db_upgrade(ctx: _Context, revision: str) -> None:
    """Migrate the database schema to the newest version."""
    from app.migrations import upgrade

    upgrade(ctx.platform().engine, revision)
    click.echo(f"database at {revision}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--forms",
    "forms_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder with the form files (default: forms/ of the project).",
)
@click.option(
    "--bundle",
    is_flag=True,
    help="Each folder given is one model of several files, named after the folder.",
)
@pass_context
def deploy(ctx: _Context, paths: tuple[Path, ...], forms_dir: Path | None, bundle: bool) -> None:
    """Deploy BPMN files with their DMN and forms: a file is a model; a folder holds a
    model per .bpmn file and a model of several files per subfolder (or, with --bundle,
    is one)."""
    from app.services.process_models.deploy import DeployService, deploy_paths

    with ctx.transaction() as (session, platform):
        service = DeployService(session, platform.clock, platform.specs)
        results = deploy_paths(service, paths, forms_dir or ctx.settings.forms_dir, bundles=bundle)
    if not results:
        _fail("tidak ada berkas .bpmn / no .bpmn file found")
    for path, result in results:
        verb = "deployed" if result.created else "unchanged"
        click.echo(f"{verb}: {result.model_id} v{result.version} ({path})")
        for warning in result.warnings:
            click.echo(
                f"  warning {warning.file}:{warning.line} [{warning.element_id}]: {warning.message}"
            )


@main.command()
@click.option(
    "--history",
    "days",
    default=0,
    show_default=True,
    type=click.IntRange(0, 366),
    help="Also fill the last DAYS days with past cases of the procedures (once).",
)
@pass_context
def demo(ctx: _Context, days: int) -> None:
    """Load the demo kabupaten and users (only with SPBE_DEMO=1; idempotent)."""
    from app.services.demo import DEMO_PASSWORD, file_samples, load_demo
    from app.services.demo_history import DemoHistory
    from app.services.demo_periodic import file_demo_monitoring

    if not ctx.settings.demo:
        _fail("data demo hanya untuk mode demo: set SPBE_DEMO=1 / demo data needs SPBE_DEMO=1")
    with ctx.transaction() as (session, platform):
        summary = load_demo(session, platform.clock, platform.passwords)
        samples = file_samples(platform.instances(session))
    click.echo(
        f"demo data: +{summary.agencies} agencies, +{summary.services} services, "
        f"+{summary.users} users, +{summary.assignments} role assignments, "
        f"+{summary.configuration_items} configuration items "
        f"(password for every demo user: {DEMO_PASSWORD})"
    )
    for kind, instance in samples.items():
        click.echo(f"sample {kind} filed by {instance.started_by.username}: instance {instance.id}")
    if days:
        started = time.monotonic()
        with ctx.transaction() as (session, platform):
            history = DemoHistory(platform.instances(session)).fill(days)
        click.echo(
            f"demo history over {days} days: +{history.requests} requests, "
            f"+{history.complaints} complaints, +{history.started['manajemen-masalah']} problems, "
            f"+{history.started['manajemen-perubahan']} changes, "
            f"+{history.started['rilis-layanan']} releases, "
            f"+{history.started['pemulihan-layanan']} recoveries, "
            f"+{history.started['verifikasi-konfigurasi']} verifications, "
            f"+{history.started['perencanaan']} plans, "
            f"+{history.started['evaluasi']} evaluations ({history.open} still open) "
            f"in {time.monotonic() - started:.1f} s"
        )
    with ctx.transaction() as (session, platform):  # last: it counts the history's outages
        report = file_demo_monitoring(platform.instances(session))
        if report is not None:
            filer = report.started_by.username
            click.echo(f"sample monitoring filed by {filer}: instance {report.id}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Web processes: 1 serves with waitress; more with gunicorn (PostgreSQL).",
)
@click.option(
    "--worker/--no-worker",
    "with_worker",
    default=True,
    show_default=True,
    help="Also fire timers and periodic starts in a thread (off when `spbe worker` runs).",
)
@pass_context
def serve(
    ctx: _Context, host: str, port: int, threads: int, workers: int, with_worker: bool
) -> None:
    """Serve the web app and API: one waitress process, or `--workers` gunicorn processes
    with `--threads` each; by default also the worker's loop, so that timers fire in the
    embedded default without a second command."""
    platform = ctx.platform()
    if with_worker:
        start_in_background(platform)
        click.echo("timers: fired by this server every 5 s (--no-worker: left to spbe worker)")
    if workers > 1:
        from app.serving import Server

        click.echo(f"serving on http://{host}:{port} with {workers} processes x {threads} threads")
        Server(ctx.settings, f"{host}:{port}", workers, threads).run()
        return
    from waitress import serve as waitress_serve

    from app import create_app
    from app.serving import settle_heap

    app = create_app(platform=platform)
    settle_heap()
    click.echo(f"serving on http://{host}:{port}")
    waitress_serve(app, host=host, port=port, threads=threads)


def _parse_at(value: str | None) -> Clock | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "ISO-8601 time with offset, e.g. 2026-11-24T09:00:00+07:00"
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter("the time needs a UTC offset, e.g. +07:00")
    return FixedClock(moment)


@main.command()
@click.option("--at", "at", default=None, help="Act as if it were this time (ISO-8601).")
@click.option("--limit", default=100, show_default=True, type=int)
@pass_context
def tick(ctx: _Context, at: str | None, limit: int) -> None:
    """Start due periodic procedures, fire due timers, remove abandoned attachments, send
    due e-mail (SMTP_URL), once."""
    from app.services.notifications.messages import deliver_mail

    platform = ctx.platform(_parse_at(at))
    count = tick_once(platform, limit, click.echo)
    click.echo(f"{count} instance(s) advanced")
    try:
        mail = deliver_mail(platform.sessions, platform.clock, platform.settings, limit)
    except ValueError as err:  # a malformed SMTP_URL
        _fail(str(err))
        return
    if mail is not None:
        click.echo(f"e-mail: {mail[0]} sent, {mail[1]} failed")


@main.command()
@click.option(
    "--interval", default=5.0, show_default=True, type=float, help="Seconds between passes."
)
@click.option("--limit", default=100, show_default=True, type=int)
@pass_context
def worker(ctx: _Context, interval: float, limit: int) -> None:
    """Fire due timers and send due e-mail in a loop; several workers may run at once."""
    click.echo(f"worker started (every {interval}s)")
    try:
        work(ctx.platform(), interval, limit, threading.Event())
    except KeyboardInterrupt:
        click.echo("worker stopped")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def backup(ctx: _Context, path: Path) -> None:
    """Back up the database and its attachments into one file at PATH (a folder: a dated
    file in it); safe while the server runs. PostgreSQL needs pg_dump."""
    from app.services.operations.archive import BackupRefused, summary
    from app.services.operations.backups import Backups

    platform = ctx.platform()
    backups = Backups(platform.engine, ctx.settings.attachments.directory, platform.clock)
    try:
        written, manifest = backups.create(path, click.echo)
    except BackupRefused as err:
        _fail(str(err), 2)
        return
    click.echo(f"backup written: {written}")
    click.echo(summary(manifest))


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace a database that already holds data (it is lost)."
)
@pass_context
def restore(ctx: _Context, path: Path, force: bool) -> None:
    """Restore a backup made by `spbe backup` into DATABASE_URL (a fresh database unless
    --force) and ATTACHMENT_DIR, migrating it up to this version. Stop the server first.
    PostgreSQL needs pg_restore."""
    from app.services.operations.archive import BackupRefused
    from app.services.operations.backups import Backups

    platform = ctx.platform()
    backups = Backups(platform.engine, ctx.settings.attachments.directory, platform.clock)
    try:
        backups.restore(path, force, click.echo)
    except BackupRefused as err:
        _fail(str(err), 2)
        return
    click.echo(f"restored {path}")


@main.group(cls=_Group)
def users() -> None:
    """Users and their roles."""


@users.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="")
@click.option("--email", default=None)
@click.option("--agency", "agency_code", default=None, help="Code of the user's PD.")
@pass_context
def users_create(
    ctx: _Context,
    username: str,
    password: str,
    full_name: str,
    email: str | None,
    agency_code: str | None,
) -> None:
    """Create a user."""
    from app.services.accounts.users import AccountService

    with ctx.transaction() as (session, platform):
        user = AccountService(session, platform.clock, passwords=platform.passwords).create_user(
            username, password, full_name, email, agency_code
        )
    click.echo(f"created user {user.username}")


def _scope_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--service", "service_code", default=None, help="Hold the role for this service (code)."
    )(command)
    return click.option(
        "--agency",
        "agency_code",
        default=None,
        help="Hold the role for this PD (code); neither means everywhere.",
    )(command)


@users.command("grant")
@click.argument("username")
@click.argument("role")
@_scope_options
@pass_context
def users_grant(
    ctx: _Context, username: str, role: str, service_code: str | None, agency_code: str | None
) -> None:
    """Grant ROLE to USERNAME for a service, a PD, or everywhere."""
    from app.services.accounts.users import AccountService

    with ctx.transaction() as (session, platform):
        _, created = AccountService(session, platform.clock).grant(
            username, role, service_code, agency_code
        )
    scope = service_code or agency_code or "global"
    click.echo(f"{'granted' if created else 'already held'}: {username} {role} ({scope})")


@users.command("revoke")
@click.argument("username")
@click.argument("role")
@_scope_options
@pass_context
def users_revoke(
    ctx: _Context, username: str, role: str, service_code: str | None, agency_code: str | None
) -> None:
    """Revoke ROLE from USERNAME for exactly that scope."""
    from app.services.accounts.users import AccountService

    with ctx.transaction() as (session, platform):
        count = AccountService(session, platform.clock).revoke(
            username, role, service_code, agency_code
        )
    click.echo(f"revoked {count} assignment(s)")


@users.command("deactivate")
@click.argument("username")
@pass_context
def users_deactivate(ctx: _Context, username: str) -> None:
    """Deactivate USERNAME: history stays, claimed tasks go back to the pool."""
    from app.services.accounts.users import AccountService

    with ctx.transaction() as (session, platform):
        AccountService(session, platform.clock).update_user(username, active=False)
    click.echo(f"deactivated {username}")


@users.command("list")
@pass_context
def users_list(ctx: _Context) -> None:
    """List users and the roles they hold."""
    from sqlalchemy import select

    from app.models import User

    with ctx.transaction() as (session, _platform):
        for user in session.scalars(select(User).order_by(User.username)):
            roles = ", ".join(f"{a.role} ({a.scope_label})" for a in user.assignments) or "-"
            state = "" if user.active else " [inactive]"
            click.echo(f"{user.username}{state}: {roles}")


if __name__ == "__main__":
    main()
