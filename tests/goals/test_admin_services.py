"""The admin writes through the same named services as the API: the same refusals in the same
words, nothing stored when refused, the version the page was opened at, audit and recalculation
by the service."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from goals import services
from goals.models import Department, DepartmentMembership, Goal, MetricReading, Objective, Pillar, Plan
from planboard.core.admin import ADMIN_REASON
from tests.factories import (
    DepartmentFactory,
    DepartmentPlanFactory,
    GoalFactory,
    MembershipFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    ReadingFactory,
    UserFactory,
)
from tests.planboard.test_audit import admin_form_data, change_url

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


class City:
    """An enterprise plan; Water's IT plan and Police's (published, so Water's liaison sees it)."""

    def __init__(self):
        self.enterprise = PlanFactory(title="Strategic Technology Plan")
        self.e11 = ObjectiveFactory(goal=GoalFactory(plan=self.enterprise, number=1), code="1.1")
        self.water, self.police = DepartmentFactory(name="Water Services"), DepartmentFactory(name="Police")
        self.water_plan = DepartmentPlanFactory(department=self.water, parent=self.enterprise)
        self.police_plan = DepartmentPlanFactory(department=self.police, parent=self.enterprise, is_published=True)
        self.water_goal = GoalFactory(plan=self.water_plan, number=1, title="Protect SCADA")
        self.w11 = ObjectiveFactory(goal=self.water_goal, code="W1.1")
        self.p11 = ObjectiveFactory(goal=GoalFactory(plan=self.police_plan, number=1), code="P1.1")
        self.liaison = staff(UserFactory(username="water-liaison"))
        MembershipFactory(user=self.liaison, department=self.water, role=DepartmentMembership.Role.LIAISON)


@pytest.fixture
def city():
    return City()


@pytest.fixture
def cio(admin_user):
    return staff(admin_user)


def api_patch(user, obj, path: str, body: dict):
    api = APIClient()
    api.force_authenticate(user)
    return api.patch(f"/api/v1/{path}/{obj.pk}/", {**body, "version": obj.version}, format="json")


def post_change(client, obj, **changes):
    url = change_url(obj)
    return client.post(url, admin_form_data(client.get(url), **changes))


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The same refusals as the API, in the same words ----------------------------------------------


def test_moving_a_goal_to_another_plan_is_refused_with_the_apis_message_and_nothing_stored(client, city):
    api = api_patch(city.liaison, city.water_goal, "goals", {"plan": city.police_plan.pk})
    client.force_login(city.liaison)

    response = post_change(client, city.water_goal, plan=str(city.police_plan.pk))

    assert api.status_code == 400
    assert response.status_code == 200
    assert (
        response.context["adminform"].form.errors["plan"]
        == api.json()["plan"]
        == ["A goal cannot be moved; create it again under the new plan instead."]
    )
    goal = Goal.objects.get(pk=city.water_goal.pk)
    assert (goal.plan_id, goal.version, goal.history.count()) == (city.water_plan.pk, 1, 1)


def test_aligning_to_another_departments_objective_is_refused_with_the_apis_message(client, city):
    api = api_patch(city.liaison, city.w11, "objectives", {"aligned_to": [city.p11.pk]})
    client.force_login(city.liaison)

    response = post_change(client, city.w11, aligned_to=[str(city.p11.pk)])

    assert api.status_code == 400
    assert response.status_code == 200
    assert (
        response.context["adminform"].form.errors["aligned_to"]
        == api.json()["aligned_to"]
        == [
            f"Objective {city.p11.pk} cannot be linked here; choose objectives of its own plan or the enterprise "
            "plan its plan aligns to."
        ]
    )
    assert not Objective.objects.get(pk=city.w11.pk).aligned_to.exists()


def test_aligned_to_offers_only_the_enterprise_plan_and_the_objectives_own_plan(client, city):
    w12 = ObjectiveFactory(goal=city.water_goal, code="W1.2")
    client.force_login(city.liaison)

    offered = client.get(change_url(city.w11)).context["adminform"].form.fields["aligned_to"].widget.choices

    # Enterprise 1.1 and Water's own W1.2; not Police's P1.1 (visible to Water, published), not W1.1 itself.
    assert {value.value for value, _label in offered} == {city.e11.pk, w12.pk}


def test_an_allowed_alignment_is_saved_by_the_service_with_the_admin_user_and_reason(client, city):
    client.force_login(city.liaison)

    response = post_change(client, city.w11, aligned_to=[str(city.e11.pk)])

    assert response.status_code == 302
    objective = Objective.objects.get(pk=city.w11.pk)
    assert list(objective.aligned_to.all()) == [city.e11]
    record = objective.history.latest()
    assert (record.history_user, record.history_change_reason, record.version) == (city.liaison, ADMIN_REASON, 2)
    assert Plan.objects.get(pk=city.water_plan.pk).needs_recalculation is True


def test_a_liaison_adding_a_goal_to_another_departments_plan_is_refused_on_the_plan_field(client, city):
    client.force_login(city.liaison)
    url = reverse("admin:goals_goal_add")
    data = admin_form_data(client.get(url), plan=str(city.police_plan.pk), number="7", title="Not ours", weight="1")

    response = client.post(url, data)

    assert response.context["adminform"].form.errors["plan"] == [
        f"You may not change the plan “{city.police_plan}”; choose one you are allowed to edit."
    ]
    assert not Goal.objects.filter(number=7).exists()


# --- The version the page was opened at -----------------------------------------------------------


def test_a_stale_seen_version_gets_the_conflict_message_and_nothing_stored(client, cio):
    goal = GoalFactory(title="Original")
    client.force_login(cio)
    opened = admin_form_data(client.get(change_url(goal)), title="Mine")
    assert opened["seen_version"] == "1"
    post_change(client, goal, title="Theirs")

    response = client.post(change_url(goal), opened)

    assert response.context["adminform"].form.non_field_errors() == [
        "Goal was changed by someone else (now version 2); reload it and apply your change again."
    ]
    assert Goal.objects.values_list("title", "version").get() == ("Theirs", 2)


def test_an_inline_row_opened_before_someone_elses_change_is_refused(client, cio):
    pillar = PillarFactory(name="One IT")
    client.force_login(cio)
    page = client.get(change_url(pillar.plan))
    prefix = next(f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is Pillar)
    opened = admin_form_data(page, **{f"{prefix}-0-name": "One City IT"})
    post_change(client, pillar, name="Single IT")  # version 1 → 2 on the pillar's own page

    response = client.post(change_url(pillar.plan), opened)

    rows = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Pillar)
    assert rows.errors == [
        {"__all__": ["Pillar was changed by someone else (now version 2); reload it and apply your change again."]}
    ]
    assert Pillar.objects.values_list("name", "version").get() == ("Single IT", 2)


# --- Deleting through the delete service ----------------------------------------------------------


def test_deleting_a_goal_goes_through_the_service(client, cio):
    goal = GoalFactory()
    client.force_login(cio)
    url = reverse("admin:goals_goal_delete", args=[goal.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()

    response = client.post(url, {"post": "yes", "version": "1"})

    assert response.status_code == 302 and not Goal.objects.exists()
    record = Goal.history.filter(id=goal.pk).latest()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("-", cio, ADMIN_REASON)
    assert Plan.objects.get().needs_recalculation is True


def test_deleting_from_a_stale_confirmation_page_is_refused(client, cio):
    goal = GoalFactory()
    client.force_login(cio)
    post_change(client, goal, title="Changed meanwhile")

    response = client.post(reverse("admin:goals_goal_delete", args=[goal.pk]), {"post": "yes", "version": "1"})

    assert response.status_code == 302
    assert flash(response)[-1] == (
        "Nothing was deleted. Goal was changed by someone else (now version 2); reload it and apply your change again."
    )
    assert Goal.objects.exists()


def test_a_department_with_plans_is_not_deleted_and_the_page_gives_the_services_message(client, cio, city):
    client.force_login(cio)

    response = client.post(reverse("admin:goals_department_delete", args=[city.water.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert flash(response) == ["Nothing was deleted. This department cannot be deleted while plans refer to it."]
    assert Department.objects.filter(pk=city.water.pk).exists()


def test_delete_selected_deletes_each_through_the_service_or_none_at_all(client, cio):
    plan = PlanFactory()
    goals = [GoalFactory(plan=plan, number=n) for n in (1, 2)]
    client.force_login(cio)
    url = reverse("admin:goals_goal_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [str(g.pk) for g in goals]}

    client.post(url, chosen)  # the confirmation page
    response = client.post(url, {**chosen, "post": "yes"})

    assert response.status_code == 302 and not Goal.objects.exists()
    records = Goal.history.filter(history_type="-")
    assert {(r.id, r.history_user, r.history_change_reason) for r in records} == {
        (g.pk, cio, ADMIN_REASON) for g in goals
    }
    assert Plan.objects.get().needs_recalculation is True


def test_delete_selected_with_a_protected_row_deletes_none(client, cio, city):
    spare = DepartmentFactory(name="Spare")
    client.force_login(cio)
    chosen = {"action": "delete_selected", "_selected_action": [str(spare.pk), str(city.water.pk)], "post": "yes"}

    response = client.post(reverse("admin:goals_department_changelist"), chosen)

    assert response.status_code == 302
    assert flash(response) == [
        f"Nothing was deleted. “{city.water}”: This department cannot be deleted while plans refer to it."
    ]
    assert Department.objects.filter(pk__in=[spare.pk, city.water.pk]).count() == 2


# --- Inline rows: each through its own service ----------------------------------------------------


def test_goal_added_and_pillar_deleted_on_the_plan_page_go_through_their_services(client, cio):
    plan = PlanFactory()
    pillar = PillarFactory(plan=plan, name="One IT")
    client.force_login(cio)
    page = client.get(change_url(plan))
    prefixes = {f.formset.model: f.formset.prefix for f in page.context["inline_admin_formsets"]}
    goals, pillars = prefixes[Goal], prefixes[Pillar]

    response = client.post(
        change_url(plan),
        admin_form_data(
            page,
            **{
                f"{pillars}-0-DELETE": "on",
                f"{goals}-TOTAL_FORMS": "1",
                f"{goals}-0-number": "1",
                f"{goals}-0-title": "Secure",
                f"{goals}-0-weight": "1",
            },
        ),
    )

    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.plan, goal.title) == (plan, "Secure")
    assert goal.history.get().history_change_reason == ADMIN_REASON
    assert Pillar.history.filter(id=pillar.pk, history_type="-").get().history_user == cio
    assert not Pillar.objects.exists()
    assert Plan.objects.get().needs_recalculation is True


# --- Readings: metric_record_reading and reading_delete --------------------------------------------


def test_a_second_reading_for_a_period_is_refused_with_the_services_message_and_nothing_stored(client, cio):
    reading = ReadingFactory(period_end=datetime.date(2023, 6, 30), value=Decimal("60"))
    client.force_login(cio)

    response = client.post(
        reverse("admin:goals_metricreading_add"),
        {"metric": reading.metric.pk, "period_end": "2023-06-30", "value": "70", "note": ""},
    )

    assert response.context["adminform"].form.errors == {
        "period_end": [
            "This metric already has a reading for the period ending 2023-06-30 (60.0000); "
            "choose to correct it if the earlier figure was wrong."
        ]
    }
    assert list(MetricReading.objects.values_list("value", flat=True)) == [Decimal("60")]


def test_a_reading_changed_in_the_admin_is_a_correction_audited_with_the_admin_user_and_reason(client, cio):
    reading = ReadingFactory(value=Decimal("60"))
    client.force_login(cio)

    response = post_change(client, reading, value="65")

    assert response.status_code == 302
    reading.refresh_from_db()
    assert (reading.value, reading.entered_by, reading.version) == (Decimal("65"), cio, 2)
    record = reading.history.latest()
    assert (record.history_user, record.history_change_reason) == (cio, "Reading corrected in the admin")
    assert Plan.objects.get().needs_recalculation is True


def test_a_readings_period_cannot_be_moved_on_its_metrics_page(client, cio):
    reading = ReadingFactory(period_end=datetime.date(2023, 6, 30))
    client.force_login(cio)
    page = client.get(change_url(reading.metric))
    prefix = next(f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is MetricReading)

    response = client.post(
        change_url(reading.metric), admin_form_data(page, **{f"{prefix}-0-period_end": "2023-09-30"})
    )

    rows = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is MetricReading)
    assert rows.errors == [
        {"period_end": ["A reading's period cannot be changed; delete it and record the reading again instead."]}
    ]
    assert MetricReading.objects.get().period_end == datetime.date(2023, 6, 30)


def test_deleting_a_reading_goes_through_reading_delete_and_marks_the_plan(client, cio):
    reading = ReadingFactory()
    client.force_login(cio)

    response = client.post(
        reverse("admin:goals_metricreading_delete", args=[reading.pk]), {"post": "yes", "version": "1"}
    )

    assert response.status_code == 302 and not MetricReading.objects.exists()
    record = MetricReading.history.filter(id=reading.pk).latest()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("-", cio, ADMIN_REASON)
    assert Plan.objects.get().needs_recalculation is True


def test_reading_delete_refuses_whoever_may_not_record_the_metrics_readings(city):
    reading = ReadingFactory(metric__objective=city.p11)  # Police's plan; the Water liaison only reads it

    with pytest.raises(PermissionDenied):
        services.reading_delete(instance=reading, actor=city.liaison)

    assert MetricReading.objects.exists()


# --- Memberships: membership_create, membership_update, membership_delete --------------------------


def test_a_membership_changed_in_the_admin_goes_through_the_service_audited(client, cio, city):
    membership = DepartmentMembership.objects.get(user=city.liaison)
    client.force_login(cio)

    response = post_change(client, membership, role=DepartmentMembership.Role.MEMBER)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == DepartmentMembership.Role.MEMBER
    record = membership.history.latest()
    assert (record.history_user, record.history_change_reason) == (cio, ADMIN_REASON)


def test_a_membership_change_by_a_non_administrator_is_refused(client, city):
    membership = DepartmentMembership.objects.get(user=city.liaison)
    client.force_login(city.liaison)

    response = client.post(
        change_url(membership), {"department": city.water.pk, "user": city.liaison.pk, "role": "member"}
    )

    assert response.status_code == 403
    with pytest.raises(PermissionDenied, match="Only the CIO may change departments."):
        services.membership_update(instance=membership, actor=city.liaison, data={"role": "member"})
    assert DepartmentMembership.objects.get(pk=membership.pk).role == DepartmentMembership.Role.LIAISON


def test_a_second_membership_for_the_same_person_is_refused_on_the_user_field(client, cio, city):
    client.force_login(cio)

    response = client.post(
        reverse("admin:goals_departmentmembership_add"),
        {"department": city.water.pk, "user": city.liaison.pk, "role": "member"},
    )

    assert response.context["adminform"].form.errors == {
        "user": ["This person is already a member of the department; change their role instead."]
    }
    assert DepartmentMembership.objects.filter(user=city.liaison).count() == 1


def test_a_member_removed_on_the_departments_page_is_deleted_by_the_service(client, cio, city):
    client.force_login(cio)
    page = client.get(change_url(city.water))
    prefix = next(f.formset.prefix for f in page.context["inline_admin_formsets"])

    response = client.post(change_url(city.water), admin_form_data(page, **{f"{prefix}-0-DELETE": "on"}))

    assert response.status_code == 302 and not DepartmentMembership.objects.filter(user=city.liaison).exists()
    record = DepartmentMembership.history.filter(history_type="-").get()
    assert (record.history_user, record.history_change_reason) == (cio, ADMIN_REASON)
