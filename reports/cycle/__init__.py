"""The reporting cycle (issue 14): what each owner owes for the current period, the CIO's
tracker of who has reported, and closing a period (services). The period arithmetic is
planboard.core.periods, the reported/due/late rule planboard.core.progress."""
