"""What the `khidma` commands share: the `--instance` option (the folder of the SQLite
database, the uploads and the development secret, used when no URL is set) and opening
the platform on it with its schema brought up to date."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def instance_option(
    help: str = "The instance folder: SQLite database, uploads and the development secret, "
    "when no URL is set.",
) -> Callable[[F], F]:
    return click.option(
        "--instance",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("instance"),
        envvar="KHIDMA_INSTANCE",
        show_default=True,
        help=help,
    )


def migrated_app(instance: Path) -> Any:
    """The platform on `instance`, its database schema upgraded (for the administrative
    commands; `khidma serve` refuses an unmigrated database instead)."""
    from khidma.app import create_app

    app = create_app(instance_path=instance)
    app.extensions["khidma.db"].upgrade()
    return app
