"""The spend gate's rule: what a request may link, and its tie to the enterprise plan.

A request is *tied* when one of its objectives is an objective of the request's enterprise plan
(direct), or an objective of the department's own IT plan, aligned to that enterprise plan, that
reaches one of its objectives under the alignment rule of initiatives.alignment.rules (indirect).
Approval (initiatives.it_requests.services) needs a tie or a recorded CIO exception.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from goals.models import Objective, Plan
from initiatives.alignment.rules import plans_alignment
from initiatives.models import ITRequest


def objectives_requestable(request: ITRequest) -> QuerySet[Objective]:
    """What a request may link: its enterprise plan's objectives, and those of its department's
    IT plans that align to that enterprise plan."""
    return Objective.objects.filter(
        Q(goal__plan_id=request.plan_id)
        | Q(goal__plan__department_id=request.department_id, goal__plan__parent_id=request.plan_id)
    )


@dataclass
class Tie:
    """The enterprise objectives a request serves: linked directly, or reached through `via`."""

    request: ITRequest
    direct: list[Objective] = field(default_factory=list)
    indirect: list[tuple[Objective, Objective]] = field(default_factory=list)  # (enterprise objective, via)

    @property
    def is_tied(self) -> bool:
        return bool(self.direct or self.indirect)

    @property
    def goal_ids(self) -> list[int]:
        """The enterprise goals the request serves, each once."""
        return list(dict.fromkeys(o.goal_id for o in [*self.direct, *(e for e, _ in self.indirect)]))


def request_ties(requests: Iterable[ITRequest]) -> dict[int, Tie]:
    """Each request's tie to its enterprise plan, by request id, in a fixed number of queries."""
    requests = list(requests)
    linked = defaultdict(list)
    rows = (
        ITRequest.objectives.through.objects.filter(itrequest_id__in=[r.pk for r in requests])
        .select_related("objective__goal__plan")
        .order_by("objective__goal__number", "objective__code")
    )
    for row in rows:
        linked[row.itrequest_id].append(row.objective)
    department_plan_ids = {
        o.goal.plan_id for links in linked.values() for o in links if o.goal.plan.scope == Plan.Scope.DEPARTMENT
    }
    plans = Plan.objects.filter(pk__in=department_plan_ids)
    alignments = plans_alignment(plans) if department_plan_ids else {}
    by_objective = {a.item.pk: a for pa in alignments.values() for a in pa.objectives}
    ties = {}
    for request in requests:
        tie = Tie(request)
        seen: set[int] = set()
        for objective in linked[request.pk]:
            plan = objective.goal.plan
            if plan.pk == request.plan_id and objective.pk not in seen:
                tie.direct.append(objective)
                seen.add(objective.pk)
            elif plan.department_id == request.department_id and plan.parent_id == request.plan_id:
                for target in by_objective[objective.pk].enterprise_objectives if objective.pk in by_objective else []:
                    if target.goal.plan_id == request.plan_id and target.pk not in seen:
                        tie.indirect.append((target, objective))
                        seen.add(target.pk)
        ties[request.pk] = tie
    return ties


def request_tie(request: ITRequest) -> Tie:
    """One request's tie (see `request_ties`)."""
    return request_ties([request])[request.pk]
