"""Disputes and their conflicts: derived data. Curators give a dispute a verdict
(``dispute_review``); they do not add or delete either.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Prefetch
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from statements.admin.common import excerpt
from statements.models import (
    Assertion,
    Conflict,
    Dispute,
    Position,
    Verdict,
)
from statements.services import (
    dispute_review,
)

# --- Disputes and their conflicts: derived, never added or deleted by hand ---


class DerivedAdmin(SimpleHistoryAdmin):
    """Derived rows: no add, no delete, and no Revert in their history."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Conflict)
class ConflictAdmin(DerivedAdmin):
    list_display = ["__str__", "rule_names", "pair_class_names", "status", "score", "dispute"]
    list_filter = ["status"]
    search_fields = ["explanation"]
    readonly_fields = [
        "position_a",
        "position_b",
        "rule_names",
        "pair_class_names",
        "score",
        "status",
        "explanation",
        "reasons",
        "supporter_pairs",
        "detected_at",
        "retracted_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        related = [f"position_{side}__{path}" for side in "ab" for path in _POSITION_JOINS]
        return super().get_queryset(request).select_related(*related, "position_a__dispute")

    @admin.display(description="rules")
    def rule_names(self, obj: Conflict) -> str:
        return ", ".join(obj.rule_list)

    @admin.display(description="pair classes")
    def pair_class_names(self, obj: Conflict) -> str:
        return ", ".join(name.replace("_", " ") for name in obj.pair_class_list)

    @admin.display(description="dispute")
    def dispute(self, obj: Conflict) -> str:
        return str(obj.position_a.dispute or "")


_POSITION_JOINS = ("predicate", "subject", "object")


class DisputeReviewForm(forms.ModelForm):
    """The verdict: which position the record supports, unresolved, or no contradiction."""

    new_verdict = forms.ChoiceField(
        label="Verdict",
        choices=[("", "Keep the verdict as it is"), *Verdict.choices[1:]],
        required=False,
    )
    supported_position = forms.ModelChoiceField(
        queryset=Position.objects.none(), required=False, label="Position the record supports"
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    class Meta:
        model = Dispute
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        positions = Position.objects.filter(dispute=self.instance).select_related(*_POSITION_JOINS)
        self.fields["supported_position"].queryset = positions
        self.fields["note"].initial = self.instance.verdict_note
        self.fields["new_verdict"].initial = self.instance.verdict
        self.fields["supported_position"].initial = self.instance.verdict_position_id

    def clean(self):
        cleaned = super().clean()
        verdict = cleaned.get("new_verdict")
        position = cleaned.get("supported_position")
        if not verdict and cleaned.get("note") != self.instance.verdict_note:
            if not self.instance.verdict:
                self.add_error("new_verdict", "Give a verdict to save a note.")
            verdict = cleaned["new_verdict"] = self.instance.verdict
        if verdict and verdict != Verdict.SUPPORTED:
            cleaned["supported_position"] = None
        elif verdict == Verdict.SUPPORTED and position is None:
            self.add_error("supported_position", "Name the position the record supports.")
        return cleaned


@admin.register(Dispute)
class DisputeAdmin(DerivedAdmin):
    form = DisputeReviewForm
    list_display = ["title", "status", "verdict", "score", "position_count", "last_activity_at"]
    list_filter = ["status", "verdict"]
    search_fields = ["title", "positions__supporters__statement__quote"]
    readonly_fields = [
        "title",
        "status",
        "score",
        "verdict",
        "verdict_position",
        "reviewed_by",
        "reviewed_at",
        "reopened_because",
        "positions_table",
        "last_activity_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", ("status", "score"), "reopened_because", "positions_table"]}),
        (
            "Verdict",
            {
                "fields": [
                    ("verdict", "verdict_position", "reviewed_by", "reviewed_at"),
                    "new_verdict",
                    "supported_position",
                    "note",
                ]
            },
        ),
    ]
    actions = ["mark_unresolved", "mark_not_a_contradiction"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(position_total=Count("positions", distinct=True))
        )

    @admin.display(description="positions", ordering="position_total")
    def position_count(self, obj: Dispute) -> int:
        return obj.position_total

    @admin.display(description="positions and who holds them")
    def positions_table(self, obj: Dispute) -> str:
        supporters = Assertion.objects.select_related(
            "statement__speaker", "statement__source", "evidence__source"
        ).order_by("id")
        positions = (
            Position.objects.filter(dispute=obj)
            .select_related(*_POSITION_JOINS)
            .prefetch_related(Prefetch("supporters", queryset=supporters))
        )
        rows = []
        for position in positions:
            held = format_html_join(
                "", "<li>{}</li>", ((_supporter_text(a),) for a in position.supporters.all())
            )
            rows.append((position, held))
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li><strong>{}</strong><ul>{}</ul></li>", rows),
        )

    def save_model(self, request, obj, form, change):
        verdict = form.cleaned_data.get("new_verdict")
        if verdict:
            dispute_review(
                dispute=obj,
                verdict=verdict,
                position=form.cleaned_data.get("supported_position"),
                note=form.cleaned_data["note"],
                reviewer=request.user,
            )

    def _review(self, request, queryset, verdict: str) -> None:
        for dispute in queryset:
            dispute_review(
                dispute=dispute, verdict=verdict, note=dispute.verdict_note, reviewer=request.user
            )
        label = Verdict(verdict).label.lower()
        self.message_user(request, f"{len(queryset)} dispute(s): {label}.", messages.SUCCESS)

    @admin.action(description="Mark as a real contradiction, unresolved", permissions=["change"])
    def mark_unresolved(self, request, queryset):
        self._review(request, queryset, Verdict.UNRESOLVED)

    @admin.action(description="Mark as not a real contradiction", permissions=["change"])
    def mark_not_a_contradiction(self, request, queryset):
        self._review(request, queryset, Verdict.NOT_A_CONTRADICTION)


def _supporter_text(assertion: Assertion) -> str:
    hedge = "" if assertion.certainty == "asserted" else f" ({assertion.certainty})"
    if assertion.statement_id:
        statement = assertion.statement
        return (
            f"{statement.speaker}, {statement.said_at:%d %b %Y}{hedge}: "
            f"“{excerpt(statement.quote, 16)}” — {statement.source}"
        )
    evidence = assertion.evidence
    return f"{evidence} (evidence graded {evidence.grade}){hedge} — {evidence.source}"
