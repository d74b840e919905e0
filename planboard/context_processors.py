from django.conf import settings


def city(request) -> dict:
    """The city's name on every page."""
    return {"CITY_NAME": settings.CITY_NAME}
