from django.urls import path

from delegations import views

app_name = "delegations"

urlpatterns = [
    path("delegations/request/", views.request_delegation, name="request"),
    path("delegation/", views.lost_link, name="lost-link"),
    path("delegation/<slug:token>/", views.focal_point, name="focal-point"),
    path("delegation/<slug:token>/submit/", views.submit, name="submit"),
    path("delegation/<slug:token>/members/<str:reference>/", views.member, name="member"),
    path("delegation/<slug:token>/members/<str:reference>/correction/", views.correct_member, name="correct-member"),
    path("delegation/<slug:token>/members/<str:reference>/remove/", views.remove_member, name="remove-member"),
]
