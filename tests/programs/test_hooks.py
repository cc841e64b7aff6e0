"""Programs calls notify, insights and webhooks through hooks (crosspaths/programs/hooks.py):
each must be answered once the apps are loaded, by the function it replaced."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from crosspaths.insights.services import round_aggregate_enqueue
from crosspaths.notify.services import outbox_write_reschedule, outbox_write_round
from crosspaths.programs import hooks
from crosspaths.webhooks import events


def test_every_hook_is_answered_by_the_function_it_stands_for():
    assert hooks.round_messages_write.handler is outbox_write_round
    assert hooks.reschedule_messages_write.handler is outbox_write_reschedule
    assert hooks.round_figures_enqueue.handler is round_aggregate_enqueue
    assert hooks.webhook_events.emit.handler is events.emit
    assert hooks.webhook_events.emit_many.handler is events.emit_many
    assert all(h.handler is not None for h in hooks.HOOKS)


def test_an_unanswered_hook_is_a_configuration_error_not_a_no_op():
    hook = hooks.Hook("nobody_home", "crosspaths.nowhere")
    with pytest.raises(ImproperlyConfigured, match=r"crosspaths\.nowhere"):
        hook(round_id=1)


def test_a_second_handler_for_a_hook_is_refused():
    hook = hooks.Hook("twice", "crosspaths.somewhere")
    hook.plug(len)
    hook.plug(len)  # the same one again (a second ready()) is harmless
    with pytest.raises(ImproperlyConfigured):
        hook.plug(max)
