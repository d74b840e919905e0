"""What the import management commands share: the acting user, running the import, reporting problems."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from planboard.transfer.imports import import_file
from planboard.transfer.problems import FileRefused, ImportRefused
from planboard.transfer.problems import problems_csv as render_problems


class ImportCommand(BaseCommand):
    """`manage.py import_<kind> FILE --user USERNAME`: all or nothing, every problem listed."""

    kind = ""

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The .xlsx or .csv file to import.")
        parser.add_argument(
            "--user",
            required=True,
            help="Username the import acts as: its permissions apply to every row and it is "
            "recorded in the history as the author.",
        )
        parser.add_argument(
            "--number-format",
            choices=["point", "comma"],
            help="How numbers typed as text write decimals: point (4.8, 1,250.5) or comma (4,8, 1.250,5). "
            "Default: the TRANSFER_DECIMAL_COMMA setting.",
        )
        parser.add_argument(
            "--problems-csv",
            metavar="PATH",
            help="When the file is refused, also write every problem to this CSV file.",
        )

    def handle(self, *args, file: str, user: str, problems_csv: str | None = None, **options) -> None:
        try:
            actor = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user: no active user named {user!r}.") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"FILE: {file} does not exist or is not a file.")
        try:
            with path.open("rb") as upload:
                result = import_file(
                    kind=self.kind,
                    upload=upload,
                    filename=path.name,
                    user=actor,
                    correct=options.get("correct", False),
                    decimal_comma=None if not options.get("number_format") else options["number_format"] == "comma",
                )
        except FileRefused as refusal:
            raise CommandError(f"{path.name}: {refusal}") from None
        except ImportRefused as refusal:
            for problem in refusal.problems:
                where = f"{problem.sheet} row {problem.row}" if problem.row else problem.sheet or "file"
                column = f", column {problem.column}" if problem.column else ""
                value = f" (value “{problem.value}”)" if problem.value else ""
                self.stderr.write(f"{where}{column}{value}: {problem.rule}")
            if problems_csv:
                Path(problems_csv).write_text(render_problems(refusal.problems), encoding="utf-8")
            raise CommandError(str(refusal)) from None
        self.stdout.write(result.message)
