"""Disputes and their conflicts: derived data. Curators give a dispute a verdict
(``dispute_review``); they do not add or delete either.

The dispute list is the curator's home: one row per disputed question, its positions in a few
words with their supporters and strongest evidence grade, who speaks, the kinds of pair,
score, status and last activity. The dispute page shows the positions side by side with every
supporter, why they clash, pictures of it, the verdict form and the verdicts given so far.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from statements.admin.filters import (
    EntityFilter,
    PairClassFilter,
    SideFilter,
    SpeakerFilter,
    TimeRangeFilter,
)
from statements.admin.history import DerivedHistoryAdmin
from statements.models import Conflict, ConflictKind, Dispute, PairClass, Position, Verdict
from statements.selectors.workspace import (
    dispute_cards,
    dispute_home,
    dispute_live_conflicts,
    dispute_questions,
    dispute_speakers,
    dispute_verdicts,
    position_brief,
    shares_question,
)
from statements.services import dispute_review

WORKSPACE_CSS = {"all": ["statements/workspace.css"]}
PAIR_CLASS_LABELS = dict(PairClass.choices)
RULE_LABELS = dict(ConflictKind.choices)


class DerivedAdmin(DerivedHistoryAdmin):
    """Derived rows: no add, no delete, and no Revert in their history."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def pair_class_words(tags: Sequence[str]) -> str:
    return ", ".join(PAIR_CLASS_LABELS.get(tag, tag).lower() for tag in tags)


@admin.register(Conflict)
class ConflictAdmin(DerivedAdmin):
    list_display = ["__str__", "rule_names", "pair_class_names", "status", "score", "dispute"]
    list_filter = ["status"]
    search_fields = ["explanation"]
    readonly_fields = [
        "dispute",
        "position_a",
        "position_b",
        "rule_names",
        "pair_class_names",
        "score",
        "status",
        "explanation",
        "detected_at",
        "retracted_at",
    ]
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        # Nothing on a conflict is edited (verdicts go to its dispute): a page to read.
        return False

    def get_queryset(self, request):
        related = [f"position_{side}__{path}" for side in "ab" for path in _POSITION_JOINS]
        return (
            super()
            .get_queryset(request)
            .select_related(*related, "position_a__dispute_member__dispute")
        )

    @admin.display(description="rules")
    def rule_names(self, obj: Conflict) -> str:
        # The raw reasons and supporter pairs hold slugs and ids for clients; curators read
        # the rules' names here and the explanation below.
        return ", ".join(RULE_LABELS.get(rule, rule) for rule in obj.rule_list)

    @admin.display(description="pair classes")
    def pair_class_names(self, obj: Conflict) -> str:
        return pair_class_words(obj.pair_class_list)

    @admin.display(description="dispute")
    def dispute(self, obj: Conflict) -> str:
        dispute = obj.position_a.dispute
        if dispute is None:
            return "—"
        link = reverse("admin:statements_dispute_change", args=[dispute.pk])
        return format_html('<a href="{}">{}</a>', link, dispute)


_POSITION_JOINS = ("predicate", "subject", "object")


class DisputeReviewForm(forms.ModelForm):
    """The verdict: which position the record supports, unresolved, or no contradiction.

    The form opens on the verdict in force, so saving it again changes nothing.
    """

    new_verdict = forms.ChoiceField(label="Verdict", choices=Verdict.choices, required=False)
    supported_position = forms.ModelChoiceField(
        queryset=Position.objects.none(), required=False, label="Position the record supports"
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    class Meta:
        model = Dispute
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        positions = Position.objects.filter(disputes=self.instance).select_related(*_POSITION_JOINS)
        self.fields["supported_position"].queryset = positions
        self.fields["note"].initial = self.instance.verdict_note
        self.fields["new_verdict"].initial = self.instance.verdict
        self.fields["supported_position"].initial = self.instance.verdict_position_id

    def clean(self):
        cleaned = super().clean()
        verdict = cleaned.get("new_verdict")
        position = cleaned.get("supported_position")
        if not verdict and cleaned.get("note") != self.instance.verdict_note:
            self.add_error("new_verdict", "Give a verdict to save a note.")
        if verdict and verdict != Verdict.SUPPORTED:
            cleaned["supported_position"] = None
        elif verdict == Verdict.SUPPORTED and position is None:
            self.add_error("supported_position", "Name the position the record supports.")
        return cleaned

    def changes_verdict(self) -> bool:
        """Return whether the form says anything the dispute does not say already."""
        data = self.cleaned_data
        if not data.get("new_verdict"):
            return False
        position = data.get("supported_position")
        return (data["new_verdict"], position.pk if position else None, data["note"]) != (
            self.instance.verdict,
            self.instance.verdict_position_id,
            self.instance.verdict_note,
        )


class DisputeChangeList(ChangeList):
    """The dispute list, with who speaks in each dispute of the page read in one query."""

    def get_results(self, request):
        super().get_results(request)
        speakers = dispute_speakers(dispute.pk for dispute in self.result_list)
        for dispute in self.result_list:
            dispute.speaker_names = speakers.get(dispute.pk, [])


@admin.register(Dispute)
class DisputeAdmin(DerivedAdmin):
    form = DisputeReviewForm
    change_form_template = "admin/statements/dispute/change_form.html"
    list_display = [
        "title_link",
        "positions_brief",
        "speakers",
        "pair_class_names",
        "score_shown",
        "status",
        "last_activity",
    ]
    list_display_links = None
    list_filter = [
        "status",
        "verdict",
        EntityFilter,
        SpeakerFilter,
        SideFilter,
        ("positions__predicate", admin.RelatedOnlyFieldListFilter),
        PairClassFilter,
        TimeRangeFilter,
    ]
    search_fields = [
        "title",
        "positions__supporters__statement__quote",
        "positions__supporters__statement__speaker__name",
        "positions__supporters__evidence__title",
    ]
    list_per_page = 50
    readonly_fields = [
        "title",
        "status",
        "score",
        "verdict",
        "verdict_position",
        "reviewed_by",
        "reviewed_at",
        "reopened_because",
        "last_activity_at",
    ]
    fieldsets = [
        (
            "Verdict",
            {
                "fields": [
                    ("reviewed_by", "reviewed_at"),
                    "new_verdict",
                    "supported_position",
                    "note",
                ]
            },
        ),
    ]
    actions = ["mark_unresolved", "mark_not_a_contradiction"]

    class Media:
        css = WORKSPACE_CSS

    def get_queryset(self, request):
        return dispute_home()

    def get_changelist(self, request, **kwargs):
        return DisputeChangeList

    @admin.display(description="dispute", ordering="title")
    def title_link(self, obj: Dispute) -> str:
        link = reverse("admin:statements_dispute_change", args=[obj.pk])
        return format_html('<a class="ws-title" href="{}">{}</a>', link, obj.title)

    @admin.display(description="positions (supporters, best evidence grade)")
    def positions_brief(self, obj: Dispute) -> str:
        positions = list(obj.positions.all())
        shared = shares_question(positions)
        items = []
        for position in positions:
            grade = f", {position.best_grade}" if position.best_grade else ""
            total = position.supporter_total
            count = f"{total} supporter{'' if total == 1 else 's'}{grade}"
            items.append((position_brief(position, shared=shared), count))
        return format_html(
            '<ul class="ws-brief">{}</ul>',
            format_html_join("", "<li><b>{}</b> <span>{}</span></li>", items),
        )

    @admin.display(description="speakers")
    def speakers(self, obj: Dispute) -> str:
        return ", ".join(getattr(obj, "speaker_names", [])) or "evidence only"

    @admin.display(description="pair classes")
    def pair_class_names(self, obj: Dispute) -> str:
        return pair_class_words([tag for tag in obj.pair_classes.split(",") if tag])

    @admin.display(description="last activity", ordering="last_activity_at")
    def last_activity(self, obj: Dispute) -> str:
        return f"{obj.last_activity_at.astimezone(UTC):%-d %b %Y %H:%M}"

    @admin.display(description="score", ordering="score")
    def score_shown(self, obj: Dispute) -> str:
        return f"{obj.score:.2f}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dispute = self.get_object(request, object_id)
        if dispute is not None:
            extra_context = {**(extra_context or {}), **self.workspace(dispute)}
        return super().change_view(request, object_id, form_url, extra_context)

    def workspace(self, dispute: Dispute) -> dict:
        """Return what the dispute page shows above the verdict form."""
        timelines = [
            (
                f"{subject.name} · {predicate.name}",
                reverse("timeline-svg")
                + "?"
                + urlencode(
                    {"subject": subject.slug, "predicate": predicate.slug, "dispute": dispute.pk}
                ),
            )
            for subject, predicate in dispute_questions(dispute)
        ]
        return {
            "cards": dispute_cards(dispute),
            "conflicts": [
                (conflict, ", ".join(RULE_LABELS.get(r, r) for r in conflict.rule_list))
                for conflict in dispute_live_conflicts(dispute)
            ],
            "verdicts": dispute_verdicts(dispute),
            "pair_class_text": pair_class_words(
                [tag for tag in dispute.pair_classes.split(",") if tag]
            ),
            "graph_url": reverse("dispute-graph-svg", args=[dispute.pk]),
            "graph_missing": shutil.which("dot") is None,
            "timelines": timelines,
        }

    def save_model(self, request, obj, form, change):
        if form.changes_verdict():
            dispute_review(
                dispute=obj,
                verdict=form.cleaned_data["new_verdict"],
                position=form.cleaned_data.get("supported_position"),
                note=form.cleaned_data["note"],
                reviewer=request.user,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        if not form.changes_verdict():
            return []
        return [{"changed": {"fields": ["verdict", "note"]}}]

    def response_post_save_change(self, request, obj):
        # Back to the dispute, so the curator sees the verdict as it now stands.
        return HttpResponseRedirect(request.path)

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
