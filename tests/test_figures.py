"""The appendix figures computed from the shipped 2023 table."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.common.vnformat import count, percent
from generator.documents.context import build_context
from generator.figures.aggregate import Counts, aggregate, sector_total
from generator.inputs.reading import COUNT_COLUMNS


@pytest.fixture(scope="module")
def appendices(shipped_inputs):
    units, declarations = shipped_inputs.units, shipped_inputs.declarations
    return {appendix.spec.key: appendix for appendix in aggregate(units, declarations)}


@pytest.fixture(scope="module")
def context(shipped_inputs, appendices):
    sector = sector_total(shipped_inputs.units, shipped_inputs.declarations)
    return build_context(shipped_inputs.metadata, tuple(appendices.values()), sector=sector)


def _printed(row: dict, who: str) -> tuple[str, str, str]:
    group = row[who]
    return count(group["tong"]), count(group["chua"]), percent(group["ti_le"])


def test_the_shipped_table_has_one_row_per_unit_and_level(shipped_inputs):
    units = shipped_inputs.units
    assert len(units) == 127
    assert units["cap_hoc"].value_counts().to_dict() == {
        "THPT": 66,
        "TH": 16,
        "GDTX": 15,
        "THCS": 15,
        "MN": 15,
    }
    assert not units.duplicated(["don_vi", "cap_hoc"]).any()


def test_appendices_are_numbered_in_roman_numerals(appendices):
    assert [a.spec.number for a in appendices.values()] == ["I", "II", "III", "IV"]


def test_tran_nguyen_han_row_reads_as_in_2023(context):
    rows = {row["ten"]: row for row in context["pl"]["thpt"]["hang"]}
    row = rows["THPT Trần Nguyên Hãn"]
    assert _printed(row, "hs") + _printed(row, "ns") == (
        "1.739",
        "25",
        "1,44",
        "91",
        "12",
        "13,19",
    )


def test_cat_hai_staff_ratio_rounds_half_up(context):
    rows = {row["ten"]: row for row in context["pl"]["thpt"]["hang"]}
    assert _printed(rows["THPT Cát Hải"], "ns") == ("32", "1", "3,13")


def test_pl_iii_staff_total_is_the_sum_of_its_rows_454_not_the_printed_490(appendices):
    assert appendices["gdtx"].total.total.ns_tong == 454


def test_body_figures_are_pl_i_total(context, shipped_inputs):
    units = shipped_inputs.units
    total = context["pl"]["toan_nganh"]["tong"]
    assert (total["hs"]["chua"], total["ns"]["chua"]) == (3940, 717)
    assert total["hs"]["tong"] == units["hs_tong"].sum() == 532591
    assert total["ns"]["tong"] == units["ns_tong"].sum() == 33052


def test_pl_i_rows_are_the_sums_of_the_other_appendices(appendices):
    by_level = {row.label: row.total for row in appendices["toan_nganh"].rows}
    assert by_level["THPT"] == appendices["thpt"].total.total
    assert by_level["GDTX"] == appendices["gdtx"].total.total
    district = appendices["phong"].total.by_level
    assert by_level["Mầm non"] == district["MN"]
    assert by_level["Tiểu học"] == district["TH"]
    assert by_level["THCS"] == district["THCS"]


def test_every_total_row_is_the_sum_of_its_rows(appendices):
    for appendix in appendices.values():
        rows_sum = sum((row.total for row in appendix.rows), Counts())
        assert appendix.total.total == rows_sum, appendix.spec.key
        for level, counts in appendix.total.by_level.items():
            level_sum = sum((row.by_level.get(level, Counts()) for row in appendix.rows), Counts())
            assert counts == level_sum, (appendix.spec.key, level)


def test_pl_iv_row_totals_are_the_sums_of_their_level_columns(context):
    for row in context["pl"]["phong"]["hang"] + [context["pl"]["phong"]["tong"]]:
        for who in ("hs", "ns"):
            cells = row[who]["cap"]
            assert row[who]["chua"] == sum(cell["chua"] or 0 for cell in cells), row["ten"]


def test_pl_iv_matches_the_2023_district_rows(context):
    table = context["pl"]["phong"]
    rows = {row["ten"]: row for row in table["hang"]}
    assert table["hang"][0]["ten"] == "Trực thuộc Sở"
    assert len(table["hang"]) == 16
    hai_an = rows["Hải An"]
    assert [c["tong"] for c in hai_an["hs"]["cap"]] == [8834, 13137, 9128]
    assert hai_an["hs"]["chua"] == 176 and hai_an["ns"]["chua"] == 62
    # a level a unit does not have is a blank cell, not a zero
    assert rows["Bạch Long Vĩ"]["hs"]["cap"][2] == {"tong": None, "chua": None}
    assert [count(c["tong"]) for c in table["tong"]["hs"]["cap"]] == [
        "123.141",
        "194.101",
        "137.564",
    ]
    assert (table["tong"]["hs"]["chua"], table["tong"]["ns"]["chua"]) == (3658, 542)


def test_a_unit_with_no_one_has_ratio_zero(shipped_inputs):
    units, declarations = shipped_inputs.units, shipped_inputs.declarations
    empty = pd.DataFrame(
        [
            {
                "don_vi": "Trường mới",
                "cap_hoc": "THPT",
                "don_vi_quan_ly": "Sở GDĐT",
                **{name: 0 for name in COUNT_COLUMNS},
            }
        ]
    )
    table = pd.concat([units, empty], ignore_index=True)
    appendices = aggregate(table, declarations)
    sector = sector_total(table, declarations)
    context = build_context(shipped_inputs.metadata, appendices, sector=sector)
    row = context["pl"]["thpt"]["hang"][-1]
    assert row["ten"] == "Trường mới"
    assert _printed(row, "hs") == ("0", "0", "0,00")
