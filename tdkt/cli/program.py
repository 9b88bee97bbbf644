"""The `python -m tdkt` program: the command group with every command, where a refusal becomes exit 1, and `main`."""

from __future__ import annotations

import sys

import click

from tdkt.cli import (
    audit_commands,
    award_commands,
    backup_commands,
    click_vi,
    council_commands,
    document_commands,
    file_commands,
    form_commands,
    import_commands,
    plan_commands,
    remind_commands,
    report_commands,
    rules_command,
    score_commands,
    setup_commands,
    submission_commands,
)
from tdkt.cli.context import CONTEXT
from tdkt.core.errors import Refused


class RefusalsExitOne(click.Group):
    """A command group that reports a domain refusal from any of its commands as its message and exit code 1."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a `Refused` becomes a click error, so no command catches one of its own."""
        try:
            return super().invoke(ctx)
        except Refused as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=RefusalsExitOne, context_settings=CONTEXT)
def cli() -> None:
    """TĐKT Dashboard — công cụ quản lý công tác thi đua, khen thưởng."""


for _command in (
    setup_commands.init, setup_commands.user, setup_commands.demo,
    plan_commands.plan_command, plan_commands.clusters_command,
    import_commands.import_command, import_commands.import_records_command,
    award_commands.stats_command, award_commands.check_command,
    report_commands.report_command, audit_commands.audit_command,
    submission_commands.submissions_command, remind_commands.remind_command,
    file_commands.sweep_files_command, backup_commands.backup_command, backup_commands.restore_command,
    council_commands.council_command,
    form_commands.forms_command, form_commands.mau_tdkt_command,
    document_commands.docs_command,
    score_commands.scores_command, score_commands.import_scores_command,
):
    cli.add_command(_command)
rules_command.register(cli)


def main() -> None:
    """Run the CLI; Vietnamese errors exit non-zero."""
    click_vi.install()
    try:
        cli.main(prog_name="python -m tdkt", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
