from django.urls import path

from speakup.concerns.views import speaker

app_name = "concerns"

# Speakers: no sign-in. Speak up (one address for the whole flow), then check on a concern.
# Everything a signed-in speaker reaches sits under check/ (the path of their access cookie).
urlpatterns: list = [
    path("speak-up/", speaker.speak_up, name="speak_up"),
    path("check/", speaker.check_concern, name="check_concern"),
    path("check/concern/", speaker.show_speaker_concern, name="show_speaker_concern"),
    path("check/concern/reply/", speaker.reply_speaker, name="reply_speaker"),
    path("check/concern/feedback/", speaker.give_feedback, name="give_speaker_feedback"),
    path("check/concern/detriment/", speaker.answer_checkin, name="answer_checkin"),
    path("check/sign-out/", speaker.sign_out_speaker, name="sign_out_speaker"),
]

# Staff: Listen Up (guardian), the handler's actions, Follow Up (accountable leader).
from speakup.concerns.views import staff  # noqa: E402

urlpatterns += [  # noqa: E305
    path("cases/", staff.list_cases, name="list_cases"),
    path("cases/record/", staff.record_concern, name="record_concern"),
    path("cases/<str:reference>/", staff.show_concern, name="show_concern"),
    path(
        "cases/<str:reference>/acknowledge/",
        staff.acknowledge_concern,
        name="acknowledge_concern",
    ),
    path(
        "cases/<str:reference>/files/<int:attachment_id>/",
        staff.download_attachment,
        name="download_attachment",
    ),
    path("cases/<str:reference>/triage/", staff.triage_concern, name="triage_concern"),
    path("cases/<str:reference>/message/", staff.message_concern, name="message_concern"),
    path("cases/<str:reference>/actions/new/", staff.assign_action, name="assign_action"),
    path(
        "cases/<str:reference>/actions/<int:action_id>/sign-off/",
        staff.sign_off_action,
        name="sign_off_action",
    ),
    path("cases/<str:reference>/feedback/", staff.give_feedback, name="give_feedback"),
    path("cases/<str:reference>/learning/", staff.record_learning, name="record_learning"),
    path(
        "cases/<str:reference>/learning/sign-off/",
        staff.sign_off_learning,
        name="sign_off_learning",
    ),
    path("cases/<str:reference>/close/", staff.close_concern, name="close_concern"),
    path("cases/<str:reference>/reopen/", staff.reopen_concern, name="reopen_concern"),
    path("cases/<str:reference>/withdraw/", staff.withdraw_concern, name="withdraw_concern"),
    path("cases/<str:reference>/escalate/", staff.escalate_concern, name="escalate_concern"),
    path("actions/", staff.list_actions, name="list_actions"),
    path("actions/<int:action_id>/", staff.show_action, name="show_action"),
    path("follow-up/", staff.list_led, name="list_led"),
]
