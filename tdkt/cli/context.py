"""What the commands share: the help options and the opened database, with its failure said in Vietnamese."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tdkt.core.config import Settings
    from tdkt.seeding.seed import SeedResult

CONTEXT = {"help_option_names": ["-h", "--help"]}


def open_database(settings: Settings) -> tuple[Engine, SeedResult]:
    """Return the engine of the migrated, seeded database; a click error naming the database when that fails."""
    from tdkt.seeding.seed import bootstrap  # late: `--help` does not load the domain

    try:
        return bootstrap(settings)
    except Exception as error:  # a database that cannot be reached or migrated: say so, in Vietnamese
        raise click.ClickException(
            f"Không mở được cơ sở dữ liệu {settings.database_url.split('@')[-1]}: {error.__class__.__name__}: {error}"
        ) from None
