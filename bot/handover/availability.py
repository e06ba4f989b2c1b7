"""When each contact channel is open, with public holidays, in the municipality's timezone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import holidays as public_holidays

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Options:
    chat: bool            # live chat now: the channel is open and a staff member is online
    phone_open: bool
    callback: bool = True
    desk: bool = True
    digital_help: bool = True


class OpeningHours:
    def __init__(self, municipality: dict):
        self.zone = ZoneInfo(municipality.get("timezone", "Europe/Amsterdam"))
        self.channels = municipality.get("contact_channels", {})
        self.countries = municipality.get("holidays", ["NL"])

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def is_holiday(self, moment: datetime) -> bool:
        day = self.local(moment).date()
        return any(day in public_holidays.country_holidays(country, years=day.year) for country in self.countries)

    def is_open(self, channel: str, moment: datetime) -> bool:
        local = self.local(moment)
        span = self.channels.get(channel, {}).get(WEEKDAYS[local.weekday()])
        if not span or self.is_holiday(moment):
            return False
        start, end = (time.fromisoformat(t) for t in span)
        return start <= local.time() < end

    def options(self, moment: datetime, staff_online: bool) -> Options:
        return Options(chat=self.is_open("chat", moment) and staff_online, phone_open=self.is_open("phone", moment))


def team_for(theme: str | None, municipality: dict) -> str:
    for team, themes in municipality.get("teams", {}).items():
        if theme and theme in themes:
            return team
    return "algemeen"
