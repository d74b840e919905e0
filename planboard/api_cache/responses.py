"""Cached API reads: a GET answered from the cache while nothing it shows has been written since.

City dashboards and feeds poll the same lists over and over; between two changes to the plan
the answer is the same bytes. A response is stored under a key made of

- the data generations (planboard/api_cache/generation.py) read before the data: the data
  generation, which moves after every committed write not narrowed to plans, and either the
  generation of the one plan the list is narrowed to (`?plan=` on a viewset with
  `cache_per_plan`) or the plans' generation, which every committed plan write moves. So a change
  anyone makes, by any path, ends every older entry that may show it, and a status update in one
  plan leaves another plan's lists cached;
- the caller's user id: what they may see follows from their groups, memberships and flags,
  which are rows too, so a change to them is a write as well (anonymous callers share one key);
- the city's date, since `stale` and the `?stale=` filter move with the day;
- the full URL (host, path, every query parameter: filters, search, ordering, page, page size,
  and the host and scheme that the pagination links repeat) and the accepted media type.

The stored value is the rendered body and its content type. A hit skips the queries, the
serializer and the renderer, not authentication, permissions or throttling, which DRF runs
before the view. Nothing is cached when API_CACHE_SECONDS is 0, when the cache cannot be reached,
for a response other than 200, or for a read inside a database transaction (it might see its
own uncommitted writes). Entries expire after API_CACHE_SECONDS in any case.

Token authentication (CachedTokenAuthentication) leans on the data generation: a token this
process has checked is trusted until the data generation moves, and revoking a token or
deactivating its user is a write outside plan data, which moves it. For a known token, the
generations and the caller's throttle count come back from the shared cache in one round trip, and
the body is usually in this process's own memory (LocalResponses): a cached list then costs no
query and one call to Redis.
"""

import copy
import functools
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.authentication import TokenAuthentication
from rest_framework.response import Response

from planboard.api_cache import generation
from planboard.api_cache.generation import Generation
from planboard.api_cache.throttles import UserThrottle
from planboard.core import changes

logger = logging.getLogger(__name__)

# Bodies kept in each process's own memory (LocalResponses), on top of the shared cache.
LOCAL_CACHE_BYTES = 32 * 1024 * 1024


# A plan id as the `plan` filter reads it (IdFilter): plain digits. Anything else is not narrowed.
PLAN_ID = re.compile(r"[0-9]{1,19}", re.ASCII)


def request_generation(request, view=None, also_count: tuple[str, int] | None = None) -> Generation | None:
    """The data generations this request reads at (for the list `view` shows), read once per
    request; None when nothing may be answered from the cache (caching off, a transaction open,
    the cache out of reach).

    `also_count` (a throttle counter's key and lifetime) is counted in the same round trip, and
    its value left in `planboard_counted` for the throttle (planboard.api_cache.throttles.CountingThrottle).
    """
    django_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    if not hasattr(django_request, "planboard_generation"):
        current, plan_id = None, narrowed_plan(view, request)
        if settings.API_CACHE_SECONDS and not connection.in_atomic_block:
            current, counted = generation.current_for(plan_id, also_count)
            if also_count is not None:
                django_request.planboard_counted = counted
        django_request.planboard_generation = current
        django_request.planboard_plan = plan_id
    return django_request.planboard_generation


def narrowed_plan(view, request) -> int | None:
    """The plan a list is narrowed to: `?plan=<id>`, once, on a viewset with `cache_per_plan`; else None."""
    if view is None or not getattr(view, "cache_per_plan", False):
        return None
    if not plan_filter_checked(type(view)):
        return None
    values = request.GET.getlist("plan")  # a DRF Request passes GET through to Django's
    if len(values) != 1 or not PLAN_ID.fullmatch(values[0]):
        return None
    return int(values[0])


@functools.cache
def plan_filter_checked(view_class: type) -> bool:
    """That `?plan=` narrows this viewset's list to the rows of that plan: its filter set (run by
    django-filter's backend) filters its model's path to the plan (planboard.core.changes.plan_path)
    on equality. A viewset that claims `cache_per_plan` without it is a mistake: ImproperlyConfigured."""
    filterset_class = getattr(view_class, "filterset_class", None)
    model = getattr(getattr(filterset_class, "_meta", None), "model", None)
    plan_filter = getattr(filterset_class, "base_filters", {}).get("plan")
    path = changes.plan_path(model) if model is not None else None
    if not (
        any(issubclass(backend, DjangoFilterBackend) for backend in view_class.filter_backends)
        and plan_filter is not None
        and path is not None
        and plan_filter.field_name == path
        and plan_filter.lookup_expr == "exact"
        and not plan_filter.exclude
        and plan_filter.method is None
    ):
        raise ImproperlyConfigured(
            f"{view_class.__name__}.cache_per_plan needs a `plan` filter on {path or 'its model’s plan_path'} "
            "(equality, through django-filter): otherwise `?plan=` does not narrow the list to one plan."
        )
    return True


def response_key(request, view=None) -> str | None:
    """The cache key of this GET, or None when its response must not be cached."""
    current = request_generation(request, view)
    if current is None or request.method not in ("GET", "HEAD"):
        return None
    plan_id = getattr(request, "_request", request).planboard_plan
    scope = "plans" if plan_id is None else f"plan{plan_id}"
    user = request.user
    caller = user.pk if user is not None and user.is_authenticated else 0
    request_digest = hashlib.blake2b(
        f"{request.build_absolute_uri()}\n{request.accepted_media_type}".encode(), digest_size=16
    ).hexdigest()
    return f"api:{current.data}.{current.plans}:{scope}:{caller}:{timezone.localdate().isoformat()}:{request_digest}"


class LocalResponses:
    """This process's most recently used responses, in front of the shared cache: a hit costs no
    round trip to Redis. Bounded by the bytes of the bodies (least recently used go first), and
    each copy expires API_CACHE_SECONDS after it was taken. Keys carry the generations, so a copy
    here is as current as the entry in the shared cache; the expiry is only a backstop."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[float, bytes, str]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()  # runserver and threaded workers share one process

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            expires, body, content_type = entry
            if expires < time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return body, content_type

    def put(self, key: str, body: bytes, content_type: str, seconds: int) -> None:
        if len(body) > self.max_bytes:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (time.monotonic() + seconds, body, content_type)
            self.size += len(body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        _expires, body, _type = self.entries.pop(key)
        self.size -= len(body)


local_responses = LocalResponses(LOCAL_CACHE_BYTES)


def cached_response(key: str) -> HttpResponse | None:
    """The response stored under `key` here or in the shared cache, or None (also when the
    shared cache cannot be reached)."""
    stored = local_responses.get(key)
    if stored is None:
        try:
            stored = cache.get(key)
        except generation.CACHE_ERRORS as error:
            logger.warning("Cached API responses cannot be read (%s).", error)
            return None
        if stored is None:
            return None
        local_responses.put(key, *stored, settings.API_CACHE_SECONDS)
    body, content_type = stored
    return HttpResponse(body, content_type=content_type)


def store_response(key: str, response: Response) -> None:
    """Render `response` and keep it under `key`, here and in the shared cache, for at most API_CACHE_SECONDS."""
    response.render()
    stored = (response.content, response["Content-Type"])
    local_responses.put(key, *stored, settings.API_CACHE_SECONDS)
    try:
        cache.set(key, stored, timeout=settings.API_CACHE_SECONDS)
    except generation.CACHE_ERRORS as error:
        logger.warning("An API response cannot be cached (%s).", error)


class CachedListMixin:
    """A DRF viewset whose `list` is answered from the cache while the data has not changed
    (see the module docstring): a stored response, or the list, rendered and stored on its way out.

    `cache_per_plan = True` says that the list filtered by `?plan=` shows data of that plan only
    (its rows, their links inside the plan, and rows outside plan data such as users and
    departments; never a field read from another plan's rows), so its cached answers are dropped
    by changes to that plan and not by another plan's. The `plan` filter must be the model's
    path to its plan (checked, see plan_filter_checked); leave it False when in doubt."""

    cache_key_for_response: str | None = None
    cache_per_plan = False

    def list(self, request, *args, **kwargs):
        key = response_key(request, self)
        if key is not None:
            hit = cached_response(key)
            if hit is not None:
                return hit
        self.cache_key_for_response = key
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = self.cache_key_for_response
        if key is not None and response.status_code == 200 and isinstance(response, Response):
            store_response(key, response)
        return response


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token …` authentication. While the data generation stands, a token
    this process has already checked is answered from memory instead of a query: revoking a token
    or deactivating, changing or deleting its user is a committed write outside plan data, which
    moves the data generation, so it takes effect from the next request on. A remembered token also expires with
    the responses, API_CACHE_SECONDS after it was checked, whatever happens to the generation
    (a write Django did not see is bounded the same way as a cached answer). Each request gets its
    own copy of the user object."""

    # Token key → (data generation, expiry on the monotonic clock, user, token), for this process;
    # emptied when it grows past MAX_KNOWN.
    known: dict[str, tuple[int, float, Any, Any]] = {}
    MAX_KNOWN = 1000

    def authenticate(self, request):
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key: str):
        known = self.known.get(key)
        if known is not None and known[1] <= time.monotonic():
            known = None
        # The hot path (a known token polling a list): the generation that validates the entry
        # and the user's throttle count come back from the cache in one round trip.
        view = (self.request.parser_context or {}).get("view")
        counter = None
        if known is not None and UserThrottle in getattr(view, "throttle_classes", ()):
            counter = UserThrottle.counter_for_user(known[2].pk)
        current = request_generation(self.request, view, also_count=counter)
        if current is not None and known is not None and known[0] == current.data:
            return copy.copy(known[2]), known[3]
        user, token = super().authenticate_credentials(key)
        if current is not None:
            if len(self.known) >= self.MAX_KNOWN:
                self.known.clear()
            self.known[key] = (current.data, time.monotonic() + settings.API_CACHE_SECONDS, user, token)
            user = copy.copy(user)
        return user, token
