"""The API's follow-ups: the leader answers a concluded network's follow-up with the type's answers.

The answers are the same `{question key: value}` the follow-up page sends; `services.follow_up_answer`
checks them with the type's questions, so a refusal reads the same on the page and here: 403 for
someone who is not the leader, 409 before the due day or once answered, 400 `{key: [messages]}`
for invalid answers.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from networks import selectors, services
from networks.api import serializers
from networks.api.views import APIView, _errors


class FollowUpAnswer(APIView):
    serializer_class = serializers.FollowUpSerializer

    @extend_schema(
        tags=["networks"],
        summary="Besvar en opfølgning (kun lederen, fra den dag, den forfalder, og kun én gang)",
        description=(
            "Send svarene som et objekt med ét felt pr. spørgsmål. Innovation: `effect` og `next_steps` "
            "(tekst). Velfærd: `in_operation` (`yes`/`partly`/`no`) og `owner` (tekst; påkrævet ved "
            "`yes` og `partly`). Læring: `use_<deltager-id>` (`yes`/`partly`/`not_yet`) og "
            "`note_<deltager-id>` (tekst, kan udelades) for hver deltager, der noterede en forpligtelse."
        ),
        request=OpenApiTypes.OBJECT,
        examples=[
            OpenApiExample("Velfærd", value={"in_operation": "yes", "owner": "Plejecenter Albertshøj"})
        ],
        responses={200: serializers.FollowUpSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request, pk, follow_up_id):
        follow_up = selectors.follow_up_for_user(request.user, pk, follow_up_id)
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": _("Send svarene som et JSON-objekt med ét felt pr. spørgsmål.")})
        follow_up = services.follow_up_answer(follow_up=follow_up, by=request.user, answers=request.data)
        return Response(self.get_serializer(follow_up).data)
