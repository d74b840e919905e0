"""Prioritization (Aurora's method): initiatives scored 0-3 against pillars and business drivers.

`rules` holds the published method (score, rank, sensitivity) and the ranking read; `services`
store the figures and change weights and scores; `views` and `urls` are the priority and
sensitivity pages. The API answers from initiatives.api.priority.
"""
