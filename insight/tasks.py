from celery import shared_task
from django.utils import timezone

from .snapshots import dashboards_refresh


@shared_task(name="insight.refresh_dashboards")
def refresh_dashboards() -> int:
    """Every 10 minutes (beat): the program dashboards someone looked at this week, recomputed."""
    return dashboards_refresh(now=timezone.now())
