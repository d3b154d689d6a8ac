import json

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from tests.oidc_provider import validator


@csrf_exempt
def control(request):
    """POST {"roles": {"anna": [...]}}, or {"fault": kind} to spoil the next ID tokens (kinds:
    bad_signature, wrong_audience, wrong_issuer, expired; "" for none)."""
    data = json.loads(request.body or b"{}")
    for username, roles in data.get("roles", {}).items():
        validator.PEOPLE[username]["roles"] = roles
    if "fault" in data:
        validator.FAULT["kind"] = data["fault"]
    return JsonResponse({"people": validator.PEOPLE, "fault": validator.FAULT["kind"]})


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("control/", control),
]
