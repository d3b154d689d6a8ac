from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from networks import sign_on
from networks.views import account, gdpr, health, pages

admin.site.site_header = _("Netværk – administration")
admin.site.site_title = _("Netværk")
admin.site.index_title = _("Albertslund Kommunes netværk")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", sign_on.LoginView.as_view(), name="login"),
    path("accounts/logout/", sign_on.logout, name="logout"),
    # Log ind med Albertslund Kommune (OpenID Connect): off unless OIDC_DISCOVERY_URL is set.
    path("accounts/kommune/", login_not_required(sign_on.SignOnStart.as_view()), name="sign_on"),
    path(
        "accounts/kommune/retur/",
        login_not_required(sign_on.SignOnCallback.as_view()),
        name="sign_on_callback",
    ),
    path("privatliv/", pages.privacy, name="privacy"),
    path("tilgaengelighed/", pages.accessibility, name="accessibility"),
    path("sprog/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # Personal data (GDPR) for administrators: find, export, anonymise a participant.
    path("admin-vaerktoejer/persondata/", gdpr.person, name="gdpr_person"),
    path("admin-vaerktoejer/persondata/udtraek/", gdpr.person_export, name="gdpr_export"),
    path("admin-vaerktoejer/persondata/anonymiser/", gdpr.person_erase, name="gdpr_erase"),
    # The signed-in user's own API token.
    path("konto/api-token/", account.api_token, name="api_token"),
    path("api/v1/", include("networks.api.urls")),
    path("direktoerforum/", include("networks.urls_direktoerforum")),
    path("rapporter/", include("networks.urls_reports")),
    path("", include("networks.urls")),
]
