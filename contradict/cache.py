"""Django's Redis cache, keeping one client per connection pool instead of one per call.

Django builds a ``redis.Redis`` for every cache operation, and redis-py's constructor fills a
table of some 170 response callbacks each time: two throttle operations per API request spent
more time there than talking to Redis. A client is safe to share between threads (each command
takes a connection from the pool), so one per pool serves every request.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
