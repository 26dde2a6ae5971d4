"""The badge design in the admin: words, colours and an emblem per program, with a preview of
the image every credential of the program carries (certificates/badge_images.py)."""

from django import forms
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.decorators import staff_permission_required

from .badge_images import badge_image_png
from .models import BadgeDesign

MAX_EMBLEM_BYTES = 2 * 1024 * 1024
MAX_EMBLEM_PIXELS = 2000
EMBLEM_FORMATS = {"PNG", "JPEG"}


class BadgeDesignForm(forms.ModelForm):
    class Meta:
        model = BadgeDesign
        fields = [
            "program",
            "label",
            "ribbon",
            "use_certificate_colors",
            "primary_color",
            "accent_color",
            "emblem",
        ]
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "accent_color": forms.TextInput(attrs={"type": "color"}),
            "emblem": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def clean_emblem(self):
        """Django's ImageField has already opened the file with Pillow (not an image: its own
        message); here only PNG and JPEG, and not too large in bytes or pixels."""
        emblem = self.cleaned_data.get("emblem")
        image = getattr(emblem, "image", None)  # set only for a new upload
        if emblem and image is not None:
            if emblem.size > MAX_EMBLEM_BYTES:
                raise forms.ValidationError(
                    "The emblem is larger than 2 MB: save it smaller and upload it again."
                )
            if image.format not in EMBLEM_FORMATS:
                raise forms.ValidationError(f"The emblem must be a PNG or JPEG image, not {image.format}.")
            if max(image.size) > MAX_EMBLEM_PIXELS:
                width, height = image.size
                raise forms.ValidationError(
                    f"The emblem is {width} × {height} pixels: at most {MAX_EMBLEM_PIXELS} on each side."
                )
        return emblem


@admin.register(BadgeDesign)
class BadgeDesignAdmin(admin.ModelAdmin):
    form = BadgeDesignForm
    list_display = ("program", "label", "ribbon", "updated_at", "thumbnail")
    list_select_related = ("program",)
    autocomplete_fields = ("program",)
    search_fields = ("program__title", "label")
    readonly_fields = ("preview",)
    fieldsets = (
        (None, {"fields": ("program", "label", "ribbon", "emblem")}),
        ("Colours", {"fields": ("use_certificate_colors", "primary_color", "accent_color")}),
        ("Preview", {"fields": ("preview",)}),
    )

    def get_urls(self):
        return [
            path(
                "<int:pk>/badge.png",
                self.admin_site.admin_view(
                    staff_permission_required("certificates.view_badgedesign")(self.preview_png)
                ),
                name="certificates_badge_preview",
            ),
            *super().get_urls(),
        ]

    def _image(self, obj: BadgeDesign, size: int) -> str:
        return format_html(
            '<img src="{}?v={}" alt="Badge of {}" width="{}" height="{}">',
            reverse("admin:certificates_badge_preview", args=[obj.pk]),
            f"{obj.updated_at:%Y%m%d%H%M%S%f}",
            obj.program.title,
            size,
            size,
        )

    @admin.display(description="badge")
    def thumbnail(self, obj: BadgeDesign) -> str:
        return self._image(obj, 64)

    @admin.display(description="the badge as people receive it")
    def preview(self, obj: BadgeDesign) -> str:
        if not obj.pk:
            return "Save to see the badge."
        return self._image(obj, 256)

    def preview_png(self, request, pk: int) -> HttpResponse:
        design = get_object_or_404(BadgeDesign.objects.select_related("program"), pk=pk)
        return HttpResponse(badge_image_png(program=design.program), content_type="image/png")
