"""Start the test provider: `python -m tests.oidc_provider.serve PORT DIRECTORY`.

Makes its database and signing key in DIRECTORY, registers the app as a client and the people of
`validator.PEOPLE` (password "kode"), and serves on 127.0.0.1:PORT until stopped.
"""

import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "netvaerk"
CLIENT_SECRET = "test-klienthemmelighed"
PASSWORD = "kode"
# The app's addresses in the tests: Django's test client (testserver) and the browser test's live
# server on 127.0.0.1, whose port the provider accepts as any (loopback, RFC 8252).
REDIRECT_URIS = "http://testserver/accounts/kommune/retur/ http://127.0.0.1/accounts/kommune/retur/"
LOGOUT_URIS = "http://testserver/accounts/login/ http://127.0.0.1/accounts/login/"


def main(port: str, directory: str) -> None:
    directory = Path(directory)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = directory / "provider-key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.environ["OIDC_PROVIDER_KEY"] = str(key_file)
    os.environ["OIDC_PROVIDER_DB"] = str(directory / "provider.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from tests.oidc_provider.validator import PEOPLE

    call_command("migrate", verbosity=0)
    for username in PEOPLE:
        get_user_model().objects.create_user(username, password=PASSWORD)
    Application.objects.create(
        name="Netværk",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URIS,
        post_logout_redirect_uris=LOGOUT_URIS,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, verbosity=0)


if __name__ == "__main__":
    main(*sys.argv[1:3])
