import copy
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from agenda.feeds import conference_invitation
from agenda.middleware import presented_conference
from agenda.models import Conference, Window
from agenda.page_cache import the_same_for_everyone, the_same_for_everyone_but_the_token
from registration import badges, checkin, corrections, erasure, seats, services
from registration.forms import CorrectionForm, DetailsForm, LostLinkForm, NeedsForm, RegistrationForm
from registration.lost_link import request_link
from registration.mail import personal_url
from registration.models import Registration, new_reference
from wpsconf.clients import client_key

# The done page's address carries the reference, signed: no session row per registration,
# and nobody can make the page show a reference of their choosing.
DONE_SALT = "registration.done"
DONE_PAGE_LIFETIME = 60 * 60


def rate_limit_key(group: str, request: HttpRequest) -> str:
    return client_key(request)


def over_rate_limit(request: HttpRequest, group: str) -> bool:
    return is_ratelimited(
        request, group=group, key=rate_limit_key, rate=settings.REGISTRATION_RATE_LIMIT, method="POST", increment=True
    )


def rate_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/rate_limited.html", status=429)


def closed_page(request: HttpRequest, conference: Conference, *, media: bool = False) -> HttpResponse | None:
    """The page saying when registration opens or that it has closed; None while the form is open."""
    window = conference.registration_window()
    if media and not conference.media_capacity:
        window = "no_media"
    if window == Window.OPEN:
        return None
    return render(request, "registration/closed.html", {"conference": conference, "window": window, "media": media})


def to_done_page(outcome: services.Outcome | None) -> HttpResponse:
    """The same page for a new registration, a known address and a bot (`outcome` None).

    A known address gets its link by email and, here, a reference that exists nowhere:
    the page must not tell whether the address is known.
    """
    reference = outcome.registration.reference if outcome is not None and outcome.created else new_reference()
    return redirect("registration:done", signed_reference=signing.dumps(reference, salt=DONE_SALT))


@never_cache
@require_http_methods(["GET", "POST"])
@the_same_for_everyone_but_the_token
def register(request: HttpRequest) -> HttpResponse:
    conference = presented_conference(request)
    if closed := closed_page(request, conference):
        return closed
    if request.method == "POST" and over_rate_limit(request, "register"):
        return rate_limited(request)
    if request.method != "POST":
        return render(request, "registration/register.html", blank_form_page(conference, form=RegistrationForm))
    form = RegistrationForm(request.POST)
    if form.is_valid():
        if form.is_bot():
            return to_done_page(None)
        return to_done_page(
            services.register_attendee(
                conference=conference, details=form.registration_details(), language=get_language()
            )
        )
    return render(request, "registration/register.html", {"conference": conference, "form": form})


def blank_form_page(conference: Conference, **forms: Callable) -> dict:
    """A form page's context on a first visit: its fields are drawn once per language and kept
    ({% cache %} in the template), so each form is built only when they are not kept yet."""
    blank = {name: SimpleLazyObject(form) for name, form in forms.items()}
    return {"conference": conference, "blank": True, "process_cache": settings.PROCESS_CACHE, **blank}


@never_cache
def registration_done(request: HttpRequest, signed_reference: str) -> HttpResponse:
    try:
        reference = signing.loads(signed_reference, salt=DONE_SALT, max_age=DONE_PAGE_LIFETIME)
    except signing.BadSignature:
        return redirect("registration:register")
    return render(request, "registration/done.html", {"reference": reference, "conference": request.conference})


@never_cache
@require_http_methods(["GET", "POST"])
@the_same_for_everyone_but_the_token
def lost_link(request: HttpRequest) -> HttpResponse:
    conference = presented_conference(request)
    if request.method == "POST" and over_rate_limit(request, "lost-link"):
        return rate_limited(request)
    if request.method != "POST":
        return render(request, "registration/lost_link.html", blank_form_page(conference, form=LostLinkForm))
    form = LostLinkForm(request.POST)
    if form.is_valid():
        request_link(conference=conference, email=form.cleaned_data["email"])
        return render(request, "registration/link_sent.html", {"conference": conference})
    return render(request, "registration/lost_link.html", {"conference": conference, "form": form})


def to_personal_page(registration: Registration) -> HttpResponse:
    # Not `redirect(registration)`: a model with a URL gets the admin's "view on site", and
    # no staff route may ever lead to a personal link.
    return redirect("registration:personal-page", token=registration.token)


def carry_out(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """A registrant's action from their page: its refusal, or `done`, shown on the page they return to."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


def own_registration(token: str) -> Registration:
    return get_object_or_404(Registration.objects.select_related("conference"), token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def personal_page(request: HttpRequest, token: str) -> HttpResponse:
    registration = own_registration(token)
    form_class = NeedsForm if registration.identity_is_frozen else DetailsForm
    form = None if registration.is_closed else form_class(request.POST or None, instance=copy.copy(registration))
    if request.method == "POST" and form is not None and form.is_valid():
        carry_out(
            request,
            lambda: services.save_own_details(registration, form.changed_values()),
            _("Your details have been saved."),
        )
        return to_personal_page(registration)
    correction = corrections.pending_correction(registration)
    response = render(
        request,
        "registration/personal_page.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "form": form,
            "identity": identity_shown(registration) if registration.identity_is_frozen else [],
            "correction": correction,
            "correction_rows": corrections.side_by_side(correction) if correction else [],
            "waiting_list_position": seats.waiting_list_position(registration),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def identity_shown(registration: Registration) -> list[tuple[str, str]]:
    return [
        (
            corrections.label(field, registration),
            corrections.readable(field, corrections.as_stored(getattr(registration, field))),
        )
        for field in registration.identity_fields()
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def correction(request: HttpRequest, token: str) -> HttpResponse:
    """Once vetted, who the person is changes through a correction that organisers review."""
    registration = own_registration(token)
    if registration.is_closed or not registration.identity_is_frozen:
        return to_personal_page(registration)
    if corrections.pending_correction(registration):
        messages.info(request, _("Your previous correction is still being reviewed. Withdraw it to send another."))
        return to_personal_page(registration)
    form = CorrectionForm(request.POST or None, request.FILES or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            corrections.request_correction(registration, proposed=form.proposed(), photo=form.cleaned_data.get("photo"))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your correction has been sent. The organisers will review it and write to you; "
                    "until then your badge is withheld, and your seat is kept."
                ),
            )
            return to_personal_page(registration)
    response = render(
        request,
        "registration/correction.html",
        {"registration": registration, "conference": registration.conference, "form": form},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_POST
def withdraw_correction(request: HttpRequest, token: str) -> HttpResponse:
    registration = own_registration(token)
    pending = corrections.pending_correction(registration)
    if pending:
        carry_out(
            request,
            lambda: corrections.withdraw_correction(pending),
            _("Your correction has been withdrawn: your details stay as they were."),
        )
    return to_personal_page(registration)


@never_cache
def calendar_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The conference in the person's calendar, once their place is confirmed."""
    registration = own_registration(token)
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404("Only a confirmed place has a calendar invitation.")
    invitation = conference_invitation(registration.conference, url=personal_url(registration))
    response = HttpResponse(invitation, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{registration.conference.slug}.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def badge(request: HttpRequest, token: str) -> HttpResponse:
    """The person's badge, to print, once their place is confirmed."""
    registration = own_registration(token)
    # Media badges are handed over by the press office against an ID, never self-printed.
    if registration.status != Registration.Status.CONFIRMED or registration.is_media:
        raise Http404("Only a confirmed attendee downloads a badge.")
    response = HttpResponse(badges.badge_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="badge-{registration.reference}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's own request to erase their data: a page that says what it means, then done."""
    registration = own_registration(token)
    if request.method == "POST":
        erasure.erase_on_request(registration)
        return render(request, "registration/erased.html", {"conference": registration.conference})
    return render(request, "registration/erase.html", {"registration": registration})


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = own_registration(token)
    if request.method == "POST":
        carry_out(
            request,
            lambda: services.cancel_registration(registration),
            _("Your registration has been cancelled. We have sent you a confirmation."),
        )
        return to_personal_page(registration)
    return render(request, "registration/cancel.html", {"registration": registration})


@require_GET
@the_same_for_everyone
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/privacy.html", {"conference": request.conference})


def door_staff_only(view):
    """Signed-in staff with the check-in permission; others go to the login page, or get 403."""
    return login_required(login_url="admin:login")(
        permission_required("registration.check_in_registration", raise_exception=True)(view)
    )


def checkin_json(answer: checkin.Answer, conference: Conference) -> dict:
    registration = answer.registration
    return {
        "light": answer.light,
        "message": answer.message,
        "name": registration.addressed_name if registration else "",
        "details": checkin_details(registration),
        "photo": door_photo_url(answer),
        "confirmation": answer.confirmation,
        **count_of(conference),
    }


def count_of(conference: Conference) -> dict:
    counts = checkin.counts(conference)
    return {**counts, "count_text": _("%(checked_in)d checked in of %(expected)d expected") % counts}


def checkin_details(registration: Registration | None) -> str:
    if registration is None:
        return ""
    return " · ".join(
        part
        for part in (registration.get_category_display(), registration.organisation, registration.reference)
        if part
    )


# A photo's address at the door is signed and short-lived: door staff see the badge photo of
# the person in front of them, and cannot walk through everyone's.
DOOR_PHOTO_SALT = "registration.door-photo"


def badge_photo(registration: Registration | None):
    accreditation = getattr(registration, "accreditation", None) if registration and registration.is_media else None
    return accreditation.photo if accreditation and accreditation.photo else None


def door_photo_url(answer: checkin.Answer | None) -> str:
    """Only for the person the door is letting in (or checking): never with a refusal."""
    if answer is None or answer.light == checkin.Light.RED or badge_photo(answer.registration) is None:
        return ""
    registration = answer.registration
    return reverse("registration:checkin-photo", args=[signing.dumps(registration.pk, salt=DOOR_PHOTO_SALT)])


@never_cache
@door_staff_only
@require_http_methods(["GET", "POST"])
def door(request: HttpRequest) -> HttpResponse:
    """/checkin/: one input for a scanner's keystrokes or a typed reference, a search, a live count."""
    conference = presented_conference(request)
    answer = None
    # Searches are posted too: names and addresses stay out of URLs, and so out of logs.
    query = request.POST.get("q", "")
    if request.method == "POST" and "confirmation" in request.POST:
        answer = checkin.confirm_id_checked(request.POST["confirmation"], conference=conference, by=request.user)
    elif request.method == "POST" and "code" in request.POST:
        answer = checkin.check_in(request.POST["code"], conference=conference, by=request.user)
    if answer and request.headers.get("Accept") == "application/json":
        return JsonResponse(checkin_json(answer, conference))
    return render(
        request,
        "registration/checkin.html",
        {
            "conference": conference,
            "answer": answer,
            "details": checkin_details(answer.registration if answer else None),
            "photo": door_photo_url(answer),
            "query": query,
            "found": checkin.search(conference, query),
            "count_text": count_of(conference)["count_text"],
        },
    )


@never_cache
@door_staff_only
def door_count(request: HttpRequest) -> JsonResponse:
    return JsonResponse(count_of(presented_conference(request)))


@never_cache
@door_staff_only
def door_photo(request: HttpRequest, signed: str) -> FileResponse:
    try:
        pk = signing.loads(signed, salt=DOOR_PHOTO_SALT, max_age=checkin.ID_CHECK_SECONDS)
    except signing.BadSignature:
        raise Http404("No such photo.") from None
    photo = badge_photo(
        presented_conference(request).registrations.select_related("accreditation").filter(pk=pk).first()
    )
    if photo is None or not photo.storage.exists(photo.name):
        raise Http404("No such photo.")
    return FileResponse(photo.open("rb"), content_type="image/jpeg")  # never_cache: no copy stays on the phone
