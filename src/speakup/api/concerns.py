"""The concerns endpoints of the JSON API: thin views over speakup.concerns."""

urlpatterns: list = []
