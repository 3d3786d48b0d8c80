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
from speakup.concerns.views import case_work, cases, follow_up  # noqa: E402

urlpatterns += [  # noqa: E305
    path("cases/", cases.list_cases, name="list_cases"),
    path("cases/record/", cases.record_concern, name="record_concern"),
    path("cases/<str:reference>/", cases.show_concern, name="show_concern"),
    path(
        "cases/<str:reference>/acknowledge/",
        case_work.acknowledge_concern,
        name="acknowledge_concern",
    ),
    path(
        "cases/<str:reference>/files/<int:attachment_id>/",
        cases.download_attachment,
        name="download_attachment",
    ),
    path("cases/<str:reference>/triage/", case_work.triage_concern, name="triage_concern"),
    path("cases/<str:reference>/message/", case_work.message_concern, name="message_concern"),
    path("cases/<str:reference>/actions/new/", case_work.assign_action, name="assign_action"),
    path(
        "cases/<str:reference>/actions/<int:action_id>/change/",
        case_work.change_action,
        name="change_action",
    ),
    path(
        "cases/<str:reference>/actions/<int:action_id>/sign-off/",
        follow_up.sign_off_action,
        name="sign_off_action",
    ),
    path("cases/<str:reference>/feedback/", case_work.give_feedback, name="give_feedback"),
    path("cases/<str:reference>/learning/", case_work.record_learning, name="record_learning"),
    path(
        "cases/<str:reference>/learning/sign-off/",
        follow_up.sign_off_learning,
        name="sign_off_learning",
    ),
    path("cases/<str:reference>/close/", case_work.close_concern, name="close_concern"),
    path("cases/<str:reference>/reopen/", case_work.reopen_concern, name="reopen_concern"),
    path("cases/<str:reference>/withdraw/", case_work.withdraw_concern, name="withdraw_concern"),
    path("cases/<str:reference>/escalate/", case_work.escalate_concern, name="escalate_concern"),
    path("actions/", follow_up.list_actions, name="list_actions"),
    path("actions/<int:action_id>/", follow_up.show_action, name="show_action"),
    path("follow-up/", follow_up.list_led, name="list_led"),
]
