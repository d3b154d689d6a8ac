"""Public information pages: the privacy notice and the accessibility statement."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def privacy(request):
    return render(request, "pages/privacy.html")


@login_not_required
@require_GET
def accessibility(request):
    return render(request, "pages/accessibility.html")
