"""Services queue their app's tasks through a hook the tasks module answers (the tasks
import the services, so the services may not import them): once the apps are loaded,
each hook is answered by the function that queues its task."""

from crosspaths.console import services as console_services
from crosspaths.console import tasks as console_tasks
from crosspaths.insights import services as insights_services
from crosspaths.insights import tasks as insights_tasks
from crosspaths.notify import services as notify_services
from crosspaths.notify import tasks as notify_tasks


def test_every_queue_hook_is_answered_by_its_tasks_module():
    assert notify_services.deliveries_enqueue.handler is notify_tasks.deliveries_enqueue
    assert insights_services.round_aggregate_queue.handler is insights_tasks.round_aggregate_queue
    assert insights_services.nightly_queue.handler is insights_tasks.nightly_queue
    assert console_services.invitations_queue.handler is console_tasks.invitations_queue
    assert console_services.round_job_queue.handler is console_tasks.round_job_queue


def test_the_queued_tasks_keep_their_stored_paths():
    # Jobs already in the queue (database or RQ) name their task by this path.
    assert notify_tasks.deliver_messages.module_path == "crosspaths.notify.tasks.deliver_messages"
    assert notify_tasks.sweep_outbox.module_path == "crosspaths.notify.tasks.sweep_outbox"
    assert insights_tasks.round_aggregate.module_path == "crosspaths.insights.tasks.round_aggregate"
    assert (
        insights_tasks.insights_nightly.module_path == "crosspaths.insights.tasks.insights_nightly"
    )
    assert console_tasks.invite_people.module_path == "crosspaths.console.tasks.invite_people"
    assert console_tasks.run_round_job.module_path == "crosspaths.console.tasks.run_round_job"
