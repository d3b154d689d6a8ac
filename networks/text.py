"""Text as the app takes it in and gives it out.

In: every text field of the models carries one of two validators, so the pages, the API, the
admin and the CSV import refuse the same text with the same Danish message. A single-line field
(a title, a name, an e-mail) holds no line break and no control character; a multi-line field (a
purpose, minutes, a reason) holds no control character but tab, line feed and carriage return.
Free text is at most `TEXT_MAX_LENGTH` characters everywhere.

Out: what is already stored may still be anything (a raw update in the database is not checked),
so every writer of a file or a header makes the value safe where it is written:
`spreadsheet_cell` for every CSV and XLSX cell, `one_line` for an e-mail's subject.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# The most any free-text field holds: far more than a purpose or a set of minutes needs, and a
# bound on what one request can store.
TEXT_MAX_LENGTH = 20_000

LINE_BREAK_MESSAGE = _("Feltet må ikke indeholde linjeskift.")
CONTROL_CHARACTER_MESSAGE = _("Feltet indeholder et tegn, der ikke kan bruges (kontroltegn).")

# Everything Python counts as a line boundary (`str.splitlines`); a spreadsheet, an e-mail header
# or a one-line list would break at any of them.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Unicode category Cc: C0, DEL and C1.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Cc without tab, line feed and carriage return: what a multi-line text may not hold.
_CONTROL_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def single_line_error(value: str) -> str | None:
    """Why `value` cannot be a single-line text (a line break, a control character), or None."""
    if _LINE_BREAK.search(value):
        return str(LINE_BREAK_MESSAGE)
    if _CONTROL.search(value):
        return str(CONTROL_CHARACTER_MESSAGE)
    return None


def multi_line_error(value: str) -> str | None:
    """Why `value` cannot be a multi-line text (a control character other than tab, LF, CR), or None."""
    if _CONTROL_IN_LINES.search(value):
        return str(CONTROL_CHARACTER_MESSAGE)
    return None


def validate_single_line(value) -> None:
    """The validator of every single-line text field (`CharField`, `EmailField`)."""
    if isinstance(value, str) and (message := single_line_error(value)):
        raise ValidationError(message, code="single_line")


def validate_multi_line(value) -> None:
    """The validator of every multi-line text field (`TextField`)."""
    if isinstance(value, str) and (message := multi_line_error(value)):
        raise ValidationError(message, code="control_character")


TEXT_VALIDATORS = (validate_single_line, validate_multi_line)


# --- Out ----------------------------------------------------------------------------------------

# Text starting with one of these is run as a formula by spreadsheet programs (CSV injection);
# OWASP's advice is to start such a cell with an apostrophe, which shows it as the text it is.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """`value` made safe for a CSV or XLSX cell: text without the characters a workbook cannot hold
    (openpyxl refuses them, which would end the whole export), and never read as a formula. Numbers
    and dates are returned as they are: a count of -1 stays a number."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def one_line(value: str) -> str:
    """`value` on one line: every run of whitespace and control characters (line breaks included)
    as one space. For e-mail subjects, where Django refuses a line break."""
    return " ".join(_CONTROL.sub(" ", str(value)).split())
