"""Credo's composition root: settings, URLs, Celery and the pages that read several apps."""

from .celery_app import app as celery_app

__all__ = ("celery_app",)
