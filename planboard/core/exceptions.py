class ConflictError(Exception):
    """A write carried a stale `version`: someone else changed the object first. Nothing was changed."""

    def __init__(self, current, message: str | None = None):
        self.current = current
        super().__init__(
            message
            or f"{current._meta.verbose_name.capitalize()} was changed by someone else "
            f"(now version {current.version}); reload it and apply your change again."
        )
