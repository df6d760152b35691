"""A record's kind in the admin: a choice from its vocabulary, stored as the kind's slug."""

from __future__ import annotations

from django import forms


class VocabularyChoiceField(forms.ChoiceField):
    """A kind picked from its vocabulary, by slug (the choices are read when the form is)."""

    def __init__(self, vocabulary, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(choices=lambda: [("", "---------"), *_choices(vocabulary)], **kwargs)


def _choices(vocabulary) -> list[tuple[str, str]]:
    return [
        (slug, f"{name} ({slug})") for slug, name in vocabulary.objects.values_list("slug", "name")
    ]


class KindFieldMixin:
    """Show a record's ``kind`` as a choice from ``kind_vocabulary`` instead of free text."""

    kind_vocabulary: type | None = None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "kind" and self.kind_vocabulary is not None:
            return VocabularyChoiceField(
                self.kind_vocabulary,
                required=not db_field.blank,
                help_text=db_field.help_text,
                label=db_field.verbose_name.capitalize(),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
