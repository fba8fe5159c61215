"""The `khidma` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from khidma.cli_options import instance_option
from khidma.definitions import schema as schemas
from khidma.identity.cli import users
from khidma.payments.cli import payments
from khidma.trust_cli import audit


@click.group()
@click.version_option(package_name="khidma")
def main() -> None:
    """Khidma: government e-services from one YAML file each."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print problems only.")
def check(paths: tuple[Path, ...], quiet: bool) -> None:
    """Validate service files or folders (default: services.d).

    Prints every problem as file:line:col: code: message (hint) and exits 1 if there is any.
    """
    from khidma.definitions.loader import load

    result = load(paths or [Path("services.d")])
    for problem in result.problems:
        click.echo(str(problem))
    if result.files == 0:
        click.echo("no service files found", err=True)
        sys.exit(2)
    if not quiet:
        summary = (
            f"{result.files} file(s), {len(result.services)} service(s), "
            f"{len(result.lists)} shared list(s), {len(result.problems)} problem(s)"
        )
        click.echo(summary, err=True)
        if not result.problems:
            for d in result.services:
                click.echo(
                    f"  ok  {d.id} v{d.version}  {d.hash[:12]}  {d.title.ar} / {d.title.en}",
                    err=True,
                )
    sys.exit(1 if result.problems else 0)


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--services",
    "services_dir",
    default=Path("services.d"),
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Where the services the scenarios test are.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print failures only.")
@click.option(
    "--coverage", "show_coverage", is_flag=True, help="List conditions not yet seen both ways."
)
def test_command(
    paths: tuple[Path, ...], services_dir: Path, quiet: bool, show_coverage: bool
) -> None:
    """Run the scenario files (*.scenarios.yaml) below PATHS (default: the services folder).

    Prints each scenario's verdict, and for a failure each difference, expected against
    got. Exits 1 if a scenario fails or a file has a problem, 2 if there are none.
    """
    from khidma.scenarios import run_paths

    report = run_paths(paths or [services_dir], services_dir)
    for line in report.lines(quiet=quiet, coverage=show_coverage):
        click.echo(line)
    click.echo(report.summary(), err=True)
    sys.exit(report.exit_code)


@main.command()
@click.option("--lists", "which", flag_value="lists", help="The schema of a shared lists file.")
@click.option(
    "--service",
    "which",
    flag_value="service",
    default=True,
    help="The schema of a service file (default).",
)
@click.option("--write", is_flag=True, help="Rewrite the schema files shipped in the package.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the schema to this file (e.g. beside services kept outside the checkout).",
)
def schema(which: str, write: bool, output: Path | None) -> None:
    """Print the JSON Schema of a service file (or of a lists file), or write it to a file.

    Point a YAML file at it with a first line `# yaml-language-server: $schema=PATH`."""
    if write:
        schemas.write_files()
        click.echo(f"wrote {schemas.SERVICE_SCHEMA_FILE} and {schemas.LISTS_SCHEMA_FILE}", err=True)
        return
    built = schemas.lists_schema() if which == "lists" else schemas.service_schema()
    if output is None:
        click.echo(schemas.dump(built), nl=False)
        return
    try:
        output.write_text(schemas.dump(built), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.option("--demo", is_flag=True, help="Development mode with demo accounts (SQLite).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@instance_option("Folder for the database, uploads and the development secret.")
@click.option(
    "--delivery/--no-delivery",
    default=None,
    help="Deliver the outbox in this process (default: in development only).",
)
def run(demo: bool, host: str, port: int, instance: Path, delivery: bool | None) -> None:
    """Serve the platform (Werkzeug's server; put a WSGI server in front in production)."""
    import os

    if demo:
        os.environ.setdefault("KHIDMA_DEV", "1")
    simulator = None
    if os.environ.get("KHIDMA_DEV", "").strip().lower() in ("1", "true", "yes", "on"):
        from khidma.payments.dev import start_dev_simulator

        simulator = start_dev_simulator(host, port)
    from khidma.app import StartupError
    from khidma.app import create_app

    try:
        app = create_app(instance_path=instance)
    except (StartupError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    if demo and not app.config["DEV"]:
        raise click.ClickException(
            "--demo creates accounts with published passwords: it runs in development mode "
            "only, and KHIDMA_DEV is off. Unset KHIDMA_DEV (or set it to 1) for a demo."
        )
    database = app.extensions["khidma.db"]
    database.upgrade()
    click.echo(f"database: {database.url.render_as_string(hide_password=True)}")
    if demo:
        _demo(app)
    if simulator is not None:
        click.echo(f"payment simulator: {simulator.url}/  (SADAD desk: {simulator.url}/sadad)")
    click.echo(f"serving http://{host}:{port}/  (Ctrl+C to stop)")
    from khidma.delivery.cli import delivery_for_run

    with delivery_for_run(app, delivery):
        app.run(host=host, port=port, debug=False, use_reloader=False)


@main.command()
@instance_option("The instance folder of the platform (SQLite database, blobs).")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option(
    "--poll",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds between looks for due messages [KHIDMA_DELIVERY_POLL_SECONDS].",
)
@click.option(
    "--no-cleanup",
    is_flag=True,
    help="Leave removing expired drafts and unused blobs to another worker.",
)
def worker(instance: Path, once: bool, poll: float | None, no_cleanup: bool) -> None:
    """Deliver the outbox (SMS, e-mail) until stopped; run as many as you like.

    SIGTERM or Ctrl+C finishes the message in hand and exits. See docs/delivery.md.
    """
    from khidma.delivery.cli import run_worker

    run_worker(instance, once=once, poll=poll, cleanup=not no_cleanup)


@main.command()
@click.option(
    "--bind",
    "-b",
    multiple=True,
    default=["127.0.0.1:8000"],
    show_default=True,
    help="Address to listen on (host:port or unix:path); repeat for several.",
)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1),
    default=None,
    help="Worker processes (default: one per core, at least 2).",
)
@click.option(
    "--threads",
    type=click.IntRange(1),
    default=16,
    show_default=True,
    help="Threads per worker: requests each process serves at once.",
)
@click.option(
    "--timeout",
    type=click.IntRange(1),
    default=60,
    show_default=True,
    help="Seconds before a silent worker is replaced.",
)
@click.option(
    "--client-timeout",
    type=click.FloatRange(1),
    default=30.0,
    show_default=True,
    help="Seconds a client may stay silent while sending its request.",
)
@click.option(
    "--max-requests",
    type=click.IntRange(0),
    default=2000,
    show_default=True,
    help="Requests before a worker is recycled (0: never).",
)
@instance_option("Folder for the SQLite database and uploads when no URL is set.")
def serve(
    bind: tuple[str, ...],
    workers: int | None,
    threads: int,
    timeout: int,
    client_timeout: float,
    max_requests: int,
    instance: Path,
) -> None:
    """Serve the platform in production: gunicorn with gthread workers.

    Refuses to start on a database that is not migrated (run `khidma db upgrade`).
    """
    from khidma import logs
    from khidma.app import StartupError
    from khidma.app import create_app
    from khidma.app import require_migrated
    from khidma.serve import ServeOptions
    from khidma.serve import default_workers
    from khidma.serve import serve as run_server

    try:
        app = create_app(instance_path=instance)
        require_migrated(app)
    except (StartupError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    logs.configure(app.config["LOG_FORMAT"])
    options = ServeOptions(
        bind=list(bind),
        workers=workers or default_workers(),
        threads=threads,
        timeout=timeout,
        client_timeout=client_timeout,
        max_requests=max_requests,
    )
    run_server(app, options)


_instance_option = instance_option()


@main.group()
def db() -> None:
    """The database schema: upgrade it, or see where it stands."""


@db.command()
@_instance_option
def upgrade(instance: Path) -> None:
    """Migrate the database (KHIDMA_DATABASE_URL, or SQLite in the instance folder) to the
    newest schema. Safe to run from several machines at once: they take turns."""
    from khidma.storage.db import Database
    from khidma.storage.migrations import pending

    database = Database.from_env(instance)
    try:
        missing = pending(database)
        database.upgrade()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        database.dispose()
    where = database.url.render_as_string(hide_password=True)
    if missing:
        click.echo(f"{where}: applied {len(missing)} migration(s): {', '.join(missing)}")
    else:
        click.echo(f"{where}: already up to date")


@db.command()
@_instance_option
def status(instance: Path) -> None:
    """Say whether the database is up to date; exit 1 when migrations are pending."""
    from khidma.storage.db import Database
    from khidma.storage.migrations import pending

    database = Database.from_env(instance)
    try:
        missing = pending(database)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        database.dispose()
    if missing:
        click.echo(f"{len(missing)} migration(s) pending: {', '.join(missing)}")
        sys.exit(1)
    click.echo("up to date")


@db.command()
@_instance_option
def recount(instance: Path) -> None:
    """Rebuild the requests per status that the staff queue shows, from the requests
    themselves (a repair, should the kept counts ever drift); says what was wrong."""
    from khidma.storage.counts import recount as rebuild
    from khidma.storage.db import Database

    database = Database.from_env(instance)
    try:
        with database.session(write=True) as session:
            wrong = rebuild(session.connection())
    finally:
        database.dispose()
    for (service_id, status), off in sorted(wrong.items()):
        click.echo(f"{service_id} {status}: was {off:+d} off, corrected")
    click.echo(f"{len(wrong)} count(s) corrected" if wrong else "counts were right")


def _demo(app: object) -> None:
    from flask import Flask

    from khidma.identity.demo import create_demo_users
    from khidma.identity.demo import describe

    assert isinstance(app, Flask)
    accounts = create_demo_users(app.extensions["khidma.db"], app.extensions["khidma.registry"])
    click.echo(describe(accounts))


main.add_command(users)
main.add_command(payments)
main.add_command(audit)

if __name__ == "__main__":  # pragma: no cover
    main()
