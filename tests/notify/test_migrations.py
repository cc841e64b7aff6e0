"""The channel migration keeps every existing outbox row, as an e-mail delivery."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("notify", "0001_initial")]
AFTER = [("notify", "0002_channels")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_become_email_deliveries_with_their_keys(cast):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldMessage = old.get_model("notify", "Message")
    row = OldMessage.objects.create(
        organization_id=cast.org.pk,
        kind="checkin",
        person_id=cast.bob.pk,
        dedupe_key=f"checkin:7:{cast.bob.pk}",
        status="sent",
        next_attempt_at=timezone.now(),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("notify", "Message")
    migrated = new.objects.get(pk=row.pk)
    assert (migrated.channel, migrated.person_id, migrated.status) == ("email", cast.bob.pk, "sent")
    assert (migrated.dedupe_key, migrated.group_members, migrated.conversation) == (
        f"checkin:7:{cast.bob.pk}",
        [],
        "",
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
