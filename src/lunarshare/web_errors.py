"""The one mapping from domain errors to web responses (the API has its own in ``lunarshare.api``).

Views call services and let their refusals propagate; this middleware answers them:

* ``NotFoundError`` → the 404 page (what a person may not see does not exist for them);
* ``PermissionDeniedError`` → the 403 page;
* any other ``DomainError`` on a POST → the message on the page the person came from (a
  same-site ``Referer``, else the page the view names with :func:`refused_to`, else the same
  address);
* any other ``DomainError`` on a GET → a page with the message and the error's status (400/409).

Nothing has changed when a service raises, so redirecting back is always safe.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from lunarshare.errors import DomainError, NotFoundError, PermissionDeniedError


def refused_to(url_name: str, *kwarg_names: str):
    """Name the page a POST-only view sends a refused person back to when the browser sent no
    ``Referer`` (``@refused_to("loans:detail", "pk")`` reverses with the URL's ``pk``)."""
    def decorator(view):
        view.refused_to = (url_name, kwarg_names)
        return view
    return decorator


def back_url(request) -> str:
    """Where to send the person after a refused POST: the page they came from, if it is ours."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    match = request.resolver_match
    target = getattr(match.func, "refused_to", None) if match else None
    if target:
        url_name, kwarg_names = target
        return reverse(url_name, kwargs={name: match.kwargs[name] for name in kwarg_names})
    return request.get_full_path()


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFoundError):
            raise Http404(str(exception.message))
        if isinstance(exception, PermissionDeniedError):
            raise PermissionDenied(str(exception.message))
        if request.method == "POST":
            messages.error(request, str(exception.message))
            return redirect(back_url(request))
        return render(request, "web/domain_error.html", {"message": exception.message}, status=exception.http_status)


def run_in_form(form, call):
    """Call ``call()`` (one service) for a form page; a refusal becomes the form's error and the
    page is shown again with what the person typed. Returns the result, or None when refused:
    ``form.is_valid()`` is False afterwards."""
    try:
        return call()
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return None
