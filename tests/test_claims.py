"""Specification of the claims table (data/claims.csv) and frstory.load_claims.

The real table must hold every figure the five seed articles report, with the research desk's
verdicts; bad input in a synthetic claims CSV must be reported with the file, CSV line (header =
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
SEED_FILES = (
    "000_74ae9f40f5256897.txt",
    "001_b6b7e8cb5c07164d.txt",
    "002_f14ba850bc2f8a20.txt",
    "003_1939591d754a3625.txt",
    "004_b13bd3580268dfad.txt",
)


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


@pytest.mark.parametrize("seed_file", SEED_FILES)
def test_every_seed_article_has_claims(claims, seed_file):
    assert (claims["seed_file"] == seed_file).sum() >= 1


def test_every_seed_file_named_exists(claims):
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    assert set(claims["seed_file"]) <= {p.name for p in SEEDS.glob("*.txt")}


def test_amazons_close_on_10_june_2020_is_checkable_against_daily_prices(claims):
    close = claims[(claims["check_measure"] == "close")]
    assert len(close) == 1
    row = close.iloc[0]
    assert row["value"] == 2647.45
    assert row["unit"] == "usd"
    assert row["check_ticker"] == "AMZN"
    assert row["check_date"] == pd.Timestamp("2020-06-10")
    assert row["seed_file"] == "001_b6b7e8cb5c07164d.txt"


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


def test_seed_004s_june_2018_date_for_the_aclu_test_is_wrong(claims):
    row = claim(claims, "s004-aclu-test-june-2018")
    assert row["editorial_verdict"] == "wrong"
    assert "2018-07-26" in row["editorial_note"]


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
        "id": "syn-close", "seed_file": "syn_000.txt", "claim": "SYNA closed at $101.25 (synthetic).",
        "value": "101.25", "unit": "usd", "check_ticker": "SYNA", "check_date": "2020-06-10",
        "check_measure": "close", "editorial_verdict": "unverified", "editorial_note": "Synthetic test row.",
        "source_url": "https://example.org/syn-close",
    },
    {
        "id": "syn-count", "seed_file": "syn_000.txt", "claim": "28 synthetic matches.",
        "value": "28", "unit": "count", "check_ticker": "", "check_date": "", "check_measure": "",
        "editorial_verdict": "confirmed", "editorial_note": "Synthetic test row.", "source_url": "",
    },
    {
        "id": "syn-date", "seed_file": "syn_001.txt", "claim": "Announced on a Wednesday (synthetic).",
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
                    fix="confirmed, imprecise, wrong, unverified, not relevant")


def test_a_source_that_is_not_http(tmp_path):
    path = write_claims(tmp_path, {0: {"source_url": "javascript:alert(1)"}})
    assert_reported(load_error(path), path, line=2, column="source_url", value="javascript:alert(1)", fix="https://")


def test_a_seed_file_given_as_a_path(tmp_path):
    path = write_claims(tmp_path, {0: {"seed_file": "../shared/seeds/syn_000.txt"}})
    assert_reported(load_error(path), path, line=2, column="seed_file", value="../shared/seeds/syn_000.txt",
                    fix="only the seed's file name")


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
    assert "id,seed_file,claim,value,unit" in str(error)
