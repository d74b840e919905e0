from django.core.exceptions import PermissionDenied, ValidationError


class ConflictError(Exception):
    """A write carried a stale `version`: someone else changed the object first. Nothing was changed."""

    def __init__(self, current, message: str | None = None):
        self.current = current
        super().__init__(
            message
            or f"{current._meta.verbose_name.capitalize()} was changed by someone else "
            f"(now version {current.version}); reload it and apply your change again."
        )


class Refused(PermissionDenied):
    """A refusal that names the choice it is about (the plan or department the writer picked).

    Still a PermissionDenied, so the API answers 403 with the message as for any refusal; a form
    puts the message against `field` (None: the object as a whole).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class PeriodClosed(ValidationError):
    """A write to a closed reporting period (an update reporting for it, a reading within it).

    A ValidationError naming the field (`field`), so forms put it against that field, the API
    answers 400 with it and an import lists it as the row's error. A CIO correction with a reason
    is the only way to change a closed period (reports.cycle).
    """

    def __init__(self, message: str, field: str = "period_ends_on"):
        super().__init__({field: [message]})
        self.field = field
