from django.urls import path

app_name = "voters"
urlpatterns: list = []
