from django.conf import settings
from django.utils import translation


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
