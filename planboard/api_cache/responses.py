"""Cached API reads: a GET answered from the cache while nothing has been written since.

City dashboards and feeds poll the same lists over and over; between two changes to the plan
the answer is the same bytes. A response is stored under a key made of

- the data generation (planboard/api_cache/generation.py), which moves after every committed write, so
  a change anyone makes, by any path, ends every older entry at once;
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

Token authentication (CachedTokenAuthentication) leans on the same generation: a token this
process has checked is trusted until the generation moves, and revoking a token or deactivating
its user is a write that moves it. For a known token, the generation and the caller's throttle
count come back from the shared cache in one round trip, and the body is usually in this
process's own memory (LocalResponses): a cached list then costs no query and one call to Redis.
"""

import copy
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.response import Response

from planboard.api_cache import generation
from planboard.api_cache.throttles import UserThrottle

logger = logging.getLogger(__name__)

# Bodies kept in each process's own memory (LocalResponses), on top of the shared cache.
LOCAL_CACHE_BYTES = 32 * 1024 * 1024


def request_generation(request, also_count: tuple[str, int] | None = None) -> int | None:
    """The data generation this request reads at, read once per request; None when nothing may be
    answered from the cache (caching off, a transaction open, the cache out of reach).

    `also_count` (a throttle counter's key and lifetime) is counted in the same round trip, and
    its value left in `planboard_counted` for the throttle (planboard.api_cache.throttles.CountingThrottle).
    """
    django_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    if not hasattr(django_request, "planboard_generation"):
        current = None
        if settings.API_CACHE_SECONDS and not connection.in_atomic_block:
            if also_count is None:
                current = generation.current()
            else:
                current, django_request.planboard_counted = generation.current_and_count(also_count)
        django_request.planboard_generation = current
    return django_request.planboard_generation


def response_key(request) -> str | None:
    """The cache key of this GET, or None when its response must not be cached."""
    current = request_generation(request)
    if current is None or request.method not in ("GET", "HEAD"):
        return None
    user = request.user
    caller = user.pk if user is not None and user.is_authenticated else 0
    request_digest = hashlib.blake2b(
        f"{request.build_absolute_uri()}\n{request.accepted_media_type}".encode(), digest_size=16
    ).hexdigest()
    return f"api:{current}:{caller}:{timezone.localdate().isoformat()}:{request_digest}"


class LocalResponses:
    """This process's most recently used responses, in front of the shared cache: a hit costs no
    round trip to Redis. Bounded by the bytes of the bodies (least recently used go first), and
    each copy expires API_CACHE_SECONDS after it was taken. Keys carry the generation, so a copy
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
    (see the module docstring): a stored response, or the list, rendered and stored on its way out."""

    cache_key_for_response: str | None = None

    def list(self, request, *args, **kwargs):
        key = response_key(request)
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
    or deactivating, changing or deleting its user is a committed write, which moves the
    generation, so it takes effect from the next request on. A remembered token also expires with
    the responses, API_CACHE_SECONDS after it was checked, whatever happens to the generation
    (a write Django did not see is bounded the same way as a cached answer). Each request gets its
    own copy of the user object."""

    # Token key → (generation, expiry on the monotonic clock, user, token), for this process;
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
        current = request_generation(self.request, also_count=counter)
        if current is not None and known is not None and known[0] == current:
            return copy.copy(known[2]), known[3]
        user, token = super().authenticate_credentials(key)
        if current is not None:
            if len(self.known) >= self.MAX_KNOWN:
                self.known.clear()
            self.known[key] = (current, time.monotonic() + settings.API_CACHE_SECONDS, user, token)
            user = copy.copy(user)
        return user, token
