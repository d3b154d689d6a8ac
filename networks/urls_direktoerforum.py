from django.urls import path

from networks.views import change_requests, direktoerforum

app_name = "direktoerforum"

urlpatterns = [
    path("", direktoerforum.dashboard, name="dashboard"),
    path("sag/<int:pk>/", direktoerforum.case, name="case"),
    path("aendringsanmodning/<int:pk>/", change_requests.change_request_case, name="change_request"),
    path("dagsorden/", direktoerforum.agenda, name="agenda"),
    path("dagsorden.pdf", direktoerforum.agenda_pdf, name="agenda_pdf"),
]
