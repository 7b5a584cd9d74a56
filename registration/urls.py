from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/done/<str:signed_reference>/", views.registration_done, name="done"),
    path("my/", views.lost_link, name="lost-link"),
    path("my/<slug:token>/", views.personal_page, name="personal-page"),
    path("my/<slug:token>/cancel/", views.cancel, name="cancel"),
    path("my/<slug:token>/invitation.ics", views.calendar_invitation, name="calendar-invitation"),
    path("my/<slug:token>/badge.pdf", views.badge, name="badge"),
    path("my/<slug:token>/erase/", views.erase, name="erase"),
    path("my/<slug:token>/correction/", views.correction, name="correction"),
    path("my/<slug:token>/correction/withdraw/", views.withdraw_correction, name="withdraw-correction"),
    path("privacy/", views.privacy, name="privacy"),
    path("checkin/", views.door, name="checkin"),
    path("checkin/count/", views.door_count, name="checkin-count"),
    path("checkin/photo/<str:signed>/", views.door_photo, name="checkin-photo"),
]
