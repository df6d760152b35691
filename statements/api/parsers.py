"""The one request parser: JSON, bounded in size and depth, strict about numbers."""

import json
import math

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, get_encoding
from rest_framework.renderers import JSONRenderer

from statements.api.exceptions import RequestTooLarge

# No record nests deeper than a few levels (statement > assertions > item > value); the margin
# is generous, and far below what would exhaust the interpreter's stack.
MAX_DEPTH = 32


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        # ``1e999`` parses as infinity, which no column can store.
        raise ValueError(f"Number {text} is out of range")
    return number


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _depth(data) -> int:
    """Return how deeply ``data`` nests, without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


class GuardedJSONParser(BaseParser):
    """Parse a JSON body, refusing what would otherwise end in a 500 or an unbounded read.

    DRF's own JSONParser reads the whole stream (``DATA_UPLOAD_MAX_MEMORY_SIZE`` is checked only
    by ``request.body``), lets ``RecursionError`` escape on a body nested thousands of levels
    deep, and turns ``1e999`` into infinity.
    """

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is None:
            return {}
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            text = raw.decode(get_encoding(parser_context))
            data = json.loads(text, parse_float=_finite_float, parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if _depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return data
