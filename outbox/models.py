from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A Celery task to publish: written in the transaction that asks for it, deleted once the
    broker has taken it. A row that stays is work the broker refused; the sweep retries it."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_try_at = models.DateTimeField(help_text="The sweep publishes the message from this moment on.")

    class Meta:
        verbose_name = "queued task"
        indexes = [models.Index(fields=["next_try_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
