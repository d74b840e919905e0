"""Recording who changed plan data. django-simple-history keeps the before/after rows; the
request middleware supplies the user for browser and admin changes, and `save_audited` lets
services, imports and management commands name the actor and the reason themselves."""

from django.db import models


def save_audited(instance: models.Model, *, actor=None, reason: str = "", validate: bool = True, **save_kwargs) -> None:
    """Validate `instance` (errors name the field) and save it with an audit entry for `actor`."""
    if validate:
        instance.full_clean()
    if actor is not None and actor.is_authenticated:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save(**save_kwargs)


def history_diff(instance: models.Model) -> list[dict]:
    """Each recorded change of `instance`, newest first: when, who, why and field before/after."""
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id"))
    changes = []
    for newer, older in zip(records, records[1:] + [None]):
        fields = []
        if older is not None:
            delta = newer.diff_against(older)
            fields = [{"field": c.field, "before": c.old, "after": c.new} for c in delta.changes]
        changes.append({
            "when": newer.history_date,
            "who": newer.history_user,
            "kind": newer.get_history_type_display(),
            "reason": newer.history_change_reason or "",
            "changes": fields,
        })
    return changes
