"""Alembic environment: runs migrations on the connection tdkt.db hands over (or on the configured URL)."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import tdkt.core.attachment_tables  # noqa: F401  (the attachments' and checklist's tables)
import tdkt.core.council_tables  # noqa: F401  (Hội đồng TĐKT)
import tdkt.core.document_tables  # noqa: F401  (the documents' templates and register)
import tdkt.core.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import tdkt.core.registration_tables  # noqa: F401  (Đăng ký thi đua)
import tdkt.core.scoring_tables  # noqa: F401  (cluster scoring)
import tdkt.core.submission_tables  # noqa: F401  (and the submissions')

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite" and not context.config.attributes.get("plain"),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)
