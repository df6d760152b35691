"""Curators: staff users in the "curators" group, allowed to edit everything in the record."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from knox.models import AuthToken

CURATORS_GROUP = "curators"


def curators_group() -> Group:
    """Return the curators group, with add/change/delete/view on every model of the record."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    app_label = apps.get_app_config("statements").label
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if set(group.permissions.values_list("pk", flat=True)) != {p.pk for p in permissions}:
        group.permissions.set(permissions)
    return group


@transaction.atomic
def curator_create(
    *,
    username: str,
    password: str | None = None,
    email: str | None = None,
    rotate_token: bool = False,
):
    """Create or update the staff user ``username`` in the curators group; return it and a new
    API token (the key in plain text: only its hash is stored, so this is the one chance to see it).

    ``password`` replaces the user's password when given; ``email`` likewise. Every call issues
    a fresh token that expires after ``REST_KNOX["TOKEN_TTL"]``; the user's other tokens keep
    working until they expire, unless ``rotate_token`` revokes them (a reset password means the
    old credentials may be known).
    """
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.is_active = True
    if email is not None:
        user.email = email
    if password is not None:
        user.set_password(password)
    elif not user.password:
        user.set_unusable_password()
    user.save()
    user.groups.add(curators_group())
    if rotate_token:
        AuthToken.objects.filter(user=user).delete()
    _, key = AuthToken.objects.create(user=user)
    return user, key
