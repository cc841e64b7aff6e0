"""The delivery task: a batch of ids, safe to run twice."""

from crosspaths.notify.tasks import deliver_messages, sweep_outbox

from .conftest import ids


def test_the_same_batch_enqueued_twice_is_delivered_once(published, mailoutbox):
    first = deliver_messages.enqueue(message_ids=ids("intro"))
    second = deliver_messages.enqueue(message_ids=ids("intro"))
    assert first.return_value["sent"] == 2
    assert second.return_value["sent"] == 0
    assert len(mailoutbox) == 2


def test_the_sweep_task_reports_what_it_did(published):
    result = sweep_outbox.enqueue()
    assert result.return_value == {"recovered": 0, "dispatched": 0}  # intros are leased
