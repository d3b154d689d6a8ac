"""The app's Danish keeps the terms the municipality decided on.

Direktørforum makes a *beslutning* (an "afgørelse" is a formal ruling under forvaltningsloven), the
first sprint meeting is an *Opstartsmøde*, "§ 17" has a space, and a title in running text stands in
“…”. These tests scan the templates, the translatable strings in the Python code, the fixtures and
the documentation, so a slip that comes back is named with its file and line.
"""

import ast
import datetime
import re
from pathlib import Path

import pytest

from networks.choices import STATUS_IN_SENTENCE, Status
from networks.dates import long_datetime
from networks.models import Network

ROOT = Path(__file__).resolve().parent.parent

# "afgørelse", "afgjort", "Kick-off" and "§17" (no space), in any inflection or case.
TERM_SLIP = re.compile(r"afgør|afgjort|afgjorde|kick-?off|§\d", re.IGNORECASE)
# A straight or low quotation mark around a word: “…” is the one kind the app uses. An apostrophe
# inside a word ("API'et", "id'er") is no quotation mark.
QUOTE_SLIP = re.compile(r"\"|„|(?<!\w)'|'(?!\w)")

GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}

TEMPLATE_TEXT = re.compile(
    r"{% translate \"(?P<double>[^\"]*)\""
    r"|{% translate '(?P<single>[^']*)'"
    r"|_\(\"(?P<call>[^\"]*)\"\)"
    r"|{% blocktranslate[^%]*%}(?P<block>.*?){% (?:endblocktranslate|plural)",
    re.DOTALL,
)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def python_messages(path: Path) -> list[tuple[int, str]]:
    """The translatable strings in a module: the arguments of its gettext calls, with their line."""
    messages = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                messages.append((arg.lineno, arg.value))
    return messages


def template_messages(text: str) -> list[tuple[int, str]]:
    """The translatable text in a template, with its line."""
    return [
        (text.count("\n", 0, match.start()) + 1, next(group for group in match.groups() if group is not None))
        for match in TEMPLATE_TEXT.finditer(text)
    ]


def python_modules():
    return sorted(path for path in (ROOT / "networks").rglob("*.py") if "migrations" not in path.parts)


def template_files():
    return sorted(path for path in (ROOT / "templates").rglob("*") if path.suffix in {".html", ".txt"})


def prose_files():
    return sorted([*(ROOT / "docs").glob("*.md"), ROOT / "README.md", *(ROOT / "fixtures").glob("*.json")])


def slips_in_python(path: Path) -> list[str]:
    where = _relative(path)
    return [
        f"{where}:{line}: {message!r}"
        for line, message in python_messages(path)
        if (TERM_SLIP.search(message)) or QUOTE_SLIP.search(message)
    ]


def slips_in_template(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    where = _relative(path)
    slips = [
        f"{where}:{number}: {line.strip()!r}"
        for number, line in enumerate(text.splitlines(), start=1)
        if TERM_SLIP.search(line)
    ]
    slips += [
        f"{where}:{line}: {message!r}"
        for line, message in template_messages(text)
        if QUOTE_SLIP.search(message)
    ]
    return slips


def slips_in_prose(path: Path) -> list[str]:
    where = _relative(path)
    return [
        f"{where}:{number}: {line.strip()!r}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TERM_SLIP.search(line)
    ]


# --- The scanners catch what they are meant to catch ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Der er truffet en afgørelse.",
        "Afgørelser",
        "Sagen blev afgjort.",
        "Kick-off",
        "kickoff",
        "et §17, stk. 4-udvalg",
    ],
)
def test_the_old_terms_are_recognised(text):
    assert TERM_SLIP.search(text)


@pytest.mark.parametrize(
    "text",
    ["Der er truffet en beslutning.", "Opstartsmøde", "et § 17, stk. 4-udvalg", "Senest besluttet"],
)
def test_the_decided_terms_pass(text):
    assert not TERM_SLIP.search(text)


@pytest.mark.parametrize(
    "text", ['Mødet "Opstart" er gemt.', "Tabellen „Netværk“.", "Mødet 'Opstart' er gemt."]
)
def test_straight_and_low_quotation_marks_are_recognised(text):
    assert QUOTE_SLIP.search(text)


@pytest.mark.parametrize("text", ["Mødet “Opstart” er gemt.", "Id'er på deltagerne.", "API'et svarer."])
def test_curly_quotation_marks_and_apostrophes_pass(text):
    assert not QUOTE_SLIP.search(text)


def test_the_template_scanner_reads_translate_and_blocktranslate():
    text = '{% translate "A" %}\n{% blocktranslate with t=x %}Om "{{ t }}"{% endblocktranslate %}'
    assert template_messages(text) == [(1, "A"), (2, 'Om "{{ t }}"')]


# --- The app keeps the terms ------------------------------------------------------------------------


def test_the_python_messages_keep_the_terms():
    assert [slip for path in python_modules() for slip in slips_in_python(path)] == []


def test_the_templates_keep_the_terms():
    assert [slip for path in template_files() for slip in slips_in_template(path)] == []


def test_the_documentation_and_fixtures_keep_the_terms():
    assert [slip for path in prose_files() for slip in slips_in_prose(path)] == []


def test_running_text_never_shows_the_compact_datetime_format():
    # Running text says "den 4. december 2026 kl. 15.32" through `long_datetime`.
    assert [
        _relative(path)
        for path in python_modules()
        if '"DATETIME_FORMAT"' in path.read_text(encoding="utf-8")
    ] == []


# --- Dates and statuses in sentences --------------------------------------------------------------


def test_a_moment_in_running_text_reads_with_kl_and_a_dot_in_danish_time():
    winter = datetime.datetime(2026, 12, 4, 14, 32, tzinfo=datetime.UTC)
    summer = datetime.datetime(2027, 6, 1, 7, 5, tzinfo=datetime.UTC)
    assert long_datetime(winter) == "4. december 2026 kl. 15.32"
    assert long_datetime(summer) == "1. juni 2027 kl. 09.05"


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (Status.DRAFT, "Netværket er en kladde."),
        (Status.SUBMITTED, "Netværket er indstillet til Direktørforum."),
        (Status.APPROVED, "Netværket er godkendt."),
        (Status.REJECTED, "Netværket er afvist."),
        (Status.ACTIVE, "Netværket er aktivt."),
        (Status.CONCLUDED, "Netværket er afsluttet."),
        (Status.CANCELLED, "Netværket er annulleret."),
    ],
)
def test_a_status_in_a_sentence_agrees_with_netvaerket(status, sentence):
    assert f"Netværket er {Network(status=status).status_text}." == sentence


def test_every_status_has_its_wording_for_a_sentence():
    assert set(STATUS_IN_SENTENCE) == set(Status)
