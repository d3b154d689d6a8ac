"""The follow-up's pieces every type composes its questions from.

A follow-up's answers arrive as `{question key: value}` from a form or from JSON, so anything may
be in them: a value that is not text, a choice that does not exist, text far too long. Each
helper reads one answer and says what is wrong with it in Danish, so a type's `validate` is a
list of its questions and no input reaches the database unchecked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from networks.rules.spec import FollowUpQuestion, FollowUpQuestions
from networks.text import multi_line_error

if TYPE_CHECKING:
    from networks.models import Network

# An answer is a few paragraphs; this bounds what one request may store.
ANSWER_MAX_LENGTH = 5_000


def text(answers: Mapping[str, Any], key: str) -> str:
    """The answer as stripped text; "" when it is missing or not text (`text_errors` says so)."""
    value = answers.get(key)
    return value.strip() if isinstance(value, str) else ""


def text_errors(answers: Mapping[str, Any], key: str, *, required: bool, missing: str = "") -> list[str]:
    """What is wrong with a text answer; `missing` says what to write when a required one is blank."""
    value = answers.get(key)
    if value is not None and not isinstance(value, str):
        return [_("Skriv svaret som tekst.")]
    if required and not text(answers, key):
        return [missing or _("Besvar spørgsmålet.")]
    if len(text(answers, key)) > ANSWER_MAX_LENGTH:
        return [_("Svaret må højst være %(max)d tegn.") % {"max": ANSWER_MAX_LENGTH}]
    if value is not None and (message := multi_line_error(value)):
        return [message]
    return []


def choice_errors(answers: Mapping[str, Any], key: str, choices: tuple[tuple[str, str], ...]) -> list[str]:
    value = answers.get(key)
    if value in (None, ""):
        return [_("Vælg et svar.")]
    if not isinstance(value, str) or value not in dict(choices):
        return [
            _("Vælg blandt svarene: %(choices)s.")
            % {"choices": ", ".join(f"“{label}”" for _value, label in choices)}
        ]
    return []


def choice_label(choices: tuple[tuple[str, str], ...], value: Any) -> str:
    return str(dict(choices).get(value, value or ""))


def text_questions(intro: str, *questions: FollowUpQuestion) -> FollowUpQuestions:
    """A follow-up of free-text questions, every one of them required."""

    def validate(answers: Mapping[str, Any], network: Network) -> dict[str, list[str]]:
        errors = {q.key: text_errors(answers, q.key, required=True) for q in questions}
        return {key: messages for key, messages in errors.items() if messages}

    def record(answers: Mapping[str, Any], network: Network) -> dict[str, Any]:
        return {q.key: text(answers, q.key) for q in questions}

    def shown(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [(str(q.label), str(answers.get(q.key, ""))) for q in questions if q.key in answers]

    return FollowUpQuestions(
        intro=intro, questions=lambda network: questions, validate=validate, record=record, shown=shown
    )
