from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`; the limit is capped so no request asks the database for an unbounded page
    (an offset past the end answers an empty page without touching the rows). A value that is not
    a whole number is refused (400) rather than quietly replaced by the default, as the schema says."""

    max_limit = 200

    def _number(self, request, name: str, *, minimum: int) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].isdigit() or int(values[0]) < minimum:
            raise ValidationError(
                {name: [_("Skal være ét helt tal på mindst %(minimum)d.") % {"minimum": minimum}]}
            )
        return int(values[0])

    def get_limit(self, request):
        limit = self._number(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, minimum=0) or 0
