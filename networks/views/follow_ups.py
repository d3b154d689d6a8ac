"""The follow-up page: the leader answers the type's questions some months after the network
concluded; once answered, everyone who sees the network reads the answers.

Someone else's network is 404 (`selectors.follow_up_for_user`). Whether the answers may be given
now, and whether they are valid, is `services.follow_up_answer`'s: the page offers the form only
when its check allows and puts the service's refusals on the fields they concern.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from networks import rules, selectors, services
from networks.forms import FollowUpForm
from networks.views.helpers import REFUSED, call_service


@require_http_methods(["GET", "POST"])
def follow_up_page(request, pk, follow_up_pk):
    follow_up = selectors.follow_up_for_user(request.user, pk, follow_up_pk)
    network = follow_up.network
    today = timezone.localdate()
    questions = rules.spec_for(network.type).follow_up
    refusal = services.refusal_of(
        services.follow_up_check_answer, follow_up=follow_up, by=request.user, today=today
    )
    if request.method == "POST" and isinstance(refusal, services.RoleRefused):
        raise PermissionDenied(refusal.message)
    asked = questions.questions(network) if questions and refusal is None else ()
    form = FollowUpForm(request.POST if request.method == "POST" else None, questions=asked)
    if request.method == "POST":
        if refusal is not None:
            # Answered by now, or not yet due: the page says so in the service's words.
            messages.error(request, refusal.message)
            return redirect("networks:follow_up", pk=network.pk, follow_up_pk=follow_up.pk)
        if form.is_valid():
            answers = form.cleaned_data
            answered = call_service(
                form, lambda: services.follow_up_answer(follow_up=follow_up, by=request.user, answers=answers)
            )
            if answered is not REFUSED:
                messages.success(request, _("Tak. Opfølgningen er besvaret."))
                return redirect(network)
    row = selectors.FollowUpRow(
        follow_up,
        follow_up.status_on(today),
        questions.shown(follow_up.answers) if questions and follow_up.is_answered else [],
    )
    return render(
        request,
        "networks/follow_up.html",
        {
            "network": network,
            "follow_up": follow_up,
            "row": row,
            "intro": questions.intro if questions else "",
            "form": form if refusal is None else None,
            # Why the form is not offered (not the leader, not due yet, answered), unless the
            # answers themselves are what the page shows.
            "refusal": "" if refusal is None or follow_up.is_answered else refusal.message,
        },
    )
