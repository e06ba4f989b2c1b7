"""ISO weeks in the municipality's time zone: the unit of every insight."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    LOCAL: tzinfo = ZoneInfo("Europe/Amsterdam")
except (ImportError, ZoneInfoNotFoundError):     # no time zone database: weeks in UTC
    LOCAL = timezone.utc

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
MAX_WEEKS = 104
DEFAULT_WEEKS = 12


def week_of(moment: datetime | float, zone: tzinfo = LOCAL) -> str:
    """'2026-W07' for a datetime (naive = UTC) or a Unix timestamp."""
    if isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def week_of_iso(stamp: str | None, zone: tzinfo = LOCAL) -> str | None:
    """The week of an ISO 8601 text such as the handover store's created_at; None if unreadable."""
    if not stamp:
        return None
    try:
        return week_of(datetime.fromisoformat(stamp), zone)
    except ValueError:
        return None


def monday(week: str) -> date:
    match = WEEK.match(week or "")
    if not match:
        raise ValueError(f"not an ISO week (YYYY-Www): {week!r}")
    return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)   # ValueError for W00/W54


@dataclass(frozen=True)
class Period:
    """Whole ISO weeks from `first` to `last`, inclusive."""
    first: str
    last: str
    zone: tzinfo = LOCAL

    def __post_init__(self):
        if monday(self.first) > monday(self.last):
            raise ValueError("the first week comes after the last week")
        if len(self.weeks()) > MAX_WEEKS:
            raise ValueError(f"at most {MAX_WEEKS} weeks at a time")

    @classmethod
    def recent(cls, weeks: int = DEFAULT_WEEKS, today: date | None = None, zone: tzinfo = LOCAL) -> "Period":
        today = today or datetime.now(zone).date()
        last = week_of(datetime.combine(today, time(12), zone), zone)
        first_day = monday(last) - timedelta(weeks=weeks - 1)
        return cls(week_of(datetime.combine(first_day, time(12), zone), zone), last, zone)

    def weeks(self) -> list[str]:
        day, end, result = monday(self.first), monday(self.last), []
        while day <= end:
            year, week, _ = day.isocalendar()
            result.append(f"{year}-W{week:02d}")
            day += timedelta(weeks=1)
        return result

    def bounds(self) -> tuple[float, float]:
        """Unix timestamps of the first week's Monday 00:00 and the Monday after the last week."""
        start = datetime.combine(monday(self.first), time(0), self.zone)
        end = datetime.combine(monday(self.last) + timedelta(weeks=1), time(0), self.zone)
        return start.timestamp(), end.timestamp()

    def contains(self, week: str | None) -> bool:
        return week is not None and self.first <= week <= self.last
