"""`import_directory`: validating a folder of price CSVs and filling the cache (synthetic files only)."""

from __future__ import annotations

import pytest
from yahoo_replay import offline, synthetic_daily  # noqa: F401 - fixtures are used by name

import frstory
from frstory.data import importer
from frstory.data.cache import read_manifest
from frstory.data.importer import import_directory, infer_splits
from frstory.paths import price_cache_dir
from frstory.provenance import sha256_file

HEADER = "date,open,high,low,close,adj_close,volume"


def _write_synthetic(folder, name="SYNA.csv", splits=None, **kwargs):
    frame = synthetic_daily(kwargs.pop("start", "2021-01-04"), kwargs.pop("end", "2021-12-31"),
                            splits=splits, **kwargs)
    out = frame.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    path = folder / name
    out.to_csv(path, index=False)
    return path, frame


def _write_lines(folder, name, *lines):
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


GOOD_ROWS = ("2021-06-01,10.0,11.0,9.5,10.5,10.5,1000", "2021-06-02,10.5,11.5,10.0,11.0,11.0,1200")


def _import_error(folder) -> frstory.DataValidationError:
    with pytest.raises(frstory.DataValidationError) as info:
        import_directory(folder)
    return info.value


def test_a_valid_folder_is_imported_with_its_provenance(tmp_path, offline):
    path, frame = _write_synthetic(tmp_path)

    (entry,) = import_directory(tmp_path)

    assert entry["ticker"] == "SYNA"
    assert entry["source"] == "imported from SYNA.csv"
    assert entry["arguments"]["src_file"] == "SYNA.csv"
    assert str(tmp_path) not in str(entry)  # no machine path travels into provenance
    assert entry["arguments"]["src_sha256"] == sha256_file(path)
    assert (entry["rows"], entry["first_date"], entry["last_date"]) == (len(frame), "2021-01-04", "2021-12-31")
    assert read_manifest()["SYNA"] == entry


def test_the_recorded_source_hash_is_of_the_bytes_validated_even_if_the_file_changes_after(tmp_path, monkeypatch):
    path, frame = _write_synthetic(tmp_path)
    validated = sha256_file(path)
    check_splits = importer.infer_splits

    def then_rewrite(checked, name):  # another program rewrites the file once it has been validated
        _write_lines(tmp_path, "SYNA.csv", HEADER, *GOOD_ROWS)
        return check_splits(checked, name)

    monkeypatch.setattr(importer, "infer_splits", then_rewrite)
    (entry,) = import_directory(tmp_path)

    assert sha256_file(path) != validated
    assert entry["arguments"]["src_sha256"] == validated
    assert entry["rows"] == len(frame)  # the rows stored are those of the hashed bytes


def test_imported_prices_load_offline_unchanged(tmp_path, offline):
    _, frame = _write_synthetic(tmp_path)
    import_directory(tmp_path)

    prices = frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")

    expected = frame[(frame["date"] >= "2021-06-01") & (frame["date"] <= "2021-06-30")]
    assert prices["close"].tolist() == expected["close"].tolist()
    assert prices["volume"].tolist() == expected["volume"].tolist()


def test_known_index_file_names_map_to_caret_tickers(tmp_path):
    _write_synthetic(tmp_path, "GSPC.csv", start_price=3000.0)
    _write_synthetic(tmp_path, "%5ESYNX.csv", start_price=1000.0)

    tickers = [e["ticker"] for e in import_directory(tmp_path)]

    assert tickers == ["^GSPC", "^SYNX"]


def test_files_that_are_not_csv_are_ignored(tmp_path):
    _write_synthetic(tmp_path)
    (tmp_path / "README.md").write_text("# synthetic test folder\n")

    assert [e["ticker"] for e in import_directory(tmp_path)] == ["SYNA"]


def test_a_twenty_for_one_split_is_inferred_from_close_and_adj_close(tmp_path):
    _write_synthetic(tmp_path, splits={"2021-06-14": 20.0})

    (entry,) = import_directory(tmp_path)

    assert [(s["date"], s["ratio"], s["method"]) for s in entry["splits"]] == [("2021-06-14", 20.0, "inferred")]


def test_a_spin_off_factor_like_ibms_is_inferred_with_four_decimals(tmp_path):
    _write_synthetic(tmp_path, splits={"2021-11-04": 1.046})

    (entry,) = import_directory(tmp_path)

    assert [(s["date"], s["ratio"]) for s in entry["splits"]] == [("2021-11-04", 1.046)]


def test_a_dividend_sized_move_is_not_taken_for_a_split():
    import pandas as pd

    frame = pd.DataFrame({"date": pd.to_datetime(["2021-05-06", "2021-05-07"]),
                          "close": [100.0, 100.0], "adj_close": [98.5, 100.0]})  # a 1.5 % dividend

    assert infer_splits(frame) == []


def test_imported_splits_let_adjusted_true_work_offline(tmp_path, offline):
    _, frame = _write_synthetic(tmp_path, splits={"2021-06-14": 20.0})
    import_directory(tmp_path)

    adjusted = frstory.load_prices("SYNA", "2021-06-11", "2021-06-14", adjusted=True)

    as_traded = frame.set_index("date")["close"]
    assert adjusted["close"].tolist() == pytest.approx(
        [as_traded["2021-06-11"] / 20, as_traded["2021-06-14"]]
    )


def test_missing_folder_is_named(tmp_path):
    error = _import_error(tmp_path / "nowhere")
    assert "nowhere: does not exist" in str(error) and str(tmp_path) not in str(error)


def test_a_file_instead_of_a_folder_is_named(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, *GOOD_ROWS)
    error = _import_error(path)
    assert "SYNA.csv: is not a folder" in str(error) and str(tmp_path) not in str(error)


def test_empty_folder_is_named(tmp_path):
    error = _import_error(tmp_path)
    assert f"{tmp_path.name}: holds no .csv files" in str(error) and str(tmp_path) not in str(error)


def test_bad_header_names_file_and_line_one(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", "Date,Open,High,Low,Close,Adj Close,Volume", *GOOD_ROWS)
    error = _import_error(tmp_path)
    assert f"{path.name}:1:" in str(error) and "is not the expected header 'date,open,high,low,close,adj_close,volume'" in str(error)


def test_bad_date_names_file_line_and_value(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "06/02/2021,10.5,11.5,10.0,11.0,11.0,1200")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column date value '06/02/2021' is not an ISO date" in str(error)


def test_impossible_calendar_date_is_rejected(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-02-30,10.5,11.5,10.0,11.0,11.0,1200")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column date value '2021-02-30'" in str(error)


def test_unsorted_dates_name_both_lines(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[1], GOOD_ROWS[0])
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column date value '2021-06-01' comes before 2021-06-02 on line 2" in str(error)


def test_duplicate_dates_name_both_lines(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], GOOD_ROWS[0])
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column date value '2021-06-01' duplicates the date on line 2" in str(error)


def test_non_numeric_price_names_file_line_and_column(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-06-02,10.5,n/a,10.0,11.0,11.0,1200")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column high value 'n/a' is not a number" in str(error)


def test_non_finite_price_is_rejected(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-06-02,10.5,11.5,10.0,inf,11.0,1200")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column close value 'inf' is not a finite number" in str(error)


def test_negative_price_names_file_line_and_column(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-06-02,-10.5,11.5,10.0,11.0,11.0,1200")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column open value '-10.5' is not a positive price" in str(error)


def test_high_below_low_names_file_and_line(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-06-02,10.5,9.0,10.0,9.5,9.5,1200")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column high value '9.0' is below low 10.0" in str(error)


def test_close_outside_the_days_range_is_rejected(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-06-02,10.5,11.5,10.0,12.0,12.0,1200")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column close value '12.0' is outside the day's range" in str(error)


def test_fractional_volume_names_file_line_and_column(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-06-02,10.5,11.5,10.0,11.0,11.0,12.5")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: column volume value '12.5' is not a whole number" in str(error)


def test_wrong_number_of_fields_names_the_line(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER, GOOD_ROWS[0], "2021-06-02,10.5,11.5")
    error = _import_error(tmp_path)
    assert f"{path.name}:3: value '2021-06-02,10.5,11.5' has 3 fields, expected 7" in str(error)


def test_header_only_file_is_rejected(tmp_path):
    path = _write_lines(tmp_path, "SYNA.csv", HEADER)
    error = _import_error(tmp_path)
    assert f"{path.name}:2:" in str(error) and "no data rows" in str(error)


def test_every_problem_in_every_file_is_listed(tmp_path):
    a = _write_lines(tmp_path, "SYNA.csv", HEADER, "2021-06-01,x,11.0,9.5,10.5,10.5,1000",
                     "2021-06-02,10.5,11.5,10.0,11.0,11.0,-3")
    b = _write_lines(tmp_path, "SYNB.csv", "date,close", "2021-06-01,10")

    error = _import_error(tmp_path)

    located = {(p["file"], p["line"], p["column"]) for p in error.problems}
    assert located == {(a.name, 2, "open"), (a.name, 3, "volume"), (b.name, 1, None)}
    assert str(error).startswith("problems in price CSVs in folder")


def test_one_bad_file_means_nothing_is_imported(tmp_path):
    _write_synthetic(tmp_path, "SYNA.csv")
    _write_lines(tmp_path, "SYNB.csv", HEADER, GOOD_ROWS[1], GOOD_ROWS[0])

    _import_error(tmp_path)

    assert read_manifest() == {}
    assert not price_cache_dir().exists() or not any(price_cache_dir().glob("*.csv"))


def test_two_files_for_one_ticker_are_rejected(tmp_path):
    _write_lines(tmp_path, "GSPC.csv", HEADER, *GOOD_ROWS)
    dup = _write_lines(tmp_path, "^GSPC.csv", HEADER, *GOOD_ROWS)

    error = _import_error(tmp_path)

    assert f"{dup.name}: value '^GSPC.csv' holds ^GSPC like GSPC.csv" in str(error)


def test_a_file_name_that_is_no_ticker_is_rejected(tmp_path):
    bad = _write_lines(tmp_path, "my prices.csv", HEADER, *GOOD_ROWS)
    error = _import_error(tmp_path)
    assert "my prices.csv: value 'my prices.csv' does not name a ticker" in str(error)


def test_reimport_replaces_the_entry_and_keeps_other_tickers(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    _write_synthetic(first, "SYNA.csv", seed=1)
    _write_synthetic(first, "SYNB.csv", seed=2)
    _write_synthetic(second, "SYNA.csv", seed=3)
    import_directory(first)

    import_directory(second)

    manifest = read_manifest()
    assert manifest["SYNA"]["arguments"]["src_sha256"] == sha256_file(second / "SYNA.csv")
    assert manifest["SYNB"]["arguments"]["src_sha256"] == sha256_file(first / "SYNB.csv")
