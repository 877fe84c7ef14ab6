"""The partner API's OpenAPI schema (drf-spectacular): the Api-Key security scheme, and the
error responses every endpoint can give, so that clients generated from the schema expect
them."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class PartnerAPIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.PartnerAPIKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "The word `Api-Key`, a space, then the key: `Authorization: Api-Key <key>`.",
        }


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")


PARAMETER_ERRORS = {
    "type": "object",
    "description": "Each refused parameter, with what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class PartnerAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self.registry = registry
        error = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        responses = operation["responses"]
        # Every endpoint refuses the query parameters it does not take (partners.api.params).
        responses.setdefault(
            "400",
            {
                "description": "A parameter was refused: unknown, empty, given twice, or with a value it does "
                "not take (a format the endpoint does not offer among them).",
                "content": {"application/json": {"schema": PARAMETER_ERRORS}},
            },
        )
        responses.setdefault("401", {"description": "No key, or a wrong, revoked or expired one.", "content": error})
        responses.setdefault(
            "403", {"description": "Not allowed: a write, or a login without API access.", "content": error}
        )
        if "{" in path:
            responses.setdefault("404", {"description": "No such record.", "content": error})
        responses.setdefault(
            "406",
            {"description": "No `format` given, and none of the formats in `Accept` is available.", "content": error},
        )
        responses.setdefault(
            "429",
            {
                "description": "Too many requests, for the key or, without a valid key, from the address: wait the "
                "seconds in `Retry-After`.",
                "content": error,
            },
        )
        return operation
