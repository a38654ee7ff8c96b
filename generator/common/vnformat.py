"""Numbers, ratios, dates and times written the Vietnamese way (NĐ30/2020).

Counts use the group and decimal signs of the ``vi`` locale (``121.149``, ``0,98``;
``tests/test_vnformat.py`` checks them against babel's locale data), written here
rather than by babel's formatter, whose locale data alone takes longer to load than a
notice takes to fill and which costs 50 µs a number in a long appendix; ratios are
rounded half up, never half to even as babel rounds. Dates follow
NĐ30: a leading zero for days 1–9 and for months 1–2 only, and years are
never grouped. Every function here is also a Jinja filter (``FILTERS``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

LOCALE = "vi"
GROUP_SIGN, DECIMAL_SIGN = ".", ","  # babel: get_group_symbol("vi"), get_decimal_symbol("vi")
_VIETNAMESE = str.maketrans({",": GROUP_SIGN, ".": DECIMAL_SIGN})
CENT = Decimal("0.01")
BLANK_NUMBER = "      "  # room for the number the document system assigns
BLANK_DAY = "    "


def ratio(part: int, whole: int) -> Decimal:
    """``part / whole`` as a percentage, rounded half up to 2 decimals (0 when whole is 0)."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def count(value: int | None) -> str:
    """A count with "." between thousands: 121149 → "121.149"; None → "" (no such cell)."""
    if value is None:
        return ""
    return f"{int(value):,}".translate(_VIETNAMESE)


def percent(value: Decimal | None) -> str:
    """A ratio already rounded by :func:`ratio`, with exactly 2 decimals: "0,98"."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{rounded:,.2f}".translate(_VIETNAMESE)


def _day(day: int) -> str:
    return f"{day:02d}"


def _month(month: int) -> str:
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(value: date | None, year: int | None = None) -> str:
    """ "ngày 04 tháng 7 năm 2023"; with no date, the blanks a draft leaves for the clerk."""
    if value is None:
        shown_year = "" if year is None else str(year)
        return f"ngày{BLANK_DAY}tháng{BLANK_DAY}năm {shown_year}".rstrip()
    return f"ngày {_day(value.day)} tháng {_month(value.month)} năm {value.year}"


def short_date(value: date) -> str:
    """ "04/7/2023", "23/6/2023", "05/01/2020": the same zero rules as the long form."""
    return f"{_day(value.day)}/{_month(value.month)}/{value.year}"


def clock(value: datetime) -> str:
    """ "11h30", "17h00", "8h05": hour without, minutes with a leading zero."""
    return f"{value.hour}h{value.minute:02d}"


def moment(value: datetime) -> str:
    """ "17h00 ngày 04/7/2023", as the 2023 notice writes a deadline."""
    return f"{clock(value)} ngày {short_date(value)}"


def doc_number(value: int | None) -> str:
    """The document number: below 10 with a leading zero ("05"); blank in a draft."""
    if value is None:
        return BLANK_NUMBER
    return f"{value:02d}"


FILTERS = {
    "so": count,
    "ti_le": percent,
    "ngay": long_date,
    "ngay_ngan": short_date,
    "gio": clock,
    "luc": moment,
    "so_hieu": doc_number,
}


def signed(value: int) -> str:
    """A difference with its sign and Vietnamese grouping: +1.992, −36, 0."""
    if value == 0:
        return "0"
    return f"{'+' if value > 0 else '−'}{count(abs(value))}"
