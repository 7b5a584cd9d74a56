from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from agenda import feeds, services
from agenda.middleware import presented_conference
from agenda.models import PILLAR_DESCRIPTIONS, DialogueChair, NationalActionPlan, OutcomeDocument
from agenda.page_cache import the_same_for_everyone
from wpsconf import clock


@require_GET
@the_same_for_everyone
def conference_page(request: HttpRequest) -> HttpResponse:
    if request.conference is None:
        return render(request, "agenda/no_conference.html", status=404)
    conference = request.conference
    return render(
        request,
        "agenda/conference.html",
        {
            "conference": conference,
            "window": conference.registration_window(),
            "ended": conference.has_ended(),
            "chairs": DialogueChair.objects.all(),
            "action_plans": NationalActionPlan.objects.all(),
            "session_count": conference.sessions.count(),
            "pillars": [(pillar.label, description) for pillar, description in PILLAR_DESCRIPTIONS.items()],
            "outcome_documents": conference.outcome_documents.filter(is_published=True),
        },
    )


def outcome_document(request: HttpRequest, pk: int) -> FileResponse:
    """A published outcome document, read in the browser; unpublished ones do not exist for visitors."""
    document = OutcomeDocument.objects.filter(pk=pk, is_published=True, conference__is_published=True).first()
    if document is None or not document.file.storage.exists(document.file.name):
        raise Http404("No such document.")
    name = f"{document.conference.slug}-{document.kind}-{document.language}.pdf"
    return FileResponse(document.file.open("rb"), content_type="application/pdf", filename=name)


@require_GET
@the_same_for_everyone
def agenda_page(request: HttpRequest) -> HttpResponse:
    conference = presented_conference(request)
    sessions = list(services.programme(conference))
    return render(
        request,
        "agenda/agenda.html",
        {
            "conference": conference,
            "slots": services.time_slots(sessions),
            "now_and_next": services.now_and_next(conference, sessions, clock.now()),
        },
    )


@require_GET
@the_same_for_everyone
def agenda_ics(request: HttpRequest) -> HttpResponse:
    conference = presented_conference(request)
    body = feeds.programme_calendar(
        conference,
        services.programme(conference),
        agenda_url=request.build_absolute_uri(reverse("agenda:agenda")),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{conference.slug}.ics"'
    return response


@require_GET
@the_same_for_everyone
def agenda_json(request: HttpRequest) -> JsonResponse:
    conference = presented_conference(request)
    return JsonResponse(
        {
            "conference": feeds.conference_as_dict(conference),
            "sessions": [feeds.session_as_dict(conference, s) for s in services.programme(conference)],
        },
        json_dumps_params={"ensure_ascii": False},
    )
