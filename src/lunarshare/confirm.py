"""Confirmation before an irreversible step (submit, close a round early, publish, decide ...).

A form that needs it carries ``data-confirm="<question>"``; ``web/static/web/confirm.js``
asks in a ``<dialog>`` and adds ``confirmed=1`` before sending. Without JavaScript the view
answers the unconfirmed POST with a confirmation page that re-posts the same fields with
``confirmed=1``. So the step never happens unconfirmed, with or without JavaScript.
"""

from __future__ import annotations

from django.shortcuts import render

SKIPPED = {"csrfmiddlewaretoken", "confirmed"}


def confirmation_page(request, question, *, cancel_url: str):
    """``None`` when the POST is confirmed; otherwise the confirmation page to answer with."""
    if request.POST.get("confirmed") == "1":
        return None
    fields = [(key, value) for key in request.POST if key not in SKIPPED for value in request.POST.getlist(key)]
    return render(request, "web/confirm.html", {"question": question, "fields": fields,
                                                "action": request.get_full_path(), "cancel_url": cancel_url})
