"""Share-link emails cannot be used to relay mail: a fixed subject and no person-chosen header,
the person's message marked as theirs, limits per sender and per recipient; and a link whose
write fails (a database outage) does not use up the person's quota."""

import email
from email import policy

import pytest
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from certificates.models import ShareLink
from modules.tests.factories import enroll
from programs.tests.factories import ProgramFactory

SPAM_NAME = "Claim your prize at spam.example"


def share(client, to: str, note: str = "Here is my record."):
    return client.post(
        reverse("certificates:link_create"),
        {"label": "", "expiry": "30", "view": "completed", "email_to": to, "note": note if to else ""},
    )


def signed_in(client, **kwargs):
    user = UserFactory(**kwargs)
    enroll(user, ProgramFactory())
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_share_email_has_a_fixed_subject_no_reply_to_and_quotes_the_note(
    client, django_capture_on_commit_callbacks
):
    user = signed_in(client, full_name=SPAM_NAME, email="sender@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert share(client, "principal@school.example", note="Buy now\nat spam.example").status_code == 302
    [message] = mail.outbox
    headers = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert headers["Subject"] == "[Credo] A record of professional learning was shared with you"
    assert headers["Reply-To"] is None
    assert SPAM_NAME not in "".join(f"{name}: {value}" for name, value in headers.items())
    text, html = message.body, message.alternatives[0][0]
    assert f"{SPAM_NAME} wrote (their words, not Credo's):\n> Buy now\n> at spam.example\n" in text
    assert f"write to {user.email}" in text
    assert "Buy now<br>at spam.example</blockquote>" in html


@pytest.mark.django_db
def test_share_emails_are_limited_per_recipient_mailbox_across_senders(
    client, django_capture_on_commit_callbacks
):
    addresses = ["Victim@example.org", "victim+1@example.org", "victim@EXAMPLE.org", "victim+b@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        for to in [*addresses, "victim@example.org"]:  # five senders, five emails to one mailbox
            signed_in(client)
            assert share(client, to).status_code == 302
        signed_in(client)
        refused = share(client, "victim+new@example.org")
    assert refused.status_code == 400
    assert refused.context["form"].errors["email_to"] == [
        "This address has received several links from us today. Please send it the link yourself."
    ]
    assert len(mail.outbox) == 5
    assert ShareLink.objects.count() == 5  # the refused one made no link either
    assert share(client, "someone.else@example.org").status_code == 302


@pytest.mark.django_db
def test_share_emails_are_limited_per_sender(client, django_capture_on_commit_callbacks, monkeypatch):
    from certificates import record_views
    from core.limits import Limit

    monkeypatch.setattr(record_views, "LINK_LIMIT", Limit(group="t.links", rate="100/h", message="links"))
    signed_in(client)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [share(client, f"p{n}@school.example").status_code for n in range(21)]
    assert statuses == [302] * 20 + [400]
    assert len(mail.outbox) == 20
    assert share(client, "").status_code == 302  # a link without an email is still made


@pytest.mark.django_db
def test_a_failed_link_write_does_not_use_up_the_persons_quota(client, monkeypatch):
    signed_in(client)
    for _ in range(9):
        assert share(client, "").status_code == 302
    with monkeypatch.context() as patched:
        patched.setattr(
            ShareLink, "save", lambda *args, **kwargs: (_ for _ in ()).throw(DatabaseError("down"))
        )
        for _ in range(3):  # the outage
            with pytest.raises(DatabaseError):
                share(client, "")
    assert share(client, "").status_code == 302  # the tenth link is still allowed
    refused = share(client, "")
    assert refused.status_code == 400
    assert "You have created many links in the last hour." in refused.content.decode()
    assert ShareLink.objects.count() == 10
