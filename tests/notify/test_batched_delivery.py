"""Delivery in sub-batches: one claim and one "sent" update per ``MAIL_CLAIM_SIZE``
rows, a fixed number of reads per batch, exactly once across workers, and at most one
sub-batch in doubt when a worker dies."""

import threading
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crosspaths.notify import services
from crosspaths.notify.channels.email import EmailTransport
from crosspaths.notify.models import Message
from crosspaths.notify.services import (
    messages_deliver,
    outbox_dispatch,
    outbox_recover,
    outbox_write_round,
)
from crosspaths.programs.models import Match, MatchMember, Program, Round
from tests.cast import make_person
from tests.mailbox import Mailbox

BERLIN = ZoneInfo("Europe/Berlin")


def published_pairs(cast, pairs: int, *, lunch: bool = False) -> list[int]:
    """A published round of ``pairs`` groups of two new colleagues; the ids of the
    introductions (two per group, in outbox order). ``lunch``: an in-person program
    whose people have a department and a location, and whose groups meet there."""
    program = Program.objects.create(
        organization=cast.org,
        name="Lunch" if lunch else "Coffee",
        format="lunch" if lunch else "virtual_coffee",
    )
    placed = {"department": cast.engineering, "location": cast.munich} if lunch else {}
    rnd = Round.objects.create(
        organization=cast.org,
        program=program,
        date=date(2026, 11, 30),
        status="published",
        published_at=timezone.now(),
    )
    start = datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)
    for k in range(pairs):
        a, b = (
            make_person(cast.org, f"p{k}{side}@acme.test", f"P{k} {side}", login=False, **placed)
            for side in "ab"
        )
        match = Match.objects.create(
            organization=cast.org,
            round=rnd,
            organizer=a,
            suggested_start=start,
            suggested_end=start + timedelta(minutes=30),
            video_link="" if lunch else "https://meet.example/x",
            location=cast.munich if lunch else None,
        )
        for p in (a, b):
            MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    outbox_write_round(round=rnd, now=timezone.now())
    return list(Message.objects.filter(kind="intro").order_by("pk").values_list("pk", flat=True))


def received(mailbox) -> Counter:
    """How often the SMTP server got each outbox row (its stable Message-ID)."""
    return Counter(str(m["Message-ID"]) for m in mailbox.messages)


def statements(captured) -> list[str]:
    """The statements that read or write rows (not the test's savepoints)."""
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")
    return [q["sql"] for q in captured if not q["sql"].startswith(skip)]


# What every batch of introductions reads, in this order (notify/services.py:_load).
BATCH_READS = [
    "notify_message",
    "people_organization",
    "programs_match",
    "programs_matchmember",
    "programs_round",
]


def tables_read(reads: list[str]) -> list[str]:
    """The table each SELECT reads from first."""
    return [s.split(" FROM ", 1)[1].split()[0].strip('"') for s in reads]


def test_a_batch_costs_five_reads_and_one_claim_and_one_mark_per_sub_batch(cast, mailbox, settings):
    settings.MAIL_CLAIM_SIZE = 4
    intros = published_pairs(cast, 6)  # 12 introductions: 3 sub-batches
    with CaptureQueriesContext(connection) as ctx:
        report = messages_deliver(message_ids=intros)
    assert report.sent == 12
    sql = statements(ctx.captured_queries)
    claims = [s for s in sql if "RETURNING" in s]
    marks = [s for s in sql if s.startswith("UPDATE") and "RETURNING" not in s]
    reads = [s for s in sql if s.startswith("SELECT")]
    # The rows, their organization, their matches (each once), the matches' members
    # with their people, and the rounds with their programs; nothing per message.
    # (These people have no location or department: those would be one read each.)
    assert (len(reads), len(claims), len(marks), len(sql)) == (5, 3, 3, 11)
    assert tables_read(reads) == BATCH_READS
    assert set(received(mailbox).values()) == {1}
    assert len(received(mailbox)) == 12


def test_people_with_places_add_a_read_for_locations_and_one_for_departments(
    cast, mailbox, settings
):
    """Every member's location and department, and the groups' meeting place, come
    from one read each for the batch: rendering the e-mails reads nothing more."""
    settings.MAIL_CLAIM_SIZE = 100
    intros = published_pairs(cast, 4, lunch=True)
    with CaptureQueriesContext(connection) as ctx:
        assert messages_deliver(message_ids=intros).sent == 8
    reads = [s for s in statements(ctx.captured_queries) if s.startswith("SELECT")]
    assert tables_read(reads) == [
        *BATCH_READS,
        "people_location",
        "people_department",
    ]
    assert all("Munich" in m.get_body(("plain",)).get_content() for m in mailbox.messages)


def test_reminders_and_check_ins_add_a_read_for_who_left_and_one_for_who_answered(cast, settings):
    settings.MAIL_CLAIM_SIZE = 100
    published_pairs(cast, 3)
    Message.objects.filter(kind__in=["reminder", "checkin"]).update(next_attempt_at=timezone.now())
    later = list(
        Message.objects.filter(kind__in=["reminder", "checkin"]).values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as ctx:
        assert messages_deliver(message_ids=later).sent == 12
    sql = statements(ctx.captured_queries)
    # + enrollments that left, + check-ins already answered (none are skipped here)
    assert len([s for s in sql if s.startswith("SELECT")]) == 7
    assert len(sql) == 9  # 7 reads, 1 claim, 1 mark


def test_rows_not_tried_when_the_worker_is_stopped_go_back_to_the_queue(
    cast, mailbox, settings, monkeypatch
):
    settings.MAIL_CLAIM_SIZE = 4
    intros = published_pairs(cast, 3)
    sends = []
    real_send = EmailTransport.send

    def stopped_on_third(self, message, content):
        if len(sends) == 2:
            raise KeyboardInterrupt  # Ctrl-C while sending: the finally blocks run
        sends.append(message.pk)
        real_send(self, message, content)

    monkeypatch.setattr(EmailTransport, "send", stopped_on_third)
    with pytest.raises(KeyboardInterrupt):
        messages_deliver(message_ids=intros)
    rows = [Message.objects.get(pk=pk) for pk in intros]  # sub-batches of 4, then 2
    assert [m.status for m in rows[:2]] == ["sent", "sent"]
    # The one being sent when the stop came may have gone out: in doubt, left sending.
    assert (rows[2].status, rows[2].attempts) == ("sending", 1)
    # The rest of its sub-batch is given back at once, the attempt not counted.
    assert (rows[3].status, rows[3].attempts, rows[3].lease_until) == ("queued", 0, None)
    # The next sub-batch was never claimed: it waits for its dispatch lease as before.
    assert {(m.status, m.attempts) for m in rows[4:]} == {("queued", 0)}
    assert len(mailbox.messages) == 2


class Killed(BaseException):
    """The process is gone: no ``except Exception`` and no ``finally`` of ours runs."""


def kill_after(monkeypatch, sends: int) -> list[int]:
    """The worker dies (SIGKILL, power loss) after ``sends`` e-mails went out: what it
    wrote to the database until then stays, nothing after it (no ``finally``)."""
    sent: list[int] = []
    real_send = EmailTransport.send

    def send(self, message, content):
        if len(sent) == sends:
            self.close()  # the process is gone: so are its sender thread and socket
            raise Killed
        real_send(self, message, content)
        if self._sender is not None:  # handed to the sender thread: wait until it went out
            self._sender.todo.join()
        sent.append(message.pk)

    monkeypatch.setattr(EmailTransport, "send", send)
    monkeypatch.setattr(services._Delivery, "end", lambda self: None)
    return sent


def test_a_worker_killed_mid_batch_leaves_one_sub_batch_in_doubt_failed_and_never_resent(
    cast, mailbox, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MAIL_CLAIM_SIZE = 4
    intros = published_pairs(cast, 5)  # 10 introductions: sub-batches of 4, 4, 2
    with pytest.MonkeyPatch.context() as crash:
        before_kill = kill_after(crash, 6)  # the first sub-batch and half the second
        with pytest.raises(Killed):
            messages_deliver(message_ids=intros)
    assert len(mailbox.messages) == 6
    statuses = Counter(Message.objects.filter(pk__in=intros).values_list("status", flat=True))
    assert statuses == {"sent": 4, "sending": 4, "queued": 2}

    after_lease = timezone.now() + timedelta(seconds=settings.MAIL_DISPATCH_LEASE_SECONDS + 1)
    assert outbox_recover(now=after_lease) == 4  # the in-doubt sub-batch, no more
    failed = Message.objects.filter(pk__in=intros, status="failed")
    assert all("may or may not have arrived" in m.last_error for m in failed)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_dispatch(now=after_lease) == 2  # the 2 never claimed
    assert Counter(Message.objects.filter(pk__in=intros).values_list("status", flat=True)) == {
        "sent": 6,
        "failed": 4,
    }
    counts = received(mailbox)
    assert set(counts.values()) == {1}, "nothing was sent twice"
    assert len(counts) == 8  # 6 before the kill + the 2 never claimed
    assert len(before_kill) == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_batches_send_every_message_exactly_once(
    cast, mailbox, settings, monkeypatch
):
    settings.MAIL_CLAIM_SIZE = 5
    # Outside a test transaction publishing would deliver at once (immediate backend).
    monkeypatch.setattr(services, "outbox_enqueue", lambda ids: None)
    intros = published_pairs(cast, 30)  # 60 introductions
    assert mailbox.messages == []
    start = threading.Barrier(2)
    reports = []

    def worker(ids):
        try:
            start.wait()
            for k in range(0, len(ids), 20):
                reports.append(messages_deliver(message_ids=ids[k : k + 20]))
        finally:
            connection.close()

    # Both get every row, one in order and one backwards: they meet in the middle.
    threads = [
        threading.Thread(target=worker, args=(intros,)),
        threading.Thread(target=worker, args=(intros[::-1],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    mailbox.wait_for(60)
    assert sum(r.sent for r in reports) == 60
    assert set(Message.objects.filter(pk__in=intros).values_list("status", flat=True)) == {"sent"}
    counts = received(mailbox)
    assert len(counts) == 60 and set(counts.values()) == {1}


def test_a_worker_whose_clock_is_behind_keeps_the_dispatch_lease_so_the_sweep_waits(
    cast, settings, mailbox
):
    """Regression (fault tests, docs/operations.md): a worker 10 minutes behind the
    scheduler wrote a send lease that had already ended by the scheduler's clock, and
    the sweep marked the messages it was sending "in doubt". The claim keeps the later
    of the dispatch lease and its own."""
    from django.db import transaction

    intros = published_pairs(cast, 1)
    dispatched = Message.objects.get(pk=intros[0]).lease_until
    now = timezone.now()
    assert dispatched > now  # the lease the publisher gave it for a worker to claim it
    behind = now - timedelta(minutes=10) + timedelta(seconds=1)
    Message.objects.filter(pk__in=intros).update(next_attempt_at=behind - timedelta(minutes=5))
    with transaction.atomic():
        assert services._claim(intros, behind) == set(intros)
    leases = set(Message.objects.filter(pk__in=intros).values_list("lease_until", flat=True))
    assert leases == {dispatched}  # not behind + MAIL_SEND_LEASE_SECONDS, already over
    assert outbox_recover(now=now + timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)) == 0
    assert outbox_recover(now=dispatched + timedelta(seconds=1)) == 2  # a dead worker's


def test_without_a_later_dispatch_lease_the_claim_sets_its_own(cast, settings):
    intros = published_pairs(cast, 1)
    Message.objects.filter(pk__in=intros).update(lease_until=None)
    now = timezone.now()
    from django.db import transaction

    with transaction.atomic():
        services._claim(intros, now)
    expected = now + timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)
    assert set(Message.objects.filter(pk__in=intros).values_list("lease_until", flat=True)) == {
        expected
    }


def test_a_batch_reads_each_match_once_and_its_readers_are_its_members(cast, settings):
    intros = published_pairs(cast, 3)
    from crosspaths.notify.services import _load

    batch = _load(intros)
    assert len(batch) == 6 and len({id(m.match) for m in batch}) == 3
    for message in batch:
        members = {id(member.person) for member in message.match.members.all()}
        assert id(message.person) in members
        assert message.person.organization.pk == cast.org.pk


def test_the_server_gone_while_messages_wait_in_the_sender_gives_them_back_untried(
    cast, settings, monkeypatch
):
    """Over SMTP a sender thread sends while the worker builds the next message, so a
    failure is learnt late. The worker here hears no answer until the sub-batch ends
    (a slow server): after the 5th e-mail the server goes away, the 6th fails, the 7th
    and 8th were already handed over. They come back untried (attempt not counted),
    the 6th waits with back-off, the never-claimed rest is given back, nothing is left
    in doubt; with the server back every message arrives exactly once."""
    settings.MAIL_CLAIM_SIZE = 4
    mailbox = Mailbox().start()  # stopped by the test itself, so not the fixture's
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mailbox.port
    intros = published_pairs(cast, 6)  # 12 introductions: sub-batches of 4, 4, 4
    real_send, real_outcomes = EmailTransport.send, EmailTransport.outcomes
    handed: list[int] = []

    def send(self, message, content):
        real_send(self, message, content)
        handed.append(message.pk)
        if len(handed) == 5:
            self._sender.todo.join()
            mailbox.stop()

    monkeypatch.setattr(EmailTransport, "send", send)
    monkeypatch.setattr(
        EmailTransport,
        "outcomes",
        lambda self, wait=False: real_outcomes(self, wait=True) if wait else [],
    )
    report = messages_deliver(message_ids=intros)
    assert (report.sent, report.retry, report.failed) == (5, 1, 0)
    assert handed == intros[:8]
    assert len(mailbox.messages) == 5
    rows = {m.pk: m for m in Message.objects.filter(pk__in=intros)}
    assert [rows[pk].status for pk in intros] == ["sent"] * 5 + ["queued"] * 7
    assert [rows[pk].attempts for pk in intros] == [1] * 6 + [0] * 6
    assert rows[intros[5]].last_error.startswith("attempt 1: ")
    assert all(rows[pk].lease_until is None for pk in intros)

    back = Mailbox().start()
    try:
        settings.EMAIL_PORT = back.port
        Message.objects.filter(pk__in=intros, status="queued").update(
            next_attempt_at=timezone.now()
        )
        assert messages_deliver(message_ids=intros).sent == 7
        counts = received(mailbox) + received(back)
    finally:
        back.stop()
    assert set(counts.values()) == {1}, "nothing was sent twice"
    assert len(counts) == 12
