"""Bulk-adding participants from CSV: parse, check each row, and say in Danish what is wrong with it.

Columns: name, email, organisation, category, role (a header row may name them in Danish or
English, in any order; without one they are taken in that order). Category and role may be written
as their Danish label ("Borger", "Kernedeltager") or their code ("citizen", "core"). The separator is
";" (what a Danish Excel writes) or ","; the text is UTF-8 with or without a byte-order mark.

Nothing here saves. The page shows the preview; when the leader confirms, the valid rows go to
`services.participant_add_many`, which saves all of them in one transaction or none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from networks.models import ActorCategory, Participant, ParticipantRole

COLUMNS = ("name", "email", "organisation", "actor_category", "role")
MAX_ROWS = 500
MAX_BYTES = 512 * 1024

_HEADER_NAMES = {
    "name": "name",
    "navn": "name",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "category": "actor_category",
    "kategori": "actor_category",
    "aktørtype": "actor_category",
    "aktoertype": "actor_category",
    "actor_category": "actor_category",
    "role": "role",
    "rolle": "role",
}
_ROLE_SYNONYMS = {"kerne": ParticipantRole.CORE, "perifer": ParticipantRole.PERIPHERAL}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def category_label(self) -> str:
        return ActorCategory(self.values["actor_category"]).label if self._known("actor_category") else ""

    @property
    def role_label(self) -> str:
        return ParticipantRole(self.values["role"]).label if self._known("role") else ""

    def _known(self, name: str) -> bool:
        choices = ActorCategory if name == "actor_category" else ParticipantRole
        return self.values.get(name) in choices.values

    @property
    def message(self) -> str:
        return _("Række %(line)d: %(errors)s") % {"line": self.line, "errors": " ".join(self.errors)}


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark; a Danish refusal for anything else."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("Filen er for stor. Del den op i filer på højst %(kb)d kB.") % {"kb": MAX_BYTES // 1024},
            code="too_big",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("Filen er ikke gemt som UTF-8. Gem den som “CSV UTF-8” i Excel, og prøv igen."),
            code="encoding",
        ) from None


def _lookup(choices, synonyms=None) -> dict[str, str]:
    table = {}
    # Labels in Danish always, and in the user's language when that is another.
    for language in ("da", translation.get_language()):
        with translation.override(language):
            for value, label in choices.choices:
                table[str(label).casefold()] = value
    for value in choices.values:
        table[value.casefold()] = value
    table.update(synonyms or {})
    return table


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first else ","


def _header(cells: list[str]) -> list[str] | None:
    """The columns a header row names, or None when the row is not a header."""
    names = [cell.strip().casefold() for cell in cells]
    if not names or names[0] not in _HEADER_NAMES or any(n and n not in _HEADER_NAMES for n in names):
        return None
    return [_HEADER_NAMES.get(name, "") for name in names]


@dataclass
class _Reading:
    """What checking one row needs to know about the rows and the network around it."""

    existing: set[str]
    columns: list[str] = field(default_factory=lambda: list(COLUMNS))
    first_seen: dict[str, int] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=lambda: _lookup(ActorCategory))
    roles: dict[str, str] = field(default_factory=lambda: _lookup(ParticipantRole, _ROLE_SYNONYMS))
    default_category: str = field(
        default_factory=lambda: str(Participant._meta.get_field("actor_category").default)
    )
    default_role: str = field(default_factory=lambda: str(Participant._meta.get_field("role").default))


def parse(text: str, *, existing_emails: Iterable[str] = ()) -> ImportPreview:
    """Every non-empty row, with its values and a Danish message per problem.

    `existing_emails` are the network's current e-mails, so a participant already in the network
    is reported before the leader confirms. Problems with the text as a whole (too long, not CSV,
    no rows) are a `ValidationError`.
    """
    text = text.lstrip("\ufeff")
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValidationError(
            _("Teksten er for lang. Del den op i bidder på højst %(kb)d kB.") % {"kb": MAX_BYTES // 1024},
            code="too_big",
        )
    reading = _Reading(existing={email.casefold() for email in existing_emails if email})
    preview = ImportPreview()
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header_allowed = True
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header_allowed:
                header_allowed = False
                if header := _header(cells):
                    reading.columns = header
                    continue
            if len(preview.rows) >= MAX_ROWS:
                raise ValidationError(
                    _("Der er mere end %(max)d rækker. Del listen op, og importér den i flere omgange.")
                    % {"max": MAX_ROWS},
                    code="too_many_rows",
                )
            preview.rows.append(_row(reader.line_num, cells, reading))
    except csv.Error:
        raise ValidationError(
            _("Teksten kan ikke læses som CSV omkring linje %(line)d. Tjek anførselstegnene.")
            % {"line": reader.line_num},
            code="csv_error",
        ) from None
    if not preview.rows:
        raise ValidationError(_("Der er ingen deltagere i teksten."), code="empty")
    return preview


def _row(line: int, cells: list[str], reading: _Reading) -> ImportRow:
    errors: list[str] = []
    cells = [cell.strip() for cell in cells]
    filled = len(cells)
    while filled and not cells[filled - 1]:
        filled -= 1
    if filled > len(reading.columns):
        errors.append(
            _(
                "Rækken har %(count)d felter, men der må højst være %(max)d: "
                "navn, e-mail, organisation, aktørtype og rolle."
            )
            % {"count": filled, "max": len(reading.columns)}
        )
    raw = dict.fromkeys(COLUMNS, "")
    for name, cell in zip(reading.columns, cells, strict=False):
        if name:
            raw[name] = cell
    values = {"name": raw["name"], "email": raw["email"].lower(), "organisation": raw["organisation"]}
    if not values["name"]:
        errors.append(_("Navnet mangler."))

    values["actor_category"] = reading.default_category
    if raw["actor_category"]:
        values["actor_category"] = reading.categories.get(raw["actor_category"].casefold(), "")
        if not values["actor_category"]:
            errors.append(
                _("Ukendt aktørtype “%(value)s”. Brug en af: %(choices)s.")
                % {"value": raw["actor_category"], "choices": ", ".join(str(c.label) for c in ActorCategory)}
            )
    values["role"] = reading.default_role
    if raw["role"]:
        values["role"] = reading.roles.get(raw["role"].casefold(), "")
        if not values["role"]:
            errors.append(
                _("Ukendt rolle “%(value)s”. Brug Kernedeltager eller Perifer deltager.")
                % {"value": raw["role"]}
            )

    errors.extend(_model_errors(values))
    email = values["email"]
    if email:
        if email in reading.existing:
            errors.append(_unique_email_message())
        elif email in reading.first_seen:
            errors.append(
                _("E-mailen %(email)s står også i række %(line)d.")
                % {"email": email, "line": reading.first_seen[email]}
            )
        else:
            reading.first_seen[email] = line
    return ImportRow(line=line, values=values, errors=errors)


def _model_errors(values: dict[str, str]) -> list[str]:
    """What the model's own field validation says about the row (length, e-mail format), per field.

    Uniqueness is checked against the e-mails passed in rather than with a query per row; the
    service checks it again when the rows are saved.
    """
    participant = Participant(**values)
    try:
        participant.full_clean(exclude=["network"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        messages = []
        # Category and role were reported with the accepted values; a missing name once already.
        reported = {"actor_category", "role"} | ({"name"} if not values["name"] else set())
        for name, errors in exc.message_dict.items():
            if name in reported:
                continue
            label = Participant._meta.get_field(name).verbose_name if name != "__all__" else ""
            for message in errors:
                messages.append(f"{str(label).capitalize()}: {message}" if label else message)
        return messages
    return []


def _unique_email_message() -> str:
    constraint = next(
        c for c in Participant._meta.constraints if c.name == "participant_unique_email_per_network"
    )
    return str(constraint.violation_error_message)
