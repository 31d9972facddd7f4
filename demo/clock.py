"""The demo replays its months as staff would have lived them: each action runs on the day it belongs to.

Services read the date from the clock (a sanction is due five working days after the day its grade was
approved, a suspension starts on the approval day, an application is checked against the restrictions in force
today), so the replay moves the clock instead of writing dates around the services.
"""

import datetime as dt
from contextlib import contextmanager

import time_machine
from django.utils import timezone


class StaffCalendar:
    """Moments of the replay; never later than the demo's ``today`` (the real clock when today is today)."""

    def __init__(self, today: dt.date):
        self.today = today
        self.real_today = timezone.localdate()

    def day(self, day: dt.date) -> dt.date:
        return min(day, self.today)

    @contextmanager
    def at(self, day: dt.date, hour: int = 10, minute: int = 0):
        day = self.day(day)
        if day == self.real_today:
            yield day  # today: the real clock, so nothing is stamped in the future
            return
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        with time_machine.travel(moment, tick=True):
            yield day
