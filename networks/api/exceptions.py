"""The domain's refusals as HTTP answers, in the same shapes everywhere.

- `RoleRefused` (the user's role may not) → 403 `{"detail", "code"}`;
- any other `DomainError` (the state or a rule refuses) → 409 `{"detail", "code", "findings"}`;
- Django's `ValidationError` from a model's `full_clean()` → 400 `{field: [messages]}`, the same
  shape DRF gives for a serializer's errors;
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE → 413 `{"detail"}` (Django alone would answer with HTML).
"""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from networks.services import DomainError, RoleRefused


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
        for name, messages in exc.message_dict.items()
    }


def exception_handler(exc, context):
    if isinstance(exc, RoleRefused):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response(
            {
                "detail": exc.message,
                "code": exc.code,
                "findings": [finding.as_dict() for finding in exc.findings],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        return Response(field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("Forespørgslen er for stor.")}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    return drf_exception_handler(exc, context)
