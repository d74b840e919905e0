"""The Phoenix plan's initiatives (illustrative, except PHX-601/602, which the seed names).

`status`/`percent` is where each initiative stands today; the loader posts a short history of
status updates leading up to it. `last` is when the newest update was posted: a number of days
before today (so "stale" and "fresh" stay true whatever day the demo is loaded) or a date.
Milestones are (title, due, done on or None).

The rows live in phoenix_initiatives_goals_1_3 (goals 1-3, with the `_initiative` builder) and
phoenix_initiatives_goals_4_6 (goals 4-6); this module joins them in goal order.
"""

from planboard.demo import phoenix_initiatives_goals_1_3, phoenix_initiatives_goals_4_6

INITIATIVES: list[dict] = [*phoenix_initiatives_goals_1_3.INITIATIVES, *phoenix_initiatives_goals_4_6.INITIATIVES]
