"""API rate limits counted in fixed windows: one atomic increment per request.

DRF's ``SimpleRateThrottle`` keeps the time of every request of the window in one cache entry and reads and
rewrites the whole list on each request, so its cost grows with the rate (at 1,200/minute a busy user's
request moves a list of up to 1,200 floats through Redis twice). Counting per window costs one ``INCR``
whatever the rate; the price is that a client may send up to twice the rate across a window boundary.
"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class FixedWindowMixin:
    """``allow_request``/``wait`` of a DRF rate throttle, counted per window of the rate's duration."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        window_key = f"{key}:{window}"
        try:
            count = self.cache.incr(window_key)
        except ValueError:  # first request of the window (a racing first request lands in incr next time)
            if self.cache.add(window_key, 1, self.duration + 1):
                count = 1
            else:
                count = self.cache.incr(window_key)
        return count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - self.now)


class UserRateThrottle(FixedWindowMixin, UserRateThrottle):
    """Per signed-in user (``THROTTLE_USER``)."""


class AnonRateThrottle(FixedWindowMixin, AnonRateThrottle):
    """Per address for anonymous requests (``THROTTLE_ANON``)."""
