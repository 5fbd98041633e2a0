app_name = "tapering"

urlpatterns: list = []
