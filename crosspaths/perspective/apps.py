from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerspectiveConfig(AppConfig):
    name = "crosspaths.perspective"
    verbose_name = _("Outside perspective")

    def ready(self) -> None:
        """The ask and follow-up messages are this app's kinds of outbox message (their
        buttons answered in Slack and Teams too); the scheduler's pass expires
        unanswered asks (and asks the next person)."""
        from crosspaths.housekeeping.registry import register_pass_step
        from crosspaths.notify.chat_answers import chat_answer_register
        from crosspaths.notify.content import BUILDERS
        from crosspaths.notify.models import Message
        from crosspaths.notify.services import SKIP_CHECKS

        from .chat_answers import CODES, perspective_answer
        from .emails import ask_content, follow_up_content, skip_reason
        from .services import asks_expire_due

        BUILDERS[Message.Kind.ASK] = ask_content
        BUILDERS[Message.Kind.FOLLOW_UP] = follow_up_content
        SKIP_CHECKS[Message.Kind.ASK] = skip_reason
        SKIP_CHECKS[Message.Kind.FOLLOW_UP] = skip_reason
        register_pass_step("perspective_asks", asks_expire_due, order=500)
        chat_answer_register(CODES, perspective_answer)
