"""Change requests in the API: the leader asks Direktørforum to change what it approved, and a
member decides. The services check who may and what may change, as on the pages."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from networks import selectors, services
from networks.api.serializers import ModelSerializer, Serializer, free_text
from networks.api.views import APIView, _errors
from networks.models import ChangeRequest, ChangeRequestStatus


@extend_schema_field(
    {
        "type": "object",
        "description": "Felt → ny værdi. Felterne: theme, purpose, strategy_reference, mandate, type "
        "(typens kode), planned_start, planned_end (ÅÅÅÅ-MM-DD).",
        "additionalProperties": True,
    }
)
class ChangesField(serializers.DictField):
    default_error_messages = {"not_a_dict": _("Angiv ændringerne som et objekt: felt og ny værdi.")}


class ChangeRequestSerializer(ModelSerializer):
    """En ændringsanmodning: hvad der foreslås ændret (`changes`), hvad det var (`previous`) og
    Direktørforums beslutning."""

    changes = ChangesField()
    previous = ChangesField(read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)
    reason = free_text(allow_blank=True)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "status",
            "changes",
            "previous",
            "reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = ["status", "requested_at", "decided_at", "comment"]


class ChangeRequestDecisionSerializer(Serializer):
    """Direktørforums beslutning: `approved` gennemfører ændringen; `rejected` kræver `comment`."""

    outcome = serializers.ChoiceField(
        choices=[
            (ChangeRequestStatus.APPROVED, ChangeRequestStatus.APPROVED.label),
            (ChangeRequestStatus.REJECTED, ChangeRequestStatus.REJECTED.label),
        ]
    )
    comment = free_text(required=False, allow_blank=True, default="")


class NetworkChangeRequests(APIView):
    serializer_class = ChangeRequestSerializer

    @extend_schema(
        tags=["networks"],
        summary="Netværkets ændringsanmodninger",
        responses={200: ChangeRequestSerializer(many=True), **_errors()},
    )
    def get(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        page = self.paginate_queryset(selectors.change_requests_of(network))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["networks"],
        summary="Anmod Direktørforum om at ændre det godkendte (kun lederen)",
        responses={201: ChangeRequestSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request, pk):
        network = selectors.network_for_user(request.user, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change_request = services.change_request_create(
            network=network,
            by=request.user,
            changes=serializer.validated_data["changes"],
            reason=serializer.validated_data["reason"],
        )
        change_request = selectors.change_requests_of(network).get(pk=change_request.pk)
        return Response(self.get_serializer(change_request).data, status=status.HTTP_201_CREATED)


class ChangeRequestDecision(APIView):
    serializer_class = ChangeRequestDecisionSerializer

    @extend_schema(
        tags=["networks"],
        summary="Beslut en ændringsanmodning (Direktørforum)",
        request=ChangeRequestDecisionSerializer,
        responses={200: ChangeRequestSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request, pk, change_request_pk):
        network = selectors.network_for_user(request.user, pk)
        change_request = selectors.change_request_for_user(request.user, change_request_pk)
        if change_request.network_id != network.pk:
            raise Http404
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide = {
            ChangeRequestStatus.APPROVED: services.change_request_approve,
            ChangeRequestStatus.REJECTED: services.change_request_reject,
        }[serializer.validated_data["outcome"]]
        decide(change_request=change_request, by=request.user, comment=serializer.validated_data["comment"])
        decided = selectors.change_requests_of(network).get(pk=change_request.pk)
        return Response(ChangeRequestSerializer(decided).data)
