"""The type guide ("Kend din netværkstype"): a few plain questions and a recommended type.

Each question comes from the "choose it when" of one type. A "ja" counts for that type; the type
with the most counts is recommended, with the reasons the answers give. A tie names the types that
tie and what tells them apart; no "ja" recommends nothing. The facts shown about each type (time
frame, who decides, how many core participants) are read from its `NetworkType` row, so a changed
parameter shows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from networks.models import NetworkType, NetworkTypeCode

YES, NO, UNSURE = "ja", "nej", "ved_ikke"
ANSWER_CHOICES = [(YES, gettext_lazy("Ja")), (NO, gettext_lazy("Nej")), (UNSURE, gettext_lazy("Ved ikke"))]


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str
    points_to: str  # a NetworkTypeCode
    reason: str  # why a "ja" points to that type


QUESTIONS: tuple[Question, ...] = (
    Question(
        "complex",
        gettext_lazy(
            "Går temaet på tværs af mange områder og fagligheder, og rummer det store, sammensatte "
            "problemer, hvor hverken løsningen eller vejen dertil er kendt?"
        ),
        gettext_lazy(
            "Fx når et tema berører flere forvaltninger, borgere, foreninger og erhvervsliv på én gang."
        ),
        NetworkTypeCode.INNOVATION,
        gettext_lazy(
            "Temaet er bredt og sammensat; det kræver nytænkning på flere fronter og mange aktører."
        ),
    ),
    Question(
        "political",
        gettext_lazy("Udspringer temaet af en politisk vision eller strategi?"),
        gettext_lazy("Fx en vision, byrådet har vedtaget, eller en af kommunens politikker."),
        NetworkTypeCode.INNOVATION,
        gettext_lazy(
            "Temaet hviler på en politisk vision eller strategi og har brug for en politisk overbygning."
        ),
    ),
    Question(
        "citizen_near",
        gettext_lazy(
            "Handler temaet om en borgernær velfærdsopgave på et afgrænset område, som I vil gøre bedre?"
        ),
        gettext_lazy(
            "Fx hverdagen på et plejecenter, en overgang mellem to tilbud eller én bestemt indsats."
        ),
        NetworkTypeCode.WELFARE,
        gettext_lazy(
            "Temaet er borgernært og afgrænset; det egner sig til en kort, intensiv indsats "
            "sammen med borgerne."
        ),
    ),
    Question(
        "knowledge",
        gettext_lazy(
            "Handler temaet om viden eller kompetencer, der mangler – i eller uden for organisationen?"
        ),
        gettext_lazy("Fx når ingen har overblikket, eller når medarbejdere skal lære noget nyt sammen."),
        NetworkTypeCode.LEARNING,
        gettext_lazy(
            "Temaet handler om at opbygge og dele viden, som deltagerne bagefter bruger i deres eget arbejde."
        ),
    ),
)

# What the numbers cannot say: the app's own short description of each type, for the comparison.
PROFILES: dict[str, dict[str, str]] = {
    NetworkTypeCode.INNOVATION: {
        "focus": gettext_lazy(
            "Store, sammensatte problemer på tværs af områder. Netværket sætter dagsordenen og tænker nyt."
        ),
        "actors": gettext_lazy(
            "En stor kerne og mange aktører undervejs: borgere, virksomheder, vidensinstitutioner, "
            "interesseorganisationer, politikere og ledelsesfora."
        ),
        "result": gettext_lazy("Anbefalinger og nye retninger til det politiske niveau."),
    },
    NetworkTypeCode.WELFARE: {
        "focus": gettext_lazy(
            "En borgernær velfærdsopgave på et afgrænset område, i tre spor: relationel koordinering, "
            "borgerdeltagelse og innovation."
        ),
        "actors": gettext_lazy(
            "En afgrænset kerne; de berørte inddrages undervejs, og borgerne er med hele vejen."
        ),
        "result": gettext_lazy("Nye løsninger på velfærdsopgaven."),
    },
    NetworkTypeCode.LEARNING: {
        "focus": gettext_lazy(
            "Kompetenceudvikling, videndeling og samarbejde på tværs. Netværket skaber viden, ikke løsninger."
        ),
        "actors": gettext_lazy(
            "En stabil kerne af interne og eksterne deltagere; eksperter inviteres undervejs."
        ),
        "result": gettext_lazy("Viden, som deltagerne forpligter sig til at bruge i deres eget arbejde."),
    },
}


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
        profile = PROFILES.get(type_.code, {})
        rows.append(
            TypeSummary(
                type=type_,
                focus=str(profile.get("focus", type_.description)),
                time_frame=time_frame(type_),
                actors=str(profile.get("actors", "")),
                core=core_size(type_),
                who_decides=who_decides(type_),
                result=str(profile.get("result", "")),
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
