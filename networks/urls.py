from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.home, name="home"),
    path("netvaerk/<int:pk>/", views.network_detail, name="detail"),
]
