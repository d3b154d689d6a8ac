from django.urls import path

from networks.views import reports

app_name = "reports"

urlpatterns = [
    path("", reports.overview, name="overview"),
    path("netvaerk.csv", reports.export, {"dataset": "netvaerk", "fmt": "csv"}, name="networks_csv"),
    path("netvaerk.xlsx", reports.export, {"dataset": "netvaerk", "fmt": "xlsx"}, name="networks_xlsx"),
    path("deltagere.csv", reports.export, {"dataset": "deltagere", "fmt": "csv"}, name="participants_csv"),
    path("deltagere.xlsx", reports.export, {"dataset": "deltagere", "fmt": "xlsx"}, name="participants_xlsx"),
    path("moeder.csv", reports.export, {"dataset": "moeder", "fmt": "csv"}, name="meetings_csv"),
    path("moeder.xlsx", reports.export, {"dataset": "moeder", "fmt": "xlsx"}, name="meetings_xlsx"),
]
