from datetime import date, datetime
from decimal import Decimal

import pytest

from generator.common.vnformat import (
    clock,
    count,
    doc_number,
    long_date,
    moment,
    percent,
    ratio,
    short_date,
)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 32, "3,13"),  # 3,125 rounds half up, not to even
        (1, 8, "12,50"),
        (1, 800, "0,13"),  # 0,125
        (1204, 121149, "0,99"),
        (0, 54, "0,00"),
        (3, 0, "0,00"),  # no one at all: never a division by zero
        (44, 52, "84,62"),
        (1, 1, "100,00"),
    ],
)
def test_ratio_is_rounded_half_up_and_written_with_a_comma(part, whole, expected):
    assert percent(ratio(part, whole)) == expected


def test_babel_alone_would_round_half_to_even():
    # the reason ratio() quantizes first: babel's own rounding gives 3,12 here
    from babel.numbers import format_decimal

    assert format_decimal(Decimal("3.125"), format="#,##0.00", locale="vi") == "3,12"
    assert percent(Decimal("3.125")) == "3,13"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (121149, "121.149"),
        (531357, "531.357"),
        (1204, "1.204"),
        (999, "999"),
        (0, "0"),
        (1250000, "1.250.000"),
        (None, ""),
    ],
)
def test_counts_use_a_dot_between_thousands(value, expected):
    assert count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2023, 7, 4), "ngày 04 tháng 7 năm 2023"),
        (date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
        (date(2024, 2, 10), "ngày 10 tháng 02 năm 2024"),
        (date(2023, 12, 31), "ngày 31 tháng 12 năm 2023"),
        (date(2023, 3, 9), "ngày 09 tháng 3 năm 2023"),
    ],
)
def test_long_dates_follow_nd30_leading_zero_rules(value, expected):
    assert long_date(value) == expected


def test_years_are_never_grouped():
    assert "2023" in long_date(date(2023, 7, 4))
    assert "2.023" not in long_date(date(2023, 7, 4)) + short_date(date(2023, 7, 4))


def test_a_draft_leaves_day_and_month_blank_but_keeps_the_year():
    text = long_date(None, 2023)
    assert text.startswith("ngày ") and text.endswith("năm 2023")
    assert not any(ch.isdigit() for ch in text.removesuffix("2023"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2023, 7, 4), "04/7/2023"),
        (date(2023, 6, 23), "23/6/2023"),
        (date(2020, 1, 5), "05/01/2020"),
    ],
)
def test_short_dates_as_the_2023_notice_writes_them(value, expected):
    assert short_date(value) == expected


def test_times_and_deadlines():
    assert clock(datetime(2023, 6, 23, 11, 30)) == "11h30"
    assert clock(datetime(2023, 7, 4, 17, 0)) == "17h00"
    assert clock(datetime(2023, 7, 4, 8, 5)) == "8h05"
    assert moment(datetime(2023, 7, 4, 17, 0)) == "17h00 ngày 04/7/2023"


def test_document_numbers_below_ten_take_a_leading_zero():
    assert doc_number(5) == "05"
    assert doc_number(123) == "123"
    assert doc_number(None).strip() == ""


def test_the_signs_are_those_of_babels_vietnamese_locale_and_figures_match_babels():
    from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

    from generator.common import vnformat

    assert (
        get_group_symbol("vi"),
        get_decimal_symbol("vi"),
    ) == (vnformat.GROUP_SIGN, vnformat.DECIMAL_SIGN)
    for value in (0, 7, -5, 999, 1000, 121149, -1234567, 10**15):
        assert count(value) == format_decimal(value, locale="vi")
    for text in ("0.98", "0", "100", "1234.5", "-3.13", "3.125", "0.005", "99999.999"):
        rounded = Decimal(text).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        assert percent(Decimal(text)) == format_decimal(rounded, format="#,##0.00", locale="vi")
