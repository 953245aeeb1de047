"""Validate the curated CSV files with pandera and report every problem by file, line and column.

The loaders in :mod:`frstory.data.events` and :mod:`frstory.data.claims` follow the same steps:

1. :func:`read_csv_text` reads the file as text (every cell a ``str``, empty cells ``None``) and
   remembers the CSV line on which each record starts, so that problems point at the line a
   journalist sees in an editor (the header is line 1).
2. A pandera schema of the CSV text checks every row *lazily* (all problems at once).
   :func:`schema_problems` turns pandera's failure cases into problem dicts with the keys
   ``file, line, column, value, message, fix``, using a table of :class:`Rule` objects keyed by
   the ``error`` text given to each pandera check.
3. :func:`raise_for_problems` raises :class:`frstory.errors.DataValidationError` listing them all.

The small predicates below (``is_slug``, ``is_http_url``...) are the building blocks the schemas
share; each takes a Series of text and returns a boolean Series.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import functools
import hashlib
import math
import os
import re
from sys import intern
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pandera.pandas as pa

from frstory.errors import DataValidationError

__all__ = [
    "Rule",
    "CsvText",
    "read_csv_text",
    "schema_problems",
    "raise_for_problems",
    "problem",
    "is_slug",
    "is_http_url",
    "is_iso_day",
    "is_iso_month",
    "is_hh_mm",
    "is_ticker",
    "is_not_blank",
    "is_plain_number",
    "is_free_of_controls",
    "describe_controls",
    "fix_controls",
    "control_character_check",
    "row_check",
    "CONTROL_CHARACTER_CHECK",
    "CONTROL_CHARACTER_RULE",
    "parse_iso_day",
    "has_columns",
    "all_pass",
    "text_or_none",
    "is_string_dtype",
    "is_datetime_ns",
    "is_midnight",
    "nyse_open",
    "format_problem",
    "load_curated_csv",
    "validate_frame",
    "frame_dtype_rules",
    "EXTENSION_DTYPES",
    "ExtensionColumn",
    "ExtensionRule",
    "Extension",
    "as_extensions",
    "filled_together",
    "only_when",
    "spelled_once",
    "one_value_per",
    "once_per_validation",
]

# A line and its terminator (\r\n, \r or \n), as a file opened with newline="" reads them.
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# re.ASCII: Python's \d also matches full-width and other scripts' digits ("２０２０"), which
# pandas cannot convert; a cell that passed the check would then be lost or crash the loader.
SLUG_RE = re.compile(r"[a-z0-9-]+")
ISO_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
ISO_MONTH_RE = re.compile(r"\d{4}-\d{2}", re.ASCII)
HH_MM_RE = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d", re.ASCII)
# A plain decimal as a spreadsheet writes it: no thousands separators, currency or percent signs.
# Why not float(): it accepts "nan", "1e3" and " 1", which hide typos in a reported number.
PLAIN_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)
# Plain stock tickers (SYNA, BRK.B, 7203.T), index tickers with Yahoo's caret (^GSPC) and Yahoo's
# futures and currencies (CL=F): exactly what fr.load_prices accepts (frstory.data.cache), so a
# ticker the file names can always be loaded.
TICKER_RE = re.compile(r"\^?[A-Z0-9][A-Z0-9.\-=]{0,19}")
# An http(s) address of printable ASCII whose host is letters, digits, '-' and '.': one that
# is_http_url's full checks (no space or control character, urlsplit finds a host) always pass.
_PLAIN_URL_RE = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:[/?#][!-~]*)?", re.ASCII)


@dataclass(frozen=True)
class Rule:
    """How to explain one failed check to a person editing the CSV.

    Parameters
    ----------
    column : str or None
        The column the problem is reported against (for checks that span several columns, the
        one to edit).
    message : str
        What is wrong, phrased to follow the quoted value: ``"is not a known category"``.
    fix : str
        What to do about it.
    describe : callable, optional
        ``describe(text) -> str``: the message for one failing text cell, when it must say what in
        the cell is wrong (e.g. which invisible character); ``message`` serves other cells.
    describe_fix : callable, optional
        ``describe_fix(text) -> str``: the fix for one failing text cell, when it depends on what
        is wrong in the cell; ``fix`` serves other cells.

    Examples
    --------
    >>> Rule("category", "is not a known category", "use one of: policy, protest").column
    'category'
    """

    column: str | None
    message: str
    fix: str
    describe: Callable[[str], str] | None = None
    describe_fix: Callable[[str], str] | None = None


@dataclass
class CsvText:
    """A CSV file read as text.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per record, object dtype, every cell a ``str`` or ``None`` (empty cell). The
        columns are the file's header as written (pandera reports missing or extra columns).
    lines : list of int
        The CSV line on which each record starts (header = line 1), aligned with ``frame``.
    problems : list of dict
        Structural problems found while reading (records with too many or too few fields);
        those records are left out of ``frame``.
    sha256 : str
        Hex SHA-256 of the file's bytes, as read.
    """

    frame: pd.DataFrame
    lines: list[int]
    problems: list[dict]
    sha256: str


def problem(file, line, column, value, message, fix) -> dict:
    """One problem as a dict with the keys the loaders' errors promise.

    Examples
    --------
    >>> problem("events.csv", 3, "date", "2020-13-01", "is not a real date", "use YYYY-MM-DD")["line"]
    3
    """
    return {
        "file": None if file is None else str(file),
        "line": line,
        "column": column,
        "value": value,
        "message": message,
        "fix": fix,
    }


def read_csv_text(path: str | os.PathLike, *, what: str, columns: Sequence[str]) -> CsvText:
    """Read a curated CSV file as text, keeping the line number of every record.

    Parameters
    ----------
    path : path-like
        The CSV file (UTF-8, comma-separated, first line the header).
    what : str
        What the file holds (``"events"``), for messages.
    columns : sequence of str
        The expected header, quoted in the fix when the file is empty.

    Returns
    -------
    CsvText

    Raises
    ------
    DataValidationError
        When the file does not exist, is not UTF-8 text, is empty, or has a header but no rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text('id,note\\na,"two\\nlines"\\nb,\\n', encoding="utf-8")
    >>> text = read_csv_text(p, what="test", columns=["id", "note"])
    >>> text.lines, text.frame.loc[1, "note"] is None
    ([2, 4], True)
    """
    path = Path(path)
    header = ",".join(columns)
    if not path.exists():
        raise DataValidationError(
            f"{path}: the {what} file does not exist. Fix: check the path, or call the loader "
            f"without a path to read the project's own file (data/ beside its frstory.toml).",
            [problem(path, None, None, str(path), "the file does not exist",
                     "check the path, or call the loader without a path for the project's own file")],
        )
    if not path.is_file():
        raise DataValidationError(
            f"{path}: is a directory, not a {what} CSV file. Fix: give the path of the CSV file.",
            [problem(path, None, None, str(path), "is not a file", "give the path of the CSV file")],
        )
    raw = path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        # utf-8-sig: spreadsheet programs often save a byte-order mark; it is not part of the header.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 4]
        raise DataValidationError(
            f"{path}, line {line}: bytes {bad!r} are not UTF-8 text. "
            "Fix: save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8').",
            [problem(path, line, None, repr(bad), "is not UTF-8 text", "save the file as UTF-8")],
        ) from exc
    del raw  # a large file is held once, as text
    if not text.strip():
        raise DataValidationError(
            f"{path}: the {what} file is empty. Fix: the first line must be the header "
            f"'{header}', followed by one line per row.",
            [problem(path, 1, None, "", "the file is empty", f"start the file with the header '{header}'")],
        )

    # The lines as io.StringIO(text, newline="") gives them, made one at a time: a StringIO holds
    # a copy of the text at four bytes a character.
    reader = csv.reader(match.group() for match in _LINE_RE.finditer(text))
    records: list[list[str]] = []
    lines: list[int] = []
    problems: list[dict] = []
    header_fields: list[str] | None = None
    ended_on = 0  # reader.line_num after the previous record: the next record starts one later
    try:
        for fields in reader:
            starts_on = ended_on + 1
            ended_on = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if header_fields is None:
                header_fields = [name.strip() for name in fields]
                separator = next((sep for sep in ";\t|" if len(fields) == 1 and len(fields[0].split(sep)) >= 2
                                  and set(fields[0].split(sep)) & set(columns)), None)
                if separator is not None:
                    # One reason, not a "missing column" per expected column: the file is not comma-separated.
                    name = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}[separator]
                    raise DataValidationError(
                        f"{path}, line 1: the header is one field with {name} in it: the file is separated by "
                        f"{name}, not commas. Fix: save it as comma-separated CSV (in a spreadsheet: 'CSV UTF-8', "
                        "with a comma as the field separator).",
                        [problem(path, 1, None, fields[0][:120], f"is separated by {name}, not commas",
                                 "save the file as comma-separated CSV")],
                    )
                continue
            if len(fields) != len(header_fields):
                problems.append(problem(
                    path, starts_on, None, ",".join(fields)[:120],
                    f"has {len(fields)} fields but the header has {len(header_fields)}",
                    "put text that contains commas in double quotes, and give every row "
                    "exactly one field per header column (empty fields are fine)",
                ))
                continue
            # Empty cells are missing values; everything else stays exactly as written so that
            # messages quote what the editor sees. Short cells repeat (categories, dates, tickers):
            # interned, each value is held once, not once per row (a large file's frame is a third
            # smaller).
            records.append([None if cell == "" else intern(cell) if len(cell) <= 24 else cell for cell in fields])
            lines.append(starts_on)
    except csv.Error as exc:
        raise DataValidationError(
            f"{path}, line {reader.line_num}: the CSV cannot be parsed ({exc}). "
            "Fix: close every double quote you open, and double any quote inside quoted text (\"\").",
            [problem(path, reader.line_num, None, None, f"cannot be parsed ({exc})",
                     "close every double quote, and double quotes inside quoted text")],
        ) from exc
    if header_fields is None:  # pragma: no cover - text.strip() above guarantees a header
        header_fields = []
    if not records and not problems:
        raise DataValidationError(
            f"{path}: the {what} file has a header but no rows. Fix: add one line per row "
            f"under the header '{header}'.",
            [problem(path, 2, None, "", "the file has no rows", "add one line per row under the header")],
        )
    del reader, text  # the cells hold what is needed; free the text before the frame is built
    # Object dtype: pandas must not infer or convert anything.
    frame = pd.DataFrame(records, columns=header_fields, dtype=object)
    return CsvText(frame=frame, lines=lines, problems=problems, sha256=sha256)


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


# --- predicates on text Series (missing cells count as passing; nullability is checked apart) ---


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object)


def is_slug(series: pd.Series) -> pd.Series:
    """True where the text is an id slug of lowercase letters, digits and ``-``.

    Examples
    --------
    >>> is_slug(pd.Series(["syna-pause", "SYND exits"])).tolist()
    [True, False]
    """
    return _text(series).map(lambda v: _missing(v) or (isinstance(v, str) and bool(SLUG_RE.fullmatch(v)))).astype(bool)


def is_http_url(series: pd.Series) -> pd.Series:
    """True where the text is an absolute ``http://`` or ``https://`` URL with a host.

    Examples
    --------
    >>> is_http_url(pd.Series(["https://example.org/a", "javascript:alert(1)", "example.org"])).tolist()
    [True, False, False]
    """

    def ok(value) -> bool:
        if _missing(value):
            return True
        if isinstance(value, str) and _PLAIN_URL_RE.fullmatch(value):
            return True  # the usual address, which the checks below would pass, without their per-character cost
        # Invisible characters too (a zero-width space pasted with the address): the link would break.
        if not isinstance(value, str) or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
            return False
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and bool(parts.hostname)

    return _text(series).map(ok).astype(bool)


def parse_iso_day(series: pd.Series) -> pd.Series:
    """Parse ``YYYY-MM-DD`` text to midnight timestamps; anything else becomes ``NaT``.

    Examples
    --------
    >>> parse_iso_day(pd.Series(["2020-06-10", "2020-02-30", "10/06/2020"])).isna().tolist()
    [False, True, True]
    """
    text = _text(series).map(lambda v: v if isinstance(v, str) and ISO_DAY_RE.fullmatch(v) else None)
    days = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    # pandas parses years 0001-9999 at a coarser unit; outside 1677-2262 they do not fit the
    # contract's datetime64[ns] and would crash every rule that reads the column (a typo like
    # 3020 must be reported at its line like any other unreadable date).
    days = days.where((days >= pd.Timestamp.min) & (days <= pd.Timestamp.max))
    return days.astype("datetime64[ns]")


def is_iso_day(series: pd.Series) -> pd.Series:
    """True where the text is a real calendar date written ``YYYY-MM-DD``.

    Examples
    --------
    >>> is_iso_day(pd.Series(["2020-06-10", "2020-6-10", "2021-02-29"])).tolist()
    [True, False, False]
    """
    return series.isna() | parse_iso_day(series).notna()


def is_iso_month(series: pd.Series) -> pd.Series:
    """True where the text is a month written ``YYYY-MM`` (month 01 to 12).

    Examples
    --------
    >>> is_iso_month(pd.Series(["2020-12", "2020-13", "2020-12-01"])).tolist()
    [True, False, False]
    """
    text = _text(series)
    shaped = text.map(lambda v: isinstance(v, str) and bool(ISO_MONTH_RE.fullmatch(v)) and 1 <= int(v[5:]) <= 12)
    # Its first day must be a loadable date too (the loader stores a month as its first day).
    first_days = parse_iso_day(text.map(lambda v: v + "-01" if isinstance(v, str) else None).where(shaped, None))
    return (text.map(_missing) | (shaped.astype(bool) & first_days.notna())).astype(bool)


def is_hh_mm(series: pd.Series) -> pd.Series:
    """True where the text is a 24-hour clock time ``HH:MM``.

    Examples
    --------
    >>> is_hh_mm(pd.Series(["17:43", "5:43 pm", "24:00"])).tolist()
    [True, False, False]
    """
    return _text(series).map(lambda v: _missing(v) or (isinstance(v, str) and bool(HH_MM_RE.fullmatch(v)))).astype(bool)


def is_ticker(series: pd.Series) -> pd.Series:
    """True where the text looks like a ticker: capitals, digits, ``.``, ``-`` or ``=``, optional ``^``.

    Examples
    --------
    >>> is_ticker(pd.Series(["SYNA", "^GSPC", "syna", "SYNA "])).tolist()
    [True, True, False, False]
    """
    return _text(series).map(lambda v: _missing(v) or (isinstance(v, str) and bool(TICKER_RE.fullmatch(v)))).astype(bool)


def is_plain_number(series: pd.Series) -> pd.Series:
    """True where the text is a plain decimal such as ``2647.45`` or ``-0.62`` (or missing).

    Examples
    --------
    >>> is_plain_number(pd.Series(["2647.45", "2,647.45", "1e3", None])).tolist()
    [True, False, False, True]
    """
    # A plain number too long for a float (over 308 digits) would load as infinity, or crash.
    return _text(series).map(
        lambda v: not isinstance(v, str) or bool(PLAIN_NUMBER_RE.fullmatch(v)) and math.isfinite(float(v))
    ).astype(bool)


def is_not_blank(series: pd.Series) -> pd.Series:
    """True where the text has something other than spaces.

    Examples
    --------
    >>> is_not_blank(pd.Series(["Synthetic Co", "   "])).tolist()
    [True, False]
    """
    return _text(series).map(lambda v: _missing(v) or (isinstance(v, str) and bool(v.strip()))).astype(bool)


# Characters that garble or spoof a published page: the C0 and C1 controls (NUL, escape, ...) but
# tab and the line breaks, which quoted multi-line cells hold and a page shows as plain space; and
# the bidirectional embeddings, overrides and isolates, which, left unclosed, reorder the text after
# them (the "Trojan Source" trick). The marks LRM, RLM and ALM only steer their neighbours and stay
# allowed: names in right-to-left scripts need them.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# Characters nobody sees that still change the text: the zero-width space, the word joiner and a
# byte-order mark inside text (pasted from web pages and PDFs, they split a word for search,
# hyphenation and matching a quote against its article), and the Unicode line and paragraph
# separators, which most editors show as nothing but which break a line in some browsers and end a
# JavaScript string in older ones. The zero-width non-joiner and joiner (U+200C, U+200D) are
# allowed: Persian and the Indic scripts spell words with them, and emoji sequences are joined by
# U+200D. A byte-order mark at the very start of a file is an encoding marker; read_csv_text
# removes it before any cell is read.
_INVISIBLES = frozenset("\u200b\u2060\ufeff\u2028\u2029")
_CONTROLS_RE = re.compile("[" + _CONTROLS + "".join(sorted(_INVISIBLES)) + "]")
_SEPARATORS = frozenset("\u2028\u2029")
# Python's unicodedata has no names for the C0 and C1 controls; these are the usual suspects.
_CONTROL_NAMES = {"\x00": "NULL", "\x08": "BACKSPACE", "\x0b": "LINE TABULATION", "\x0c": "FORM FEED",
                  "\x1b": "ESCAPE", "\x7f": "DELETE", "\x85": "NEXT LINE"}


def is_free_of_controls(series: pd.Series) -> pd.Series:
    """True where the text holds no control or invisible character that could garble or spoof a page.

    Refused: C0 and C1 control characters other than tab, line feed and carriage return; the
    bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069); the
    zero-width space (U+200B), the word joiner (U+2060) and the byte-order mark (U+FEFF)
    inside text; and the line and paragraph separators (U+2028, U+2029). The left-to-right and
    right-to-left marks (U+200E, U+200F) and the zero-width non-joiner and joiner (U+200C,
    U+200D), which scripts and emoji need, are allowed.

    Examples
    --------
    >>> is_free_of_controls(pd.Series(["two\\nlines", "evil\\u202etxt.exe", "nul\\x00", "\\u200fmark", "zero\\u200bwidth", None])).tolist()
    [True, False, False, True, False, True]
    """
    return _text(series).map(lambda v: not isinstance(v, str) or _CONTROLS_RE.search(v) is None).astype(bool)


def describe_controls(text: str) -> str:
    """Which character :func:`is_free_of_controls` refused in ``text``, and where.

    Examples
    --------
    >>> describe_controls("Synthetic \\u202eheadline")
    'contains the invisible control character U+202E (RIGHT-TO-LEFT OVERRIDE) at character 11'
    >>> describe_controls("a\\x00b\\x1b")
    'contains the invisible control character U+0000 (NULL) at character 2, and 1 more'
    >>> describe_controls("Synthetic\\u200b Co")
    'contains the invisible character U+200B (ZERO WIDTH SPACE) at character 10'
    """
    found = list(_CONTROLS_RE.finditer(text))
    if not found:
        return "contains an invisible control character"
    char = found[0].group()
    name = unicodedata.name(char, None) or _CONTROL_NAMES.get(char)
    kind = "invisible character" if char in _INVISIBLES else "invisible control character"
    more = f", and {len(found) - 1} more" if len(found) > 1 else ""
    return (f"contains the {kind} U+{ord(char):04X}" + (f" ({name})" if name else "")
            + f" at character {found[0].start() + 1}{more}")


_DELETE_IT = "delete it (most editors do not show it: if you cannot find it, retype the text)"


def fix_controls(text: str) -> str:
    """How to fix the first character :func:`is_free_of_controls` refused in ``text``.

    A line or paragraph separator stands for a break the writer meant: it is replaced, not
    deleted; any other character is deleted.

    Examples
    --------
    >>> fix_controls("two\\u2028lines")
    'replace it with an ordinary line break or a space (most editors do not show it: if you cannot find it, retype the text)'
    >>> fix_controls("Synthetic\\u200b Co")
    'delete it (most editors do not show it: if you cannot find it, retype the text)'
    """
    found = _CONTROLS_RE.search(text)
    if found is not None and found.group() in _SEPARATORS:
        return ("replace it with an ordinary line break or a space "
                "(most editors do not show it: if you cannot find it, retype the text)")
    return _DELETE_IT


#: The ``error`` of :func:`control_character_check`, the key of :data:`CONTROL_CHARACTER_RULE`.
CONTROL_CHARACTER_CHECK = "control_characters"

#: How a cell with a control or invisible character is explained (column: the cell's own).
CONTROL_CHARACTER_RULE = Rule(
    None, "contains an invisible control character", _DELETE_IT,
    describe=describe_controls, describe_fix=fix_controls,
)


def row_check(rule: Callable[[pd.DataFrame], pd.Series], *, error: str) -> pa.Check:
    """The pandera check of a rule across columns: ``rule(frame)`` is True where a row passes.

    Every row is judged, also one whose cells are all empty (pandera's default skips those, and
    finds them by checking every cell of the frame for a missing value once per rule: on a large
    file most of a load's time). Such a row is reported anyway, for each required cell.

    Examples
    --------
    >>> row_check(all_pass, error="always").ignore_na
    False
    """
    return pa.Check(rule, error=error, ignore_na=False)


def control_character_check() -> pa.Check:
    """The pandera check of a free-text column that refuses control characters (:func:`is_free_of_controls`).

    Examples
    --------
    >>> control_character_check().error
    'control_characters'
    """
    return pa.Check(is_free_of_controls, error=CONTROL_CHARACTER_CHECK)


# --- helpers for row rules and typed-frame checks -----------------------------------------------


def has_columns(frame: pd.DataFrame, *columns: str) -> bool:
    """True when ``frame`` has all ``columns``; row rules stand aside otherwise (pandera reports
    the missing column itself).

    Examples
    --------
    >>> has_columns(pd.DataFrame({"a": [1]}), "a", "b")
    False
    """
    return all(c in frame.columns for c in columns)


def all_pass(frame: pd.DataFrame) -> pd.Series:
    """A row-rule result in which every row passes.

    Examples
    --------
    >>> all_pass(pd.DataFrame({"a": [1, 2]})).tolist()
    [True, True]
    """
    return pd.Series(True, index=frame.index)


def text_or_none(series: pd.Series) -> pd.Series:
    """``series`` as object dtype with ``None`` for every missing value.

    Examples
    --------
    >>> text_or_none(pd.Series(["a", pd.NA], dtype="string")).tolist()
    ['a', None]
    """
    out = series.astype(object)
    return out.where(series.notna(), None)


def is_string_dtype(series: pd.Series) -> bool:
    """True when ``series`` has the pandas ``string`` dtype with ``<NA>`` (not ``object``, not ``str``).

    Examples
    --------
    >>> is_string_dtype(pd.Series(["a"], dtype="string")), is_string_dtype(pd.Series(["a"], dtype=object))
    (True, False)
    """
    dtype = series.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA


def is_datetime_ns(series: pd.Series) -> bool:
    """True when ``series`` is tz-naive ``datetime64[ns]``.

    Examples
    --------
    >>> is_datetime_ns(pd.Series(pd.to_datetime(["2020-06-10"])).astype("datetime64[ns]"))
    True
    """
    return series.dtype == np.dtype("datetime64[ns]")


def is_midnight(series: pd.Series) -> pd.Series:
    """True where a timestamp is a midnight (or missing); all True for non-datetime input.

    Examples
    --------
    >>> is_midnight(pd.Series(pd.to_datetime(["2020-06-10 00:00", "2020-06-10 16:00"]))).tolist()
    [True, False]
    """
    if not pd.api.types.is_datetime64_any_dtype(series):
        return pd.Series(True, index=series.index)
    return series.isna() | (series == series.dt.normalize())


def nyse_open(days: pd.Series) -> pd.Series:
    """Whether the NYSE traded on each day: nullable booleans, ``<NA>`` for missing days or days
    outside the calendar.

    Examples
    --------
    >>> nyse_open(pd.Series(pd.to_datetime(["2020-06-10", "2020-06-13"]))).tolist()
    [True, False]
    """
    from frstory.data.calendar import nyse_calendar

    cal = nyse_calendar()
    first, last = cal.first_session.tz_localize(None), cal.last_session.tz_localize(None)
    out = pd.Series(pd.NA, index=days.index, dtype="boolean")
    known = days.notna() & (days >= first) & (days <= last)
    if known.any():
        sessions = cal.sessions_in_range(days[known].min(), days[known].max())
        sessions = pd.DatetimeIndex(sessions)
        if sessions.tz is not None:
            sessions = sessions.tz_localize(None)
        out[known] = days[known].isin(sessions).to_numpy()
    return out


# --- work shared by the checks of one validation --------------------------------------------------

_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("frstory_validation_memo", default=None)


@contextlib.contextmanager
def _one_validation():
    """While :func:`schema_problems` validates, results of :func:`once_per_validation` functions are kept."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def once_per_validation(fn: Callable[[pd.DataFrame], pd.Series]) -> Callable[[pd.DataFrame], pd.Series]:
    """``fn(frame)`` computed once per frame within one validation, for helpers that several row
    rules call (e.g. the events' parsed start dates: four rules read them).

    Outside :func:`schema_problems` (a schema validated directly) every call computes afresh; a
    frame cannot change between the checks of one validation, so a kept result is never stale.
    Each caller gets its own copy.

    Examples
    --------
    >>> calls = []
    >>> @once_per_validation
    ... def doubled(frame):
    ...     calls.append(1)
    ...     return frame["a"] * 2
    >>> frame = pd.DataFrame({"a": [1, 2]})
    >>> with _one_validation():
    ...     _ = doubled(frame), doubled(frame)
    >>> len(calls)
    1
    """

    @functools.wraps(fn)
    def once(frame: pd.DataFrame) -> pd.Series:
        memo = _MEMO.get()
        if memo is None:
            return fn(frame)
        key = (fn, id(frame))
        kept = memo.get(key)
        if kept is None or kept[0] is not frame:
            kept = memo[key] = (frame, fn(frame))  # the frame is held, so its id is not reused
        return kept[1].copy()

    return once


# --- pandera failure cases -> problems ----------------------------------------------------------


def _show(value) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    return str(value)


def schema_problems(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    rules: Mapping[str, Rule],
    *,
    file: str | os.PathLike | None,
    lines: Sequence[int] | None = None,
    column_help: Mapping[str, str] | None = None,
    unknown_column_fix: str | None = None,
) -> list[dict]:
    """Validate ``frame`` lazily with ``schema`` and explain every failure case.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame to validate (text from :func:`read_csv_text`, or a typed frame).
    schema : pandera.pandas.DataFrameSchema
        Each custom check's ``error`` is a key of ``rules``.
    rules : mapping of str to Rule
        How to explain each check; pandera's built-in checks (missing value, duplicate, missing
        or unknown column, column order) are explained with ``column_help``.
    file : path-like or None
        The file the frame came from, named in every problem.
    lines : sequence of int, optional
        CSV line of each row of ``frame`` (by position). Without it problems name the row label.
    column_help : mapping of str to str, optional
        What each column should hold, used in fixes for missing values.
    unknown_column_fix : str, optional
        How to make a column the schema does not know acceptable (e.g. by declaring it in an
        extension); said before the list of expected columns.

    Returns
    -------
    list of dict
        Problems sorted by line; empty when the frame is valid.

    Examples
    --------
    >>> schema = pa.DataFrameSchema({"id": pa.Column(checks=pa.Check(is_slug, error="slug"))})
    >>> rules = {"slug": Rule("id", "is not a slug", "use a-z, 0-9 and '-'")}
    >>> schema_problems(pd.DataFrame({"id": ["ok", "Not OK"]}, dtype=object), schema, rules,
    ...                 file="t.csv", lines=[2, 3])[0]["line"]
    3
    """
    column_help = dict(column_help or {})
    try:
        # inplace: checks only read, so pandera need not copy the frame first (a copy of a large
        # file's text costs memory, and the loader's typed view is then made once, for this frame).
        with _one_validation():
            schema.validate(frame, lazy=True, inplace=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    except pa.errors.SchemaError as exc:  # pragma: no cover - lazy=True collects into SchemaErrors
        cases = exc.failure_cases if exc.failure_cases is not None else pd.DataFrame()

    expected = list(schema.columns)
    # A CSV's columns live in its header (line 1); a frame's are just its columns.
    header_line, columns_word = (1, "header") if lines is not None else (None, "columns")
    problems: list[dict] = []
    seen: set[tuple] = set()
    header_reported = False
    for case in cases.itertuples(index=False):
        check = str(case.check)
        column = None if _missing(case.column) else str(case.column)
        index = None if _missing(case.index) else case.index
        failure = None if _missing(case.failure_case) else case.failure_case

        if check in ("column_in_dataframe", "column_in_schema", "column_ordered"):
            if check == "column_ordered":
                if header_reported:
                    continue
                header_reported = True
                problems.append(problem(
                    file, header_line, None, ",".join(map(str, frame.columns)),
                    "is not the required column order",
                    f"put the {columns_word} in exactly this order: " + ",".join(expected),
                ))
            elif check == "column_in_dataframe":
                problems.append(problem(
                    file, header_line, str(failure), str(failure),
                    f"is missing from the {columns_word}",
                    f"add the column '{failure}'; the {columns_word} must be exactly: " + ",".join(expected),
                ))
            else:
                problems.append(problem(
                    file, header_line, str(failure), str(failure),
                    "is not a known column",
                    (unknown_column_fix or "remove the column or correct its spelling")
                    + f"; the {columns_word} must be exactly: " + ",".join(expected),
                ))
            continue

        rule = rules.get(check)
        if rule is not None:
            column = rule.column or column
        key = (check, column, index)
        if key in seen:  # dataframe-wide checks report one failure case per column of a row
            continue
        seen.add(key)

        if index is not None and column is not None and column in frame.columns:
            value = _show(frame.at[index, column])
        elif check.startswith("dtype(") or rule is not None and index is None:
            value = str(frame[column].dtype) if column in frame.columns else _show(failure)
        else:
            value = _show(failure)

        if rule is not None:
            message, fix = rule.message, rule.fix
            cell = frame.at[index, column] if index is not None and column in frame.columns else None
            if rule.describe is not None and isinstance(cell, str):
                message = rule.describe(cell)
            if rule.describe_fix is not None and isinstance(cell, str):
                fix = rule.describe_fix(cell)
        elif check == "not_nullable":
            message = "is empty"
            fix = f"fill in '{column}'" + (f": {column_help[column]}" if column in column_help else "")
        elif check == "field_uniqueness":
            message, fix = "is used by more than one row", "give every row its own value in this column"
        elif check.startswith("dtype("):
            message = f"has dtype {value}, not the {check[6:-1]} the contract requires"
            fix = "build the frame with the loader, or convert the column to that dtype"
        else:
            message, fix = f"fails the check {check}", "see the column rules in docs/architecture.md"

        if check == "field_uniqueness" and index is not None:
            others = [
                _line_of(lines, i) for i in frame.index[frame[column] == frame.at[index, column]] if i != index
            ]
            where = "line" if lines is not None else "row"
            message = f"is also used on {where} " + ", ".join(map(str, others))
            fix = "give every row its own id"

        line = _line_of(lines, index) if lines is not None and index is not None else None
        row_note = f" (row {index})" if lines is None and index is not None else ""
        problems.append(problem(file, line, column, value, message + row_note, fix))
    problems.sort(key=lambda p: (p["line"] is None, p["line"] or 0, p["column"] or ""))
    return problems


def _line_of(lines: Sequence[int] | None, index) -> int | str:
    if lines is None:
        return index
    return lines[int(index)]


def format_problem(p: Mapping) -> str:
    """One problem as a line of text naming file, line, column, value, what is wrong and the fix.

    Examples
    --------
    >>> format_problem(problem("events.csv", 7, "category", "protests", "is not a known category",
    ...                        "use one of: protest, policy"))
    "events.csv, line 7, column 'category': 'protests' is not a known category. Fix: use one of: protest, policy."
    """
    where = str(p.get("file") or "<data>")
    if p.get("line") is not None:
        where += f", line {p['line']}"
    if p.get("column") is not None:
        where += f", column '{p['column']}'"
    value = p.get("value")
    shown = "(empty)" if value is None else repr(value)
    fix = str(p.get("fix") or "").rstrip(".")
    return f"{where}: {shown} {p.get('message')}. Fix: {fix}."


#: How many problems a validation error's message lists (all are kept in its ``problems``).
LISTED_PROBLEMS = 50


def raise_for_problems(problems: Sequence[Mapping], *, file, what: str) -> None:
    """Raise :class:`DataValidationError` listing the problems; do nothing when there are none.

    The message lists the first :data:`LISTED_PROBLEMS` and counts the rest (a file broken the
    same way on every line would otherwise give a message of megabytes); the error's
    ``problems`` holds every one.

    Parameters
    ----------
    problems : sequence of dict
        From :func:`schema_problems` or :func:`problem`.
    file : path-like or str
        Named first in the message.
    what : str
        What was validated, e.g. ``"events file"`` or ``"claims frame"``.

    Examples
    --------
    >>> raise_for_problems([], file="events.csv", what="events file")
    """
    if not problems:
        return
    count = len(problems)
    head = f"{file}: {count} problem{'s' if count != 1 else ''} in the {what}:"
    body = "\n".join("  - " + format_problem(p) for p in problems[:LISTED_PROBLEMS])
    if count > LISTED_PROBLEMS:
        body += (f"\n  ... and {count - LISTED_PROBLEMS:,} more (every one is in the error's .problems); "
                 "fix these first, then load again")
    raise DataValidationError(f"{head}\n{body}", [dict(p) for p in problems])


def load_curated_csv(
    path: Path,
    *,
    kind: str,
    columns: Sequence[str],
    csv_schema: pa.DataFrameSchema,
    csv_rules: Mapping,
    frame_schema: pa.DataFrameSchema,
    frame_rules: Mapping,
    column_help: Mapping,
    to_typed,
    order_by: str | None = None,
    unknown_column_fix: str | None = None,
) -> pd.DataFrame:
    """Read, validate and type a curated CSV (events, claims), then record the read.

    The text is checked against ``csv_schema`` (problems name the CSV line), converted with
    ``to_typed`` and checked again against ``frame_schema``, so the returned frame is known to
    meet the contract. ``attrs`` gets ``source`` and ``sha256``; the read is recorded with
    :func:`frstory.provenance.record_read` under ``kind``.

    Examples
    --------
    >>> from frstory.data import claims as cl
    >>> from frstory.paths import curated_data_file
    >>> frame = load_curated_csv(curated_data_file("claims.csv"), kind="claims", columns=cl.CLAIM_COLUMNS,
    ...     csv_schema=cl.CLAIMS_CSV_SCHEMA, csv_rules=cl._CSV_RULES, frame_schema=cl.CLAIMS_SCHEMA,
    ...     frame_rules=cl._FRAME_RULES, column_help=cl.COLUMN_HELP, to_typed=cl._typed)
    >>> len(frame) >= 40
    True
    """
    from frstory.provenance import record_read

    path = Path(path)
    text = read_csv_text(path, what=kind, columns=columns)
    problems = text.problems + schema_problems(
        text.frame, csv_schema, csv_rules, file=path, lines=text.lines, column_help=column_help,
        unknown_column_fix=unknown_column_fix,
    )
    problems.sort(key=lambda p: (p["line"] is None, p["line"] or 0))
    raise_for_problems(problems, file=path, what=f"{kind} file")

    frame = to_typed(text.frame)
    # The text passed, so the typed frame should too; checking it keeps the contract honest.
    raise_for_problems(
        schema_problems(frame, frame_schema, frame_rules, file=path, lines=text.lines), file=path, what=f"{kind} file"
    )
    if order_by is not None:
        frame = frame.sort_values(order_by, kind="stable").reset_index(drop=True)
    frame.attrs["source"] = str(path.resolve())
    frame.attrs["sha256"] = text.sha256
    record_read(kind, path, text.sha256, rows=len(frame))
    return frame


def validate_frame(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, rules: Mapping, *, kind: str, source, column_help: Mapping,
    unknown_column_fix: str | None = None,
) -> pd.DataFrame:
    """Check a typed frame against ``schema``; return it unchanged or raise listing every problem.

    Examples
    --------
    >>> from frstory.data import events as ev
    >>> from frstory.examples import synthetic_events
    >>> frame = synthetic_events()
    >>> validate_frame(frame, ev.EVENTS_SCHEMA, ev._FRAME_RULES, kind="events", source=None,
    ...                column_help=ev.COLUMN_HELP) is frame
    True
    """
    label = source or f"<{kind} frame>"
    problems = schema_problems(frame, schema, rules, file=label, column_help=column_help,
                               unknown_column_fix=unknown_column_fix)
    raise_for_problems(problems, file=label, what=f"{kind} frame")
    return frame


def frame_dtype_rules(*, dates: Sequence[str] = (), strings: Sequence[str] = ()) -> dict[str, Rule]:
    """Messages for a typed frame's dtype checks: midnight ``datetime64[ns]`` dates, ``string`` text.

    Examples
    --------
    >>> sorted(frame_dtype_rules(dates=["date"], strings=["id"]))
    ['date:dtype', 'date:midnight', 'id:dtype']
    """
    rules: dict[str, Rule] = {}
    for name in dates:
        rules[f"{name}:dtype"] = Rule(
            name, "is not datetime64[ns] (tz-naive)", "convert with pd.to_datetime(...).astype('datetime64[ns]')",
        )
        rules[f"{name}:midnight"] = Rule(name, "is not a midnight timestamp", "normalize with .dt.normalize()")
    for name in strings:
        rules[f"{name}:dtype"] = Rule(name, "is not the pandas 'string' dtype", f"convert with frame['{name}'].astype('string')")
    return rules


# --- extensions: extra columns a story declares for a curated file ------------------------------

#: Column dtypes an extension can declare: text (pandas ``string``), numbers (``float64``) and
#: days written ``YYYY-MM-DD`` (midnight ``datetime64[ns]``).
EXTENSION_DTYPES: tuple[str, ...] = ("string", "float64", "date")
_COLUMN_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class ExtensionColumn:
    """One extra column a story adds to a curated file.

    Parameters
    ----------
    name : str
        The header name: lowercase letters, digits and ``_``, starting with a letter.
    help : str
        What the column holds, said in fixes, e.g. ``"the jurisdiction, e.g. 'Oslo'"``.
    dtype : {"string", "float64", "date"}
        The column's dtype in the loaded frame; a CSV cell must parse as it.
    values : tuple of str, optional
        The allowed values of a ``string`` column (any text when ``None``).
    required : bool
        Whether every row must fill it (default: empty cells are allowed).

    Examples
    --------
    >>> ExtensionColumn("colour", "the paint colour", values=("red", "blue")).values
    ('red', 'blue')
    """

    name: str
    help: str
    dtype: str = "string"
    values: tuple[str, ...] | None = None
    required: bool = False

    def __post_init__(self) -> None:
        # A wrong declaration is a programming error in the story, caught when it is written.
        if not isinstance(self.name, str) or not _COLUMN_NAME_RE.fullmatch(self.name):
            raise ValueError(f"ExtensionColumn name {self.name!r} must be lowercase letters, digits and '_'")
        if self.dtype not in EXTENSION_DTYPES:
            raise ValueError(f"ExtensionColumn {self.name!r}: dtype {self.dtype!r} is not one of {', '.join(EXTENSION_DTYPES)}")
        if self.values is not None:
            if self.dtype != "string":
                raise ValueError(f"ExtensionColumn {self.name!r}: allowed values need dtype 'string'")
            object.__setattr__(self, "values", tuple(self.values))


@dataclass(frozen=True)
class ExtensionRule:
    """A rule across columns, checked on every row like the file's own rules.

    Parameters
    ----------
    key : str
        A name for the rule, unique within the file's schema (e.g. ``"place_spelled_once"``).
    column : str
        The column a failure is reported against: the one to edit.
    reads : tuple of str
        The columns the rule reads; it stands aside when one is missing (the header problem is
        reported instead).
    check : callable
        ``check(frame) -> Series of bool``, True where a row passes. ``frame`` has the loaded
        dtypes (``string`` with ``<NA>``, ``float64``, ``datetime64[ns]``) whether the CSV text
        or a typed frame is being checked, so one function serves both; unreadable cells are
        missing.
    message, fix : str
        What is wrong (following the quoted value) and how to fix it.

    Examples
    --------
    >>> rule = ExtensionRule("size_positive", "size", ("size",), lambda f: ~(f["size"] <= 0),
    ...                      "is not positive", "give a size above 0")
    >>> rule.column
    'size'
    """

    key: str
    column: str
    reads: tuple[str, ...]
    check: Callable[[pd.DataFrame], pd.Series]
    message: str
    fix: str

    def as_rule(self) -> Rule:
        """The :class:`Rule` that explains a failure."""
        return Rule(self.column, self.message, self.fix)


@dataclass(frozen=True)
class Extension:
    """Extra columns and rules a story declares for a curated file (see ``docs/architecture.md``).

    A loader given extensions expects the file's own columns followed by each extension's
    columns, in order; a column no extension declares is an error that says how to declare it.

    Parameters
    ----------
    name : str
        What the extension is about, named in messages (e.g. ``"government measures"``).
    columns : tuple of ExtensionColumn
    rules : tuple of ExtensionRule, optional

    Examples
    --------
    >>> ext = Extension("paint", (ExtensionColumn("colour", "the paint colour"),))
    >>> [c.name for c in ext.columns]
    ['colour']
    """

    name: str
    columns: tuple[ExtensionColumn, ...]
    rules: tuple[ExtensionRule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rules", tuple(self.rules))
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"Extension {self.name!r} declares a column twice: {names}")


def as_extensions(extensions) -> tuple[Extension, ...]:
    """``extensions`` as a tuple, accepting one :class:`Extension` or any iterable of them.

    Examples
    --------
    >>> as_extensions(None)
    ()
    """
    if extensions is None:
        return ()
    if isinstance(extensions, Extension):
        return (extensions,)
    try:
        out = tuple(extensions)
    except TypeError:
        out = (extensions,)
    for item in out:
        if not isinstance(item, Extension):
            raise TypeError(
                f"extensions must be EventExtension objects (frstory.data.events.EventExtension), not "
                f"{type(item).__name__}; pass e.g. extensions=story.schema.EVENT_EXTENSIONS"
            )
    return out


def _is_set(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].notna().astype(bool)


def filled_together(lead: ExtensionColumn, *others: ExtensionColumn) -> tuple[ExtensionRule, ...]:
    """Rules that ``others`` are filled exactly on the rows where ``lead`` is filled.

    Two rules per other column: set without ``lead``, and empty although ``lead`` is set; both are
    reported against the other column, with fixes built from the columns' ``help``.

    Examples
    --------
    >>> kind = ExtensionColumn("kind", "the kind of paint")
    >>> colour = ExtensionColumn("colour", "the paint colour")
    >>> [r.key for r in filled_together(kind, colour)]
    ['colour_needs_kind', 'kind_needs_colour']
    """
    rules = []
    for other in others:
        a, b = lead.name, other.name
        rules.append(ExtensionRule(
            f"{b}_needs_{a}", b, (a, b),
            lambda f, a=a, b=b: ~(_is_set(f, b) & ~_is_set(f, a)),
            f"is set but {a} is empty",
            f"set {a} ({lead.help}) as well, or leave {b} empty",
        ))
        rules.append(ExtensionRule(
            f"{a}_needs_{b}", b, (a, b),
            lambda f, a=a, b=b: ~(_is_set(f, a) & ~_is_set(f, b)),
            f"is empty although {a} is set",
            f"fill in {b}: {other.help}",
        ))
    return tuple(rules)


def only_when(column: str, other: str, values: Sequence[str]) -> ExtensionRule:
    """A rule that ``column`` may be filled only on rows whose ``other`` is one of ``values``.

    Examples
    --------
    >>> only_when("colour", "category", ["paint"]).message
    "is set on a row whose category is not 'paint'"
    """
    allowed = tuple(values)
    shown = " or ".join(f"'{v}'" for v in allowed)
    return ExtensionRule(
        f"{column}_only_when_{other}", column, (column, other),
        lambda f: ~_is_set(f, column) | f[other].astype(object).isin(allowed),
        f"is set on a row whose {other} is not {shown}",
        f"set {other} to {shown} on this row, or leave {column} empty",
    )


def _spelling_key(value: str) -> str:
    return " ".join(value.split()).casefold()


def spelled_once(column: str) -> ExtensionRule:
    """A rule that one value of ``column`` is written one way: values that differ only in case or
    spacing are rejected (a count of distinct values would count them twice).

    Examples
    --------
    >>> rule = spelled_once("place")
    >>> rule.check(pd.DataFrame({"place": pd.array(["Oslo", "oslo ", "Bergen"], dtype="string")})).tolist()
    [False, False, True]
    """

    def check(frame: pd.DataFrame) -> pd.Series:
        text = text_or_none(frame[column])
        named = text.notna() & text.map(lambda v: isinstance(v, str))
        keys = text[named].map(_spelling_key)
        spellings = text[named].groupby(keys).nunique()
        clashing = set(spellings.index[spellings > 1])
        return ~(named & text.map(lambda v: isinstance(v, str) and _spelling_key(v) in clashing))

    return ExtensionRule(
        f"{column}_spelled_once", column, (column,), check,
        "is spelled differently on another row (the two differ only in case or spacing)",
        f"write one {column} exactly the same way on every row",
    )


def one_value_per(column: str, of: str) -> ExtensionRule:
    """A rule that all rows sharing a value of ``column`` share one value of ``of``.

    Examples
    --------
    >>> frame = pd.DataFrame({"place": ["Oslo", "Oslo", "Bergen"], "level": ["city", "state", "city"]})
    >>> one_value_per("place", "level").check(frame).tolist()
    [False, False, True]
    """

    def check(frame: pd.DataFrame) -> pd.Series:
        both = _is_set(frame, column) & _is_set(frame, of)
        keys, values = frame[column].astype(object), frame[of].astype(object)
        counts = values[both].groupby(keys[both]).nunique()
        mixed = set(counts.index[counts > 1])
        return ~(both & keys.isin(mixed))

    return ExtensionRule(
        f"{column}_one_{of}", column, (column, of), check,
        f"has rows with more than one {of}",
        f"give every row of one {column} the same {of}, or, if they are different, name them apart",
    )
