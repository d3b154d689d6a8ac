"""Static files come from installed packages and the app itself, never from a CDN."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_builds_a_manifest_with_bootstrap_and_its_licence(tmp_path):
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "bootstrap" / "css" / "bootstrap.min.css").exists()
    assert "MIT" in (tmp_path / "bootstrap" / "LICENSE").read_text()
    assert (tmp_path / "css" / "netvaerk.css").exists()
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "bootstrap/css/bootstrap.min.css" in manifest


def test_no_template_loads_anything_from_another_host():
    external = re.compile(r"""(src|href)=["']https?://""")
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        assert not external.search(template.read_text()), template
