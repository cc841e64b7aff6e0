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


def test_later_batches_of_a_hand_out_queue_behind_the_first_batches_of_others(settings):
    # bench/many_orgs.py: a round published behind another's 20 batches has its first
    # batch delivered next, not after that whole round.
    from django_tasks import default_task_backend

    from crosspaths.notify.services import outbox_enqueue

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MAIL_BATCH_SIZE = 2
    outbox_enqueue(list(range(1, 8)))  # four batches
    outbox_enqueue(list(range(8, 11)))  # the next round's two
    queued = [
        (r.task.priority, r.args, r.kwargs["message_ids"]) for r in default_task_backend.results
    ]
    assert queued == [
        (0, [], [1, 2]),
        (-1, [], [3, 4]),
        (-2, [], [5, 6]),
        (-3, [], [7]),
        (0, [], [8, 9]),
        (-1, [], [10]),
    ]
    # The database queue runs the highest priority first: both rounds' first batches
    # before either round's second.
    order = sorted(range(len(queued)), key=lambda i: -queued[i][0])
    assert [queued[i][2][0] for i in order[:2]] == [1, 8]


def test_a_queue_without_priorities_gets_every_batch_at_the_default(settings, monkeypatch):
    from django_tasks import default_task_backend
    from django_tasks.backends.dummy import DummyBackend

    from crosspaths.notify.services import outbox_enqueue

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MAIL_BATCH_SIZE = 1
    # As RQ: the queue refuses a task with any other priority.
    monkeypatch.setattr(DummyBackend, "supports_priority", False)
    outbox_enqueue([1, 2, 3])
    assert [r.task.priority for r in default_task_backend.results] == [0, 0, 0]


def test_priorities_stop_at_the_lowest_the_queue_allows(settings):
    from django_tasks import default_task_backend

    from crosspaths.notify.services import outbox_enqueue

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MAIL_BATCH_SIZE = 1
    outbox_enqueue(list(range(150)))
    priorities = [r.task.priority for r in default_task_backend.results]
    assert len(priorities) == 150
    assert priorities[:3] == [0, -1, -2]
    assert priorities[100:] == [-100] * 50
