"""speakup data-return --organisation ODS --quarter 2026-Q3 [--format csv|json]"""

import json

from django.core.management.base import BaseCommand, CommandError

from speakup.reporting import formats, queries
from speakup.reporting.quarters import QuarterError, parse_quarter


class Command(BaseCommand):
    help = (
        "Print an organisation's quarterly FTSU data return (CSV by default). "
        "Quarters are YYYY-Qn, YYYY being the year the financial year starts: "
        "2026-Q3 is October to December 2026."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="ODS code, e.g. RX101")
        parser.add_argument("--quarter", required=True, help="e.g. 2026-Q3")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, organisation, quarter, format, **options):
        try:
            parsed = parse_quarter(quarter)
        except QuarterError as error:
            raise CommandError(str(error)) from None
        found = queries.organisation_by_code(organisation)
        if found is None:
            raise CommandError(f"No organisation has the ODS code {organisation!r}")
        data = queries.data_return(organisation=found, quarter=parsed)
        if format == "json":
            self.stdout.write(json.dumps(formats.data_return_json(data), indent=2))
        else:
            self.stdout.write(formats.data_return_csv(data), ending="")
