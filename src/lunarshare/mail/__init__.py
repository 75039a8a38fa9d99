"""Outgoing e-mail: one send path for the whole project.

Code that wants to e-mail someone calls :func:`lunarshare.mail.services.email_queue` inside
its transaction. That writes an :class:`~lunarshare.mail.models.OutboundEmail` row (so a
rolled-back transaction leaves nothing to send) and, after the commit, hands its id to the
Celery task ``mail.send_email``. No request ever talks SMTP; with no broker configured the task
runs eagerly after the commit, so the embedded demo still needs nothing but Python.
"""
