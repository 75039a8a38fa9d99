"""Pages for people (profile, affiliation, notifications) and for officers (people and roles).

Views parse a form, call one service and show its refusal as a message; they never change
models themselves.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lunarshare.permissions import rule_required
from lunarshare.redirects import redirect_next
from lunarshare.web_errors import refused_to

from . import selectors, services
from .forms import AffiliationForm, ProfileForm, RejectForm, RoleForm, RoleRequestForm, TokenForm
from .models import POWER_ROLES, AffiliationRequest, Role, RoleGrantRequest
from .rules import can_apply, is_officer
from .security import has_totp


def _run(http_request, service, success_message: str, /, **kwargs) -> bool:
    """Call ``service(actor=<the signed-in person>, **kwargs)`` and show the success; a refusal
    is shown by ``DomainErrorMiddleware`` on the page the person came from."""
    service(actor=http_request.user, **kwargs)
    messages.success(http_request, success_message)
    return True


# --- The person's own pages -----------------------------------------------------------------

@rule_required("accounts.signed_in")
def profile(request):
    user = request.user
    initial = {"display_name": user.display_name, "orcid": user.orcid, "expertise": ", ".join(user.expertise or []),
               "preferred_language": user.preferred_language}
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(request, services.user_update_profile, _("Your profile is saved."), user=user, **form.cleaned_data):
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "form": form, "roles": sorted(Role(r).label for r in user.role_set),
        "latest_request": selectors.latest_affiliation_request(user), "may_apply": can_apply(user),
        "tokens": selectors.token_list_for(user), "token_form": TokenForm(),
        "role_requests": selectors.role_requests(status="", user=user),
    })


@rule_required("accounts.signed_in")
@require_POST
@refused_to("accounts:profile")
def token_create(request):
    """Issue a token from the profile page; its key is shown on this one answer and never again."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name of at most 100 characters."))
        return redirect("accounts:profile")
    token, key = services.token_create(actor=request.user, name=form.cleaned_data["name"],
                                       second_factor=has_totp(request.user))
    return render(request, "accounts/token_created.html", {"token": token, "key": key})


@rule_required("accounts.signed_in")
@require_POST
def token_revoke(request, pk):
    token = selectors.token_list_for(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    _run(request, services.token_revoke, _("The token “%(name)s” is revoked.") % {"name": token.name}, token=token)
    return redirect("accounts:profile")


@rule_required("accounts.signed_in")
def affiliation(request):
    user = request.user
    latest = selectors.latest_affiliation_request(user)
    pending = latest if latest and latest.status == AffiliationRequest.Status.PENDING else None
    form = AffiliationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposing = not data["institution"]
        if _run(request, services.affiliation_request,
                _("Your request is sent. A programme officer will confirm it."),
                institution=data["institution"],
                proposed_name=data["proposed_name"] if proposing else "",
                proposed_country=data["proposed_country"] if proposing else "",
                proposed_ror_id=data["proposed_ror_id"] if proposing else ""):
            return redirect("accounts:affiliation")
    return render(request, "accounts/affiliation.html", {
        "form": form, "latest_request": latest, "pending": pending, "may_apply": can_apply(user),
    })


@rule_required("accounts.signed_in")
def notifications(request):
    queryset = request.user.notifications.all()
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page, "unread": queryset.filter(read_at=None).count()})


@rule_required("accounts.signed_in")
@require_POST
@refused_to("accounts:notifications")
def notifications_mark_read(request):
    ids = request.POST.getlist("notification")
    try:
        ids = [int(pk) for pk in ids] if ids else None
    except ValueError:
        ids = []
    if services.notification_mark_read(actor=request.user, notification_ids=ids):
        messages.success(request, _("Marked as read."))
    return redirect("accounts:notifications")


# --- Officers -------------------------------------------------------------------------------

@rule_required("accounts.manage_people")
def officer_people(request):
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    people = Paginator(selectors.people_with_roles(search=search, role=role), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/officer_people.html", {
        "pending": selectors.pending_affiliation_requests(), "people": people, "search": search,
        "role": role, "roles": Role.choices, "reject_form": RejectForm(),
        # power roles are asked for on the person's page and approved by a second officer
        "direct_roles": [(r.value, r.label) for r in Role if r not in POWER_ROLES],
        "open_role_requests": selectors.role_requests(status=RoleGrantRequest.Status.REQUESTED).count(),
    })


@rule_required("accounts.manage_people")
@require_POST
@refused_to("accounts:officer-people")
def affiliation_confirm(request, pk):
    affiliation_request = selectors.affiliation_request_get_for_user(request.user, pk)
    _run(request, services.affiliation_confirm, _("Affiliation confirmed: %(user)s may now apply.")
         % {"user": affiliation_request.user}, request=affiliation_request, note=request.POST.get("note", ""))
    return redirect("accounts:officer-people")


@rule_required("accounts.manage_people")
@require_POST
@refused_to("accounts:officer-people")
def affiliation_reject(request, pk):
    affiliation_request = selectors.affiliation_request_get_for_user(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the request is rejected."))
    else:
        _run(request, services.affiliation_reject, _("Affiliation request rejected."),
             request=affiliation_request, note=form.cleaned_data["note"])
    return redirect("accounts:officer-people")


@rule_required("accounts.manage_people")
@require_POST
@refused_to("accounts:officer-people")
def person_roles(request, pk):
    person = selectors.person_get_for_officer(request.user, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        role = form.cleaned_data["role"]
        label = Role(role).label
        if form.cleaned_data["action"] == "grant":
            _run(request, services.role_grant, _("%(user)s now holds the role “%(role)s”.") % {"user": person, "role": label},
                 user=person, role=role)
        else:
            _run(request, services.role_revoke, _("%(user)s no longer holds the role “%(role)s”.")
                 % {"user": person, "role": label}, user=person, role=role)
    return redirect_next(request, "accounts:officer-people")


# --- Four eyes on power roles ---------------------------------------------------------------

def _officer_only_or_404(request):
    """The four-eyes pages do not exist for anyone but officers (404, not 403)."""
    if not is_officer(request.user):
        raise Http404


@rule_required("accounts.signed_in")
def person_detail(request, pk):
    """One person: roles, role requests (open and decided) and a form to ask for a power role."""
    _officer_only_or_404(request)
    person = selectors.person_get_for_officer(request.user, pk)
    form = RoleRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _run(request, services.role_grant_request,
                _("Request sent: a second programme officer must approve it."), user=person, **form.cleaned_data):
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person.html", {
        "person": person, "roles": sorted(Role(r).label for r in person.role_set), "form": form,
        "requests": selectors.role_requests(status="", user=person),
    })


@rule_required("accounts.signed_in")
def role_requests(request):
    """The officers' queue of role requests waiting for a second officer."""
    _officer_only_or_404(request)
    return render(request, "accounts/role_requests.html", {
        "requests": selectors.role_requests(status=RoleGrantRequest.Status.REQUESTED),
    })


@rule_required("accounts.signed_in")
@require_POST
@refused_to("accounts:role-requests")
def role_request_decide(request, pk, decision):
    _officer_only_or_404(request)
    grant_request = selectors.role_request_get_for_officer(request.user, pk)
    note = request.POST.get("note", "")
    if decision == "approve":
        _run(request, services.role_grant_approve, _("Approved: %(user)s now holds the role “%(role)s”.")
             % {"user": grant_request.user, "role": grant_request.get_role_display()},
             grant_request=grant_request, note=note)
    elif decision == "reject":
        _run(request, services.role_grant_reject, _("Role request rejected."), grant_request=grant_request, note=note)
    elif decision == "cancel":
        _run(request, services.role_grant_cancel, _("Role request withdrawn."), grant_request=grant_request)
    else:
        raise Http404
    return redirect("accounts:role-requests")
