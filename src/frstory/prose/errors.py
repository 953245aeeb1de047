"""Errors of the prose helpers: what was wrong with a value and how to fix the sentence or the data."""

from __future__ import annotations

from frstory.errors import FrstoryError

__all__ = ["ProseError", "UnknownDisplayName"]


class ProseError(FrstoryError, ValueError):
    """A value cannot be written as reader text (missing, not a number, not a date, out of range).

    Examples
    --------
    >>> from frstory import prose
    >>> try:
    ...     prose.percent(float("nan"))
    ... except prose.ProseError as error:
    ...     print(str(error).split(";")[0])
    percent: x is missing (NaN)
    """


class UnknownDisplayName(FrstoryError, KeyError):
    """No reader name is known for a ticker; the message says how to register one.

    ``KeyError`` would print its message with quotes around it, so :meth:`__str__` returns the
    message as written.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
