"""The help pages, the links to them where the questions arise, and the account menu."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import UserFactory
from config.views import HELP_PAGES
from practicums.tests.factories import PracticumFactory, register

HELP_IMAGES = Path(settings.BASE_DIR) / "static" / "img" / "help"


@pytest.mark.django_db
def test_help_index_lists_every_page(client):
    html = client.get(reverse("help:index")).content.decode()
    assert "<h1>Help</h1>" in html
    for slug, (title, _) in HELP_PAGES.items():
        assert f'<a href="/help/{slug}/">{title}</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("slug", list(HELP_PAGES))
def test_help_page_has_a_heading_and_pictures_with_alt_text(client, slug):
    response = client.get(reverse("help:page", args=[slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{HELP_PAGES[slug][0]}</h1>" in html
    images = re.findall(r"<img [^>]*>", html.split('<main id="main"', 1)[1])
    assert images, "each help page shows at least one picture"
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt is not None
        assert len(alt.group(1)) > 20, img  # a description, not a placeholder
        src = re.search(r'src="/static/img/help/([^"]+)"', img).group(1)
        picture = HELP_IMAGES / src
        assert picture.exists(), src
        assert picture.stat().st_size < 80_000, src
        with Image.open(picture) as image:  # the page reserves the picture's real size
            assert f'width="{image.width}" height="{image.height}"' in img, src


def test_help_pictures_are_few_and_small():
    pictures = sorted(HELP_IMAGES.iterdir())
    assert len(pictures) <= 10
    assert all(p.suffix == ".webp" and p.stat().st_size < 80_000 for p in pictures)


@pytest.mark.django_db
def test_unknown_help_page_is_404(client):
    assert client.get("/help/not-a-page/").status_code == 404


@pytest.mark.django_db
def test_footer_links_to_help_on_every_page(client):
    html = client.get("/").content.decode()
    footer = html.split('<footer class="site-footer"', 1)[1]
    assert '<a href="/help/">Help</a>' in footer
    for slug in HELP_PAGES:
        assert f'href="/help/{slug}/"' in footer


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "slug"),
    [
        ("certificates:mine", "download-a-certificate"),
        ("certificates:record", "share-your-record"),
        ("practicums:attendance", "attendance-codes"),
    ],
)
def test_help_is_linked_where_the_question_arises(client, url_name, slug):
    client.force_login(UserFactory())
    html = client.get(reverse(url_name)).content.decode()
    main = html.split('<main id="main"', 1)[1].split("<footer", 1)[0]
    assert f'<p class="help-link"><a href="/help/{slug}/">' in main


@pytest.mark.django_db
def test_dashboard_and_practicum_page_link_to_after_the_practicum(client):
    user = UserFactory()
    practicum = PracticumFactory()
    register(user, practicum)
    client.force_login(user)
    link = '<a href="/help/after-the-practicum/">Help: what happens after'
    assert link in client.get(reverse("dashboard")).content.decode()
    assert link in client.get(practicum.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_account_menu_for_a_signed_in_person(client):
    client.force_login(UserFactory(full_name="Ada Byron Lovelace"))
    html = client.get(reverse("certificates:mine")).content.decode()
    header = html.split('<header class="site-header"', 1)[1].split("</header>", 1)[0]
    menu = header.split('<details class="account-menu">', 1)[1].split("</details>", 1)[0]
    summary = menu.split("</summary>", 1)[0]
    assert '<span class="account-avatar" aria-hidden="true">AL</span>' in summary
    assert '<span class="account-name">Ada</span>' in summary
    assert '<span class="visually-hidden">: your account menu</span>' in summary
    items = re.findall(r"<li[^>]*><a href=\"([^\"]+)\"[^>]*>([^<]+)</a></li>", menu)
    assert items == [
        ("/me/", "My dashboard"),
        ("/me/certificates/", "My Certificates"),
        ("/me/record/", "My PL Record"),
        ("/me/profile/", "Profile"),
        ("/help/", "Help"),
    ]
    assert '<a href="/me/certificates/" aria-current="page">My Certificates</a>' in menu
    assert re.search(
        r'<form method="post" action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken"',
        menu,
    )
    # The main navigation keeps only what everyone uses; the personal pages moved to the menu.
    main_nav = header.split('<nav class="site-nav" aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<>]+)</a>", main_nav) == ["Programs", "Schedule", "Check in"]
    assert "<script" not in header
    assert '<script src="/static/js/account-menu.js" defer></script>' in html


@pytest.mark.django_db
def test_account_menu_offers_continuing_education_to_a_credential_holder(client):
    from datetime import date

    from programs.tests.factories import ProgramFactory
    from recertification.models import Credential

    user = UserFactory()
    Credential.objects.create(
        user=user,
        program=ProgramFactory(),
        number="C-1",
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 12, 31),
    )
    client.force_login(user)
    html = client.get(reverse("help:index")).content.decode()
    assert '<li><a href="/me/ce/">Continuing education</a></li>' in html


@pytest.mark.django_db
def test_no_account_menu_when_signed_out(client):
    html = client.get("/").content.decode()
    assert "account-menu" not in html
    assert '<a href="/accounts/login/">Log in</a>' in html


def test_initials():
    from accounts.models import User

    assert User(full_name="Ada Byron Lovelace", email="a@x.org").initials == "AL"
    assert User(full_name="plato", email="p@x.org").initials == "P"
    assert User(full_name="", email="zed@x.org").initials == "Z"
