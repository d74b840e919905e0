"""Recording who changed plan data. django-simple-history keeps the before/after rows; the
request middleware supplies the user for browser and admin changes, and `save_audited` lets
services, imports and management commands name the actor and the reason themselves."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst


def save_audited(instance: models.Model, *, actor=None, reason: str = "", validate: bool = True, **save_kwargs) -> None:
    """Validate `instance` (errors name the field) and save it with an audit entry for `actor`."""
    if validate:
        instance.full_clean()
    if actor is not None and actor.is_authenticated:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save(**save_kwargs)


def history_diff(instance: models.Model, limit: int | None = None) -> list[dict]:
    """Each recorded change of `instance`, newest first: when, who, why and field before/after.

    Each field change carries the raw values (`before`, `after`) and readable ones
    (`before_shown`, `after_shown`: a choice's label, a linked row's name) with the field's
    `label`; linked rows are looked up in one query per related model, not one per change.
    With `limit`, only the newest `limit` changes (one more record is read to diff the last).
    """
    records = instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(records if limit is None else records[: limit + 1])
    shown = records if limit is None else records[:limit]
    changes = []
    for newer, older in zip(shown, records[1:] + [None], strict=False):
        fields = []
        if older is not None:
            delta = newer.diff_against(older)
            fields = [{"field": c.field, "before": c.old, "after": c.new} for c in delta.changes]
        changes.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "kind": newer.get_history_type_display(),
                "reason": newer.history_change_reason or "",
                "changes": fields,
            }
        )
    _describe(type(instance), [field for entry in changes for field in entry["changes"]])
    return changes


def _describe(model: type[models.Model], changes: list[dict]) -> None:
    """Add a label and readable before/after values to each field change, in place."""
    wanted: dict[type[models.Model], set] = {}
    fields = {}
    for change in changes:
        try:
            field = fields[change["field"]] = model._meta.get_field(change["field"])
        except FieldDoesNotExist:
            continue
        if field.many_to_one:
            wanted.setdefault(field.related_model, set()).update(
                v for v in (change["before"], change["after"]) if v is not None
            )
    names = {
        related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }
    for change in changes:
        field = fields.get(change["field"])
        change["label"] = capfirst(field.verbose_name) if field is not None else change["field"]
        for side in ("before", "after"):
            change[f"{side}_shown"] = _shown(field, change[side], names)


def _shown(field, value, names: dict) -> object:
    if value is None or field is None:
        return value
    if field.many_to_one:
        return names.get(field.related_model, {}).get(value, f"#{value} (since deleted)")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
