"""Curators' screens. Saving or deleting a record, an entity or a catalogue row goes through the
services, so the admin finds conflicts exactly as the API and the seed loader do.

- ``records``: statements and evidence with their assertions inline, and assertions alone;
- ``catalogue``: entities, sources, predicates and exclusion rules;
- ``disputes``: the curator's home (the dispute list), the dispute page and its verdict, and
  the conflicts beneath; derived rows, never added or deleted by hand;
- ``reach``: the vocabularies (entity and evidence kinds) and, later, webhooks.
"""

from statements.admin import catalogue, disputes, reach, records

__all__ = ["catalogue", "disputes", "reach", "records"]
