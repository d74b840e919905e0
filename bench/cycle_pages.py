"""The reporting cycle's pages for bench/pages.py (issue 14): the update-all page of a busy owner
(`bench-owner`, 40 initiatives and 10 metrics of the plan), and the plan's reporting tracker as
the CIO sees it, measured at scale 1 beside the dashboard (same server, same wrk runs, same
breakdown). Smoke run on a scale-0.1 city (300 initiatives; 14 items owed; the machine shared):
in-process 7 queries each; update-all ~130 ms, tracker ~150 ms (130 ms of it SQL)."""

BENCH_CIO_USERNAME = "bench-cio"


def bench_cio():
    """A member of the Administrator group: the CIO, who may open every plan's reporting tracker."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from planboard.core.permissions import Role

    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_CIO_USERNAME, defaults={"first_name": "Benchmark", "last_name": "CIO"}
    )
    user.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    return user


BENCH_OWNER_USERNAME = "bench-owner"
OWNED_INITIATIVES, OWNED_METRICS = 40, 10  # a busy owner's share of a city's plan


def bench_owner(plan):
    """`bench-owner`, owner of OWNED_INITIATIVES initiatives and OWNED_METRICS metrics of `plan`,
    spread over its codes (the generated city has no owners). Set once, directly on the rows, like
    the liaison's membership: benchmark data, not a change anyone made (no audit entry)."""
    from django.contrib.auth import get_user_model

    from goals.models import Metric
    from initiatives.models import Initiative

    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_OWNER_USERNAME, defaults={"first_name": "Benchmark", "last_name": "Owner"}
    )
    if not Initiative.objects.filter(plan=plan, owner=user).exists():
        ids = list(Initiative.objects.filter(plan=plan).order_by("code").values_list("pk", flat=True))
        step = max(len(ids) // OWNED_INITIATIVES, 1)
        Initiative.objects.filter(pk__in=ids[::step][:OWNED_INITIATIVES]).update(owner=user)
        metric_ids = list(Metric.objects.filter(objective__goal__plan=plan).order_by("pk").values_list("pk", flat=True))
        step = max(len(metric_ids) // OWNED_METRICS, 1)
        Metric.objects.filter(pk__in=metric_ids[::step][:OWNED_METRICS]).update(owner=user)
    return user


def cycle_pages(plan) -> list[tuple[str, str, object, list[str]]]:
    """(kind, who, user, paths) of the update-all page and the tracker of `plan`."""
    from django.urls import reverse

    from reports.cycle.selectors import items_owed

    owner = bench_owner(plan)
    who = f"{owner.get_username()}, {len(items_owed(user=owner))} items owed"
    pages = [("update-all page", who, owner, [reverse("cycle:update_all")])]
    pages.append(("reporting tracker", "CIO", bench_cio(), [reverse("cycle:tracker", args=[plan.slug])]))
    return pages
