from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`; the limit is capped so no request asks the database for an unbounded page
    (an offset past the end answers an empty page without touching the rows)."""

    max_limit = 200
