"""When a known article is due for another look: NewsDiffs' decaying re-check schedule.

News is edited most while it is fresh, so an article is re-checked often while
it is young and less and less as it ages, then never. The schedule is a setting
(``ARCHIVER_REVISIT_SCHEDULE``): steps of "under AGE, every INTERVAL", e.g.
``"3h:15m 1d:1h 7d:3h 30d:3d 365d:30d"``; past the last age an article is never
re-checked. ``--revisit`` checks every article within that horizon at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SPAN = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")


def parse_span(text: str) -> timedelta:
    """``"15m"`` -> 15 minutes; units s, m, h, d, w."""
    match = _SPAN.match(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a time span like 15m, 3h or 30d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True)
class Step:
    under: timedelta        # applies to articles younger than this
    every: timedelta        # re-check interval


@dataclass(frozen=True)
class RevisitSchedule:
    steps: tuple[Step, ...]

    @classmethod
    def parse(cls, spec: str) -> "RevisitSchedule":
        """``"3h:15m 1d:1h ..."`` (ages increasing); a bad spec names the setting to fix."""
        steps = []
        for part in spec.replace(",", " ").split():
            age, sep, every = part.partition(":")
            if not sep:
                raise ValueError(f"ARCHIVER_REVISIT_SCHEDULE: {part!r} is not AGE:INTERVAL, e.g. 3h:15m")
            try:
                steps.append(Step(parse_span(age), parse_span(every)))
            except ValueError as exc:
                raise ValueError(f"ARCHIVER_REVISIT_SCHEDULE: {exc}") from None
        if [s.under for s in steps] != sorted(s.under for s in steps):
            raise ValueError("ARCHIVER_REVISIT_SCHEDULE: ages must increase from step to step")
        return cls(tuple(steps))

    @property
    def horizon(self) -> timedelta:
        """Articles older than this are never re-checked."""
        return self.steps[-1].under if self.steps else timedelta(0)

    def interval(self, age: timedelta) -> timedelta | None:
        """How often an article of this age is re-checked; None past the horizon."""
        return next((step.every for step in self.steps if age < step.under), None)

    def is_due(self, born: datetime, last_checked: datetime, now: datetime, *, force: bool = False) -> bool:
        """Due when within the horizon and its interval has passed since the last check (always, with *force*)."""
        interval = self.interval(now - born)
        if interval is None:
            return False
        return force or now - last_checked >= interval
