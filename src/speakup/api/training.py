"""The training endpoints of the JSON API: thin views over speakup.training."""

urlpatterns: list = []
