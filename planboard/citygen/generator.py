"""CityGenerator: draws the city's plan, in a fixed order, from one seeded random generator."""

import datetime
import random
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from goals.models import (
    Department,
    Goal,
    Metric,
    Objective,
    Plan,
    Term,
    Theme,
)
from initiatives.models import Initiative
from planboard.citygen.vocabulary import (
    ACTIONS,
    BULK_BATCH,
    DEPARTMENTS,
    FIRST_FISCAL_YEAR,
    FISCAL_START_MONTH,
    GENERATED_MARK,
    GOALS,
    LAST_FISCAL_YEAR,
    METRICS,
    NARRATIVES,
    OBJECTIVES,
    SYSTEMS,
    THEMES,
    Status,
    city_counts,
    department_slug_prefix,
    numbered,
)
from planboard.core.fiscal import fiscal_year_end, fiscal_year_start

# --- Calendar helpers ----------------------------------------------------------------------


def _month_end(month_index: int) -> datetime.date:
    """Last day of the month numbered year × 12 + (month − 1)."""
    year, month = divmod(month_index + 1, 12)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def _latest_month_index(today: datetime.date) -> int:
    """The last month whose end is on or before today."""
    index = today.year * 12 + today.month - 1
    return index if _month_end(index) == today else index - 1


# --- The generator -------------------------------------------------------------------------


class CityGenerator:
    """Draws the city's plan, in order, from one seeded random generator, and writes it."""

    def __init__(self, *, scale: float, seed: int, plan_slug: str, today: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.scale, self.seed, self.plan_slug, self.today = scale, seed, plan_slug, today
        self.counts = city_counts(scale)
        self.plan_start = fiscal_year_start(FIRST_FISCAL_YEAR, FISCAL_START_MONTH)
        self.plan_end = fiscal_year_end(LAST_FISCAL_YEAR, FISCAL_START_MONTH)
        self.short_term_end = fiscal_year_start(FIRST_FISCAL_YEAR + 2, FISCAL_START_MONTH)
        self.now = datetime.datetime.combine(today, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
        self._stamps: dict[tuple[datetime.date, int], datetime.datetime] = {}

    def _stamp(self, day: datetime.date, hour: int = 16) -> datetime.datetime:
        """`hour` o'clock on `day` in the city's time zone: when an update was entered."""
        if (day, hour) not in self._stamps:
            self._stamps[day, hour] = datetime.datetime.combine(day, datetime.time(hour), tzinfo=self.now.tzinfo)
        return self._stamps[day, hour]

    # The plan's skeleton: departments, plan, themes, goals, objectives.

    def departments(self) -> list[Department]:
        prefix = department_slug_prefix(self.plan_slug)
        wanted = []
        for n in range(self.counts["departments"]):
            base = DEPARTMENTS[n % len(DEPARTMENTS)]
            copy = f" {n // len(DEPARTMENTS) + 1}" if n >= len(DEPARTMENTS) else ""
            wanted.append(Department(name=f"{base}{copy} ({self.plan_slug})", slug=f"{prefix}{n + 1:04d}"))
        Department.objects.bulk_create(
            wanted, update_conflicts=True, unique_fields=["slug"], update_fields=["name", "is_active"]
        )
        # Departments left over from an earlier, larger run go, unless something else depends on them.
        Department.objects.filter(slug__startswith=prefix, plans__isnull=True, it_requests__isnull=True).exclude(
            slug__in=[d.slug for d in wanted]
        ).delete()
        return list(Department.objects.filter(slug__in=[d.slug for d in wanted]).order_by("slug"))

    def plan(self) -> Plan:
        return Plan.objects.create(
            title=f"Big City Strategic Technology Plan FY{FIRST_FISCAL_YEAR}-FY{LAST_FISCAL_YEAR} (synthetic)",
            slug=self.plan_slug,
            scope=Plan.Scope.ENTERPRISE,
            status=Plan.Status.ACTIVE,
            is_sample=True,
            start_fiscal_year=FIRST_FISCAL_YEAR,
            end_fiscal_year=LAST_FISCAL_YEAR,
            fiscal_year_start_month=FISCAL_START_MONTH,
            vision="A city where every resident can reach every service, any time, securely.",
            mission=f"{GENERATED_MARK} (scale {self.scale:g}, seed {self.seed}). Not an adopted plan.",
        )

    def goals_and_objectives(self, plan: Plan) -> list[Objective]:
        rng = self.rng
        goals = Goal.objects.bulk_create(
            [
                Goal(
                    plan=plan,
                    number=n + 1,
                    title=numbered(GOALS, n),
                    weight=Decimal(rng.choice(["1", "1", "1", "1.5", "2"])),
                )
                for n in range(self.counts["goals"])
            ]
        )
        per_goal: dict[int, int] = {}
        objectives = []
        for n in range(self.counts["objectives"]):
            goal = goals[n % len(goals)]
            per_goal[goal.number] = per_goal.get(goal.number, 0) + 1
            objectives.append(
                Objective(
                    goal=goal,
                    code=f"{goal.number}.{per_goal[goal.number]}",
                    title=numbered(OBJECTIVES, n),
                    term=Term.SHORT if rng.random() < 0.4 else Term.LONG,
                    weight=Decimal(rng.choice(["1", "1", "2"])),
                )
            )
        return Objective.objects.bulk_create(objectives)

    # Initiatives: each one's story (dates, outcome, how many updates), then the rows.

    def _initiative_story(self) -> dict:
        rng, today = self.rng, self.today
        span = (self.plan_end - self.plan_start).days - 180
        start = self.plan_start + datetime.timedelta(days=int(span * rng.random() ** 1.3))
        target = min(start + datetime.timedelta(days=rng.randint(120, 1100)), self.plan_end)
        story = {
            "start": start,
            "target": target,
            "cadence": rng.choice([None] * 8 + [14, 60]),
            "final": start,
            "status": Status.NOT_STARTED,
            "percent": 0,
        }
        if start > today:
            return story
        elapsed = min((today - start).days / (target - start).days, 1.0)
        perf, draw = rng.uniform(0.55, 1.25), rng.random()
        story["percent"] = max(1, min(99, round(elapsed * perf * 100)))
        if draw < 0.10:
            story["status"] = Status.CANCELLED if draw < 0.04 else Status.ON_HOLD
            story["percent"] = round(story["percent"] * rng.uniform(0.2, 0.9))
            story["final"] = start + datetime.timedelta(days=int((today - start).days * rng.uniform(0.3, 1.0)))
            return story
        if target <= today and draw < 0.75:
            story["status"], story["percent"] = Status.COMPLETED, 100
            late = rng.randint(-60, 120)
            story["final"] = max(start, min(today, target + datetime.timedelta(days=late)))
            return story
        ratio = perf if target > today else story["percent"] / 100
        reported = Status.ON_TRACK if ratio >= 0.9 else Status.AT_RISK if ratio >= 0.75 else Status.OFF_TRACK
        story["status"] = Status.ON_TRACK if rng.random() < 0.15 else reported  # owners are optimists
        cadence = story["cadence"] or 30
        quiet = rng.randint(cadence + 5, 200) if rng.random() < 0.12 else rng.randint(0, cadence - 1)
        story["final"] = max(start, today - datetime.timedelta(days=quiet))
        return story

    def _allocate(self, total: int, weights: list[int]) -> list[int]:
        """Split `total` in proportion to `weights` (largest remainder), one each first where possible."""
        shares = [0] * len(weights)
        live = [i for i, w in enumerate(weights) if w > 0]
        for i in live[:total]:
            shares[i] = 1
        rest, weight_sum = total - sum(shares), sum(weights[i] for i in live)
        if rest <= 0 or not weight_sum:
            return shares
        exact = {i: rest * weights[i] / weight_sum for i in live}
        for i, amount in exact.items():
            shares[i] += int(amount)
        leftover = total - sum(shares)
        for i in sorted(live, key=lambda i: (int(exact[i]) - exact[i], i))[:leftover]:
            shares[i] += 1
        return shares

    def initiatives(self, plan: Plan, departments: list[Department], objectives: list[Objective]) -> list[tuple]:
        """Create the initiatives and their supports; return (id, story, update count) per initiative."""
        rng = self.rng
        themes = Theme.objects.bulk_create([Theme(plan=plan, name=name, order=n) for n, name in enumerate(THEMES)])
        stories = [self._initiative_story() for _ in range(self.counts["initiatives"])]
        weights = [(s["final"] - s["start"]).days + 1 if s["start"] <= self.today else 0 for s in stories]
        update_counts = self._allocate(self.counts["updates"], weights)
        rows = []
        for n, (story, updates) in enumerate(zip(stories, update_counts, strict=True)):
            if not updates:  # nothing reported yet: the initiative still reads as not started
                story.update(status=Status.NOT_STARTED, percent=0)
            department = departments[rng.randrange(len(departments))]
            estimate = Decimal(rng.randrange(50, 5_000)) * 1_000
            rows.append(
                Initiative(
                    plan=plan,
                    code=f"INI-{n + 1:05d}",
                    department=department,
                    theme=rng.choice(themes),
                    title=f"{rng.choice(ACTIONS)} {rng.choice(SYSTEMS)} for {department.name.split(' (')[0]}",
                    term=Term.SHORT if story["target"] <= self.short_term_end else Term.LONG,
                    status=story["status"],
                    percent_complete=story["percent"],
                    start_date=story["start"],
                    target_date=story["target"],
                    completed_date=story["final"] if story["status"] == Status.COMPLETED else None,
                    budget_estimate=estimate,
                    budget_actual=(estimate * story["percent"] / 100).quantize(Decimal("1")),
                    update_cadence_days=story["cadence"],
                    last_update_on=story["final"] if updates else None,
                )
            )
        initiatives = Initiative.objects.bulk_create(rows, batch_size=BULK_BATCH)
        supports = Initiative.supports.through
        links = []
        for initiative in initiatives:
            for objective in rng.sample(objectives, min(len(objectives), rng.choice([1, 1, 2, 2, 3]))):
                links.append(supports(initiative_id=initiative.pk, objective_id=objective.pk))
        supports.objects.bulk_create(links, batch_size=BULK_BATCH)
        self.counts["supports"] = len(links)
        return [(i.pk, s, u) for i, s, u in zip(initiatives, stories, update_counts, strict=True)]

    def status_update_rows(self, initiatives: list[tuple]) -> Iterator[tuple]:
        """Each initiative's updates from its start to its last update, percent rising to its final figure."""
        rng, random_ = self.rng, self.rng.random
        for initiative_id, story, count in initiatives:
            if not count:
                continue
            start, final = story["start"].toordinal(), story["final"].toordinal()
            days = sorted(start + int((final - start) * random_()) for _ in range(count - 1))
            curve = rng.uniform(0.7, 1.4)
            cap = 99 if story["status"] == Status.COMPLETED else 100
            for day in days:
                share = (day - start) / (final - start) if final > start else 1.0
                percent = min(cap, int(story["percent"] * share**curve))
                draw = random_()
                status = (
                    Status.NOT_STARTED
                    if percent == 0
                    else Status.ON_TRACK
                    if draw < 0.7
                    else Status.AT_RISK
                    if draw < 0.9
                    else Status.OFF_TRACK
                )
                as_of = datetime.date.fromordinal(day)
                yield (initiative_id, as_of, status, percent, rng.choice(NARRATIVES), None, self._stamp(as_of))
            yield (
                initiative_id,
                story["final"],
                story["status"],
                story["percent"],
                rng.choice(NARRATIVES),
                None,
                self._stamp(story["final"], 17),
            )  # an hour after any other that day: the latest

    # Metrics and their monthly readings.

    def metrics(self, objectives: list[Objective], departments: list[Department]) -> list[tuple]:
        """Create the metrics; return (id, shape) per metric, the shape drawing its readings."""
        rng, latest = self.rng, _latest_month_index(self.today)
        count, total = self.counts["metrics"], self.counts["readings"]
        lengths = [total // count + (1 if n < total % count else 0) for n in range(count)]
        for n in range(0, count - 1, 2):  # uneven histories, same total
            shift = rng.randint(0, lengths[n + 1] // 3)
            lengths[n], lengths[n + 1] = lengths[n] + shift, lengths[n + 1] - shift
        first_baseline = FIRST_FISCAL_YEAR * 12 + FISCAL_START_MONTH - 1 - 12 - 1  # a year before the plan
        rows, shapes = [], []
        for n in range(count):
            name, unit, direction, low, high = rng.choice(METRICS)
            baseline = round(rng.uniform(low, high), 2 if unit in ("%", "$") else 0)
            if direction == "up":
                target = (
                    baseline + (100 - baseline) * rng.uniform(0.25, 0.7)
                    if unit == "%"
                    else baseline * rng.uniform(1.2, 2)
                )
            else:
                target = baseline * rng.uniform(0.4, 0.85)
            target = round(target, 2 if unit in ("%", "$") else 0)
            if target == baseline:
                target = baseline + (1 if direction == "up" else -1)
            baseline_date = _month_end(first_baseline + rng.randint(0, 18))
            target_date = fiscal_year_end(rng.choice([2025, 2026, 2027, 2027]), FISCAL_START_MONTH)
            department = departments[rng.randrange(len(departments))].name.split(" (")[0]
            rows.append(
                Metric(
                    objective=objectives[rng.randrange(len(objectives))],
                    name=f"{name} ({department})",
                    unit=unit,
                    direction=direction,
                    baseline=Decimal(str(baseline)),
                    target=Decimal(str(target)),
                    baseline_date=baseline_date,
                    target_date=target_date,
                    frequency=Metric.Frequency.MONTHLY,
                )
            )
            lag = 0 if rng.random() < 0.8 else rng.randint(1, 4)
            shapes.append(
                {
                    "baseline": baseline,
                    "target": target,
                    "from": baseline_date.toordinal(),
                    "to": target_date.toordinal(),
                    "attainment": rng.triangular(-0.3, 1.3, 0.9),
                    "last": latest - lag,
                    "length": lengths[n],
                    "percent": unit == "%",
                    "digits": 2 if unit in ("%", "$") else 0,
                }
            )
        metrics = Metric.objects.bulk_create(rows, batch_size=BULK_BATCH)
        return [(m.pk, s) for m, s in zip(metrics, shapes, strict=True)]

    def reading_rows(self, metrics: list[tuple]) -> Iterator[tuple]:
        """One reading per month per metric, ending at the metric's latest month: never in the future."""
        random_ = self.rng.random
        for metric_id, shape in metrics:
            change = shape["target"] - shape["baseline"]
            window = shape["to"] - shape["from"]
            for month in range(shape["last"] - shape["length"] + 1, shape["last"] + 1):
                period_end = _month_end(month)
                elapsed = min(max((period_end.toordinal() - shape["from"]) / window, 0.0), 1.0)
                value = shape["baseline"] + change * (shape["attainment"] * elapsed + (random_() - 0.5) * 0.08)
                value = max(0.0, min(100.0, value) if shape["percent"] else value)
                yield (metric_id, period_end, Decimal(f"{value:.{shape['digits']}f}"), "", None, 1, self.now, self.now)
