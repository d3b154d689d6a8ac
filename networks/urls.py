from django.urls import path

from networks.views import leader

app_name = "networks"

urlpatterns = [
    path("", leader.home, name="home"),
    path("netvaerk/<int:pk>/", leader.network_detail, name="detail"),
]
