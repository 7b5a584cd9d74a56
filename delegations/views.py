from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from agenda.middleware import presented_conference
from delegations import services
from delegations.forms import DelegationRequestForm, LetterForm, MemberForm, member_form_class
from delegations.lost_link import request_link
from delegations.models import Delegation, DelegationMember
from registration.forms import CorrectionForm, LostLinkForm
from registration.views import over_rate_limit, rate_limited


def own_delegation(token: str) -> Delegation:
    """The focal point's delegation, by its secret link; requests not yet accepted have no page."""
    return get_object_or_404(
        Delegation.objects.select_related("conference"), token=token, status__in=Delegation.OPEN_STATUSES
    )


def to_focal_point_page(delegation: Delegation) -> HttpResponse:
    return redirect("delegations:focal-point", token=delegation.token)


def noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def focal_point(request: HttpRequest, token: str) -> HttpResponse:
    """The list of members, the form to add one, the official letter and the submit button."""
    delegation = own_delegation(token)
    posted = request.POST.get("form")
    member_form = MemberForm(request.POST if posted == "member" else None)
    letter_form = LetterForm(*((request.POST, request.FILES) if posted == "letter" else ()))
    if posted == "member" and member_form.is_valid():
        try:
            services.add_member(
                delegation,
                details=member_form.registration_details(),
                language=get_language(),
                is_head=member_form.cleaned_data["is_head"],
            )
        except ValidationError as error:
            member_form.add_error("email" if error.code == "address_taken" else None, error)
        else:
            messages.success(request, _("The member has been added to the list."))
            return to_focal_point_page(delegation)
    if posted == "letter" and letter_form.is_valid():
        try:
            services.replace_letter(delegation, letter_form.cleaned_data["letter"])
        except ValidationError as error:
            letter_form.add_error(None, error)
        else:
            messages.success(request, _("The official letter has been saved."))
            return to_focal_point_page(delegation)
    members = list(delegation.members.select_related("registration").order_by("-is_head", "added_at", "pk"))
    seats_used = services.seats_used(delegation)
    return noindex(
        render(
            request,
            "delegations/focal_point.html",
            {
                "delegation": delegation,
                "conference": delegation.conference,
                "members": members,
                "seats_used": seats_used,
                "seats_left": max(delegation.quota - seats_used, 0),
                "member_form": member_form,
                "letter_form": letter_form,
                "can_submit": delegation.status in (Delegation.Status.INVITED, Delegation.Status.RETURNED),
            },
        )
    )


def carry_out(request: HttpRequest, action, done: str) -> bool:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, done)
    return True


@never_cache
@require_POST
def submit(request: HttpRequest, token: str) -> HttpResponse:
    delegation = own_delegation(token)
    carry_out(
        request,
        lambda: services.submit(delegation),
        _("Thank you: the list has been sent to the organisers, who will review it and write to you."),
    )
    return to_focal_point_page(delegation)


def own_member(delegation: Delegation, reference: str) -> DelegationMember:
    return get_object_or_404(
        delegation.members.select_related("registration", "registration__conference"), registration__reference=reference
    )


@never_cache
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, token: str, reference: str) -> HttpResponse:
    """A member's details, as the focal point may change them."""
    delegation = own_delegation(token)
    membership = own_member(delegation, reference)
    registration = membership.registration
    form_class = member_form_class(registration)
    form = None if registration.is_closed else form_class(request.POST or None, instance=registration)
    if request.method == "POST" and form is not None and form.is_valid():
        values = form.changed_values()
        if carry_out(
            request,
            lambda: services.update_member(membership, values=values, is_head=form.cleaned_data["is_head"]),
            _("The member's details have been saved."),
        ):
            return to_focal_point_page(delegation)
    return noindex(
        render(
            request,
            "delegations/member.html",
            {"delegation": delegation, "conference": delegation.conference, "member": membership, "form": form},
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def correct_member(request: HttpRequest, token: str, reference: str) -> HttpResponse:
    """Who a confirmed member is, corrected for the organisers' review, as the member would from their own page."""
    delegation = own_delegation(token)
    membership = own_member(delegation, reference)
    registration = membership.registration
    if registration.is_closed or not registration.identity_is_frozen:
        return redirect("delegations:member", token=delegation.token, reference=reference)
    form = CorrectionForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_member(membership, proposed=form.proposed())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The correction has been sent: the organisers will review it, "
                    "and the member's badge waits until then."
                ),
            )
            return to_focal_point_page(delegation)
    return noindex(
        render(
            request,
            "delegations/member_correction.html",
            {"delegation": delegation, "conference": delegation.conference, "member": membership, "form": form},
        )
    )


@never_cache
@require_POST
def remove_member(request: HttpRequest, token: str, reference: str) -> HttpResponse:
    delegation = own_delegation(token)
    membership = own_member(delegation, reference)
    carry_out(
        request,
        lambda: services.remove_member(membership),
        _("%(name)s has been removed from the list, and their seat is free again.")
        % {"name": membership.registration.full_name},
    )
    return to_focal_point_page(delegation)


@never_cache
@require_http_methods(["GET", "POST"])
def request_delegation(request: HttpRequest) -> HttpResponse:
    """A focal point asks for a delegation; organisers accept it (setting the quota) or decline it."""
    conference = presented_conference(request)
    if request.method == "POST" and over_rate_limit(request, "delegation-request"):
        return rate_limited(request)
    form = DelegationRequestForm(request.POST or None, instance=Delegation(conference=conference))
    if request.method == "POST" and form.is_valid():
        services.request_delegation(conference=conference, details=form.details(), language=get_language())
        return render(request, "delegations/request_sent.html", {"conference": conference})
    return render(request, "delegations/request.html", {"conference": conference, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def lost_link(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address is a focal point's."""
    conference = presented_conference(request)
    if request.method == "POST" and over_rate_limit(request, "lost-link"):
        return rate_limited(request)
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_link(conference=conference, email=form.cleaned_data["email"])
        return render(request, "delegations/link_sent.html", {"conference": conference})
    return render(request, "delegations/lost_link.html", {"conference": conference, "form": form})
