from django.urls import path

from accreditation import views

app_name = "accreditation"

urlpatterns = [
    path("accreditation/", views.apply, name="apply"),
    path("my/<slug:token>/documents/", views.send_documents, name="send-documents"),
]
