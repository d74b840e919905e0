"""API throttles: one counter per caller and fixed window in the shared cache."""

import logging

from rest_framework import throttling
from rest_framework.settings import api_settings

from planboard.api_cache import shared_cache
from planboard.api_cache.generation import CACHE_ERRORS

logger = logging.getLogger(__name__)


class CountingThrottle(throttling.SimpleRateThrottle):
    """DRF's rate for the view's scope, counted as one number per caller and fixed window.

    DRF's own throttles keep a list of every request's time, read and written whole on each
    request, so their cost grows with the rate allowed. Here a request adds one to a counter in
    the shared cache (planboard/shared_cache.py: one round trip, or none when the request's
    first trip to the cache already counted it, see CachedTokenAuthentication) whose key names
    the window, so an old window's count is never read again and expires on its own. A caller may
    make up to twice the rate across the boundary between two windows; Retry-After says when the
    window ends. If the cache cannot be reached, requests are let through (and logged).
    """

    def get_rate(self) -> str | None:
        # Read on each request, so a changed setting (and each test's) takes effect at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def counter_key(self, caller: str, now: float) -> str:
        """The key of `caller`'s count in the window that holds `now`."""
        return f"{caller}:{int(now // self.duration)}"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        caller = self.get_cache_key(request, view)
        if caller is None:
            return True
        self.now = self.timer()
        self.window_ends_at = (self.now // self.duration + 1) * self.duration
        key = self.counter_key(caller, self.now)
        counted = getattr(request._request, "planboard_counted", {}).pop(key, None)
        if counted is None:
            try:
                counted = shared_cache.count(key, timeout=2 * self.duration)
            except CACHE_ERRORS as error:
                logger.warning("API throttle counts cannot be reached (%s); the request is let through.", error)
                return True
        return counted <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends_at - self.now)


class AnonThrottle(CountingThrottle):
    """Requests without credentials, per client address."""

    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return f"throttle:anon:{self.get_ident(request)}"


class UserThrottle(CountingThrottle):
    """Requests per signed-in user (per client address for the rest, under the same rate)."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return self.caller_for_user(request.user.pk)
        return f"throttle:user:{self.get_ident(request)}"

    @staticmethod
    def caller_for_user(user_pk: int) -> str:
        return f"throttle:user:{user_pk}"

    @classmethod
    def counter_for_user(cls, user_pk: int) -> tuple[str, int] | None:
        """The key and lifetime of the user's counter now, to be counted ahead (None: no limit)."""
        throttle = cls()
        if throttle.rate is None:
            return None
        return throttle.counter_key(cls.caller_for_user(user_pk), throttle.timer()), 2 * throttle.duration
