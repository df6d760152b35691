"""Fixtures of the curator's workspace: the seeded mall dispute and admin URLs."""

import pytest
from django.urls import reverse

from statements.models import Assertion


def admin_url(model_name: str, view: str, *args) -> str:
    return reverse(f"admin:statements_{model_name}_{view}", args=args)


@pytest.fixture
def mall_dispute(seeded):
    """Return the dispute over the mall's status (Konashenkov against the interior CCTV)."""
    return Assertion.objects.get(statement__ref="konashenkov-non-functioning").position.dispute
