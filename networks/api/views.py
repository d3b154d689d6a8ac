"""The API's views: find the object through the selectors (someone else's is 404), parse the JSON,
call the service, answer with the result. Refusals from the services become 403/409 and invalid
data 400 in `networks.api.exceptions`.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import prefetch_related_objects
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from networks import security, selectors, services
from networks.api import serializers, tokens
from networks.api.parsers import JSONParser
from networks.models import Meeting, Network, Participant

_ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Ugyldige data: `{felt: [beskeder]}`, eller `{detail}` for JSON, der ikke kan læses.",
    ),
    401: OpenApiResponse(serializers.ErrorSerializer, description="Ikke logget ind."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="Brugerens rolle må ikke dette."),
    404: OpenApiResponse(
        serializers.ErrorSerializer, description="Findes ikke, eller brugeren må ikke se det."
    ),
    409: OpenApiResponse(
        serializers.DomainErrorSerializer,
        description=(
            "Netværkets tilstand eller en regel forhindrer ændringen; `findings` siger, hvad der mangler."
        ),
    ),
}


def _errors(*codes: int) -> dict:
    return {code: _ERRORS[code] for code in (401, 404, *codes)}


class RequestLanguageMixin:
    """Answers in the language the client asks for: the site's language cookie, else Accept-Language,
    else Danish. The pages ignore Accept-Language (networks.middleware), so a browser set up in English
    still sees Danish pages; an integration has no cookie to set, so the API also reads the header."""

    def initial(self, request, *args, **kwargs):
        translation.activate(translation.get_language_from_request(request))
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        return response


class APIView(RequestLanguageMixin, GenericAPIView):
    def _context(self, network: Network) -> dict:
        # The meeting serializer resolves attendee ids among this network's participants.
        return {**self.get_serializer_context(), "network": network}


# --- Token ------------------------------------------------------------------------------------


class TokenView(RequestLanguageMixin, ObtainAuthToken):
    # No session authentication here, so a browser's session cookie never makes this need CSRF.
    authentication_classes = ()
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["auth"],
        operation_id="auth_token_create",
        summary="Hent et token",
        description=(
            "Send `Authorization: Token <token>` med de følgende kald. Tokenet gælder fra `created` "
            "og afvises fra `expires` (driftens indstilling `API_TOKEN_LIFETIME_DAYS`); en ny "
            "adgangskode eller en deaktiveret bruger tilbagekalder det. "
            "Et nyt login giver det samme token, så længe det gælder, og derefter et nyt."
        ),
        request=serializers.LoginSerializer,
        responses={
            200: serializers.TokenSerializer,
            400: _ERRORS[400],
            429: OpenApiResponse(
                serializers.ErrorSerializer,
                description="For mange forkerte forsøg: brugernavnet er spærret en tid fra denne adresse.",
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes refused the attempt (too many failures for this username and address):
            # say so, with the same wait for a right and a wrong password.
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": security.lockout_message(), "code": "locked_out"},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                    headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))},
                )
            raise exceptions.ValidationError(serializer.errors)
        token = tokens.token_for_login(user=serializer.validated_data["user"])
        body = {"token": token.key, "created": token.created, "expires": tokens.expires_at(token)}
        return Response(serializers.TokenSerializer(body).data)

    def finalize_response(self, request, response, *args, **kwargs):
        # A token is a password for the API: no cache may keep an answer from here. The request
        # is anonymous (no authentication on this view), so networks.middleware would not say so.
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


# --- Networks ---------------------------------------------------------------------------------


def _network_response(request, network: Network, *, status_code=status.HTTP_200_OK) -> Response:
    # Read again through the selector, so findings are computed from the stored state.
    network = selectors.network_for_user(request.user, network.pk)
    return Response(serializers.NetworkDetailSerializer(network).data, status=status_code)


class NetworkList(APIView):
    serializer_class = serializers.NetworkSerializer

    @extend_schema(
        tags=["networks"],
        summary="Netværk, brugeren må se",
        parameters=[serializers.NetworkFilterSerializer],
        responses={200: serializers.NetworkSerializer(many=True), **_errors(400)},
    )
    def get(self, request):
        # A plain dict, not the QueryDict: DRF would read an empty `?type=` as "not given", where
        # the schema (an enum) says it is refused.
        filters = serializers.NetworkFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        networks = selectors.networks_visible_to(request.user)
        if "type" in filters.validated_data:
            networks = networks.filter(type__code=filters.validated_data["type"])
        if "status" in filters.validated_data:
            networks = networks.filter(status=filters.validated_data["status"])
        # A page shows each network's findings, not its people: the rules' facts come from two
        # grouped queries instead of every participant and meeting loaded as objects.
        page = selectors.with_rule_facts(self.paginate_queryset(networks))
        return self.get_paginated_response(serializers.NetworkSerializer(page, many=True).data)

    @extend_schema(
        tags=["networks"],
        summary="Opret et netværk (opretteren bliver netværksleder)",
        responses={201: serializers.NetworkDetailSerializer, **_errors(400, 403)},
    )
    def post(self, request):
        serializer = serializers.NetworkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        network = services.network_create(by=request.user, **serializer.validated_data)
        return _network_response(request, network, status_code=status.HTTP_201_CREATED)


class NetworkDetail(APIView):
    # With the follow-ups; a client may send them back unchanged with a PATCH.
    serializer_class = serializers.NetworkDetailSerializer

    @extend_schema(tags=["networks"], responses={200: serializers.NetworkDetailSerializer, **_errors()})
    def get(self, request, pk):
        return Response(self.get_serializer(selectors.network_for_user(request.user, pk)).data)

    @extend_schema(
        tags=["networks"],
        summary="Ret et netværk (kun lederen, kun mens det kan ændres)",
        responses={200: serializers.NetworkDetailSerializer, **_errors(400, 403, 409)},
    )
    def patch(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        serializer = self.get_serializer(network, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        network = services.network_update(network=network, by=request.user, **serializer.validated_data)
        return _network_response(request, network)

    @extend_schema(
        tags=["networks"],
        summary="Slet en kladde, der aldrig har været indstillet",
        responses={204: None, **_errors(403, 409)},
    )
    def delete(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        services.network_delete(network=network, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _transition(network: Network, by, action: str, data: dict):
    comment = data["comment"]
    if action == "submit":
        return services.network_submit(network=network, by=by, comment=comment)
    if action in serializers.TransitionSerializer.DECISIONS:
        decide = {
            "approve": services.network_approve,
            "reject": services.network_reject,
            "request_changes": services.network_request_changes,
        }[action]
        return decide(network=network, by=by, comment=comment, meeting_date=data.get("meeting_date"))
    if action == "start":
        return services.network_start(network=network, by=by, comment=comment)
    if action == "conclude":
        return services.network_conclude(
            network=network,
            by=by,
            comment=comment,
            outcome_summary=data.get("outcome_summary"),
            track_outcomes=data.get("track_outcomes"),
        )
    return services.network_cancel(network=network, by=by, comment=comment)


class NetworkTransitions(APIView):
    serializer_class = serializers.TransitionSerializer

    @extend_schema(
        tags=["networks"],
        summary="Flyt netværket i livsforløbet",
        description=(
            "`submit` (lederen, innovation), `approve` / `reject` / `request_changes` (Direktørforum; "
            "afvis og ønsk ændringer kræver `comment`), `start` og `conclude` (lederen), `cancel` "
            "(lederen eller en administrator; kræver `comment`)."
        ),
        responses={200: serializers.NetworkDetailSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _transition(network, request.user, data["action"], data)
        return _network_response(request, network)


class NetworkDecisions(APIView):
    serializer_class = serializers.DecisionSerializer

    @extend_schema(
        tags=["networks"],
        summary="Direktørforums beslutninger (træffes via transitions)",
        responses={200: serializers.DecisionSerializer(many=True), **_errors()},
    )
    def get(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        page = self.paginate_queryset(network.decisions.select_related("decided_by"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NetworkHistory(APIView):
    serializer_class = serializers.StatusChangeSerializer

    @extend_schema(
        tags=["networks"],
        summary="Netværkets statusændringer",
        responses={200: serializers.StatusChangeSerializer(many=True), **_errors()},
    )
    def get(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        page = self.paginate_queryset(network.status_changes.select_related("changed_by"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- Participants -----------------------------------------------------------------------------


def _visible(queryset, user, pk):
    """The participant or meeting if the user may see its network (the selector decides); else 404."""
    try:
        return queryset.select_related("network__type", "network__leader").get(
            pk=pk, network__in=selectors.networks_visible_to(user)
        )
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


class NetworkParticipants(APIView):
    serializer_class = serializers.ParticipantSerializer

    @extend_schema(
        tags=["participants"], responses={200: serializers.ParticipantSerializer(many=True), **_errors()}
    )
    def get(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        # Already loaded with the network (Network.objects.with_related): no further query.
        page = self.paginate_queryset(network.participants.all())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["participants"],
        responses={201: serializers.ParticipantSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant = services.participant_add(network=network, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(participant).data, status=status.HTTP_201_CREATED)


class ParticipantDetail(APIView):
    serializer_class = serializers.ParticipantSerializer

    @extend_schema(tags=["participants"], responses={200: serializers.ParticipantSerializer, **_errors()})
    def get(self, request, pk):
        return Response(self.get_serializer(_visible(Participant.objects, request.user, pk)).data)

    @extend_schema(
        tags=["participants"],
        responses={200: serializers.ParticipantSerializer, **_errors(400, 403, 409)},
    )
    def patch(self, request, pk):
        participant = _visible(Participant.objects, request.user, pk)
        serializer = self.get_serializer(participant, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        participant = services.participant_update(
            participant=participant, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(participant).data)

    @extend_schema(tags=["participants"], responses={204: None, **_errors(403, 409)})
    def delete(self, request, pk):
        participant = _visible(Participant.objects, request.user, pk)
        services.participant_delete(participant=participant, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Meetings ---------------------------------------------------------------------------------


class NetworkMeetings(APIView):
    serializer_class = serializers.MeetingSerializer

    @extend_schema(tags=["meetings"], responses={200: serializers.MeetingSerializer(many=True), **_errors()})
    def get(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        # The meetings are already loaded with the network; only the page's attendees are fetched.
        page = self.paginate_queryset(network.meetings.all())
        prefetch_related_objects(page, "attendees")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["meetings"],
        responses={201: serializers.MeetingSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        serializer = self.get_serializer(data=request.data, context=self._context(network))
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_create(network=network, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetail(APIView):
    serializer_class = serializers.MeetingSerializer

    def _meeting(self, request, pk) -> Meeting:
        return _visible(Meeting.objects.prefetch_related("attendees"), request.user, pk)

    @extend_schema(tags=["meetings"], responses={200: serializers.MeetingSerializer, **_errors()})
    def get(self, request, pk):
        return Response(self.get_serializer(self._meeting(request, pk)).data)

    @extend_schema(
        tags=["meetings"],
        responses={200: serializers.MeetingSerializer, **_errors(400, 403, 409)},
    )
    def patch(self, request, pk):
        meeting = self._meeting(request, pk)
        serializer = self.get_serializer(
            meeting, data=request.data, partial=True, context=self._context(meeting.network)
        )
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_update(meeting=meeting, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self._meeting(request, pk)).data)

    @extend_schema(tags=["meetings"], responses={204: None, **_errors(403, 409)})
    def delete(self, request, pk):
        meeting = self._meeting(request, pk)
        services.meeting_delete(meeting=meeting, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Anything else under /api/v1/ -------------------------------------------------------------


@login_not_required
@csrf_exempt
def not_found(request, *args, **kwargs):
    """A JSON 404 for any other address under the API (and for ids no database row can have)."""
    with translation.override(translation.get_language_from_request(request)):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
