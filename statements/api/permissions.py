"""Who may do what: anyone reads; curators write and review."""

from rest_framework import permissions

CURATORS_GROUP = "curators"


def is_curator(user) -> bool:
    """Return whether ``user`` is an active staff member of the curators group (or a superuser)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    # Cached on the user object: a request asks at most once.
    if not hasattr(user, "_is_curator"):
        user._is_curator = user.groups.filter(name=CURATORS_GROUP).exists()
    return user._is_curator


class CuratorOrReadOnly(permissions.DjangoModelPermissions):
    """Let anyone read; let curators, or users holding the model's permissions, write.

    A curator is staff in the "curators" group. Someone given the model permissions in the
    admin (``statements.change_statement`` ...) may write that model without the group.
    Views with no queryset (check a draft) need only the safe-method rule or a curator.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "anyone_may_post", False) and request.method == "POST":
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if is_curator(user):
            return True
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return False
        return super().has_permission(request, view)


class IsCurator(permissions.BasePermission):
    """Allow only curators (reviews)."""

    def has_permission(self, request, view):
        user = request.user
        if user and user.is_authenticated and user.has_perm("statements.change_conflict"):
            return True
        return is_curator(user)
