from django.core.management.base import BaseCommand, CommandError

from speakup.core.commandline import open_named_file, stopped_by_ctrl_c
from speakup.training.roster.results import IN_THE_COMMAND
from speakup.training.services import completions_import


class Command(BaseCommand):
    help = (
        "Import training completions from learning records (CSV: Employee Number, "
        "Organisation, Module, Completed On, Source); see docs/training.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows and report the bad ones (default: import nothing)",
        )

    def handle(self, *args, **options):
        with stopped_by_ctrl_c(self.stderr):
            self._import(options)

    def _import(self, options):
        _, opened = open_named_file(options["file"])
        with opened as file:
            result = completions_import(file=file, skip_invalid=options["skip_invalid"])
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        for error in result.errors:
            if error.row:  # a whole-file problem is said once, by the summary
                self.stderr.write(f"  {error}")
        if not result.imported:
            raise CommandError(result.summary(IN_THE_COMMAND))
        self.stdout.write(result.summary(IN_THE_COMMAND))
