"""The plumbing every view module shares: calling a service and showing its refusal, paging, and
the calendar file response.

A view calls a service through `call_service` (with a form: the refusal goes on the form's fields)
or `call_service_with_messages` (a button with no form: the refusal becomes messages). Both turn a
`RoleRefused` into 403 and return `REFUSED` for any other refusal, so a view only asks whether it
got a result. Who may use a page is `networks.views.access`; whether the user may do something now
is a check in `networks.services`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Literal, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from networks.forms import add_service_errors
from networks.services import DomainError, RoleRefused

T = TypeVar("T")


class Refused(enum.Enum):
    REFUSED = "refused"


# What `call_service` and `call_service_with_messages` return when the service refused (a
# service's own result may be None).
REFUSED = Refused.REFUSED


# --- Calling a service from a view --------------------------------------------------------------


def _add_refusal(form: forms.Form, refusal: DomainError, fields: Mapping[str, str] | None = None) -> None:
    """Put a `DomainError` on the form: its message, and each finding on the field it concerns.

    `fields` maps a refusal's code to the field that resolves it (e.g. a missing reason).
    """
    field = (fields or {}).get(refusal.code)
    form.add_error(field if field in form.fields else None, refusal.message)
    for finding in refusal.findings:
        form.add_error(finding.field if finding.field in form.fields else None, finding.message)


def call_service(
    form: forms.Form,
    call: Callable[[], T],
    *,
    fields: Mapping[str, str] | None = None,
    refusal_fields: Mapping[str, str] | None = None,
) -> T | Literal[Refused.REFUSED]:
    """Run `call()`, a service call for a valid form, and return its result; if the service
    refuses, put the refusal on `form` and return `REFUSED`.

    - `ValidationError`: on the fields it names, through `networks.forms.add_service_errors`
      (`fields` renames the service's field names to the form's). A form with an
      `add_service_errors(error, fields)` method of its own (`ParticipantForm`) places the errors
      itself.
    - `RoleRefused`: `PermissionDenied` (403) with its message.
    - any other `DomainError`: its message and findings on the form, through `_add_refusal`
      (`refusal_fields` maps the refusal's code to the field that resolves it).
    """
    try:
        return call()
    except ValidationError as exc:
        own = getattr(form, "add_service_errors", None)
        if own is not None:
            own(exc, fields)
        else:
            add_service_errors(form, exc, fields)
    except RoleRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        _add_refusal(form, exc, refusal_fields)
    return REFUSED


def require(check: Callable[..., None], /, **kwargs) -> None:
    """Ask a check before a page is shown: 403 with its message where it refuses the user's role."""
    try:
        check(**kwargs)
    except RoleRefused as exc:
        raise PermissionDenied(exc.message) from exc


def _show_refusal(request, refusal: DomainError) -> None:
    """A refused change as messages: what was refused, then each blocking finding."""
    messages.error(request, refusal.message)
    for finding in refusal.findings:
        messages.error(request, finding.message, extra_tags="finding")


def call_service_with_messages(request, call: Callable[[], T]) -> T | Literal[Refused.REFUSED]:
    """`call_service` for a button with no form: run `call()` and return its result; if the
    service refuses, show the refusal as messages and return `REFUSED`.

    A `ValidationError` is one message, a `RoleRefused` is `PermissionDenied` (403) and any other
    `DomainError` goes through `_show_refusal`.
    """
    try:
        return call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except RoleRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        _show_refusal(request, exc)
    return REFUSED


# --- Paging -------------------------------------------------------------------------------------


def record_decision(
    request, form: forms.Form, decide: Callable[[], object], *, outcome_label: str, back: str
):
    """Direktørforum's decision from a valid form: a redirect to `back` with a message saying what
    was decided, or — when another member decided a moment earlier — saying who and what. None
    when the refusal belongs on the form (a comment it must have), so the page shows the form again."""
    try:
        decide()
    except DomainError as error:
        if error.code == "comment_required":
            form.add_error("comment", error.message)
            return None
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        _("Beslutningen er registreret: %(outcome)s. Netværkslederen har fået besked.")
        % {"outcome": outcome_label.lower()},
    )
    return redirect(back)


def page_number(value, *, last: int = 10_000) -> int:
    """The page asked for in ?side=, as a number from 1 (to `last`); 1 for anything else."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 6:
        return max(1, min(int(value), last))
    return 1


def page_links(number: int, *, has_next: bool) -> dict:
    """The previous and next page around `number`, for a list read one row past its page (that row
    says whether there is a next page, without counting them all)."""
    return {
        "number": number,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if has_next else None,
    }


# --- Files --------------------------------------------------------------------------------------


def ics_response(content: bytes, name: str) -> HttpResponse:
    """A calendar file (.ics) to download."""
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response
