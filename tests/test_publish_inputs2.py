"""Specifications for two inputs a newcomer gets wrong when reusing frstory for a new story.

1. ``-p NAME VALUE`` / ``--params FILE.yml`` with a name the notebook's ``parameters`` cell does
   not assign (a typo) is refused, naming the notebook, the name, the closest defined name and
   the names the cell defines; so is any parameter for a notebook without a ``parameters`` cell.
2. An inline value (`` `{python} expr` ``) that is not text (a float, NaN, None, a date...) is
   still published, but the build warns, naming notebook, cell and expression, what came out and
   which frstory.prose helper writes it in house style.

Every notebook, value and ticker here is synthetic.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from frstory import prose
from frstory.publish.inline import InlineExpression, describe_value, value_warning
from frstory.publish.params import ParameterError, check_parameters, inject_parameters, parameter_names

from notebook_factory import story_notebook

code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell


def _parameterised(source: str = 'ticker = "SYNA"\nevent_id = "syn-1"\nwindow: int = 5') -> nbformat.NotebookNode:
    """A synthetic story: a heading, its parameters cell (cell 2), one more code cell."""
    parameters = code(source)
    parameters.metadata["tags"] = ["parameters"]
    return story_notebook({"title": "Synthetic parameters", "date": "2020-06-10", "synthetic": True},
                          [md("# Synthetic"), parameters, code("shown = ticker")])


def _cli(*args: str) -> tuple[int, str]:
    from frstory.cli import main

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        status = main(list(args))
    return status, stderr.getvalue()


# -- 1. parameter names ------------------------------------------------------------------------

def test_the_parameters_cell_names_are_its_top_level_assignments_and_annotated_assignments():
    nb = _parameterised('%load_ext autoreload\nticker = "SYNA"  # default\nwindow: int = 5\nlow, high = 1, 2\n'
                        'if True:\n    nested = 1\nticker += ""')
    assert parameter_names(nb) == (2, ["ticker", "window", "low", "high"])


def test_a_mistyped_parameter_name_is_refused_with_the_closest_name_and_every_defined_name():
    with pytest.raises(ParameterError) as caught:
        check_parameters(_parameterised(), {"tickr": "RWE.DE"}, "notebooks/05-synthetic.ipynb")
    message = str(caught.value)
    assert message.startswith("notebooks/05-synthetic.ipynb: cell 2: the parameters cell does not define 'tickr' "
                              "(did you mean 'ticker'?)")
    assert "it defines: ticker, event_id, window." in message
    assert caught.value.cell == 2


def test_a_name_like_no_defined_one_is_refused_without_a_guess():
    with pytest.raises(ParameterError, match=r"does not define 'colour', so .*it defines: ticker, event_id, window") \
            as caught:
        check_parameters(_parameterised(), {"colour": "red"})
    assert "did you mean" not in str(caught.value)


def test_parameters_for_a_notebook_without_a_parameters_cell_are_refused_with_how_to_tag_one():
    nb = story_notebook({"title": "Synthetic untagged"}, [code('ticker = "SYNA"')])
    with pytest.raises(ParameterError, match=r"^notebooks/06-x\.ipynb: -p/--params give ticker, but the notebook "
                                             r"has no cell tagged 'parameters'.*# %% tags=\[\"parameters\"\]"):
        check_parameters(nb, {"ticker": "SYNB"}, "notebooks/06-x.ipynb")


def test_injecting_checks_the_names_and_leaves_the_notebook_unchanged_when_one_is_unknown():
    nb = _parameterised()
    with pytest.raises(ParameterError, match="did you mean 'window'"):
        inject_parameters(nb, {"ticker": "SYNB", "windw": 3})
    assert len(nb.cells) == 3 and not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_known_names_are_injected_after_the_parameters_cell():
    nb = inject_parameters(_parameterised(), {"ticker": "SYNB", "window": 3})
    assert nb.cells[2].source == "# Parameters\nticker = 'SYNB'\nwindow = 3\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A synthetic project with one parameterised notebook, never built before."""
    root = tmp_path_factory.mktemp("inputs2")
    (root / "notebooks").mkdir()
    nbformat.write(_parameterised(), root / "notebooks" / "05-synthetic.ipynb")
    (root / "synthetic-params.yml").write_text("ticker: SYNB\nevnt_id: syn-2\n")
    return root


@pytest.mark.parametrize("given", [["-p", "tickr", "RWE.DE"], ["--params", "synthetic-params.yml"]],
                         ids=["-p", "--params"])
def test_frstory_build_refuses_an_unknown_parameter_and_publishes_nothing(project, given, monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(project / "frstory-data"))
    status, stderr = _cli("build", "notebooks/05-synthetic.ipynb", *given, "--notebooks", "notebooks",
                          "--out", "site", "--cache-dir", "cache")
    assert status == 1
    unknown, close = ("tickr", "ticker") if given[0] == "-p" else ("evnt_id", "event_id")
    assert re.search(rf"notebooks/05-synthetic\.ipynb: cell 2: ParameterError: the parameters cell does not define "
                     rf"'{unknown}' \(did you mean '{close}'\?\).*it defines: ticker, event_id, window", stderr)
    site = project / "site"
    assert not site.exists() or not list(site.glob("*.html"))


# -- 2. inline values that are not text -----------------------------------------------------------

class _Label(str):
    """A str subclass (as markupsafe.Markup is): text already."""


@pytest.mark.parametrize("value", ["5.4%", _Label("Synthetic Corp"), 0, 14, 999, -999, np.int64(7)],
                         ids=["str", "str-subclass", "0", "14", "999", "-999", "numpy-int"])
def test_text_and_small_whole_numbers_need_no_prose_helper(value):
    assert describe_value(value) is None


def test_small_whole_numbers_are_already_what_prose_number_writes():
    # Why describe_value lets ints between -999 and 999 through: str() is the house style there.
    assert all(str(n) == prose.number(n) for n in range(-999, 1000))
    assert str(1234) != prose.number(1234)


@pytest.mark.parametrize("value, kind, type_name", [
    (0.12345, "number", "float"), (np.float64(0.5), "number", "numpy.float64"), (1234, "int", "int"),
    (np.int64(-1500), "int", "numpy.int64"), (True, "bool", "bool"), (float("nan"), "missing", "float"),
    (np.float64("nan"), "missing", "numpy.float64"), (None, "missing", "NoneType"), (pd.NA, "missing", "pandas.NAType"),
    (pd.NaT, "missing", "pandas.NaTType"), (pd.Timestamp("2024-03-05"), "date", "pandas.Timestamp"),
    (dt.date(2024, 3, 5), "date", "datetime.date"), (np.datetime64("2024-03-05"), "date", "numpy.datetime64"),
    (pd.Timedelta(days=3), "duration", "pandas.Timedelta"), ([1, 2], "other", "list"),
])
def test_values_that_are_not_text_are_named_by_kind_and_type(value, kind, type_name):
    note = describe_value(value)
    assert (note["kind"], note["type"], note["shown"]) == (kind, type_name, str(value))


def test_a_float_warning_names_cell_expression_value_and_the_prose_helpers():
    warning = value_warning(InlineExpression("cell 4", 3, "share"), describe_value(0.12345))
    assert warning == ("cell 4: `{python} share` gave the float 0.12345, which the page shows as it is; write "
                       "`{python} prose.percent(share)` or prose.number(...) (or another frstory.prose helper)")


@pytest.mark.parametrize("value, shown", [(float("nan"), "nan"), (None, "None")])
def test_a_missing_value_warns_that_the_page_shows_it(value, shown):
    warning = value_warning(InlineExpression("cell 4", 3, "rate"), describe_value(value))
    assert f"so the page shows '{shown}' where a reader expects a value" in warning


def test_a_date_warning_points_to_prose_date():
    warning = value_warning(InlineExpression("cell 2", 1, "day0"), describe_value(pd.Timestamp("2024-03-05")))
    assert warning.startswith("cell 2: `{python} day0` gave the pandas.Timestamp 2024-03-05 00:00:00")
    assert "write `{python} prose.date(day0)`" in warning


def test_a_large_int_warning_points_to_prose_number_but_a_calendar_year_is_fine():
    assert "write `{python} prose.number(n)`" in value_warning(InlineExpression("cell 2", 1, "n"), describe_value(1234))
    assert value_warning(InlineExpression("cell 2", 1, 'meeting["date"].year'), describe_value(2021)) is None


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A synthetic notebook with text and non-text inline values, executed as the build does."""
    from frstory.publish.execute import execute_notebook

    root = tmp_path_factory.mktemp("inline-values")
    nb = story_notebook({"title": "Synthetic values", "synthetic": True}, [
        code("import math\nimport pandas as pd\nshare = 0.12345\nrate = math.nan\nday0 = pd.Timestamp('2024-03-05')\n"
             "label = 'Synthetic Corp'\ncount = 14"),
        md("`{python} label` has `{python} count` stores, a share of `{python} share`.\n\n"
           "Its rate was `{python} rate` on `{python} day0`."),
    ])
    path = root / "01-values.ipynb"
    nbformat.write(nb, path)
    with pytest.warns(UserWarning) as caught:
        executed_nb = execute_notebook(path, cache_dir=root / "cache")
    return path, executed_nb, [str(w.message) for w in caught]


def test_non_text_inline_values_are_still_published_as_before(executed):
    _, nb, _ = executed
    text = nb.cells[1].source
    for shown in ("Synthetic Corp", ">14<", "0\\.12345", "nan", "2024\\-03\\-05 00:00:00"):
        assert shown in text, shown


def test_execution_warns_of_each_non_text_value_naming_notebook_cell_and_expression(executed):
    path, nb, caught = executed
    warnings = nb.metadata["frstory_build"]["warnings"]
    assert [w.split(" gave ")[0] for w in warnings] == [f"{path}: cell 2: `{{python}} {name}`"
                                                        for name in ("share", "rate", "day0")]
    assert "so the page shows 'nan'" in warnings[1]
    assert caught == warnings


def test_frstory_build_prints_the_inline_value_warning(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(story_notebook({"title": "Synthetic share", "date": "2020-06-10", "synthetic": True},
                                  [code("share = 0.12345"), md("A share of `{python} share`.")]),
                   tmp_path / "notebooks" / "01-share.ipynb")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(tmp_path / "frstory-data"))
    status, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    assert status == 0, stderr
    assert ("warning    notebooks/01-share.ipynb: cell 2: `{python} share` gave the float 0.12345, which the page "
            "shows as it is; write `{python} prose.percent(share)`") in stderr
    # A second build reuses the page and says it again, as for every warning about a page.
    status, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    assert "cached" in stderr and "`{python} share` gave the float 0.12345" in stderr
