import io
import shutil
import subprocess  # nosec B404
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.decorators import staff_permission_required
from accounts.selectors import staff_may
from core.admin import LargeTableAdmin, ReadOnlyInline
from programs.models import Program

from .models import Certificate, CertificateDesign, CertificateEvent, EmailBatch
from .rendering import CertificateValues, DesignError, DesignRenderer
from .selectors import certificates_for_program_export, certificates_held, certificates_refused, tonight_queue
from .services import (
    certificate_hold,
    certificate_reissue,
    certificate_resend,
    certificate_revoke,
    design_values_of,
)

SAMPLE = CertificateValues(
    name="Zoë Łukasz Nguyễn",
    title="Writing learning objectives",
    kind_label="Certificate of Completion",
    program="Sample program",
    organization="Credo",
    hours="3",
    date="November 22, 2026",
    code="ACDE-FGHJ-KMNP",
    verify_url="https://credo.example/verify/ACDEFGHJKMNP/",
)


TEMPLATE_HELP = (
    "Template (HTML and CSS in Django template syntax). Values: name, title, kind_label, program, "
    "organization, hours, date, code, verify_url, qr_url, name_class, primary_color, accent_color, "
    "page_size, signer_name, signer_title, logo_url, signature_url. Files: static:… and media:… URLs only."
)


class CertificateDesignForm(forms.ModelForm):
    class Meta:
        model = CertificateDesign
        fields = [
            "program", "page_size", "primary_color", "accent_color", "logo", "signature",
            "signer_name", "signer_title", "html", "css",
        ]  # fmt: skip
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "accent_color": forms.TextInput(attrs={"type": "color"}),
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        design = CertificateDesign(
            **{k: v for k, v in data.items() if k in {f.name for f in CertificateDesign._meta.fields}}
        )
        try:
            DesignRenderer(design_values_of(design)).render(SAMPLE)
        except DesignError as exc:
            raise forms.ValidationError(f"This design cannot be saved: {exc}") from exc
        return data


def pdf_to_png(pdf: bytes) -> bytes | None:
    """First page as PNG with poppler's pdftoppm (Debian poppler-utils)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "preview.pdf", Path(folder) / "preview"
        source.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603 (a fixed tool on our own temporary files)  # nosec B603
            [tool, "-png", "-r", "60", "-singlefile", str(source), str(target)],
            capture_output=True,
            timeout=30,
            check=False,
        )
        png = target.with_suffix(".png")
        return png.read_bytes() if result.returncode == 0 and png.exists() else None


@admin.register(CertificateDesign)
class CertificateDesignAdmin(admin.ModelAdmin):
    form = CertificateDesignForm
    list_display = ("program", "page_size", "signer_name", "updated_at", "preview_link")
    readonly_fields = ("preview",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "program",
                    "page_size",
                    "primary_color",
                    "accent_color",
                    "logo",
                    "signature",
                    "signer_name",
                    "signer_title",
                )
            },
        ),
        ("Preview", {"fields": ("preview",)}),
        (TEMPLATE_HELP, {"fields": ("html", "css"), "classes": ("collapse",)}),
    )

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview.png",
                self.admin_site.admin_view(
                    staff_permission_required("certificates.view_certificatedesign")(self.preview_png)
                ),
                name="certificates_design_preview",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="preview")
    def preview_link(self, obj: CertificateDesign) -> str:
        return format_html(
            '<a href="{}">PNG</a>', reverse("admin:certificates_design_preview", args=[obj.pk])
        )

    @admin.display(description="preview (sample values)")
    def preview(self, obj: CertificateDesign) -> str:
        if not obj.pk:
            return "Save to see a preview."
        return format_html(
            '<img src="{}" alt="Preview of the certificate" width="660">',
            reverse("admin:certificates_design_preview", args=[obj.pk]),
        )

    def preview_png(self, request, pk: int):
        design = get_object_or_404(CertificateDesign, pk=pk)
        try:
            pdf = DesignRenderer(design_values_of(design)).render(SAMPLE)
        except DesignError as exc:
            return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
        png = pdf_to_png(pdf)
        if png is None:
            return HttpResponse(pdf, content_type="application/pdf")
        return HttpResponse(png, content_type="image/png")


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=300, help_text="Kept in the certificate's history; the holder's badge shows as revoked."
    )


class EventInline(ReadOnlyInline):
    model = CertificateEvent
    fields = ("at", "action", "by", "reason")


CONSOLE_ROWS = 50  # people (or certificates) per list on the issuance console


@admin.register(Certificate)
class CertificateAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = (
        "display_code",
        "name_on_certificate",
        "title",
        "kind",
        "earned_on",
        "status",
        "email_state",
        "held",
    )
    list_filter = ("status", "kind", "email_state", "held", "program")
    search_fields = ("verification_code", "name_on_certificate", "user__email", "title")
    list_select_related = ("user", "program")
    # No date_hierarchy: its year links read the distinct years of every matching certificate
    # (400,000 rows at the scale benchmark's size); the list is newest first.
    readonly_fields = [f.name for f in Certificate._meta.fields if f.name != "pdf"] + ["pdf_file"]
    exclude = ("pdf",)  # never a /media/ link: see pdf_file
    inlines = [EventInline]
    actions = ["resend", "hold", "release", "reissue", "revoke"]
    change_list_template = "admin/certificates/certificate/change_list.html"

    @admin.display(description="PDF")
    def pdf_file(self, obj: Certificate) -> str:
        if not obj.pdf:
            return "Being prepared (rendered by a worker)"
        return format_html('<a href="{}">Download</a>', reverse("certificates:pdf", args=[obj.pk]))

    def get_urls(self):
        return [
            path(
                "console/",
                self.admin_site.admin_view(
                    staff_permission_required("certificates.view_certificate")(self.console)
                ),
                name="certificates_console",
            ),
            *super().get_urls(),
        ]

    def console(self, request):
        """The issuance console: tonight's queue, held and refused certificates, recent
        batches, and a ZIP of a program's certificates."""
        if request.method == "POST":
            if not staff_may(user=request.user, perm="certificates.change_certificate"):
                raise PermissionDenied
            certificate = get_object_or_404(Certificate, pk=request.POST.get("certificate"))
            action = request.POST.get("action")
            if action in ("hold", "release"):
                certificate_hold(certificate=certificate, by=request.user, held=action == "hold")
            elif action == "resend":
                certificate_resend(certificate=certificate, by=request.user)
            self.message_user(request, f"{certificate.display_code}: {action} done.")
            return redirect("admin:certificates_console")
        program_id = request.GET.get("export")
        if program_id and program_id.isdigit():
            return self._export_zip(int(program_id))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Issuance console",
            "queue": tonight_queue(show=CONSOLE_ROWS),
            "held": certificates_held()[:CONSOLE_ROWS],
            "held_count": certificates_held().count(),
            "refused": certificates_refused()[:CONSOLE_ROWS],
            "refused_count": certificates_refused().count(),
            "shown": CONSOLE_ROWS,
            "batches": EmailBatch.objects.all()[:10],
            "programs": Program.objects.order_by("title"),
        }
        return render(request, "admin/certificates/certificate/console.html", context)

    def _export_zip(self, program_id: int) -> HttpResponse:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for certificate in certificates_for_program_export(program_id=program_id):
                with certificate.pdf.open("rb") as handle:
                    day, name = f"{certificate.earned_on:%Y-%m-%d}", certificate.name_on_certificate
                    archive.writestr(f"{day} {name} {certificate.display_code}.pdf", handle.read())
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="certificates-program-{program_id}.zip"'
        return response

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Resend the selected certificates now")
    def resend(self, request, queryset):
        for certificate in queryset.filter(status=Certificate.Status.LIVE):
            certificate_resend(certificate=certificate, by=request.user)
        self.message_user(request, "Queued for sending.")

    @admin.action(description="Hold (do not email until released)")
    def hold(self, request, queryset):
        for certificate in queryset:
            certificate_hold(certificate=certificate, by=request.user, held=True)
        self.message_user(request, "Held.")

    @admin.action(description="Release held certificates")
    def release(self, request, queryset):
        for certificate in queryset.filter(held=True):
            certificate_hold(certificate=certificate, by=request.user, held=False)
        self.message_user(request, "Released: they go out with the next batch.")

    @admin.action(description="Re-issue with the current name and design (new version)")
    def reissue(self, request, queryset):
        done = 0
        for certificate in queryset.filter(status=Certificate.Status.LIVE):
            certificate_reissue(
                certificate=certificate, by=request.user, reason=f"Bulk re-issue {timezone.now():%Y-%m-%d}"
            )
            done += 1
        self.message_user(
            request,
            f"Re-issued {done} certificate(s); the old versions are marked superseded.",
            messages.SUCCESS,
        )

    @admin.action(description="Revoke the selected certificates (asks for a reason)", permissions=["change"])
    def revoke(self, request, queryset):
        """A confirmation page with a reason first; then each live certificate is revoked (its
        verify page, verify JSON and badge status list say so at once)."""
        live = queryset.filter(status=Certificate.Status.LIVE).select_related("user")
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Revoke certificates",
                "certificates": live,
                "form": form,
                "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/certificates/certificate/revoke.html", context)
        done = 0
        for certificate in live:
            certificate_revoke(certificate=certificate, by=request.user, reason=form.cleaned_data["reason"])
            done += 1
        self.message_user(request, f"Revoked {done} certificate(s).", messages.SUCCESS)
        return None


@admin.register(EmailBatch)
class EmailBatchAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = (
        "run_for",
        "started_at",
        "triggered_by",
        "people",
        "sent",
        "refused",
        "retried",
        "failed",
        "duration",
    )
    readonly_fields = [f.name for f in EmailBatch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


from . import badge_admin  # noqa: E402, F401 (registers the badge design's admin)
