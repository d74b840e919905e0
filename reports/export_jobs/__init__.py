"""The plan export as a background job, for plans too big to stream within one request.

A job row (reports.models.PlanExport) is created by `plan_export_request` (the API's
`POST /api/v1/plans/{id}/exports/`, the synchronous export of a plan above
PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES, the "Download the plan as JSON" button); the Celery task
`reports.tasks.write_plan_export` writes the document with reports.plan_export to a temporary file
and saves it through Django's storage API; the person polls the job (the API, or the progress page
of reports.export_jobs.views) until it is done, then downloads the file. Without a broker the task
runs inline, so the request that starts the job finishes it. Files are deleted after
PLANBOARD_EXPORT_KEEP_DAYS by the beat task `reports.tasks.expire_plan_exports`.
"""
