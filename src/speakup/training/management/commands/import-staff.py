import argparse

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from speakup.core.commandline import open_named_file, stopped_by_ctrl_c
from speakup.core.words import counted
from speakup.organisations.models import Organisation
from speakup.training.presenters import rows_with_problems
from speakup.training.roster.importing import staff_import
from speakup.training.roster.results import IN_THE_COMMAND, named_groups


def _number_of_workers(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of workers")
    return int(text)


class Command(BaseCommand):
    help = "Import an organisation's staff roster (ESR-style CSV); see docs/training.md."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--organisation", required=True, help="the organisation's ODS code")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file is the whole roster: workers missing from it become leavers",
        )
        parser.add_argument(
            "--expect-leavers",
            type=_number_of_workers,
            metavar="N",
            help="with --full: go ahead if up to N workers become leavers (more than a tenth of "
            "the active workers, and more than 5, are refused without it)",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows and report the bad ones (default: import nothing)",
        )

    def handle(self, *args, **options):
        with stopped_by_ctrl_c(self.stderr):
            self._import(options)

    def _import(self, options):
        if options["expect_leavers"] is not None and not options["full"]:
            # Only a whole roster makes leavers: said, rather than the number left unread.
            raise CommandError(
                "--expect-leavers only applies to a whole roster (--full): nothing was imported"
            )
        code = options["organisation"].strip().upper()
        organisation = Organisation.objects.filter(ods_code=code).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with ODS code {code}")
        path, opened = open_named_file(options["file"])
        with (
            opened as file,
            Progress(
                TextColumn("Importing {task.description}"),
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                disable=not self.stdout.isatty(),
            ) as progress,
        ):
            task = progress.add_task(path.name, total=path.stat().st_size)

            def on_progress(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total or None)

            result = staff_import(
                organisation=organisation,
                file=file,
                full=options["full"],
                skip_invalid=options["skip_invalid"],
                expect_leavers=options["expect_leavers"] or 0,
                on_progress=on_progress,
            )
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        # A whole-file problem is said once, by the summary; rows are listed one a line.
        listed = rows_with_problems(result.row_errors, bad_rows=result.bad_rows)
        for error in result.row_errors:
            self.stderr.write(f"  {error}")
        if listed.cut_short:  # rows, not problems: a row may have several
            more = counted(result.bad_rows - listed.listed_rows, "more row")
            self.stderr.write(f"  ... and {more} with problems, not listed")
        if not result.imported:
            # After the refusal, every would-be leaver it lists, one a line: to read before
            # going ahead with --expect-leavers.
            everyone = [
                line
                for group in named_groups(result)
                if group.lists_more
                for line in group.everyone_in_lines()
            ]
            raise CommandError("\n".join([result.summary(IN_THE_COMMAND), *everyone]))
        self.stdout.write(result.summary(IN_THE_COMMAND))
        for note in result.notes:  # worth knowing, nothing to check: not a warning
            self.stdout.write(f"Note: {note}")
