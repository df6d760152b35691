"""The landing page at ``/``: where a curator or a developer goes next."""

from django.shortcuts import render
from django.urls import reverse

from statements.models import Dispute, DisputeStatus


def home(request):
    """Show links to the dispute list, the admin and the API docs, with what is open."""
    links = {
        "disputes": reverse("admin:statements_dispute_changelist"),
        "open_disputes": reverse("admin:statements_dispute_changelist") + "?status__exact=open",
        "admin": reverse("admin:index"),
        "docs": reverse("docs"),
        "redoc": reverse("redoc"),
        "schema": reverse("schema"),
        "api": "/api/disputes/",
    }
    counts = {
        "open": Dispute.objects.filter(status=DisputeStatus.OPEN).count(),
        "all": Dispute.objects.exclude(status=DisputeStatus.RETRACTED).count(),
    }
    return render(request, "statements/home.html", {"links": links, "counts": counts})
