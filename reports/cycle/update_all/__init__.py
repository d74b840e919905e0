"""The "Update all my items" page: everything the signed-in user owes for the current reporting
period on one page, saved together through the services (initiative_post_updates and
metric_record_reading). Rows come from reports.cycle.selectors.items_owed."""
