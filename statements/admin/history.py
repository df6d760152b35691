"""Edit history pages that read well: names for people, no Revert on derived rows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

# Shown for a change made by no signed-in user (the seed loader, a re-check) or by an account
# since deleted: simple_history keeps only a nulled foreign key for both.
NOBODY = "no signed-in user (a loader, a re-check, or a deleted account)"


class NamedChanges(HistoricalRecordContextHelper):
    """Show an emptied or deleted relation in words, never as "Deleted user (pk=None)"."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject):
            if value.pk is None:
                return "—"
            return f"a deleted {value.model._meta.verbose_name}"
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages naming who changed what, in words."""

    object_history_list_template = "admin/statements/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return NamedChanges(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "nobody": NOBODY}
        return super().history_view(request, object_id, extra_context)


class DerivedHistoryAdmin(HistoryAdmin):
    """Derived rows (conflicts, disputes) are rebuilt from the record: a past version is shown,
    never restored, since restoring one would contradict the record it is derived from."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Derived rows are not reverted; edit the record instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)
