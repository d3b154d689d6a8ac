"""Claims and faults of the test provider.

`PEOPLE` are the provider's users and their roles; `FAULT` makes the next ID tokens faulty. Both
are changed through the control address (urls.py) and live in this one process.
"""

import datetime
import json
import os
from pathlib import Path

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

PEOPLE = {
    # username: claims beyond the subject
    "anna": {
        "given_name": "Anna",
        "family_name": "Holm",
        "email": "anna@albertslund.example",
        "roles": ["netvaerksleder"],
    },
    "bo": {
        "given_name": "Bo",
        "family_name": "Lund",
        "email": "bo@albertslund.example",
        "roles": ["direktoerforum"],
    },
    "carl": {
        "given_name": "Carl",
        "family_name": "Berg",
        "email": "anna@albertslund.example",
        "roles": ["netvaerksleder"],
    },
    "dorte": {
        "given_name": "Dorte",
        "family_name": "Krog",
        "email": "dorte@albertslund.example",
        "roles": ["kantine"],
    },
}
FAULT = {"kind": ""}
# A key the app has never seen: a token signed with it has a bad signature.
ROGUE_KEY = jwk.JWK.generate(kty="RSA", size=2048)


class Validator(OAuth2Validator):
    # Every claim goes in the ID token when "openid" is asked for (as Entra puts app roles there).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        person = PEOPLE.get(request.user.username, {})
        return {"preferred_username": f"{request.user.username}@albertslund.example", **person}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if FAULT["kind"] == "wrong_audience":
            claims["aud"] = "another-app"
        if FAULT["kind"] == "wrong_issuer":
            claims["iss"] = "https://another-provider.example/o"
        if FAULT["kind"] == "expired":
            past = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=2)
            claims["iat"] = int(past.timestamp())
            claims["exp"] = int((past + datetime.timedelta(minutes=5)).timestamp())
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        if FAULT["kind"] != "bad_signature":
            return serialized
        # The same claims and key id, signed with a key that is not the provider's.
        original = jwt.JWT(jwt=serialized, key=request.client.jwk_key)
        header = json.loads(original.header)
        forged = jwt.JWT(header=header, claims=original.claims)
        forged.make_signed_token(ROGUE_KEY)
        return forged.serialize()


def key_path() -> Path:
    return Path(os.environ["OIDC_PROVIDER_KEY"])
