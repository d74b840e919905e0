"""Rules a status update obeys on every path (forms, the update-all page, the API, the admin,
imports), checked by StatusUpdate.clean. No model here: plain functions of the values."""

from planboard.core.choices import InitiativeStatus

# Statuses an owner must explain when an initiative turns to them (the update's narrative).
EXPLAINED_STATUSES = (InitiativeStatus.AT_RISK, InitiativeStatus.OFF_TRACK)


def check_explanation(status: str, previous_status: str | None, narrative: str | None) -> dict[str, str]:
    """The rule of every path (forms, the update-all page, the API, the admin, imports): turning an
    initiative at risk or off track needs a short explanation in the narrative. An update that keeps
    the status it already had (at risk, still at risk) may leave the narrative empty."""
    if status in EXPLAINED_STATUSES and status != previous_status and not (narrative or "").strip():
        label = InitiativeStatus(status).label.lower()
        return {
            "narrative": f"Say in a few words why the initiative is {label}: an explanation is required "
            f"when an initiative turns {label}."
        }
    return {}
