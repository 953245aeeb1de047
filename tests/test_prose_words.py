"""frstory.prose words: ordinals, spelled numbers, plurals, lists and sentence openings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from frstory import prose


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")])
def test_ordinal_gives_the_english_suffix(n, text):
    assert prose.ordinal(n) == text


def test_ordinal_of_a_negative_rank_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="a rank is 0 or more"):
        prose.ordinal(-1)


def test_ordinal_of_a_fraction_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="not a whole number"):
        prose.ordinal(2.5)


@pytest.mark.parametrize("n, text", [(0, "zero"), (3, "three"), (14, "fourteen"), (21, "twenty-one"),
                                     (3.0, "three")])
def test_spelled_writes_a_whole_number_in_words(n, text):
    assert prose.spelled(n) == text


def test_spelled_of_a_missing_count_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="spelled: n is missing"):
        prose.spelled(float("nan"))


def test_plural_of_one_is_singular():
    assert prose.plural(1, "event") == "1 event"


def test_plural_of_zero_is_plural():
    assert prose.plural(0, "event") == "0 events"


def test_plural_of_two_is_plural():
    assert prose.plural(2, "event") == "2 events"


def test_plural_knows_irregular_english_plurals():
    assert prose.plural(3, "company") == "3 companies"
    assert prose.plural(2, "analysis") == "2 analyses"


def test_plural_spell_writes_the_count_in_words():
    assert prose.plural(3, "event", spell=True) == "three events"
    assert prose.plural(1, "event", spell=True) == "one event"


def test_plural_groups_thousands_in_the_count():
    assert prose.plural(2647, "session") == "2,647 sessions"


def test_plural_keeps_an_acronym_s_capitals():
    assert prose.plural(2, "CAR") == "2 CARs"


def test_plural_form_overrides_the_inflector():
    # The inflector pluralises the last word only.
    assert prose.plural(2, "ban or limit", plural_form="bans or limits") == "2 bans or limits"
    assert prose.plural(1, "ban or limit", plural_form="bans or limits") == "1 ban or limit"


def test_plural_of_a_fractional_count_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="plural: n is 2.5, not a whole number"):
        prose.plural(2.5, "event")


def test_plural_without_a_noun_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="pass the noun in the singular"):
        prose.plural(2, "")


def test_join_of_one_item_is_that_item():
    assert prose.join(["Acme"]) == "Acme"


def test_join_of_two_items_uses_the_conjunction():
    assert prose.join(["Acme", "Globex"]) == "Acme and Globex"


def test_join_of_three_items_has_no_serial_comma():
    assert prose.join(["a", "b", "c"]) == "a, b and c"


def test_join_takes_another_conjunction():
    assert prose.join(["a", "b", "c"], conj="or") == "a, b or c"


def test_join_of_no_items_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="there are no items"):
        prose.join([])


def test_join_with_a_missing_item_is_a_clear_error_naming_its_position():
    with pytest.raises(prose.ProseError, match="item 1 is missing"):
        prose.join(["a", float("nan"), "c"])


def test_sentence_capitalises_the_first_letter():
    assert prose.sentence("the S&P 500 fell.") == "The S&P 500 fell."


def test_sentence_leaves_the_rest_as_written():
    assert prose.sentence("shares of ACME fell.") == "Shares of ACME fell."


def test_sentence_spells_out_a_numeral_that_opens_it():
    assert prose.sentence("14 measures took effect.") == "Fourteen measures took effect."


def test_sentence_spells_out_a_compound_number_with_a_capital_only_on_the_first_word():
    assert prose.sentence("21 cities acted.") == "Twenty-one cities acted."


def test_sentence_spells_out_a_grouped_numeral():
    assert prose.sentence("1,200 sessions.") == "One thousand, two hundred sessions."


def test_sentence_spells_out_a_numeral_after_an_opening_quote_or_emphasis():
    assert prose.sentence("**3 companies** paused.") == "**Three companies** paused."


def test_sentence_leaves_a_year_that_opens_it():
    assert prose.sentence("2020 ended with 21 measures.") == "2020 ended with 21 measures."


def test_sentence_spells_out_a_numeral_followed_by_a_comma():
    assert prose.sentence("14, the report said.") == "Fourteen, the report said."


def test_sentence_leaves_a_numeral_that_is_part_of_a_word():
    assert prose.sentence("21st-century policing.") == "21st-century policing."


def test_sentence_spells_out_only_the_opening_numeral():
    assert prose.sentence("3 of 14 measures.") == "Three of 14 measures."


def test_sentence_opening_with_a_percentage_is_a_clear_error_asking_for_a_rewrite():
    with pytest.raises(prose.ProseError, match="opens with '3.4%'.*rewrite the sentence to open with a word"):
        prose.sentence("3.4% was the fall.")


def test_sentence_opening_with_money_is_a_clear_error_asking_for_a_rewrite():
    with pytest.raises(prose.ProseError, match="rewrite the sentence"):
        prose.sentence("$2,647 was paid.")


def test_sentence_of_plural_output_reads_right():
    assert prose.sentence(f"{prose.plural(1, 'event')} matched.") == "One event matched."


def test_importing_prose_loads_the_word_libraries_only_when_first_used():
    code = ("import sys, frstory.prose as p; before = {'num2words', 'inflection'} & set(sys.modules); "
            "p.plural(3, 'event', spell=True); after = {'num2words', 'inflection'} <= set(sys.modules); "
            "print(sorted(before), after, 'inflect' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[] True False"
