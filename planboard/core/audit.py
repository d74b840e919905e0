"""Recording who changed plan data. django-simple-history keeps the before/after rows; the
request middleware supplies the user for browser and admin changes, and `save_audited` lets
services, imports and management commands name the actor and the reason themselves."""

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.utils.text import capfirst
from simple_history import utils


def save_audited(instance: models.Model, *, actor=None, reason: str = "", validate: bool = True, **save_kwargs) -> None:
    """Validate `instance` (errors name the field) and save it with an audit entry for `actor`."""
    if validate:
        instance.full_clean()
    if actor is not None and actor.is_authenticated:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save(**save_kwargs)


def history_create(instances: list[models.Model], *, actor=None, reason: str = "") -> list[models.Model]:
    """Audit entries for `instances`, already saved with `skip_history_when_saving`, as
    simple-history's signal would have written them (an update entry naming `actor` and `reason`,
    with the snapshot of each tracked many-to-many field), in one query plus one per such field
    however many instances: the signal spends three queries per field and instance (the
    instance's excluded fields, the links with every related column, their insert), which made a
    third of a status update's queries. Returns the entries, with their ids."""
    if not instances:
        return []
    model = type(instances[0])
    history = model.history
    records = history.bulk_history_create(
        instances, update=True, default_user=actor, default_change_reason=reason, batch_size=1000
    )
    history_model = history.model
    quote = connection.ops.quote_name
    record_ids = [record.pk for record in records]
    record_column = quote(history_model._meta.pk.column)
    source_column = history_model._meta.get_field(model._meta.pk.name).column
    for field in getattr(history_model, "_history_m2m_fields", []):
        link_history = getattr(history_model, field.name).model
        through = field.remote_field.through
        columns = [f.column for f in through._meta.concrete_fields]
        # The links as they are now, copied beside each new entry (INSERT … SELECT: no round trip per link).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(link_history._meta.db_table)} ({', '.join(map(quote, columns))}, "
                f"{quote(link_history._meta.get_field('history').column)}) "
                f"SELECT {', '.join('t.' + quote(column) for column in columns)}, h.{record_column} "
                f"FROM {quote(through._meta.db_table)} AS t JOIN {quote(history_model._meta.db_table)} AS h "
                f"ON h.{quote(source_column)} = t.{quote(field.m2m_column_name())} "
                f"WHERE h.{record_column} IN ({', '.join(['%s'] * len(record_ids))})",
                record_ids,
            )
    return records


def history_diff(instance: models.Model, limit: int | None = None) -> list[dict]:
    """Each recorded change of `instance`, newest first: when, who, why and field before/after.

    Each field change carries the raw values (`before`, `after`) and readable ones
    (`before_shown`, `after_shown`: a choice's label, a linked row's name) with the field's
    `label`; linked rows are looked up in one query per related model, not one per change.
    With `limit`, only the newest `limit` changes (one more record is read to diff the last).
    The queries do not grow with the history, and are the same with none: plain fields are
    compared on the records read, and many-to-many links (which simple-history's own diff reads
    with two queries per field and pair of records) come from one query per linked field
    (`_links_by_record`).
    """
    newest_first = instance.history.order_by("-history_date", "-history_id")
    read = newest_first if limit is None else newest_first[: limit + 1]
    records = list(read.select_related("history_user"))
    shown = records if limit is None else records[:limit]
    history_model = instance.history.model
    m2m_names = [field.name for field in getattr(history_model, "_history_m2m_fields", [])]
    links = _links_by_record(history_model, read.values("pk"), m2m_names)
    changes = []
    for newer, older in zip(shown, records[1:] + [None], strict=False):
        fields = []
        if older is not None:
            plain = {f.name for f in older.tracked_fields if f.editable}.difference(m2m_names)
            delta = newer.diff_against(older, included_fields=plain)
            fields = [{"field": c.field, "before": c.old, "after": c.new} for c in delta.changes]
            for name in m2m_names:
                before, after = links[name].get(older.pk, []), links[name].get(newer.pk, [])
                if before != after:
                    fields.append({"field": name, "before": before, "after": after})
            fields.sort(key=lambda change: change["field"])
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


def _links_by_record(history_model, record_ids, m2m_names: list[str]) -> dict[str, dict[int, list[dict]]]:
    """For each tracked many-to-many field, the links each historical record in `record_ids` (a
    subquery, so the count of queries is one per field whatever the history holds) refers to: rows
    of the field's history table without their own ids, in the order simple-history compares them."""
    found: dict[str, dict[int, list[dict]]] = {}
    for name in m2m_names:
        through = getattr(history_model, name).model  # the history table of the links
        original = history_model.instance_type._meta.get_field(name)
        order = utils.get_m2m_reverse_field_name(original)
        columns = [
            f.name for f in through._meta.fields if f.editable and f.name not in ("id", "m2m_history_id", "history")
        ]
        by_record: dict[int, list[dict]] = {}
        rows = through._default_manager.filter(history__in=record_ids).order_by(order)
        for row in rows.values("history", *columns):
            by_record.setdefault(row.pop("history"), []).append(row)
        found[name] = by_record
    return found


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
