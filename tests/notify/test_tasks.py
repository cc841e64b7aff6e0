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


def test_later_batches_of_a_hand_out_queue_behind_the_first_batches_of_others(settings, db):
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


def test_a_queue_without_priorities_gets_every_batch_at_the_default(settings, monkeypatch, db):
    from django_tasks import default_task_backend
    from django_tasks.backends.dummy import DummyBackend

    from crosspaths.notify.services import outbox_enqueue

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MAIL_BATCH_SIZE = 1
    # As RQ: the queue refuses a task with any other priority.
    monkeypatch.setattr(DummyBackend, "supports_priority", False)
    outbox_enqueue([1, 2, 3])
    assert [r.task.priority for r in default_task_backend.results] == [0, 0, 0]


def test_priorities_stop_at_the_lowest_the_queue_allows(settings, db):
    from django_tasks import default_task_backend

    from crosspaths.notify.services import outbox_enqueue

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MAIL_BATCH_SIZE = 1
    outbox_enqueue(list(range(150)))
    priorities = [r.task.priority for r in default_task_backend.results]
    assert len(priorities) == 150
    assert priorities[:3] == [0, -1, -2]
    assert priorities[100:] == [-100] * 50


def test_a_hand_out_on_the_database_queue_is_written_whole_or_not_at_all(settings, monkeypatch, db):
    # One transaction for all of a round's batches: a failure part-way (the database
    # gone) leaves no task rows, and the rows' leases make the sweep hand them out.
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from crosspaths.notify.services import outbox_enqueue

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MAIL_BATCH_SIZE = 2
    outbox_enqueue(list(range(1, 7)))
    assert [
        r.args_kwargs["kwargs"]["message_ids"] for r in DBTaskResult.objects.order_by("-priority")
    ] == [
        [1, 2],
        [3, 4],
        [5, 6],
    ]
    DBTaskResult.objects.all().delete()

    real = DatabaseBackend.enqueue
    calls = []

    def third_fails(self, task, args, kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["message_ids"])
        if len(calls) == 3:
            raise ConnectionError("database went away")
        return real(self, task, args, kwargs)

    monkeypatch.setattr(DatabaseBackend, "enqueue", third_fails)
    outbox_enqueue(list(range(1, 7)))  # logged, not raised
    assert len(calls) == 3
    assert DBTaskResult.objects.count() == 0
