"""Cost bounds for checking a draft: how much of the record one check may read and report.

Anyone may check a draft, so its cost must not grow with what a client sends: beyond a bound
the check stops with an error naming the limit and its value, before the work it would cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class DraftLimits:
    """At most ``candidates`` stored positions examined and ``conflicts`` reported."""

    candidates: int | None = None
    conflicts: int | None = None

    @classmethod
    def from_settings(cls) -> DraftLimits:
        """Return the bounds of an API check (``CONTRADICT_CHECK_MAX_*``)."""
        return cls(
            candidates=settings.CONTRADICT_CHECK_MAX_CANDIDATES,
            conflicts=settings.CONTRADICT_CHECK_MAX_CONFLICTS,
        )

    def check_candidates(self, count: int) -> None:
        """Refuse a draft that meets more stored positions than a check examines."""
        if self.candidates is not None and count > self.candidates:
            raise ValidationError(
                {
                    "assertions": ValidationError(
                        f"This draft meets {count:,} positions on record; a check examines "
                        f"at most {self.candidates:,}. Check fewer assertions at a time.",
                        code="max_candidates",
                    )
                }
            )

    def check_conflicts(self, count: int) -> None:
        """Refuse a draft that would report more conflicts than a check returns."""
        if self.conflicts is not None and count > self.conflicts:
            raise ValidationError(
                {
                    "assertions": ValidationError(
                        f"This draft would make {count:,} conflicts; a check reports at most "
                        f"{self.conflicts:,}. Check fewer assertions at a time.",
                        code="max_conflicts",
                    )
                }
            )
