from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class DanishByDefaultMiddleware:
    """Danish for everyone, unless the user has picked another language on the site.

    Django's LocaleMiddleware would follow the browser's Accept-Language, turning the app English
    on any machine set up in English; the municipality's app speaks Danish unless asked not to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivateResponsesMiddleware:
    """No cache keeps what a signed-in user was shown: `Cache-Control: private, no-store`.

    Every page, API answer, export, calendar file and PDF served to a signed-in user carries names,
    e-mail addresses or a network's internal state, so neither a shared proxy nor the browser's disk
    may keep it. The user is known after the view ran: the session's user, or the one the API's
    token authentication put on the request. Directives a view set itself are kept (`no-cache`,
    `must-revalidate`, …) – only `public` goes, since it contradicts `private`.

    Anonymous answers are left as they are: the login page, the public pages, `/healthz` and the
    API's schema carry nothing personal; static files are served by WhiteNoise before this runs.
    The token endpoint, which answers an anonymous request with a token, says `no-store` itself.
    `Vary: Cookie, Authorization` tells any cache that the same address answers differently per user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ("Cookie", "Authorization"))
        return response
