"""Loads the demo data: Phoenix (active), Aurora (archived), two department plans, IT requests.

Idempotent. Every row is looked up by its natural key (department slug, username, plan slug,
goal number, objective code, metric name, initiative code, milestone title, the pillar or driver
of a score, an IT request's department and title) and created only when missing; what exists is
left untouched, even if it was edited since. Status updates are posted only for an initiative
that has none, readings recorded only for a metric that has none, so a second run, on any later
day, stores nothing and writes no history.

Structure is saved through `save_audited` (validation runs; history records the reason), status
updates through `initiative_post_update` and readings through `metric_record_reading`, authored
by the initiative's or metric's owner, so they are audited as if entered in the browser.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from goals.models import Department, Goal, Metric, MetricReading, Objective, Plan
from goals.services import metric_record_reading
from initiatives.models import Initiative, Milestone, StatusUpdate
from initiatives.priority.services import priority_recompute
from initiatives.services import initiative_post_update
from planboard.core.audit import save_audited
from planboard.demo import aurora, aurora_initiatives, department_plans, history, people, phoenix, phoenix_initiatives
from planboard.demo.alignment import ensure_alignment_scores, ensure_aurora_criteria, ensure_it_requests
from reports.models import ProgressSnapshot
from reports.recalculation import month_ends, plan_backfill_snapshots, plan_recalculate

REASON = "manage.py load_demo"
PLAN_FIELDS = (
    "title",
    "slug",
    "vision",
    "mission",
    "start_fiscal_year",
    "end_fiscal_year",
    "fiscal_year_start_month",
    "status",
    "is_published",
    "is_sample",
)


@dataclass
class LoadResult:
    """What a run did: rows created per model, and the password to show for each role user."""

    created: Counter = field(default_factory=Counter)
    passwords: dict[str, str] = field(default_factory=dict)


@dataclass
class PlanLoad:
    """One plan being loaded: its row, objectives by code, and the items that still need a past."""

    plan: Plan
    objectives: dict[str, Objective] = field(default_factory=dict)
    metrics: list[tuple[Metric, dict]] = field(default_factory=list)
    initiatives: list[tuple[Initiative, dict]] = field(default_factory=list)


class DemoLoader:
    """One run of the loader: remembers the departments and users it found or made, and counts rows."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.result = LoadResult()
        self.users: dict = {}
        self.departments: dict[str, Department] = {}

    def save(self, instance: models.Model) -> models.Model:
        """Validate and save a new row with the demo's audit reason, and count it."""
        save_audited(instance, reason=REASON)
        self.result.created[instance._meta.label] += 1
        return instance

    def run(self, password: str) -> LoadResult:
        """Load everything, in dependency order: people, Phoenix, Aurora, department plans, requests."""
        self.departments = people.ensure_departments(self.save)
        self.users, self.result.passwords = people.ensure_users(
            password=password, departments=self.departments, save=self.save
        )
        enterprise = self.load_phoenix()
        self.load_aurora()
        for spec in department_plans.PLANS:
            self.load_department_plan(spec, enterprise)
        ensure_it_requests(self, enterprise)
        self.ensure_trends()
        # Alignment scores were saved row by row above; store the ranks they give.
        priority_recompute(plan=Plan.objects.get(slug=aurora.PLAN["slug"]))
        return self.result

    def ensure_trends(self) -> None:
        """Give each demo plan a past: month-end snapshots rebuilt from its updates and readings,
        then today's figures and snapshot. Only for a plan that has no snapshot yet (idempotent)."""
        slugs = [phoenix.PLAN["slug"], aurora.PLAN["slug"], *(spec["slug"] for spec in department_plans.PLANS)]
        for plan in Plan.objects.filter(slug__in=slugs).exclude(snapshots__isnull=False):
            days = month_ends(plan.starts_on, min(self.today, plan.ends_on))
            self.result.created[ProgressSnapshot._meta.label] += plan_backfill_snapshots(plan_id=plan.pk, days=days)
            figures = plan_recalculate(plan_id=plan.pk, today=self.today, snapshot=True)
            self.result.created[ProgressSnapshot._meta.label] += 1 + sum(
                len(level) for level in (figures.goals, figures.objectives, figures.metrics, figures.initiatives)
            )

    # --- The three kinds of plan ---------------------------------------------------------------

    def load_phoenix(self) -> PlanLoad:
        load = PlanLoad(self.ensure_plan(phoenix.PLAN))
        self.ensure_goals(load, phoenix.GOALS, phoenix.BASELINE_DATE, phoenix.TARGET_DATE)
        self.ensure_initiatives(load, phoenix_initiatives.INITIATIVES)
        self.ensure_milestones(load)
        self.post_updates(load)
        self.record_readings(load)
        return load

    def load_aurora(self) -> None:
        load = PlanLoad(self.ensure_plan(aurora.PLAN))
        target_dates = {"short": aurora.TARGET_DATE, "long": aurora.TARGET_DATE}
        self.ensure_goals(load, aurora.GOALS, aurora.BASELINE_DATE, target_dates)
        themes, pillars, drivers = ensure_aurora_criteria(self, load.plan)
        by_theme = {name: (themes[name], objective, owner) for name, objective, owner in aurora.THEMES}
        specs = []
        for spec in aurora_initiatives.INITIATIVES:
            theme, objective, owner = by_theme[spec["theme"]]
            specs.append(
                {
                    **spec,
                    "theme": theme,
                    "supports": [objective],
                    "owner": owner,
                    "note": aurora_initiatives.CLOSING_NOTES[spec["status"]],
                }
            )
        self.ensure_initiatives(load, specs)
        ensure_alignment_scores(self, load, pillars, drivers)
        self.post_updates(load, max_updates=1)
        self.record_readings(load)

    def load_department_plan(self, spec: dict, enterprise: PlanLoad) -> None:
        load = PlanLoad(
            self.ensure_plan(
                spec,
                scope=Plan.Scope.DEPARTMENT,
                department=self.departments[spec["department"]],
                parent=enterprise.plan,
            )
        )
        new_objectives = self.ensure_goals(load, spec["goals"], None, None)
        for objective, objective_spec in new_objectives:
            self.link(objective.aligned_to, objective_spec, enterprise, load)
        new_initiatives = self.ensure_initiatives(
            load, [{**item, "department": spec["department"]} for item in spec["initiatives"]]
        )
        for initiative, initiative_spec in new_initiatives:
            self.link(initiative.aligned_to, initiative_spec, enterprise, load)
        self.post_updates(load)

    # --- Structure ------------------------------------------------------------------------------

    def ensure_plan(self, spec: dict, **extra) -> Plan:
        plan = Plan.objects.filter(slug=spec["slug"]).first()
        if plan is None:
            plan = self.save(Plan(**{name: spec[name] for name in PLAN_FIELDS}, **extra))
        return plan

    def ensure_goals(self, load: PlanLoad, goal_specs: list[dict], baseline_date, target_dates) -> list[tuple]:
        """Goals, objectives and metrics of a plan; returns the objectives created now, with their spec."""
        goals = {goal.number: goal for goal in load.plan.goals.all()}
        objectives = {
            (objective.goal.number, objective.code): objective
            for objective in Objective.objects.filter(goal__plan=load.plan).select_related("goal")
        }
        metrics = {
            (metric.objective_id, metric.name): metric
            for metric in Metric.objects.filter(objective__goal__plan=load.plan).select_related(
                "objective__goal", "owner"
            )
        }
        created = []
        for goal_spec in goal_specs:
            goal = goals.get(goal_spec["number"]) or self.save(
                Goal(
                    plan=load.plan,
                    number=goal_spec["number"],
                    title=goal_spec["title"],
                    description=goal_spec["description"],
                    weight=Decimal(goal_spec["weight"]),
                )
            )
            for spec in goal_spec["objectives"]:
                objective = objectives.get((goal.number, spec["code"]))
                if objective is None:
                    objective = self.save(
                        Objective(
                            goal=goal,
                            code=spec["code"],
                            title=spec["title"],
                            term=spec["term"],
                            weight=Decimal(spec.get("weight", "1")),
                        )
                    )
                    created.append((objective, spec))
                load.objectives[spec["code"]] = objective
                for metric_spec in spec.get("metrics", []):
                    metric = metrics.get((objective.pk, metric_spec["name"])) or self.save(
                        self.new_metric(objective, metric_spec, baseline_date, target_dates[spec["term"]])
                    )
                    load.metrics.append((metric, metric_spec))
        return created

    def new_metric(self, objective: Objective, spec: dict, baseline_date, target_date) -> Metric:
        baseline, target = Decimal(spec["baseline"]), Decimal(spec["target"])
        return Metric(
            objective=objective,
            name=spec["name"],
            description=spec.get("description", ""),
            unit=spec["unit"],
            direction=Metric.Direction.UP if target > baseline else Metric.Direction.DOWN,
            baseline=baseline,
            baseline_date=baseline_date,
            target=target,
            target_date=target_date,
            frequency=spec["frequency"],
            owner=self.users[spec["owner"]],
        )

    def ensure_initiatives(self, load: PlanLoad, specs: list[dict]) -> list[tuple]:
        """A plan's initiatives; returns those created now, with their spec."""
        found = {item.code: item for item in load.plan.initiatives.select_related("owner")}
        created = []
        for spec in specs:
            initiative = found.get(spec["code"])
            if initiative is None:
                initiative = self.save(
                    Initiative(
                        plan=load.plan,
                        code=spec["code"],
                        title=spec["title"],
                        description=spec.get("description", ""),
                        theme=spec.get("theme"),
                        term=spec["term"],
                        owner=self.users[spec["owner"]],
                        department=self.departments[spec["department"]] if spec["department"] else None,
                        start_date=spec["start"],
                        target_date=spec["target"],
                        budget_estimate=_money(spec.get("budget")),
                        budget_actual=_money(spec.get("actual")),
                    )
                )
                if spec["supports"]:
                    initiative.supports.set([load.objectives[code] for code in spec["supports"]])
                created.append((initiative, spec))
            load.initiatives.append((initiative, spec))
        return created

    def link(self, relation, spec: dict, enterprise: PlanLoad, load: PlanLoad) -> None:
        """Set a department item's `aligned_to`: enterprise objectives and its own plan's objectives."""
        targets = [enterprise.objectives[code] for code in spec["aligned_to"]]
        targets += [load.objectives[code] for code in spec["aligned_to_own"]]
        if targets:
            relation.set(targets)

    def ensure_milestones(self, load: PlanLoad) -> None:
        have = set(Milestone.objects.filter(initiative__plan=load.plan).values_list("initiative_id", "title"))
        for initiative, spec in load.initiatives:
            for title, due, done_on in spec.get("milestones", []):
                if (initiative.pk, title) not in have:
                    done_on = done_on if done_on and done_on <= self.today else None
                    self.save(Milestone(initiative=initiative, title=title, due=due, done_on=done_on))

    # --- The past: status updates and readings ---------------------------------------------------

    def authors(self) -> dict:
        """Demo users by id. Services cache a user's permissions on the user object, so passing the
        same objects every time reads each author's groups once, not once per update."""
        return {user.pk: user for user in self.users.values()}

    def post_updates(self, load: PlanLoad, max_updates: int = history.MAX_UPDATES) -> None:
        """A history of status updates for each initiative that has none yet."""
        updated = set(StatusUpdate.objects.filter(initiative__plan=load.plan).values_list("initiative_id", flat=True))
        authors = self.authors()
        for initiative, spec in load.initiatives:
            author = authors.get(initiative.owner_id) or initiative.owner
            if initiative.pk in updated or author is None:
                continue
            last = spec["last"]
            last = self.today - datetime.timedelta(days=last) if isinstance(last, int) else min(last, self.today)
            series = history.update_series(
                start=initiative.start_date,
                last=last,
                status=spec["status"],
                percent=spec["percent"],
                note=spec["note"],
                max_updates=max_updates,
            )
            for update in series:
                initiative_post_update(initiative=initiative, author=author, version=initiative.version, **update)
                self.result.created[StatusUpdate._meta.label] += 1

    def record_readings(self, load: PlanLoad) -> None:
        """Readings for every period from the baseline to today, for each metric that has none yet."""
        measured = set(
            MetricReading.objects.filter(metric__objective__goal__plan=load.plan).values_list("metric_id", flat=True)
        )
        until = min(self.today, load.plan.ends_on)
        authors = self.authors()
        for metric, spec in load.metrics:
            author = authors.get(metric.owner_id) or metric.owner
            if metric.pk in measured or author is None:
                continue
            ends = history.period_ends(
                frequency=metric.frequency,
                start_month=load.plan.fiscal_year_start_month,
                after=metric.baseline_date,
                until=until,
            )
            shape = {
                **spec,
                "name": metric.name,
                "unit": metric.unit,
                "baseline": metric.baseline,
                "target": metric.target,
            }
            values = history.reading_values(
                shape, ends, baseline_date=metric.baseline_date, target_date=metric.target_date
            )
            for period_end, value in zip(ends, values, strict=True):
                metric_record_reading(metric=metric, entered_by=author, period_end=period_end, value=value)
                self.result.created[MetricReading._meta.label] += 1


def _money(amount: int | None) -> Decimal | None:
    return None if amount is None else Decimal(amount)


def load_demo(*, password: str, today: datetime.date | None = None) -> LoadResult:
    """Load the demo data in one transaction: either all of it is stored, or none."""
    with transaction.atomic():
        return DemoLoader(today or timezone.localdate()).run(password)
