"""Public information pages: the privacy notice and the accessibility statement."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def privacy(request):
    # The notice states the retention period `apply_retention` applies, from the same setting.
    return render(
        request,
        "pages/privacy.html",
        {
            "retention_months": settings.PARTICIPANT_RETENTION_MONTHS,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


@login_not_required
@require_GET
def accessibility(request):
    return render(request, "pages/accessibility.html")
