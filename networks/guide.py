"""The type guide ("Kend din netværkstype"): a few plain questions and a recommended type.

Each question comes from the "choose it when" of one type. A "ja" counts for that type; the type
with the most counts is recommended, with the reasons the answers give. A tie names the types that
tie and what tells them apart; no "ja" recommends nothing. The questions and the words about each
type come from its spec in `networks.rules`; the facts shown about it (time frame, who decides, how
many core participants) are read from its `NetworkType` row, so a changed parameter shows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks import rules
from networks.models import NetworkType

YES, NO, UNSURE = "ja", "nej", "ved_ikke"
ANSWER_CHOICES = [(YES, gettext_lazy("Ja")), (NO, gettext_lazy("Nej")), (UNSURE, gettext_lazy("Ved ikke"))]


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str
    points_to: str  # a NetworkTypeCode
    reason: str  # why a "ja" points to that type


# Each type's questions, from its spec, in the order of the types.
QUESTIONS: tuple[Question, ...] = tuple(
    Question(question.key, question.text, question.help, spec.code, question.reason)
    for spec in rules.all_specs()
    for question in spec.guide.questions
)


def time_frame(type_: NetworkType) -> str:
    """The type's time frame in words, from its parameters."""
    if type_.sprint_max_days:
        text = ngettext(
            "En intensiv sprint på højst %(days)d dag, når opstarten er på plads.",
            "En intensiv sprint på højst %(days)d dage, når opstarten er på plads.",
            type_.sprint_max_days,
        ) % {"days": type_.sprint_max_days}
        return text
    if type_.plan_months:
        text = ngettext("Ca. %(months)d måned", "Ca. %(months)d måneder", type_.plan_months) % {
            "months": type_.plan_months
        }
        if type_.min_meetings and type_.max_meetings:
            text += " " + _("med %(min)d–%(max)d netværksmøder") % {
                "min": type_.min_meetings,
                "max": type_.max_meetings,
            }
        return text + "."
    return ngettext("Ca. %(days)d dag.", "Ca. %(days)d dage.", type_.typical_duration_days) % {
        "days": type_.typical_duration_days
    }


def who_decides(type_: NetworkType) -> str:
    if type_.requires_approval:
        return _("Direktørforum beslutter, om netværket skal i gang. Det indstilles først til godkendelse.")
    return _("Du som netværksleder, når dit mandat er afklaret.")


def core_size(type_: NetworkType) -> str:
    return ngettext(
        "Mindst %(n)d kernedeltager, før netværket starter.",
        "Mindst %(n)d kernedeltagere, før netværket starter.",
        type_.min_core_participants,
    ) % {"n": type_.min_core_participants}


@dataclass
class TypeSummary:
    type: NetworkType
    focus: str
    time_frame: str
    actors: str
    core: str
    who_decides: str
    result: str


def summaries(types: Iterable[NetworkType]) -> list[TypeSummary]:
    """The three types side by side: focus, time frame, actors, who decides, what it ends with."""
    rows = []
    for type_ in types:
        profile = rules.spec_for(type_).guide
        rows.append(
            TypeSummary(
                type=type_,
                focus=str(profile.focus or type_.description),
                time_frame=time_frame(type_),
                actors=str(profile.actors),
                core=core_size(type_),
                who_decides=who_decides(type_),
                result=str(profile.result),
            )
        )
    return rows


@dataclass
class Recommendation:
    kind: str  # "single", "tie" or "none"
    types: list[NetworkType] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)  # type code → reasons

    @property
    def type(self) -> NetworkType | None:
        return self.types[0] if self.kind == "single" else None

    def reasons_for(self, type_: NetworkType) -> list[str]:
        return self.reasons.get(type_.code, [])

    @property
    def explained(self) -> list[tuple[NetworkType, list[str]]]:
        """Each recommended type with the reasons for it, for the page."""
        return [(type_, self.reasons_for(type_)) for type_ in self.types]


def recommend(answers: Mapping[str, str], types: Iterable[NetworkType]) -> Recommendation:
    """The type the answers point to most; a tie names every type that ties; no "ja", no type."""
    by_code = {t.code: t for t in types}
    reasons: dict[str, list[str]] = {}
    for question in QUESTIONS:
        if answers.get(question.key) == YES and question.points_to in by_code:
            reasons.setdefault(question.points_to, []).append(str(question.reason))
    if not reasons:
        return Recommendation("none")
    best = max(len(found) for found in reasons.values())
    # In the order the types are stored, so a tie reads the same way every time.
    leaders = [t for code, t in by_code.items() if len(reasons.get(code, [])) == best]
    extra = _type_facts(leaders[0]) if len(leaders) == 1 else []
    if extra:
        reasons[leaders[0].code] = [*reasons[leaders[0].code], *extra]
    return Recommendation("single" if len(leaders) == 1 else "tie", leaders, reasons)


def _type_facts(type_: NetworkType) -> list[str]:
    return [time_frame(type_), who_decides(type_)]
