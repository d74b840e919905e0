"""`python manage.py import_readings FILE --user USERNAME`: all or nothing; every problem is listed."""

from planboard.transfer.command_support import ImportCommand


class Command(ImportCommand):
    kind = "readings"
    help = (
        "Import a batch of metric readings from .xlsx or .csv. A different value for a period that already "
        "has a reading is refused unless --correct is given."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--correct",
            action="store_true",
            help="Replace readings already stored for the same period (recorded as corrections).",
        )
