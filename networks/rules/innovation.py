"""Innovation networks: large, complex problems on a political vision, decided by Direktørforum.

The leader describes the purpose and the political vision or strategy before submitting; the
network starts only once Direktørforum has approved it; it runs about a year with a political
superstructure and a wide range of actors.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.choices import APPROVED_STATUSES, ActorCategory, NetworkTypeCode
from networks.rules import common, follow_up
from networks.rules.base import Action, Facts, Finding, blocks, is_blank, warns
from networks.rules.spec import (
    ComplianceCheck,
    FollowUpQuestion,
    GuideProfile,
    GuideQuestion,
    Step,
    TypeSpec,
)


def rules(f: Facts) -> Iterator[Finding]:
    network = f.network
    if is_blank(network.purpose):
        yield blocks(
            "purpose_missing",
            _("Beskriv netværkets formål, før det indstilles til Direktørforum."),
            Action.SUBMIT,
            field="purpose",
        )
    if is_blank(network.strategy_reference):
        yield blocks(
            "strategy_reference_missing",
            _(
                "Angiv den politiske vision eller strategi, netværket bygger på, "
                "før det indstilles til Direktørforum."
            ),
            Action.SUBMIT,
            field="strategy_reference",
        )
    if f.type.requires_approval and network.status not in APPROVED_STATUSES:
        yield blocks(
            "approval_required",
            _("Direktørforum skal godkende netværket, før det kan starte."),
            Action.START,
        )
    yield from common.plan_duration_rules(f)
    # The political superstructure needs both: politicians and management fora, each its own finding.
    if ActorCategory.POLITICIAN not in f.categories:
        yield warns(
            "no_politicians",
            _(
                "Inddrag politikere, fx et § 17, stk. 4-udvalg; innovationsnetværk har en politisk "
                "overbygning."
            ),
        )
    if ActorCategory.MANAGEMENT not in f.categories:
        yield warns(
            "no_management",
            _(
                "Inddrag et ledelsesforum, så netværkets arbejde er forankret i ledelsen; innovationsnetværk "
                "har både politikere og ledelsesfora med."
            ),
        )
    yield from common.actor_range_rules(f)


def _approval_label(type_) -> str | None:
    return _("Godkendt af Direktørforum, før det startede") if type_.requires_approval else None


# The follow-up asks what came of the network toward the political goal it was set up for.
FOLLOW_UP = follow_up.text_questions(
    gettext_lazy(
        "Netværket arbejdede hen imod et langsigtet politisk mål. Fortæl, hvad det har ført til, "
        "og hvad der skal ske nu."
    ),
    FollowUpQuestion(
        "effect",
        gettext_lazy("Hvilken effekt har netværket haft hen imod det politiske mål?"),
        gettext_lazy("Fx ændret praksis, nye samarbejder, politiske beslutninger eller nye projekter."),
    ),
    FollowUpQuestion(
        "next_steps",
        gettext_lazy("Hvad sker der nu?"),
        gettext_lazy("Hvem arbejder videre, med hvad, og hvornår vender I tilbage til det?"),
    ),
)

SPEC = TypeSpec(
    code=NetworkTypeCode.INNOVATION,
    rules=rules,
    form_fields=(*common.FORM_START, "strategy_reference", *common.FORM_END, *common.PLANNED_PERIOD),
    checklist=(
        Step("purpose_missing", gettext_lazy("Formålet er beskrevet")),
        Step("strategy_reference_missing", gettext_lazy("Den politiske vision eller strategi er angivet")),
        common.MANDATE_STEP,
        common.CORE_STEP,
        Step("approval_required", gettext_lazy("Direktørforum har godkendt netværket")),
        common.OUTCOME_STEP,
    ),
    follow_up=FOLLOW_UP,
    compliance=(
        ComplianceCheck("approved_before_start", _approval_label, ("approval_required",), ("approval",)),
    ),
    guide=GuideProfile(
        focus=gettext_lazy(
            "Store, sammensatte problemer på tværs af områder. Netværket sætter dagsordenen og tænker nyt."
        ),
        actors=gettext_lazy(
            "En stor kerne og mange aktører undervejs: borgere, virksomheder, vidensinstitutioner, "
            "interesseorganisationer, politikere og ledelsesfora."
        ),
        result=gettext_lazy(
            "Åbent arbejde på flere fronter hen mod de langsigtede politiske mål, det blev sat i gang for."
        ),
        questions=(
            GuideQuestion(
                "complex",
                gettext_lazy(
                    "Går temaet på tværs af mange områder og fagligheder, og rummer det store, "
                    "sammensatte problemer, hvor hverken løsningen eller vejen dertil er kendt?"
                ),
                gettext_lazy(
                    "Fx når et tema berører flere forvaltninger, borgere, foreninger og erhvervsliv "
                    "på én gang."
                ),
                gettext_lazy(
                    "Temaet er bredt og sammensat; det kræver nytænkning på flere fronter og inddragelse "
                    "af mange aktører."
                ),
            ),
            GuideQuestion(
                "political",
                gettext_lazy("Udspringer temaet af en politisk vision eller strategi?"),
                gettext_lazy("Fx en vision, byrådet har vedtaget, eller en af kommunens politikker."),
                gettext_lazy(
                    "Temaet hviler på en politisk vision eller strategi og har brug for en politisk "
                    "overbygning."
                ),
            ),
        ),
    ),
)
