from django.urls import path

from networks.views import direktoerforum

app_name = "direktoerforum"

urlpatterns = [
    path("", direktoerforum.dashboard, name="dashboard"),
    path("sag/<int:pk>/", direktoerforum.case, name="case"),
    path("dagsorden/", direktoerforum.agenda, name="agenda"),
    path("dagsorden.pdf", direktoerforum.agenda_pdf, name="agenda_pdf"),
]
