from django.urls import path

from agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.conference_page, name="home"),
    path("agenda/", views.agenda_page, name="agenda"),
    path("agenda.ics", views.agenda_ics, name="agenda-ics"),
    path("agenda.json", views.agenda_json, name="agenda-json"),
    path("documents/<int:pk>/", views.outcome_document, name="outcome-document"),
]
