from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgesConfig(AppConfig):
    name = "crosspaths.bridges"
    verbose_name = _("Team bridges")

    def ready(self) -> None:
        # The programs app drafts a round of a team-bridge program with this app's
        # pairing; it cannot import us (a lower layer), so we register with it.
        from crosspaths.housekeeping.registry import register_daily_job
        from crosspaths.programs.drafters import register

        from .drafting import bridge_group_problems, bridge_round_result
        from .services import bridges_enroll_new_members

        register("team_bridge", bridge_round_result, check=bridge_group_problems)
        # New members of a bridged team join the bridge the next day.
        register_daily_job("bridge_members", bridges_enroll_new_members)
