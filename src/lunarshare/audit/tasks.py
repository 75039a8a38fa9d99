"""Celery tasks of the audit app: thin wrappers around services."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="lunarshare.audit.tasks.write_checkpoint")
def write_checkpoint() -> str | None:
    """Daily: sign the chain's head (system task, ``actor=None``). Logs an error and writes
    nothing when no signing key is configured or the chain no longer verifies."""
    from lunarshare.errors import DomainError

    from .checkpoints import checkpoint_create

    try:
        return str(checkpoint_create(actor=None))
    except DomainError as exc:
        logger.error("audit checkpoint not written: %s", exc)
        return None
