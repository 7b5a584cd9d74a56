from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accreditation import services
from accreditation.forms import AccreditationForm, ResubmitDocumentsForm
from accreditation.models import DOCUMENT_FIELDS, AccreditationRequest
from agenda.middleware import presented_conference
from agenda.page_cache import the_same_for_everyone_but_the_token
from registration.forms import MediaApplicantForm
from registration.views import (
    blank_form_page,
    closed_page,
    over_rate_limit,
    own_registration,
    rate_limited,
    to_done_page,
    to_personal_page,
)
from wpsconf.clients import client_key


@never_cache
@require_http_methods(["GET", "POST"])
@the_same_for_everyone_but_the_token
def apply(request: HttpRequest) -> HttpResponse:
    conference = presented_conference(request)
    if closed := closed_page(request, conference, media=True):
        return closed
    if request.method == "POST" and over_rate_limit(request, "register"):
        return rate_limited(request)
    if request.method != "POST":
        blank = blank_form_page(conference, person=MediaApplicantForm, details=AccreditationForm)
        documents = SimpleLazyObject(lambda: [(blank["details"][name], None) for name in DOCUMENT_FIELDS])
        return render(request, "accreditation/apply.html", {**blank, "documents": documents})
    person = MediaApplicantForm(request.POST)
    details = AccreditationForm(request.POST, request.FILES)
    if all([person.is_valid(), details.is_valid()]):
        try:
            outcome = None
            if not person.is_bot():
                outcome = services.request_accreditation(
                    conference=conference,
                    person=person.registration_details(),
                    accreditation=details.accreditation_details(),
                    language=get_language(),
                )
        except ValidationError as error:  # the documents could not be stored: nothing was created
            details.add_error(None, error)
        else:
            details.release_held()
            return to_done_page(outcome)
    held_tokens = details.hold_checked_documents(visitor=client_key(request))
    documents = [(details[name], held_tokens.get(name)) for name in DOCUMENT_FIELDS]
    return render(
        request,
        "accreditation/apply.html",
        {"conference": conference, "person": person, "details": details, "documents": documents},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def send_documents(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant answers "more information needed" with new documents, through their personal link."""
    registration = own_registration(token)
    accreditation = AccreditationRequest.objects.filter(registration=registration).first()
    if accreditation is None:
        raise Http404("Only media applicants send documents.")
    if accreditation.status != AccreditationRequest.Status.MORE_INFO:
        messages.info(request, _("The press office has not asked you for documents."))
        return to_personal_page(registration)
    sent = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ResubmitDocumentsForm(*sent, instance=accreditation)
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit_documents(accreditation, form.new_documents())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Thank you: your documents have been sent, and the press office will review them.")
            )
        return to_personal_page(registration)
    response = render(
        request,
        "accreditation/send_documents.html",
        {
            "registration": registration,
            "accreditation": accreditation,
            "conference": registration.conference,
            "form": form,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
