from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "speakup.reporting"
    verbose_name = "Reporting"

    def ready(self):
        from speakup.core.navigation import NavLink, register_nav
        from speakup.reporting import rules  # noqa: F401  (registers reporting's rules)

        register_nav(
            NavLink(
                "Data returns",
                "reporting:list_data_returns",
                "reporting.prepare_any_data_return",
                order=70,
            )
        )
        register_nav(
            NavLink(
                "National returns",
                "reporting:show_national_returns",
                "reporting.view_national_returns",
                order=71,
            )
        )
        register_nav(
            NavLink(
                "Reports",
                "reporting:list_board_reports",
                "reporting.view_any_board_report",
                order=69,
            )
        )
        register_nav(
            NavLink(
                "National view",
                "reporting:show_national_view",
                "reporting.view_national_view",
                order=72,
            )
        )
