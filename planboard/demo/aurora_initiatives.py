"""The Aurora plan's 58 initiatives as the loader reads them: each row of the theme tables
(aurora_initiatives_inf_inn, aurora_initiatives_gov_itm) becomes a spec with its theme, start and
target dates, its status at the FY2019 close-out (and when it was last reported) and its pillar and
driver scores; `CLOSING_NOTES` is the narrative of each one's last status update.
"""

import datetime

from planboard.demo import aurora_initiatives_gov_itm, aurora_initiatives_inf_inn
from planboard.demo.aurora import AGILITY, CUSTOMER, ONE_IT

d = datetime.date

# The theme tables in the plan's order: Infrastructure, Innovation Projects, Governance & Security, IT Management.
_INITIATIVES: dict[str, list[tuple]] = {**aurora_initiatives_inf_inn.ROWS, **aurora_initiatives_gov_itm.ROWS}

PLAN_CLOSE = d(2019, 12, 16)  # the close-out review at which every open initiative was last reported


def _initiative(theme: str, index: int, row: tuple) -> dict:
    code, title, term, department, pillar_scores, driver_scores, standing = row
    start = d(2018, 1 + index % 6, 1 + index % 3 * 7)
    target = d(2019, 12, 31) if term == "short" else d(2021, 6, 30)
    if standing == "done":
        status, percent = "completed", 100
        last = d(2018, 9, 28) + datetime.timedelta(days=29 * index)  # finished between autumn 2018 and 2019
    elif standing == "not_started":
        status, percent, last = "not_started", 0, PLAN_CLOSE
    else:
        status, percent = standing.split(":")[0], int(standing.split(":")[1])
        last = PLAN_CLOSE
    return {
        "code": code,
        "title": title,
        "theme": theme,
        "term": term,
        "department": department,
        "start": start,
        "target": target,
        "status": status,
        "percent": percent,
        "last": last,
        "pillar_scores": dict(zip((ONE_IT, CUSTOMER, AGILITY), pillar_scores, strict=True)),
        "driver_scores": {key: int(score) for key, score in (pair.split(":") for pair in driver_scores.split())},
    }


INITIATIVES: list[dict] = [
    _initiative(theme, index, row) for theme, rows in _INITIATIVES.items() for index, row in enumerate(rows)
]

# The narrative of each initiative's last status update, by its status at the close of FY2019.
CLOSING_NOTES = {
    "completed": "Delivered and handed over to operations.",
    "on_track": "Carried into the next plan: on schedule at the FY2019 close-out review.",
    "at_risk": "Carried into the next plan: behind schedule at the FY2019 close-out review.",
    "off_track": "Carried into the next plan: re-scoped after missing its FY2019 milestones.",
    "on_hold": "Paused until funding is identified in a future budget.",
    "cancelled": "Cancelled: the regional partners chose a private operator; no City funds were spent.",
    "not_started": "Deferred to the next plan; not funded in FY2018-2019.",
}
