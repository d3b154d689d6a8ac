import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing two more kinds of input it would otherwise let through to a 500:
    nesting deeper than Python's recursion limit, and lone UTF-16 surrogates ("\\ud800"), which JSON
    allows as escapes but which are not text: neither the database nor the JSON answer (which may
    echo the input in an error message) can encode them."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        except UnicodeEncodeError as exc:
            raise ParseError(f"JSON parse error - {exc.reason}") from None
        return data
