"""`python manage.py load_demo`: load the demo plans, departments and one user per role."""

import os

from django.core.management.base import BaseCommand

from planboard.demo import users
from planboard.demo.loader import load_demo

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Load the demo data: the Phoenix Strategic Technology Plan 2022-2026 (active), the Aurora Technology "
        "Strategic Plan FY2018-2019 (archived), two department IT plans, IT requests, departments and one "
        f"user per role. Safe to run again: nothing that exists is changed. The demo password is "
        f"'{users.DEFAULT_PASSWORD}' unless {users.PASSWORD_ENV_VAR} is set."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing (no table of demo users).")

    def handle(self, *args, quiet: bool = False, **options) -> None:
        password = os.environ.get(users.PASSWORD_ENV_VAR) or users.DEFAULT_PASSWORD
        result = load_demo(password=password)
        if quiet:
            return
        total = sum(result.created.values())
        self.stdout.write(
            f"Demo data loaded: {total} rows created." if total else "Demo data already loaded: nothing to create."
        )
        self.stdout.write(f"\nOpen {URL} and sign in as:\n")
        labels = {spec["username"]: spec["label"] for spec in users.USERS if "label" in spec}
        rows = [("username", "role", "password")] + [
            (username, labels[username], result.passwords[username]) for username in users.ROLE_USERNAMES
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
