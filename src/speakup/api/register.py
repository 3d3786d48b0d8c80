"""The register endpoints of the JSON API: thin views over speakup.register."""

urlpatterns: list = []
