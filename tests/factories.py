"""factory_boy factories for the plan's models. Defaults make a small, valid enterprise plan."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from goals.models import (
    BusinessDriver,
    Department,
    DepartmentMembership,
    Goal,
    Metric,
    MetricReading,
    Objective,
    Pillar,
    Plan,
    Theme,
)
from initiatives.models import AlignmentScore, Initiative, ITRequest, Milestone, StatusUpdate
from planboard.core.permissions import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@city.example")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        # Transactional tests (live server, real worker) flush tables, data-migration groups included.
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


def user_with_role(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentMembership

    department = factory.SubFactory(DepartmentFactory)
    user = factory.SubFactory(UserFactory)
    role = DepartmentMembership.Role.MEMBER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"Strategic Technology Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    start_fiscal_year = 2022
    end_fiscal_year = 2026
    status = Plan.Status.ACTIVE


class DepartmentPlanFactory(PlanFactory):
    scope = Plan.Scope.DEPARTMENT
    department = factory.SubFactory(DepartmentFactory)


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Pillar {n}")


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessDriver

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Driver {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Goal {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    goal = factory.SubFactory(GoalFactory)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.Sequence(lambda n: f"Objective {n}")


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    objective = factory.SubFactory(ObjectiveFactory)
    name = factory.Sequence(lambda n: f"Metric {n}")
    unit = "%"
    baseline = Decimal("50")
    baseline_date = datetime.date(2021, 6, 30)
    target = Decimal("90")
    target_date = datetime.date(2026, 6, 30)


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricReading

    metric = factory.SubFactory(MetricFactory)
    period_end = datetime.date(2023, 6, 30)
    value = Decimal("60")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"I-{n + 1}")
    title = factory.Sequence(lambda n: f"Initiative {n}")
    start_date = datetime.date(2022, 7, 1)
    target_date = datetime.date(2024, 6, 30)


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    initiative = factory.SubFactory(InitiativeFactory)
    as_of = datetime.date(2023, 1, 15)
    status = "on_track"
    percent_complete = 25


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due = datetime.date(2023, 12, 31)


class AlignmentScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlignmentScore

    initiative = factory.SubFactory(InitiativeFactory)
    pillar = factory.SubFactory(PillarFactory, plan=factory.SelfAttribute("..initiative.plan"))
    score = 2


class ITRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ITRequest

    department = factory.SubFactory(DepartmentFactory)
    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"IT request {n}")
    amount = Decimal("25000")
    fiscal_year = 2024


__all__ = [name for name in dir() if name.endswith("Factory")] + ["user_with_role", "Role"]
