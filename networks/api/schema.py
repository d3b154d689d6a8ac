"""The OpenAPI document says what the server does (drf-spectacular)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from networks.api.serializers import StrictSerializerMixin


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        # A request body the server checks field by field refuses a field it does not know
        # (StrictSerializerMixin): the schema says so, so generated clients and fuzzers know it too.
        if direction == "request" and isinstance(serializer, StrictSerializerMixin):
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # A paged list refuses a `limit`/`offset` that is not a whole number (networks.api.pagination).
        if self.method == "GET" and self._get_paginator() and "400" not in responses:
            responses["400"] = self._get_response_for_code(
                OpenApiResponse(
                    OpenApiTypes.OBJECT, description="Ugyldig `limit` eller `offset`: `{felt: [beskeder]}`."
                ),
                "400",
            )
        return responses
