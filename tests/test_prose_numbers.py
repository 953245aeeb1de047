"""frstory.prose numbers and statistics: how a story writes percentages, moves, money, p and t.

Fractions go in (0.034), reader text comes out ("3.4%"). Every function refuses a missing value
with a ProseError that says what to do, so "nan%" can never reach a page.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from frstory import prose
from frstory.errors import FrstoryError

# ---------------------------------------------------------------------------------------------
# percent


def test_percent_writes_a_fraction_as_a_percentage_with_one_decimal():
    assert prose.percent(0.034) == "3.4%"


def test_percent_keeps_the_minus_sign_of_a_fall():
    assert prose.percent(-0.034) == "-3.4%"


def test_percent_signed_puts_a_plus_before_a_rise():
    assert prose.percent(0.034, signed=True) == "+3.4%"


def test_percent_signed_gives_no_sign_to_a_value_that_rounds_to_zero():
    assert prose.percent(-0.0004, signed=True) == "0.0%"
    assert prose.percent(0.0004, signed=True) == "0.0%"


def test_percent_rounds_halves_away_from_zero_on_the_decimal_value():
    # 0.0345 * 100 is 3.4499999999999997 as a float; readers expect the written 3.45 to round up.
    assert prose.percent(0.0345) == "3.5%"
    assert prose.percent(-0.0345) == "-3.5%"


def test_percent_shows_the_decimals_asked_for():
    assert prose.percent(0.12345, decimals=2) == "12.35%"
    assert prose.percent(0.12345, decimals=0) == "12%"


def test_percent_groups_thousands():
    assert prose.percent(12.5) == "1,250.0%"


def test_percent_accepts_numpy_numbers():
    assert prose.percent(np.float64(0.034)) == "3.4%"
    assert prose.percent(np.float32(0.034)) == "3.4%"


@pytest.mark.parametrize("bad", [float("nan"), np.nan, np.float64("nan")])
def test_percent_of_a_missing_value_is_a_clear_error(bad):
    with pytest.raises(prose.ProseError, match=r"percent: x is missing \(NaN\).*check the data"):
        prose.percent(bad)


def test_percent_of_an_infinite_value_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="infinite"):
        prose.percent(math.inf)


def test_percent_of_text_is_a_clear_error_naming_the_value():
    with pytest.raises(prose.ProseError, match=r"'3\.4%' \(str\), not a number"):
        prose.percent("3.4%")


def test_percent_refuses_a_boolean():
    with pytest.raises(prose.ProseError, match="not a number"):
        prose.percent(True)


def test_prose_errors_are_frstory_errors_and_value_errors():
    with pytest.raises(FrstoryError):
        prose.percent(float("nan"))
    with pytest.raises(ValueError):
        prose.percent(float("nan"))


def test_negative_decimals_are_a_clear_error():
    with pytest.raises(prose.ProseError, match="decimals is -1"):
        prose.percent(0.1, decimals=-1)


# ---------------------------------------------------------------------------------------------
# points


def test_points_writes_a_difference_of_returns_in_percentage_points_with_a_sign():
    assert prose.points(0.002) == "+0.2 percentage points"
    assert prose.points(-0.0215) == "-2.2 percentage points"


def test_points_short_writes_pp():
    assert prose.points(0.002, short=True) == "+0.2 pp"


def test_points_unsigned_drops_the_plus():
    assert prose.points(0.002, signed=False) == "0.2 percentage points"


def test_points_says_point_for_exactly_one_whole_point():
    assert prose.points(0.01, decimals=0) == "+1 percentage point"
    assert prose.points(0.01) == "+1.0 percentage points"


def test_points_that_round_to_zero_have_no_sign():
    assert prose.points(-0.0001) == "0.0 percentage points"


def test_points_of_a_missing_value_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="points: x is missing"):
        prose.points(float("nan"))


# ---------------------------------------------------------------------------------------------
# moved


def test_moved_says_rose_for_a_positive_return():
    assert prose.moved(0.034) == "rose 3.4%"


def test_moved_says_fell_for_a_negative_return_without_a_minus_sign():
    assert prose.moved(-0.034) == "fell 3.4%"


def test_moved_says_was_unchanged_when_the_move_rounds_to_zero():
    assert prose.moved(0.0004) == "was unchanged"
    assert prose.moved(-0.0004) == "was unchanged"
    assert prose.moved(0.0) == "was unchanged"


def test_moved_shows_a_small_move_when_more_decimals_are_asked_for():
    assert prose.moved(-0.0004, decimals=2) == "fell 0.04%"


def test_moved_takes_the_story_s_verbs():
    assert prose.moved(0.05, up="gained", down="lost") == "gained 5.0%"
    assert prose.moved(0.0, flat="held steady") == "held steady"


def test_moved_of_a_missing_return_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="moved: x is missing"):
        prose.moved(float("nan"))


# ---------------------------------------------------------------------------------------------
# number and money


def test_number_groups_thousands_and_rounds_to_whole_numbers():
    assert prose.number(2647) == "2,647"
    assert prose.number(2647.5) == "2,648"


def test_number_shows_the_decimals_asked_for():
    assert prose.number(2647.456, decimals=2) == "2,647.46"


def test_number_never_writes_minus_zero():
    assert prose.number(-0.2) == "0"


def test_number_follows_the_locale():
    assert prose.number(1234.5, decimals=1, locale="de_DE") == "1.234,5"


def test_money_writes_dollars_with_cents_by_default():
    assert prose.money(2647.45) == "$2,647.45"


def test_money_rounds_to_whole_dollars_when_asked():
    assert prose.money(2647.45, decimals=0) == "$2,647"


def test_money_writes_the_symbol_of_another_currency():
    assert prose.money(-12.5, currency="EUR") == "-€12.50"


def test_money_writes_a_currency_without_minor_units_whole_by_default():
    assert prose.money(1234.5, currency="JPY") == "¥1,235"


def test_money_never_writes_decimals_finer_than_the_currency_has():
    assert prose.money(1234.5, currency="JPY", decimals=2) == "¥1,235"


def test_currency_digits_come_from_cldr():
    assert (prose.numbers.currency_digits("USD"), prose.numbers.currency_digits("JPY")) == (2, 0)


def test_money_can_write_millions_and_billions_in_words():
    assert prose.money(12_500_000, currency="EUR", large=True) == "€12.5 million"
    assert prose.money(-1_200_000_000, large=True, minus="\N{MINUS SIGN}") == "\N{MINUS SIGN}$1.2 billion"


def test_money_in_words_leaves_amounts_under_a_million_as_they_are():
    assert prose.money(999_999.4, large=True, decimals=0) == "$999,999"


def test_money_with_an_unknown_currency_code_is_a_clear_error():
    with pytest.raises(prose.ProseError, match=r"currency 'dollars' is not an ISO 4217 code"):
        prose.money(1, currency="dollars")


def test_money_of_a_missing_amount_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="money: x is missing"):
        prose.money(float("nan"))


# ---------------------------------------------------------------------------------------------
# p_value and t_stat


def test_p_value_has_two_decimals_far_from_the_five_percent_line():
    assert prose.p_value(0.8812) == "p = 0.88"
    assert prose.p_value(0.2) == "p = 0.20"


@pytest.mark.parametrize("p, text", [(0.0493, "p = 0.049"), (0.0507, "p = 0.051"), (0.041, "p = 0.041")])
def test_p_value_has_three_decimals_near_the_five_percent_line(p, text):
    assert prose.p_value(p) == text


@pytest.mark.parametrize("p", [0.0499, 0.04996, 0.049999])
def test_p_value_below_the_five_percent_line_never_reads_0_05(p):
    text = prose.p_value(p)
    assert float(text.removeprefix("p = ")) < 0.05, text


@pytest.mark.parametrize("p, text", [(0.0127, "p = 0.013"), (0.1042, "p = 0.104"), (0.0104, "p = 0.0104")])
def test_p_value_above_a_line_never_reads_as_the_line_itself(p, text):
    # "p = 0.01" beside "significant at the 5% level" reads as meeting the 1% line.
    assert prose.p_value(p) == text


@pytest.mark.parametrize("p, text", [(0.01, "p = 0.01"), (0.1, "p = 0.10")])
def test_p_value_exactly_on_the_one_and_ten_percent_lines_reads_the_line(p, text):
    assert prose.p_value(p) == text


def test_p_value_exactly_on_the_line_reads_0_050():
    assert prose.p_value(0.05) == "p = 0.050"


def test_p_value_below_the_ten_percent_line_never_reads_0_10():
    assert prose.p_value(0.0996) == "p = 0.0996"


def test_p_value_below_the_one_percent_line_never_reads_0_010():
    assert prose.p_value(0.00999) == "p = 0.00999"


def test_p_value_below_one_in_a_thousand_reads_p_less_than_0_001():
    assert prose.p_value(0.0004) == "p < 0.001"
    assert prose.p_value(0.0) == "p < 0.001"


def test_p_value_of_0_001_is_written_as_it_is():
    assert prose.p_value(0.001) == "p = 0.001"


def test_p_value_of_a_missing_value_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="p_value: p is missing"):
        prose.p_value(float("nan"))


@pytest.mark.parametrize("bad", [-0.1, 1.5, 2.3])
def test_p_value_outside_zero_to_one_is_a_clear_error(bad):
    with pytest.raises(prose.ProseError, match="outside 0..1; pass a p-value, not a t statistic"):
        prose.p_value(bad)


def test_t_stat_has_two_decimals():
    assert prose.t_stat(0.1549) == "t = 0.15"


def test_t_stat_keeps_the_sign_of_a_negative_statistic():
    assert prose.t_stat(-2.305) == "t = -2.31"


def test_t_stat_never_writes_minus_zero():
    assert prose.t_stat(-0.001) == "t = 0.00"


def test_t_stat_shows_the_decimals_asked_for():
    assert prose.t_stat(2.345, decimals=1) == "t = 2.3"


def test_t_stat_of_a_missing_value_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="t_stat: t is missing"):
        prose.t_stat(float("nan"))


def test_prose_is_a_lazily_imported_submodule_of_frstory():
    import frstory as fr

    assert "prose" in dir(fr)
    assert fr.prose.percent(0.034) == "3.4%"


def test_offsets_name_one_session_once_and_sign_all_but_day_0():
    assert prose.offsets(0, 0) == "day 0"
    assert prose.offsets(-1, 1, one="session", many="sessions") == "sessions -1 to +1"
    assert prose.offsets(-3, -1, minus="\N{MINUS SIGN}") == "days \N{MINUS SIGN}3 to \N{MINUS SIGN}1"
