"""The curators' import page in the admin: a CSV, XLSX or NDJSON file of statements and
evidence, checked in a dry run first, with every error listed by row and column."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from statements.interchange.records import records_import
from statements.interchange.tables import read_tables

# An upload larger than this is refused before it is read (the rows are held while checked).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class RecordsImportForm(forms.Form):
    file = forms.FileField(
        help_text="A .csv or .xlsx file with one row per assertion (the layout of "
        "/api/exports/statements/ and /api/exports/evidence/; an XLSX workbook may hold a "
        "'statements' and an 'evidence' sheet), or an .ndjson export. Records whose ref is on "
        "record are updated."
    )
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Dry run",
        help_text="Check every row and report; write nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"The file is over {MAX_UPLOAD_BYTES // 2**20} MB; split it.")
        return upload


class RecordsImportMixin:
    """Add an "Import" page (and its button on the list) to a statement or evidence admin."""

    change_list_template = "admin/statements/records_change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=name), *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RecordsImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                tables = read_tables(io.BytesIO(upload.read()), upload.name)
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                report = records_import(
                    tables=tables, created_by=request.user, dry_run=form.cleaned_data["dry_run"]
                )
                if report.written:
                    messages.success(request, f"Imported {upload.name}: {report}.")
                    changelist = f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
                    return redirect(reverse(changelist))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import {self.opts.verbose_name_plural}",
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/statements/records_import.html", context)
