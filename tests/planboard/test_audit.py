"""Every change to plan data is recorded (who, when, before, after), whichever path made it:
the admin, a service, a management command. History pages in the admin are read-only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals.models import Goal
from initiatives.models import Initiative
from initiatives.services import initiative_post_update
from planboard.core.admin import ADMIN_REASON
from planboard.core.audit import history_diff, save_audited
from tests.factories import GoalFactory, InitiativeFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_form_data(response, **changes) -> dict:
    """The POST body of an admin change page exactly as it was rendered, with `changes` applied.

    Covers the main form and every inline formset (management form included), so a test changes
    one field the way a person would and leaves everything else as it was.
    """
    data: dict = {}

    def put(form, name, field):
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[form.add_prefix(name)] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
        elif value is not None:
            data[form.add_prefix(name)] = str(getattr(value, "pk", value))

    main = response.context["adminform"].form
    for name, field in main.fields.items():
        put(main, name, field)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in inline.formset.forms:
            for name, field in form.fields.items():
                put(form, name, field)
    data.update(changes)
    return data


@pytest.fixture
def cio(admin_user):
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    return admin_user


@pytest.fixture
def cio_client(client, cio):
    client.force_login(cio)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# --- From the admin ------------------------------------------------------------------------------


def test_admin_change_to_an_initiative_is_recorded_with_the_user_and_before_and_after(cio_client, cio):
    initiative = InitiativeFactory(title="Replace the 311 call system")
    url = change_url(initiative)

    response = cio_client.post(url, admin_form_data(cio_client.get(url), title="Replace the 311 system with a CRM"))

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    record = initiative.history.latest()
    assert record.history_user == cio
    assert record.history_change_reason == ADMIN_REASON
    delta = record.diff_against(record.prev_record)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes["title"] == ("Replace the 311 call system", "Replace the 311 system with a CRM")
    assert set(changes) == {"title"}  # nothing else on the page moved
    assert record.version == 2 and record.prev_record.version == 1


def test_inline_rows_saved_with_their_goal_are_recorded_with_the_user(cio_client, cio):
    objective = ObjectiveFactory(title="Modernize permitting")
    url = change_url(objective.goal)
    response = cio_client.get(url)
    inline_prefix = response.context["inline_admin_formsets"][0].formset.prefix

    response = cio_client.post(url, admin_form_data(response, **{f"{inline_prefix}-0-title": "Modernize permits"}))

    assert response.status_code == 302
    record = objective.history.latest()
    assert (record.title, record.history_user, record.history_change_reason) == ("Modernize permits", cio, ADMIN_REASON)


def test_history_page_shows_who_and_what_changed_and_offers_no_revert(cio_client, cio):
    goal = GoalFactory(title="Secure the city's data")
    url = change_url(goal)
    cio_client.post(url, admin_form_data(cio_client.get(url), title="Protect the city's data"))

    history = cio_client.get(reverse("admin:goals_goal_history", args=[goal.pk]))

    page = history.content.decode()
    newest = history.context["page_obj"][0]
    assert history.status_code == 200
    assert newest.history_user == cio
    assert [(c["field"], c["old"], c["new"]) for c in newest.history_delta_changes] == [
        ("Title", "Secure the city&#x27;s data", "Protect the city&#x27;s data")  # escaped for the page
    ]
    assert "Secure the city&#x27;s data" in page and "Protect the city&#x27;s data" in page
    assert "Revert" not in page and "revert to a previous version" not in page


def test_a_past_version_opens_read_only_and_cannot_be_saved_back(cio_client):
    goal = GoalFactory(title="Secure the city's data")
    url = change_url(goal)
    cio_client.post(url, admin_form_data(cio_client.get(url), title="Protect the city's data"))
    first = goal.history.earliest()
    past_url = reverse("admin:goals_goal_simple_history", args=[goal.pk, first.history_id])

    page = cio_client.get(past_url)
    revert = cio_client.post(past_url, {"plan": goal.plan_id, "number": 1, "title": "Secure the city's data"})

    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    assert page.context["adminform"].form.fields.keys() <= {"seen_version"}  # every field read-only
    assert revert.status_code == 403
    assert Goal.objects.get().title == "Protect the city's data"


# --- From a service and from a management command -----------------------------------------------


def test_service_update_is_recorded_with_its_author_and_reason():
    owner = UserFactory(username="owner")
    initiative = InitiativeFactory(owner=owner)

    initiative_post_update(
        initiative=initiative,
        author=owner,
        status="at_risk",
        percent_complete=40,
        as_of=datetime.date(2024, 3, 1),
        version=initiative.version,
    )

    latest = history_diff(initiative)[0]
    assert latest["who"] == owner
    assert latest["reason"] == "Status update as of 2024-03-01"
    changes = {c["field"]: (c["before"], c["after"]) for c in latest["changes"]}
    assert changes["status"] == ("not_started", "at_risk")
    assert changes["percent_complete"] == (0, 40)


def test_a_status_update_records_the_links_as_they_are_like_a_plain_save_does():
    """history_create copies each many-to-many field's links beside the new entry, the snapshot
    simple-history's signal writes on a plain save, for each initiative its own links only."""
    owner = UserFactory(username="owner")
    first, second = InitiativeFactory(owner=owner), InitiativeFactory(owner=owner)
    objective_a, objective_b = ObjectiveFactory(goal__plan=first.plan), ObjectiveFactory(goal__plan=first.plan)
    first.supports.set([objective_a, objective_b])
    first.aligned_to.set([objective_b])
    second.supports.set([objective_b])
    first.title = "Renamed"
    first.save()  # simple-history's own entry, the yardstick

    initiative_post_update(initiative=first, author=owner, status="at_risk", percent_complete=40, version=first.version)
    initiative_post_update(
        initiative=second, author=owner, status="on_track", percent_complete=10, version=second.version
    )

    signal_entry, service_entry = first.history.order_by("-history_id")[:2][::-1]
    for field in ("supports", "aligned_to"):
        by_signal = sorted(getattr(signal_entry, field).values_list("id", "objective_id"))
        by_service = sorted(getattr(service_entry, field).values_list("id", "objective_id"))
        assert by_service == by_signal and by_service
    assert service_entry.history_user == owner and service_entry.history_type == "~"
    assert list(second.history.latest("history_id").supports.values_list("objective_id", flat=True)) == [objective_b.pk]
    assert not second.history.latest("history_id").aligned_to.exists()


def test_command_save_without_a_user_records_the_command_as_the_reason():
    goal = GoalFactory(weight=Decimal("1"))
    goal.weight = Decimal("2")

    # What a management command does: no signed-in user, so it names itself in the reason.
    save_audited(goal, actor=None, reason="manage.py import_plan phoenix.yaml")

    record = goal.history.latest()
    assert record.history_user is None
    assert record.history_change_reason == "manage.py import_plan phoenix.yaml"
    assert Goal.objects.get().weight == Decimal("2")


def test_history_diff_lists_each_change_newest_first_with_before_and_after():
    strategist, cio = UserFactory(username="strategist"), UserFactory(username="cio-user")
    goal = GoalFactory(title="Goal A", weight=Decimal("1"))
    goal.weight = Decimal("3")
    save_audited(goal, actor=strategist, reason="Council priorities")
    goal.title = "Goal B"
    save_audited(goal, actor=cio)

    entries = history_diff(goal)

    # Created, then two changes: three entries, the newest first.
    assert [e["kind"] for e in entries] == ["Changed", "Changed", "Created"]
    assert [e["who"] for e in entries] == [cio, strategist, None]
    newest = {c["field"]: (c["before"], c["after"]) for c in entries[0]["changes"]}
    middle = {c["field"]: (c["before"], c["after"]) for c in entries[1]["changes"]}
    assert newest["title"] == ("Goal A", "Goal B") and "weight" not in newest
    assert middle["weight"] == (Decimal("1.00"), Decimal("3.00")) and entries[1]["reason"] == "Council priorities"
    assert entries[2]["changes"] == []


def test_bad_value_through_save_audited_names_the_field_and_records_nothing():
    initiative = InitiativeFactory()
    initiative.percent_complete = 140

    with pytest.raises(ValidationError) as error:
        save_audited(initiative, actor=None, reason="manage.py import")

    assert "percent_complete" in error.value.message_dict
    assert initiative.history.count() == 1  # only the creation
    assert Initiative.objects.get().percent_complete == 0


def test_deleting_in_the_admin_is_recorded_and_the_history_still_opens_for_the_cio(cio_client, cio, client, viewer):
    goal = GoalFactory(title="Retired goal")

    deleted = cio_client.post(reverse("admin:goals_goal_delete", args=[goal.pk]), {"post": "yes"})
    history = cio_client.get(reverse("admin:goals_goal_history", args=[goal.pk]))
    viewer.is_staff = True
    viewer.save(update_fields=["is_staff"])
    client.force_login(viewer)

    assert deleted.status_code == 302 and not Goal.objects.exists()
    record = Goal.history.filter(id=goal.pk).latest()
    assert (record.history_type, record.history_user) == ("-", cio)
    assert history.status_code == 200 and "Retired goal" in history.content.decode()
    # Only administrators read the history of what is gone; others read what they can still see.
    assert client.get(reverse("admin:goals_goal_history", args=[goal.pk])).status_code == 403


def test_admin_index_lists_the_plan_for_every_role(client, cio, viewer, editor):
    pages = {}
    for user in (cio, viewer, editor):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        pages[user.username] = client.get(reverse("admin:index"))

    assert {name: page.status_code for name, page in pages.items()} == {"cio": 200, "viewer": 200, "editor": 200}
    for page in pages.values():
        apps = {app["app_label"] for app in page.context["app_list"]}
        assert {"goals", "initiatives", "reports"} <= apps


def test_history_diff_shows_choice_labels_and_linked_names():
    from tests.factories import DepartmentFactory, InitiativeFactory

    police = DepartmentFactory(name="Police")
    water = DepartmentFactory(name="Water Services")
    initiative = InitiativeFactory(department=police, term="short")
    initiative.department = water
    initiative.term = "long"
    save_audited(initiative, reason="moved")
    police.delete()
    changes = {c["field"]: c for c in history_diff(initiative)[0]["changes"]}
    assert changes["term"]["label"] == "Term"
    assert (changes["term"]["before_shown"], changes["term"]["after_shown"]) == (
        "Short term (first two fiscal years)",
        "Long term (whole plan)",
    )
    assert changes["department"]["after_shown"] == "Water Services"
    assert changes["department"]["before_shown"] == f"#{changes['department']['before']} (since deleted)"


def test_history_diff_shows_changed_links_and_reads_the_same_queries_however_long_the_history(
    django_assert_num_queries,
):
    initiative = InitiativeFactory(title="Start")
    first, second = ObjectiveFactory(goal__plan=initiative.plan), ObjectiveFactory(goal__plan=initiative.plan)
    initiative.supports.add(first)  # a change of links is a record of its own
    initiative.title = "Linked"
    save_audited(initiative)
    initiative.supports.add(second)

    newest, renamed, linked, created = history_diff(initiative)
    assert [c["field"] for c in newest["changes"]] == ["supports"]
    assert [row["objective"] for row in newest["changes"][0]["before"]] == [first.pk]
    assert [row["objective"] for row in newest["changes"][0]["after"]] == sorted([first.pk, second.pk])
    assert [(c["field"], c["before"], c["after"]) for c in renamed["changes"]] == [("title", "Start", "Linked")]
    assert linked["changes"][0]["before"] == [] and created["changes"] == []

    # The records, one query per linked field (supports, aligned_to), and nothing per record.
    with django_assert_num_queries(3):
        history_diff(initiative, limit=20)
    for n in range(60):
        initiative.title = f"Renamed {n}"
        save_audited(initiative)
    with django_assert_num_queries(3):
        assert len(history_diff(initiative, limit=20)) == 20
