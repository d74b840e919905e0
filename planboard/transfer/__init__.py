"""Spreadsheet import and export: plans, status updates and metric readings, as .xlsx and .csv.

Modules: `layouts` (the columns of every file, shared by import, export and the blank
templates), `read` (safe opening and row streaming), `cells` (reading a cell, naming what is
wrong), `updates`, `readings`, `plan_check` + `plan_apply` (the three imports; the whole-plan
check reads each sheet's rows in `plan_rows` into the `plan_items` it compares), `imports` (the
one entry point), `exports`, `jobs` (large imports as a Celery task with progress), `views`.

Why not django-import-export (4.4, which works here with openpyxl 3.1)? It was weighed first, as
the library made for this job, against what issue 8 asks:

- It imports one model per Resource, one table per file. A whole plan is a tree (plan, goals,
  objectives, metrics, initiatives, plus many-to-many links by code) that must be checked as a
  whole before anything is written; with it, that becomes several dependent imports whose
  dry runs cannot see each other's new rows.
- It saves with `instance.save()` (`Resource.save_instance`) and validates with `full_clean()`.
  Planboard's writes must go through the services (permission, version, audit reason,
  recalculation queued once per plan), and StatusUpdate is append-only: `import_updates` posts
  through `initiative_post_update`, which has no place in a Resource's create/update/skip model.
  Overriding `import_row`, `save_instance`, `skip_row` and `import_instance` for every model
  would leave little of the library but its file loading.
- Its file loading reads the whole sheet into a tablib Dataset in memory, with no check of an
  .xlsx's declared uncompressed sizes or compression ratio before openpyxl opens it. Bounded
  memory and zip-bomb refusal have to be written here anyway.
- Its error report is per row (and per field from full_clean); the issue wants every problem as
  (sheet, row, column, value, rule), including file-level ones and per-row permission refusals,
  in one page and one CSV. Its dry run also writes and rolls back, running every service twice.

So Planboard reads .xlsx with openpyxl (`read_only=True`, streaming) and .csv with the csv module,
and keeps its own thin validation layer whose rules are the models' own (`clean_fields`,
`clean`) and the services' own permission rules (`ItemRules`). Dependency: openpyxl==3.1.5.
"""
