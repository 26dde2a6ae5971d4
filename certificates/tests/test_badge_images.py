"""The per-program badge image (badge_images.py) and its design in the admin (badge_admin.py)."""

import io
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import StaffFactory, UserFactory
from certificates import badge_images
from certificates.badge_images import badge_image_png, badge_look
from certificates.models import BadgeDesign, CertificateDesign
from programs.tests.factories import ProgramFactory

INSIDE = (80, 256)  # a point on the seal's disc, left of the words: the primary colour
CORNER = (2, 2)


def picture(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def pixel(png: bytes, where: tuple[int, int]) -> tuple[int, ...]:
    return picture(png).convert("RGBA").getpixel(where)


def image_file(name: str, *, fmt: str = "PNG", size: tuple[int, int] = (64, 64), color="#cc3300") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def staff_client(client, *perms: str):
    staff = StaffFactory(is_superuser=not perms)
    for perm in perms:
        staff.user_permissions.add(Permission.objects.get(codename=perm.split(".")[1]))
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_the_default_badge_is_a_512_px_png_in_the_certificate_design_colours():
    program = ProgramFactory(title="Certified Learning Practitioner", kind="certification")
    CertificateDesign.objects.create(program=program, primary_color="#2e6b3a", accent_color="#e0c068")
    png = badge_image_png(program=program)
    image = picture(png)
    assert (image.format, image.size, image.mode) == ("PNG", (512, 512), "RGBA")
    assert pixel(png, CORNER)[3] == 0  # round: transparent corners
    assert pixel(png, INSIDE) == (0x2E, 0x6B, 0x3A, 255)
    look = badge_look(program=program)
    assert (look.label, look.ribbon, look.organization) == (
        "Certified Learning Practitioner",
        "Certified",
        "Credo",
    )


@pytest.mark.django_db
def test_without_any_design_the_badge_takes_the_default_colours():
    png = badge_image_png(program=ProgramFactory(kind="series"))
    assert pixel(png, INSIDE) == (0x17, 0x40, 0x6D, 255)
    assert badge_look(program=ProgramFactory(kind="series")).ribbon == "Completed"


@pytest.mark.django_db
def test_staff_colours_words_and_emblem_change_the_badge():
    program = ProgramFactory()
    before = badge_image_png(program=program)
    design = BadgeDesign.objects.create(
        program=program, use_certificate_colors=False, primary_color="#7a1f5c", accent_color="#f0c040"
    )
    coloured = badge_image_png(program=program)
    assert coloured != before
    assert pixel(coloured, INSIDE) == (0x7A, 0x1F, 0x5C, 255)
    design.label = "CLP"
    design.save()
    assert badge_image_png(program=program) != coloured
    design.emblem.save("emblem.png", SimpleUploadedFile("emblem.png", image_file("emblem.png")))
    with_emblem = badge_image_png(program=program)
    assert pixel(with_emblem, (256, 174))[:3] == (0xCC, 0x33, 0x00)  # the emblem's middle


@pytest.mark.django_db
def test_each_look_is_drawn_once_and_again_after_a_change():
    program = ProgramFactory()
    with mock.patch.object(badge_images, "badge_draw", wraps=badge_images.badge_draw) as draw:
        first = badge_image_png(program=program)
        assert badge_image_png(program=program) == first
        assert draw.call_count == 1
        BadgeDesign.objects.create(program=program, ribbon="Graduate")
        badge_image_png(program=program)
        badge_image_png(program=program)
        assert draw.call_count == 2


@pytest.mark.django_db
def test_staff_design_a_badge_in_the_admin_and_see_its_preview(client):
    program = ProgramFactory(title="Teaching with Evidence")
    staff_client(client)
    data = {
        "program": program.pk, "label": "Evidence", "ribbon": "Completed", "primary_color": "#7a1f5c",
        "accent_color": "#f0c040", "emblem": SimpleUploadedFile("logo.jpg", image_file("x", fmt="JPEG")),
    }  # fmt: skip
    response = client.post(reverse("admin:certificates_badgedesign_add"), data)
    assert response.status_code == 302
    design = BadgeDesign.objects.get()
    assert (design.label, design.use_certificate_colors, design.primary_color) == (
        "Evidence",
        False,
        "#7a1f5c",
    )
    page = client.get(reverse("admin:certificates_badgedesign_change", args=[design.pk])).content.decode()
    preview = reverse("admin:certificates_badge_preview", args=[design.pk])
    assert f'<img src="{preview}?v=' in page
    assert 'alt="Badge of Teaching with Evidence" width="256" height="256"' in page
    response = client.get(preview)
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]  # the admin's own
    assert response.content == badge_image_png(program=program)
    assert pixel(response.content, INSIDE) == (0x7A, 0x1F, 0x5C, 255)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"not an image at all"), "Upload a valid image."),
        (
            SimpleUploadedFile("logo.gif", image_file("x", fmt="GIF")),
            "The emblem must be a PNG or JPEG image, not GIF.",
        ),
        (
            SimpleUploadedFile("big.png", image_file("x", size=(2400, 10))),
            "The emblem is 2400 × 10 pixels: at most 2000 on each side.",
        ),
        (
            SimpleUploadedFile("heavy.png", image_file("x") + b"\0" * (2 * 1024 * 1024)),
            "The emblem is larger than 2 MB: save it smaller and upload it again.",
        ),
    ],
)
def test_a_bad_emblem_or_colour_is_a_form_error_and_nothing_is_saved(client, upload, message):
    staff_client(client)
    data = {
        "program": ProgramFactory().pk,
        "primary_color": "#17406d",
        "accent_color": "#b8892b",
        "emblem": upload,
    }
    response = client.post(reverse("admin:certificates_badgedesign_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BadgeDesign.objects.exists()


@pytest.mark.django_db
def test_a_colour_that_is_not_a_colour_is_a_form_error(client):
    staff_client(client)
    data = {"program": ProgramFactory().pk, "primary_color": "blue", "accent_color": "#b8892b"}
    response = client.post(reverse("admin:certificates_badgedesign_add"), data)
    assert response.status_code == 200
    assert "Write a colour like #17406d." in response.content.decode()
    assert not BadgeDesign.objects.exists()


@pytest.mark.django_db
def test_the_preview_is_for_staff_with_the_permission_only(client):
    design = BadgeDesign.objects.create(program=ProgramFactory())
    url = reverse("admin:certificates_badge_preview", args=[design.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302  # to the admin's login
    staff_client(client, "certificates.view_certificate")
    assert client.get(url).status_code == 403
    staff_client(client, "certificates.view_badgedesign")
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:certificates_badge_preview", args=[design.pk + 1])).status_code == 404
