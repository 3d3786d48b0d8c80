from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "speakup.register"
    verbose_name = "Register of board directors"

    def ready(self):
        from speakup.core.navigation import NavLink, register_nav
        from speakup.register import rules  # noqa: F401  (registers the register's rules)

        register_nav(
            NavLink(
                "Your register entry", "register:show_my_entry", "register.be_director", order=60
            )
        )
        register_nav(NavLink("Boards", "register:list_boards", "register.view_boards", order=61))
        register_nav(
            NavLink(
                "Register", "register:show_officer_dashboard", "register.run_register", order=62
            )
        )
