"""The signed-in user's own account: their API token (when it was issued, when it expires, revoke it).

The page acts only on `request.user`; there is no id in the address, so nobody reaches another
user's token through it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from networks.api import tokens
from networks.dates import long_datetime


@require_http_methods(["GET", "POST"])
def api_token(request):
    if request.method == "POST":
        if tokens.token_revoke(user=request.user, reason="revoked by the user"):
            messages.success(
                request,
                _(
                    "Dit API-token er tilbagekaldt. Et program, der brugte det, skal logge ind igen "
                    "for at få et nyt."
                ),
            )
        else:
            messages.warning(request, _("Du har intet API-token at tilbagekalde."))
        return redirect("api_token")
    token = tokens.token_of(request.user)
    context = {"token": token, "lifetime_days": tokens.lifetime().days}
    if token is not None:
        context.update(
            created=long_datetime(token.created),
            expires=long_datetime(tokens.expires_at(token)),
            expired=tokens.is_expired(token),
        )
    return render(request, "networks/api_token.html", context)
