"""Each credential's CE hours, kept on the credential (decision 0023): the rule of
`services.ce_hours_counting` (approved, dated in its period, not counted for an earlier renewal)
as one SQL expression, written when a CE activity or a credential changes (receivers.py) and
after a renewal marks hours as used. The program dashboard reads the kept figure; a holder's
own pages still compute theirs."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def ce_hours_expression(ce_activity_model) -> Coalesce:
    """The hours counting toward the credential of the row it annotates or updates."""
    hours = (
        ce_activity_model.objects.filter(
            user=OuterRef("user"),
            program=OuterRef("program"),
            status="approved",
            date__gte=OuterRef("valid_from"),
            date__lte=OuterRef("valid_until"),
            counted_for__isnull=True,
        )
        .order_by()
        .values("user")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(hours), Value(Decimal(0)), output_field=DecimalField())


def credential_ce_refresh(*, user_id: int, program_id: int) -> None:
    """Recount the person's credentials in the program (one UPDATE)."""
    from .models import CEActivity, Credential

    Credential.objects.filter(user_id=user_id, program_id=program_id).update(
        ce_hours=ce_hours_expression(CEActivity)
    )


def ce_hours_fill(apps) -> None:
    """Every credential's hours (the migration that added them; the scale benchmark's data)."""
    credential = apps.get_model("recertification", "Credential")
    credential.objects.update(ce_hours=ce_hours_expression(apps.get_model("recertification", "CEActivity")))
