"""The API's response cache and what it leans on (see responses.py): the data generation, the
shared-cache counters, token authentication, throttles and content negotiation. Only the settings
(by dotted path) and the list viewsets (CachedListMixin) use it; `manage.py api_cache_reset`
moves the generation after writes Django cannot see (a restore, raw SQL in psql)."""
