"""`python -m khidma.storage.migrations …`: Alembic's command line with Khidma's config."""

from __future__ import annotations

import os
import sys

from alembic.config import CommandLine

from khidma.storage.db import ENV_URL
from khidma.storage.db import normalise_url
from khidma.storage.migrations import alembic_config


def main(argv: list[str] | None = None) -> None:
    url = os.environ.get(ENV_URL)
    if not url:
        sys.exit(f"set {ENV_URL} to the database to work on")
    cli = CommandLine(prog="python -m khidma.storage.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    rendered = normalise_url(url).render_as_string(hide_password=False)
    cli.run_cmd(alembic_config(rendered), options)


if __name__ == "__main__":
    main()
