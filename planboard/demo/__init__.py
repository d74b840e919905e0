"""Demo data for Planboard, loaded by `python manage.py load_demo`.

The data modules are plain Python structures (`departments`, `users`, `phoenix`,
`phoenix_initiatives` with its row modules `phoenix_initiatives_goals_1_3` and
`phoenix_initiatives_goals_4_6`, `aurora`, `aurora_initiatives` with its theme tables
`aurora_initiatives_inf_inn` and `aurora_initiatives_gov_itm`, `department_plans`); `history`
turns them into a made-up past of readings and status updates; `people`, `alignment` and
`loader` write them to the database.
See `loader` for how loading stays idempotent.
"""
