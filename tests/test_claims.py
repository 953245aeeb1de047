"""Specification of the claims table (data/claims.csv) and frstory.load_claims.

The real table must hold every figure the five articles the story checks report (the desk keeps
their text in ../shared/seeds), each claim naming its publication, with quotation marks only
around the articles' exact words and verdicts that follow from the evidence recorded beside
them; bad input in a synthetic claims CSV must be reported with the file, CSV line (header =
line 1), column, bad value and fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import frstory as fr
from csv_validation import assert_reported, write_rows
from frstory.data.claims import CLAIM_COLUMNS, CLAIMS_SCHEMA, validate_claims

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
RESEARCH = ROOT.parent / "shared" / "research" / "events-factsheet.md"
# The desk's copy of each article, by the article slug the claims table uses. The file names are
# the desk's; readers only ever see the publication and the article's title and address.
ARTICLE_SEEDS = {
    "charged-2020-06": "000_74ae9f40f5256897.txt",
    "benzinga-2020-06-10": "001_b6b7e8cb5c07164d.txt",
    "verge-copy-2021-05-19": "002_f14ba850bc2f8a20.txt",
    "ihls-2021-05": "003_1939591d754a3625.txt",
    "itwire-2020-06-11": "004_b13bd3580268dfad.txt",
}


def _plain(text: str) -> str:
    # Whitespace only: the articles use non-breaking spaces that look like spaces. Apostrophes and
    # every other character must match exactly.
    return " ".join(text.split())


def seed_text(article: str) -> str:
    path = SEEDS / ARTICLE_SEEDS[article]
    if not path.is_file():
        pytest.skip(f"the article texts are not available (no {SEEDS}); quotes cannot be checked")
    return _plain(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return fr.load_claims()


def claim(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    match = claims[claims["id"] == claim_id]
    assert len(match) == 1, f"expected exactly one claim with id {claim_id!r}"
    return match.iloc[0]


# --- the real table -----------------------------------------------------------------------------


def test_table_has_the_contract_columns_in_order(claims):
    assert list(claims.columns) == list(CLAIM_COLUMNS)


def test_value_is_float_and_check_date_a_midnight_datetime(claims):
    assert claims["value"].dtype == np.dtype("float64")
    assert claims["check_date"].dtype == np.dtype("datetime64[ns]")


def test_text_columns_are_pandas_string_dtype(claims):
    for column in CLAIM_COLUMNS:
        if column not in ("value", "check_date"):
            assert isinstance(claims[column].dtype, pd.StringDtype), column
            assert claims[column].dtype.na_value is pd.NA, column


def test_the_table_passes_the_frame_schema(claims):
    assert validate_claims(claims) is claims
    CLAIMS_SCHEMA.validate(claims)


@pytest.mark.parametrize("article", sorted(ARTICLE_SEEDS))
def test_every_article_has_claims(claims, article):
    assert (claims["article"] == article).sum() >= 1


def test_every_article_is_one_the_desk_checked(claims):
    assert set(claims["article"]) == set(ARTICLE_SEEDS)


@pytest.mark.parametrize(("article", "publication"), [
    ("charged-2020-06", "Charged"),
    ("benzinga-2020-06-10", "Benzinga"),
    ("verge-copy-2021-05-19", "The Verge, as reworded by an unnamed site"),
    ("ihls-2021-05", "i-HLS"),
    ("itwire-2020-06-11", "iTWire"),
])
def test_every_claim_names_its_publication(claims, article, publication):
    assert set(claims.loc[claims["article"] == article, "publication"]) == {publication}


def test_articles_with_a_known_address_link_it(claims):
    urls = claims.drop_duplicates("article").set_index("article")["article_url"]
    assert urls["ihls-2021-05"] == "https://i-hls.com/archives/108646"
    assert urls["verge-copy-2021-05-19"].startswith("https://www.theverge.com/2021/5/18/")
    assert urls.dropna().str.startswith("https://").all()


def test_each_articles_title_is_its_headline(claims):
    for article, title in claims.drop_duplicates("article")[["article", "article_title"]].itertuples(index=False):
        assert title in seed_text(article), article


def test_no_text_a_reader_sees_names_a_desk_file_or_a_seed(claims):
    text = claims[["publication", "article_title", "claim", "quote", "editorial_note"]].fillna("").agg(" ".join, axis=1)
    assert not text.str.contains(r"\bseeds?\b|\.txt\b", case=False, regex=True).any()


def test_claims_name_companies_as_readers_know_them_not_by_ticker(claims):
    # IBM's ticker is its name; the others are not words a reader knows.
    tickers = (set(claims["check_ticker"].dropna()) | {"AMZN", "MSFT", "GOOGL", "^GSPC", "^IXIC"}) - {"IBM"}
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(t) for t in sorted(tickers)) + r")\b"
    assert [c for c in claims["claim"] if re.search(pattern, c)] == []


def test_claims_carry_no_quotation_marks(claims):
    assert not claims["claim"].str.contains("[\"\u201c\u201d]", regex=True).any()


def test_every_quote_occurs_verbatim_in_its_article(claims):
    quoted = claims[claims["quote"].notna()]
    assert len(quoted) >= 20
    missing = {i: q for i, a, q in zip(quoted["id"], quoted["article"], quoted["quote"]) if _plain(q) not in seed_text(a)}
    assert not missing, f"quotes not found word for word in their article: {missing}"


def test_words_quoted_in_the_desks_notes_occur_in_the_article(claims):
    # A note may quote the article in single quotes ('yesterday'); those words must be its own.
    for i, a, note in zip(claims["id"], claims["article"], claims["editorial_note"]):
        for words in re.findall(r"(?<![\w])'([^']+)'(?![\w])", note):
            assert _plain(words) in seed_text(a), (i, words)


def test_the_desks_notes_carry_no_internal_remarks(claims):
    notes = claims["editorial_note"]
    assert not notes.str.contains("garbled|looks like|the desk left", case=False, regex=True).any()


def test_amazons_close_on_10_june_2020_is_checkable_against_daily_prices(claims):
    close = claims[(claims["check_measure"] == "close")]
    assert len(close) == 1
    row = close.iloc[0]
    assert row["value"] == 2647.45
    assert row["unit"] == "usd"
    assert row["check_ticker"] == "AMZN"
    assert row["check_date"] == pd.Timestamp("2020-06-10")
    assert row["publication"] == "Benzinga"


@pytest.mark.parametrize("claim_id", ["s001-amzn-close-price", "s001-amzn-close-pct"])
def test_price_claims_the_daily_prices_confirm_are_confirmed(claims, claim_id):
    row = claim(claims, claim_id)
    assert row["editorial_verdict"] == "confirmed"
    assert "2,647.45" in row["editorial_note"]


def test_the_after_hours_claims_cite_no_source_that_cannot_support_them(claims):
    after = claims[claims["check_measure"] == "after_hours"]
    assert after["source_url"].isna().all()


def test_amazons_gain_on_10_june_2020_is_checkable_against_daily_prices(claims):
    change = claims[(claims["check_measure"] == "pct_change")]
    assert len(change) == 1
    row = change.iloc[0]
    assert row["value"] == 1.79
    assert row["unit"] == "percent"
    assert row["check_ticker"] == "AMZN"
    assert row["check_date"] == pd.Timestamp("2020-06-10")


def test_the_after_hours_figures_are_marked_as_needing_intraday_data(claims):
    after = claims[claims["check_measure"] == "after_hours"].set_index("unit")
    assert after.loc["percent", "value"] == -0.62
    assert after.loc["usd", "value"] == 2631.0
    assert (after["check_date"] == pd.Timestamp("2020-06-10")).all()
    assert (after["editorial_verdict"] == "unverified").all()


@pytest.mark.parametrize(
    ("claim_id", "value", "unit", "verdict"),
    [
        ("s001-shareholder-vote-2-4-percent", 2.4, "percent", "imprecise"),
        ("s004-aclu-28-politicians", 28.0, "count", "wrong"),
        ("s001-wcso-300000-photos", 300000.0, "count", "confirmed"),
        ("s000-moratorium-one-year", 1.0, "years", "confirmed"),
        ("s004-moratorium-one-year", 1.0, "years", "confirmed"),
        ("s002-msft-day-after", 1.0, "days", "confirmed"),
    ],
)
def test_numeric_claims_carry_the_reported_figure_and_verdict(claims, claim_id, value, unit, verdict):
    row = claim(claims, claim_id)
    assert row["value"] == value
    assert row["unit"] == unit
    assert row["editorial_verdict"] == verdict


def test_the_2_4_percent_note_explains_votes_cast_not_shareholders(claims):
    assert "votes cast" in claim(claims, "s001-shareholder-vote-2-4-percent")["editorial_note"]


def test_itwires_june_2018_date_for_the_aclu_test_is_wrong(claims):
    row = claim(claims, "s004-aclu-test-june-2018")
    assert row["publication"] == "iTWire"
    assert row["editorial_verdict"] == "wrong"
    assert "2018-07-26" in row["editorial_note"]


def test_one_misdating_is_counted_wrong_once(claims):
    # "The same month" is wrong only because the test was misdated; the letter's month is right.
    assert claim(claims, "s004-employee-letter-same-month")["editorial_verdict"] == "confirmed"
    assert claims["editorial_verdict"].eq("wrong").sum() == 2


def test_a_claim_the_letter_does_not_make_is_not_confirmed(claims):
    row = claim(claims, "s002-ibm-same-week")
    assert row["editorial_verdict"] == "imprecise"
    assert "not from the letter" in row["editorial_note"]


def test_advertising_and_author_boilerplate_are_not_relevant(claims):
    boilerplate = claims[claims["id"].str.startswith(("s004-webinar", "s004-author"))]
    assert len(boilerplate) == 4
    assert (boilerplate["editorial_verdict"] == "not relevant").all()


def test_date_and_text_claims_have_no_value(claims):
    wordy = claims[claims["unit"].isin(["date", "text"])]
    assert len(wordy) >= 10
    assert wordy["value"].isna().all()


def test_only_price_claims_have_something_to_check(claims):
    checkable = claims[claims["check_measure"].notna()]
    assert set(checkable["id"]) == {
        "s001-amzn-close-price", "s001-amzn-close-pct", "s001-amzn-after-hours-price", "s001-amzn-after-hours-pct",
    }


def _shingles(text: str, size: int) -> set[str]:
    words = [w.strip(".,") for w in re.findall(r"[a-z0-9$%.,'-]+", text.lower())]
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_claims_are_stated_in_our_own_words(claims):
    if not RESEARCH.is_file() or not SEEDS.is_dir():
        pytest.skip(f"research or seeds not found under {ROOT.parent / 'shared'}")
    sources = RESEARCH.read_text(encoding="utf-8") + "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))
    )
    borrowed = _shingles(sources, 8)
    copied = {i: sorted(_shingles(c, 8) & borrowed)[0] for i, c in zip(claims["id"], claims["claim"])
              if _shingles(c, 8) & borrowed}
    assert not copied, f"runs of 8+ words copied from the research or seeds: {copied}"


def test_loading_records_the_read_in_the_provenance_log(tmp_path, monkeypatch):
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv("FRSTORY_READ_LOG", str(log))
    claims = fr.load_claims()
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["kind"] for e in entries] == ["claims"]
    assert entries[0]["path"] == str((ROOT / "data" / "claims.csv").resolve())
    assert entries[0]["sha256"] == claims.attrs["sha256"]


# --- bad input: synthetic CSV files -------------------------------------------------------------

SYNTHETIC_ROWS = [
    {
        "id": "syn-close", "article": "syn-wire-1", "publication": "Synthetic Wire", "article_title": "Synthetic headline one", "article_url": "https://example.org/syn-wire-1", "quote": "closed at $101.25", "claim": "SYNA closed at $101.25 (synthetic).",
        "value": "101.25", "unit": "usd", "check_ticker": "SYNA", "check_date": "2020-06-10",
        "check_measure": "close", "editorial_verdict": "unverified", "editorial_note": "Synthetic test row.",
        "source_url": "https://example.org/syn-close",
    },
    {
        "id": "syn-count", "article": "syn-wire-1", "publication": "Synthetic Wire", "article_title": "Synthetic headline one", "article_url": "https://example.org/syn-wire-1", "quote": "", "claim": "28 synthetic matches.",
        "value": "28", "unit": "count", "check_ticker": "", "check_date": "", "check_measure": "",
        "editorial_verdict": "confirmed", "editorial_note": "Synthetic test row.", "source_url": "",
    },
    {
        "id": "syn-date", "article": "syn-wire-2", "publication": "Synthetic Daily", "article_title": "Synthetic headline two", "article_url": "", "quote": "", "claim": "Announced on a Wednesday (synthetic).",
        "value": "", "unit": "date", "check_ticker": "", "check_date": "", "check_measure": "",
        "editorial_verdict": "not relevant", "editorial_note": "Synthetic test row.", "source_url": "",
    },
]


def write_claims(tmp_path: Path, edits: dict[int, dict] | None = None, *, rows=None, columns=CLAIM_COLUMNS) -> Path:
    """Write the synthetic rows (row i is on CSV line i + 2), with ``edits[i]`` applied to row i."""
    return write_rows(tmp_path / "synthetic-claims.csv", SYNTHETIC_ROWS if rows is None else rows, edits, columns)


def load_error(path: Path) -> fr.DataValidationError:
    with pytest.raises(fr.DataValidationError) as err:
        fr.load_claims(path)
    return err.value


def test_the_synthetic_file_itself_is_valid(tmp_path):
    claims = fr.load_claims(write_claims(tmp_path))
    assert claims["value"].tolist()[:2] == [101.25, 28.0]
    assert np.isnan(claims["value"].iloc[2])
    assert pd.isna(claims["check_date"].iloc[1])


@pytest.mark.parametrize("value", ["2,647.45", "$101.25", "1.79%", "one", "1e3"])
def test_a_value_that_is_not_a_plain_number(tmp_path, value):
    path = write_claims(tmp_path, {0: {"value": value}})
    assert_reported(load_error(path), path, line=2, column="value", value=value, fix="without $, %")


def test_an_unknown_unit(tmp_path):
    path = write_claims(tmp_path, {1: {"unit": "people"}})
    assert_reported(load_error(path), path, line=3, column="unit", value="people",
                    fix="use one of usd, percent, count, years, days, date, text")


def test_a_numeric_unit_without_a_value(tmp_path):
    path = write_claims(tmp_path, {1: {"value": ""}})
    assert_reported(load_error(path), path, line=3, column="value", value=None, fix="give the number as reported")


def test_a_date_claim_with_a_value(tmp_path):
    path = write_claims(tmp_path, {2: {"value": "2020"}})
    assert_reported(load_error(path), path, line=4, column="value", value="2020", fix="leave value empty")


def test_a_check_date_without_ticker_or_measure(tmp_path):
    path = write_claims(tmp_path, {1: {"check_date": "2020-06-10"}})
    error = load_error(path)
    assert_reported(error, path, line=3, column="check_ticker", value=None, fix="together")
    assert_reported(error, path, line=3, column="check_measure", value=None, fix="together")


def test_a_measure_that_does_not_fit_the_unit(tmp_path):
    path = write_claims(tmp_path, {0: {"check_measure": "pct_change"}})
    assert_reported(load_error(path), path, line=2, column="check_measure", value="pct_change",
                    fix="measure that matches the unit")


@pytest.mark.parametrize("value", ["-101.25", "0"])
def test_a_closing_price_that_is_not_above_zero_is_a_typo(tmp_path, value):
    # Checked as it stands, it would be published as the article getting the close wrong.
    path = write_claims(tmp_path, {0: {"value": value}})
    assert_reported(load_error(path), path, line=2, column="value", value=value, fix="a sign or a zero is a typo")


def test_a_negative_count_is_not_taken_for_a_price(tmp_path):
    path = write_claims(tmp_path, {1: {"value": "-28"}})
    assert fr.load_claims(path)["value"].tolist()[1] == -28.0


def test_an_unknown_measure(tmp_path):
    path = write_claims(tmp_path, {0: {"check_measure": "open"}})
    assert_reported(load_error(path), path, line=2, column="check_measure", value="open",
                    fix="use close, pct_change or after_hours")


def test_a_close_checked_on_a_weekend(tmp_path):
    path = write_claims(tmp_path, {0: {"check_date": "2020-06-13"}})
    assert_reported(load_error(path), path, line=2, column="check_date", value="2020-06-13",
                    fix="trading day the claim refers to")


def test_a_check_date_that_is_not_a_date(tmp_path):
    path = write_claims(tmp_path, {0: {"check_date": "June 10, 2020"}})
    assert_reported(load_error(path), path, line=2, column="check_date", value="June 10, 2020", fix="YYYY-MM-DD")


def test_a_lowercase_ticker(tmp_path):
    path = write_claims(tmp_path, {0: {"check_ticker": "syna"}})
    assert_reported(load_error(path), path, line=2, column="check_ticker", value="syna", fix="in capitals")


def test_an_unknown_verdict(tmp_path):
    path = write_claims(tmp_path, {1: {"editorial_verdict": "true"}})
    assert_reported(load_error(path), path, line=3, column="editorial_verdict", value="true",
                    fix="wrong, imprecise, unverified, confirmed, not relevant")


def test_a_source_that_is_not_http(tmp_path):
    path = write_claims(tmp_path, {0: {"source_url": "javascript:alert(1)"}})
    assert_reported(load_error(path), path, line=2, column="source_url", value="javascript:alert(1)", fix="https://")


def test_a_claim_in_quotation_marks(tmp_path):
    path = write_claims(tmp_path, {1: {"claim": "The wire said \u201c28 synthetic matches\u201d."}})
    problem = assert_reported(load_error(path), path, line=3, column="claim",
                              value="The wire said \u201c28 synthetic matches\u201d.", fix="put the article's exact words in quote")
    assert problem["message"] == "contains quotation marks"


def test_a_quote_wrapped_in_its_own_quotation_marks(tmp_path):
    path = write_claims(tmp_path, {0: {"quote": '"closed at $101.25"'}})
    assert_reported(load_error(path), path, line=2, column="quote", value='"closed at $101.25"', fix="pages add the quotation marks")


@pytest.mark.parametrize("column", ["claim", "editorial_note"])
@pytest.mark.parametrize("text", ["Seed 004 said so (synthetic).", "As in syn_000.txt (synthetic)."])
def test_text_that_names_a_desk_file_or_a_seed(tmp_path, column, text):
    path = write_claims(tmp_path, {2: {column: text}})
    assert_reported(load_error(path), path, line=4, column=column, value=text, fix="name the publication instead")


@pytest.mark.parametrize("column", ["publication", "article_title", "claim", "quote", "editorial_note"])
@pytest.mark.parametrize(("char", "named"), [("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"), ("\x00", "U+0000 (NULL)")])
def test_an_invisible_control_character_in_text_a_page_prints_is_named(tmp_path, column, char, named):
    text = "Synthetic" + char + " text"
    # publication and article_title must agree across an article's rows: edit the article's only row.
    path = write_claims(tmp_path, {2: {column: text}})
    problem = assert_reported(load_error(path), path, line=4, column=column, value=text, fix="delete it")
    assert problem["message"] == f"contains the invisible control character {named} at character 10"


def test_direction_marks_in_a_publication_name_are_fine(tmp_path):
    path = write_claims(tmp_path, {2: {"publication": "Synthetic \u200fDaily\u200e"}})
    assert fr.load_claims(path)["publication"].iloc[2] == "Synthetic \u200fDaily\u200e"


def test_an_empty_publication(tmp_path):
    path = write_claims(tmp_path, {2: {"publication": ""}})
    assert_reported(load_error(path), path, line=4, column="publication", value=None, fix="the publication that ran the article")


def test_an_article_url_that_is_not_http(tmp_path):
    path = write_claims(tmp_path, {0: {"article_url": "syn_000.txt"}, 1: {"article_url": "syn_000.txt"}})
    assert_reported(load_error(path), path, line=2, column="article_url", value="syn_000.txt", fix="https://")


@pytest.mark.parametrize(("column", "value"), [
    ("publication", "Synthetic Wire Weekly"),
    ("article_title", "Another synthetic headline"),
    ("article_url", "https://example.org/elsewhere"),
])
def test_two_rows_of_one_article_that_describe_it_differently(tmp_path, column, value):
    path = write_claims(tmp_path, {1: {column: value}})
    error = load_error(path)
    for line in (2, 3):
        problem = assert_reported(error, path, line=line, column=column,
                                  value=SYNTHETIC_ROWS[line - 2][column] if line == 2 else value,
                                  fix=f"give every row of one article the same {column}")
        assert problem["message"] == "differs from another row of the same article"


def test_one_row_of_an_article_without_its_address(tmp_path):
    path = write_claims(tmp_path, {1: {"article_url": ""}})
    assert_reported(load_error(path), path, line=3, column="article_url", value=None, fix="the same article_url")


def test_a_duplicate_id_names_both_lines(tmp_path):
    path = write_claims(tmp_path, {2: {"id": "syn-close"}})
    error = load_error(path)
    assert "line 4" in assert_reported(error, path, line=2, column="id", value="syn-close", fix="own id")["message"]
    assert "line 2" in assert_reported(error, path, line=4, column="id", value="syn-close", fix="own id")["message"]


def test_an_id_that_is_not_a_slug(tmp_path):
    path = write_claims(tmp_path, {1: {"id": "Syn Count"}})
    assert_reported(load_error(path), path, line=3, column="id", value="Syn Count", fix="lowercase letters")


def test_an_empty_editorial_note(tmp_path):
    path = write_claims(tmp_path, {2: {"editorial_note": ""}})
    problem = assert_reported(load_error(path), path, line=4, column="editorial_note", value=None, fix="verdict")
    assert problem["message"] == "is empty"


def test_a_missing_column(tmp_path):
    path = write_claims(tmp_path, columns=[c for c in CLAIM_COLUMNS if c != "unit"])
    assert_reported(load_error(path), path, line=1, column="unit", value="unit", fix="add the column 'unit'")


def test_all_problems_are_listed_at_once(tmp_path):
    path = write_claims(tmp_path, {0: {"check_ticker": "syna"}, 2: {"editorial_verdict": "maybe"}})
    error = load_error(path)
    assert [(p["line"], p["column"]) for p in error.problems] == [(2, "check_ticker"), (4, "editorial_verdict")]
    assert str(error).startswith(f"{path}: 2 problems in the claims file:")


def test_a_file_that_does_not_exist(tmp_path):
    path = tmp_path / "no-such-claims.csv"
    error = load_error(path)
    assert str(path) in str(error)
    assert "does not exist" in str(error)
    assert "Fix:" in str(error)


def test_an_empty_file(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("\n\n", encoding="utf-8")
    error = load_error(path)
    assert f"{path}: the claims file is empty" in str(error)
    assert "id,article,publication,article_title,article_url,claim,quote,value,unit" in str(error)
