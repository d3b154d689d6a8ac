"""Calendar arithmetic and the range of dates the app accepts, each written once."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# No network, meeting or report period lies outside these: a date beyond them is a typing error
# (year 1 or 9999 cannot be turned into a time in Copenhagen or have months added to it).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)


def is_plausible(day: datetime.date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def long_date(day: datetime.date) -> str:
    """A day as running text reads it: "4. december 2026" (the sentence supplies "den")."""
    return date_format(day, "j. F Y")


def long_datetime(moment: datetime.datetime) -> str:
    """A moment as running text reads it, in Danish time: "4. december 2026 kl. 15.32".

    The sentence supplies "den" ("… af Dorte Direktør den %(at)s"); tables keep their compact format.
    """
    # Translators: a date and time in running text; Danish writes the clock with "kl." and a dot.
    return date_format(timezone.localtime(moment), gettext(r"j. F Y \k\l. H.i"))


def validate_plausible_date(value: datetime.date | datetime.datetime) -> None:
    """Refuse dates no network will have (year 1, year 9999): date arithmetic on them overflows."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not is_plausible(day):
        raise ValidationError(
            _("Angiv en dato mellem %(earliest)s og %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
        )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from `first` to `last`, both included."""
    (year, month), result = first, []
    while (year, month) <= last:
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


SATURDAY, SUNDAY = 5, 6


def weekday_within(day: datetime.date, first: datetime.date, last: datetime.date) -> datetime.date:
    """Move a weekend day to the nearest weekday that stays inside [first, last]; keep it otherwise."""
    if day.weekday() == SATURDAY:
        candidates = (day - datetime.timedelta(days=1), day + datetime.timedelta(days=2))
    elif day.weekday() == SUNDAY:
        candidates = (day + datetime.timedelta(days=1), day - datetime.timedelta(days=2))
    else:
        return day
    return next((c for c in candidates if first <= c <= last), day)


def iso_week_key(day: datetime.date) -> str:
    """ "2027-W05": the ISO week a day falls in, for things done once a week."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
