"""`{% page_url key number %}`: the current page's address with one query parameter set, for the
pager of a list that names its own page parameter (several lists share a page, each with its key)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, key: str, number: int, anchor: str = "") -> str:
    """As `{% querystring key=number %}` with `key` a variable: the other parameters are kept."""
    query = context["request"].GET.copy()
    query[key] = number
    return f"?{query.urlencode()}{f'#{anchor}' if anchor else ''}"
