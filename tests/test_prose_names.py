"""frstory.prose display names: readers see "the S&P 500", never "^GSPC".

The toolkit knows market indices only; a story registers its companies. Each test that registers
a name restores the registry afterwards (the ``registry`` fixture), so tests cannot leak names.
"""

from __future__ import annotations

import pytest

from frstory import prose
from frstory.errors import FrstoryError
from frstory.prose import names as names_module


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(names_module, "_registry", dict(names_module._registry))
    return names_module._registry


@pytest.mark.parametrize("ticker, name", [("^GSPC", "S&P 500"), ("^IXIC", "Nasdaq Composite"),
                                          ("^DJI", "Dow Jones Industrial Average"), ("^NDX", "Nasdaq-100")])
def test_market_indices_have_the_names_readers_know(ticker, name):
    assert prose.display_name(ticker) == name


def test_an_index_takes_the_article_when_asked():
    assert prose.display_name("^GSPC", article=True) == "the S&P 500"


def test_the_toolkit_knows_no_company_names():
    # Built in are market indices only (Yahoo writes them with a caret); companies are a story's.
    assert prose.INDEX_NAMES and all(ticker.startswith("^") for ticker in prose.INDEX_NAMES)


def test_display_names_lists_the_built_in_indices_with_their_article():
    assert prose.display_names()["^GSPC"] == "the S&P 500"


def test_an_unknown_ticker_raises_a_frstory_key_error():
    with pytest.raises(prose.UnknownDisplayName) as info:
        prose.display_name("ZZZQ")
    assert isinstance(info.value, FrstoryError) and isinstance(info.value, KeyError)


def test_the_unknown_ticker_error_says_how_to_register_a_name():
    with pytest.raises(prose.UnknownDisplayName) as info:
        prose.display_name("ZZZQ")
    message = str(info.value)
    assert "no display name for ticker 'ZZZQ'" in message
    assert "register_display_names({'ZZZQ': " in message
    assert not message.startswith('"')  # printed as written, not as a KeyError repr


def test_the_unknown_ticker_error_suggests_a_close_ticker():
    with pytest.raises(prose.UnknownDisplayName, match=r"did you mean '\^GSPC'"):
        prose.display_name("GSPC")


def test_a_registered_company_name_is_used(registry):
    prose.register_display_names({"ACME": "Acme Corp"})
    assert prose.display_name("ACME") == "Acme Corp"


def test_a_company_name_takes_no_article(registry):
    prose.register_display_names({"ACME": "Acme Corp"})
    assert prose.display_name("ACME", article=True) == "Acme Corp"


def test_a_registered_name_written_with_the_takes_the_article_only_when_asked(registry):
    prose.register_display_names({"XLK": "the Technology Select Sector SPDR Fund"})
    assert prose.display_name("XLK") == "Technology Select Sector SPDR Fund"
    assert prose.display_name("XLK", article=True) == "the Technology Select Sector SPDR Fund"


def test_registering_a_ticker_again_replaces_its_name(registry):
    prose.register_display_names({"ACME": "Acme"})
    prose.register_display_names({"ACME": "Acme Corp"})
    assert prose.display_name("ACME") == "Acme Corp"


def test_registering_an_empty_name_is_a_clear_error_and_registers_nothing(registry):
    with pytest.raises(prose.ProseError, match="the name for 'BETA' is ''"):
        prose.register_display_names({"ACME": "Acme Corp", "BETA": ""})
    assert "ACME" not in prose.display_names()


def test_registering_something_other_than_a_mapping_is_a_clear_error(registry):
    with pytest.raises(prose.ProseError, match="pass a mapping of ticker to name"):
        prose.register_display_names([("ACME", "Acme Corp")])


def test_names_passed_to_one_call_are_used_for_that_call_only():
    assert prose.display_name("ACME", names={"ACME": "Acme Corp"}) == "Acme Corp"
    with pytest.raises(prose.UnknownDisplayName):
        prose.display_name("ACME")


def test_names_passed_to_a_call_come_before_the_registered_ones():
    assert prose.display_name("^GSPC", names={"^GSPC": "the benchmark"}, article=True) == "the benchmark"


def test_a_company_whose_name_begins_with_the_keeps_it_in_every_sentence():
    names = {"SYNT": "The Synthetic Company"}
    assert prose.display_name("SYNT", names=names) == "The Synthetic Company"
    assert prose.display_name("SYNT", names=names, article=True) == "The Synthetic Company"
