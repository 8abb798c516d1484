"""Exceptions. Messages and positions come verbatim from the C library."""
from typing import Optional


class Error(Exception):
    """Base class of every tenet error. `code` is the C tenet_status."""

    def __init__(self, message: str, code: int = -1, line: Optional[int] = None,
                 column: Optional[int] = None, source: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.line = line
        self.column = column
        self.source = source

    def __str__(self):
        where = self.source or ""
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.message}" if where else self.message


class RulesError(Error):
    """A rules file or text could not be loaded or compiled."""


class InputError(Error):
    """The input could not be read or judged (malformed, over a limit, unknown
    format). `report` is the report of that check, which records the failure
    under `input_errors` (and holds any diagnostics found before it)."""

    def __init__(self, message, code=-1, line=None, column=None, source=None, report=None):
        super().__init__(message, code, line, column, source)
        self.report = report


class OptionsError(Error, ValueError):
    """An option the library rejects (e.g. an unknown input_format)."""
