"""The benchmarks' URL configuration: the hello-world JSON view, then every Planboard URL.

The hello-world view is the yardstick (PITFALLS.md: "a Django 5.2 JSON view under gunicorn"):
the least a request through Django's middleware can cost on this machine. It exists only for
`make bench` (bench/settings.py) and is never part of Planboard's own URLs.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def hello(request: HttpRequest) -> JsonResponse:
    """A constant JSON document: no database, no template."""
    return JsonResponse({"hello": "world"})


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("", include("planboard.urls")),
]
