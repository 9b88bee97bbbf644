"""Migrations build exactly the models' schema, on both databases, and step down and up again."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import tdkt.core.attachment_tables  # noqa: F401
import tdkt.core.council_tables  # noqa: F401
import tdkt.core.document_tables  # noqa: F401
import tdkt.core.models  # noqa: F401
import tdkt.core.registration_tables  # noqa: F401
import tdkt.core.scoring_tables  # noqa: F401
import tdkt.core.submission_tables  # noqa: F401
from tdkt.core import db


def test_migrations_match_the_models_and_downgrade_cleanly(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
    config = db._alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        command.upgrade(config, "head")
    assert db.schema_is_current(engine)
