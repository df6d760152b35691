"""ETags on detail responses, and the If-Match check that turns a lost update into a 412.

The ETag is a hash of the representation the client read, so any change a client could see
(a review, an edited assertion, the other side of a conflict) changes it, for every model alike.
"""

import hashlib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.exceptions import ParseError

from statements.api.exceptions import PreconditionFailed, PreconditionRequired

# ``*`` or a list of entity tags (RFC 9110 §13.1.1); the schema declares the same pattern.
ENTITY_TAGS = re.compile(r'(\*|(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*)')


def etag_for(data) -> str:
    """Return the strong ETag (quoted) of a serialized representation."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'


def _tags(header: str, name: str) -> list[str]:
    if not ENTITY_TAGS.fullmatch(header.strip()):
        # A header that is not a tag list is a mistake to name, not a tag that never matches.
        raise ParseError(f'{name} takes * or quoted entity tags ("...").', code="invalid_header")
    # Weak tags compare by their opaque part: a proxy may have weakened ours.
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def check_if_match(request, current_etag: str) -> None:
    """Raise 412 when the request's If-Match names neither ``current_etag`` nor ``*``.

    Without If-Match, 428: a writer that leaves it out would silently overwrite a colleague's
    change, so every update, delete and review must say which version it read (``*`` says
    "whatever is there", on purpose).
    """
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    tags = _tags(header, "If-Match")
    if "*" in tags or current_etag in tags:
        return
    raise PreconditionFailed()


def if_none_match_hit(request, current_etag: str) -> bool:
    """Return whether a GET's If-None-Match already names ``current_etag`` (answer 304)."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    tags = _tags(header, "If-None-Match")
    return "*" in tags or current_etag in tags
