"""The outside-perspective services: who is proposed, caps, least-asked first, expiry,
safe double clicks, idempotent background steps, the session and "did it help?"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from crosspaths import clock
from crosspaths.notify.models import Message
from crosspaths.people.models import BlockedPair
from crosspaths.perspective.models import Ask, PerspectiveRequest
from crosspaths.perspective.services import (
    ask_answer,
    asks_expire_due,
    giver_save,
    perspective_program,
    request_cancel,
    request_create,
    request_feedback,
)
from crosspaths.programs.models import MatchMember, Program, Round
from crosspaths.programs.services import rounds_run_due

pytestmark = pytest.mark.django_db
NEEDED_BY = date(2026, 12, 11)  # two weeks after the suite's Thursday


def ask_bob(givers, **kw):
    data = {"topic": "A chess club for new hires", "tags": ["chess"], "needed_by": NEEDED_BY}
    data.update(kw)
    return request_create(requester=givers.cast.bob, **data)


def asked(request):
    return {a.person.name for a in request.asks.all()}


def test_it_proposes_only_people_from_other_departments_whose_interests_fit(givers):
    request = ask_bob(givers, people_wanted=4)
    # Alice: Bob's manager and his department. Finn: English only, Bob speaks German.
    assert asked(request) == {"Chidi Okafor", "Eve Egger", "Gina Graf"}
    assert request.tags == ["chess"]


def test_it_never_proposes_someone_blocked_either_way(givers):
    BlockedPair.objects.create(
        organization=givers.cast.org, person=givers.eve, other=givers.cast.bob
    )
    BlockedPair.objects.create(
        organization=givers.cast.org, person=givers.cast.bob, other=givers.gina
    )
    request = ask_bob(givers, people_wanted=4)
    assert asked(request) == {"Chidi Okafor"}


def test_it_never_proposes_the_requesters_report(givers):
    cast = givers.cast
    cast.chidi.manager = cast.bob
    cast.chidi.save()
    request = ask_bob(givers, people_wanted=4)
    assert "Chidi Okafor" not in asked(request)


def test_another_location_leaves_out_people_of_the_requesters_location(givers):
    request = ask_bob(givers, people_wanted=4, other_location=True)
    assert asked(request) == {"Gina Graf"}  # Berlin; Chidi and Eve are in Munich like Bob


def test_people_who_did_not_opt_in_or_opted_out_are_not_asked(givers):
    giver_save(person=givers.gina, active=False)
    request = ask_bob(givers, people_wanted=4)
    assert "Gina Graf" not in asked(request)


def test_tags_must_fit_an_interest(givers):
    request = ask_bob(givers, people_wanted=4, tags=["Design"])
    assert asked(request) == {"Eve Egger", "Gina Graf"}


def test_nobody_fitting_is_refused_and_nothing_is_stored(givers):
    with pytest.raises(ValidationError) as e:
        ask_bob(givers, tags=["underwater rugby"])
    assert e.value.code == "nobody_fits"
    assert not PerspectiveRequest.objects.exists()
    assert not Message.objects.exists()


def test_bad_wishes_are_refused_naming_the_field(givers):
    with pytest.raises(ValidationError) as e:
        ask_bob(givers, people_wanted=5, needed_by=clock.today(), topic=" ")
    assert set(e.value.message_dict) == {"people_wanted", "needed_by", "topic"}


def test_only_as_many_as_wanted_are_asked_each_with_one_email(givers):
    request = ask_bob(givers, people_wanted=2)
    assert request.asks.count() == 2
    keys = sorted(Message.objects.filter(kind="ask").values_list("dedupe_key", flat=True))
    assert keys == sorted(f"ask:perspective{a.pk}" for a in request.asks.all())


def test_those_asked_least_go_first(givers):
    # Chidi and Eve were asked (and declined) recently; Gina never.
    for person in (givers.cast.chidi, givers.eve):
        old = ask_bob(givers, people_wanted=1, topic="earlier", tags=[])
        Ask.objects.filter(request=old).update(person=person, status="declined")
        old.status = "cancelled"
        old.save()
    request = ask_bob(givers, people_wanted=1)
    assert asked(request) == {"Gina Graf"}


def test_the_monthly_cap_is_kept(givers):
    giver_save(person=givers.gina, active=True, monthly_cap=1)
    first = ask_bob(givers, people_wanted=4)
    assert "Gina Graf" in asked(first)
    second = ask_bob(givers, people_wanted=4, topic="Another one")
    assert "Gina Graf" not in asked(second)  # one waiting ask fills her cap of one


def test_a_decline_asks_the_next_colleague(givers):
    request = ask_bob(givers, people_wanted=1)
    (first,) = request.asks.all()
    ask_answer(ask=first, accept=False)
    assert request.asks.filter(status="asked").count() == 1
    assert Message.objects.filter(kind="ask").count() == 2


def test_an_accept_that_fills_the_last_place_sets_up_one_session(givers):
    request = ask_bob(givers, people_wanted=2)
    a, b = request.asks.all()
    ask_answer(ask=a, accept=True)
    request.refresh_from_db()
    assert request.status == "open"
    ask_answer(ask=b, accept=True)
    request.refresh_from_db()
    assert request.status == "scheduled"
    match = request.match
    members = set(MatchMember.objects.filter(match=match).values_list("person_id", flat=True))
    assert members == {givers.cast.bob.pk, a.person_id, b.person_id}
    assert match.organizer_id == givers.cast.bob.pk
    assert match.round.program.format == Program.Format.OUTSIDE_PERSPECTIVE
    assert match.round.status == Round.Status.PUBLISHED
    assert match.video_link.startswith("https://meet.jit.si/crosspaths-")
    assert match.suggested_end - match.suggested_start == timedelta(minutes=45)
    assert match.suggested_start > clock.now()
    kinds = sorted(Message.objects.filter(match=match).values_list("kind", flat=True))
    assert kinds == ["checkin"] * 3 + ["intro"] * 3 + ["reminder"] * 3
    follow_up = Message.objects.get(kind="follow_up")
    assert follow_up.person_id == givers.cast.bob.pk
    assert follow_up.next_attempt_at > match.suggested_end


def test_a_double_click_on_yes_counts_once(givers):
    request = ask_bob(givers, people_wanted=2)
    a, _b = request.asks.all()
    ask_answer(ask=a, accept=True)
    ask_answer(ask=a, accept=True)
    assert request.asks.filter(status="accepted").count() == 1
    request.refresh_from_db()
    assert request.status == "open"


def test_changing_an_answer_afterwards_is_refused_with_why(givers):
    request = ask_bob(givers, people_wanted=2)
    a, _b = request.asks.all()
    ask_answer(ask=a, accept=True)
    with pytest.raises(ValidationError, match="already said yes"):
        ask_answer(ask=a, accept=False)


def test_unanswered_asks_expire_and_the_next_one_is_asked_once(givers, time_machine):
    request = ask_bob(givers, people_wanted=1)
    (first,) = request.asks.all()
    time_machine.move_to(first.expires_at + timedelta(minutes=1))
    assert asks_expire_due(now=clock.now()) == 1
    assert asks_expire_due(now=clock.now()) == 0  # a second pass finds nothing
    first.refresh_from_db()
    assert first.status == "expired"
    assert request.asks.filter(status="asked").count() == 1
    with pytest.raises(ValidationError, match="expired"):
        ask_answer(ask=first, accept=True)


def test_when_nobody_is_left_the_session_is_with_those_who_accepted(givers, time_machine):
    request = ask_bob(givers, people_wanted=4)  # only three fit
    a, b, c = request.asks.all()
    ask_answer(ask=a, accept=True)
    ask_answer(ask=b, accept=False)
    request.refresh_from_db()
    assert request.status == "open"  # c is still deciding
    ask_answer(ask=c, accept=False)
    request.refresh_from_db()
    assert request.status == "scheduled"
    assert request.match.members.count() == 2


def test_when_nobody_accepts_the_request_is_unfilled(givers):
    request = ask_bob(givers, people_wanted=1, tags=["design"])
    for _ in range(2):
        ask_answer(ask=request.asks.get(status="asked"), accept=False)
    request.refresh_from_db()
    assert request.status == "unfilled"


def test_cancelling_withdraws_the_waiting_asks_and_their_emails_are_not_sent(givers):
    request = ask_bob(givers, people_wanted=2)
    request_cancel(request=request)
    assert set(request.asks.values_list("status", flat=True)) == {"withdrawn"}
    from crosspaths.notify.services import messages_deliver

    ids = list(Message.objects.filter(kind="ask").values_list("pk", flat=True))
    report = messages_deliver(message_ids=ids)
    assert report.skipped == 2 and report.sent == 0


def test_feedback_is_recorded_and_the_last_answer_counts(givers):
    request = ask_bob(givers, people_wanted=1)
    ask_answer(ask=request.asks.get(), accept=True)
    request.refresh_from_db()
    request_feedback(request=request, helped=False)
    request_feedback(request=request, helped=True)
    request.refresh_from_db()
    assert request.helped is True and request.answered_at is not None


def test_the_scheduler_never_drafts_a_round_of_the_on_demand_program(givers, time_machine):
    program = perspective_program(givers.cast.org)
    Program.objects.filter(pk=program.pk).update(active=True, cadence="weekly", weekday=3)
    for days in range(0, 15):
        report = rounds_run_due(now=clock.now() + timedelta(days=days))
        assert all(r.program_id != program.pk for r in report.drafted)
    assert not Round.objects.filter(program=program).exists()


def test_one_on_demand_program_per_organization(givers):
    assert perspective_program(givers.cast.org) == perspective_program(givers.cast.org)
    assert Program.objects.filter(format="outside_perspective").count() == 1


def test_two_sessions_of_one_person_on_one_day_go_into_different_rounds(givers):
    first = ask_bob(givers, people_wanted=1)
    ask_answer(ask=first.asks.get(), accept=True)
    second = ask_bob(givers, people_wanted=1, topic="Second topic")
    ask_answer(ask=second.asks.get(), accept=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.match.round_id != second.match.round_id


def test_a_yes_from_the_only_colleague_there_is_sets_up_the_session(givers):
    request = ask_bob(givers, people_wanted=3, tags=["design"])  # two fit: Eve and Gina
    assert request.asks.count() == 2
    for ask in request.asks.all():
        ask_answer(ask=ask, accept=True)
    request.refresh_from_db()
    assert request.status == "scheduled"
    assert request.match.members.count() == 3


def test_a_session_spreads_over_departments_before_taking_two_of_one(givers):
    # Eve and Gina (Sales) are asked least; Chidi (Engineering) comes in for the second
    # place so the session bridges three departments.
    giver_save(person=givers.cast.chidi, active=True, monthly_cap=5)
    old = ask_bob(givers, people_wanted=1, topic="earlier", tags=["chess"])
    Ask.objects.filter(request=old).update(person=givers.cast.chidi, status="declined")
    old.status = "cancelled"
    old.save()
    request = ask_bob(givers, people_wanted=2)
    departments = {a.person.department.name for a in request.asks.all()}
    assert departments == {"Sales", "Engineering"}


def test_a_session_is_announced_to_webhooks_as_a_match(givers):
    from crosspaths.webhooks.models import Delivery, Endpoint
    from crosspaths.webhooks.secrets import secret_encrypt, secret_new

    Endpoint.objects.create(
        organization=givers.cast.org,
        url="https://hooks.example.test/in",
        event_types=["match.created"],
        secret_encrypted=secret_encrypt(secret_new()),
        secret_prefix="whsec_x",
    )
    request = ask_bob(givers, people_wanted=1)
    ask_answer(ask=request.asks.get(), accept=True)
    (delivery,) = Delivery.objects.filter(event_type="match.created")
    request.refresh_from_db()
    assert delivery.payload["data"]["match_id"] == request.match_id


def test_from_the_by_when_day_on_nobody_new_is_asked(givers, time_machine):
    request = ask_bob(givers, people_wanted=1, needed_by=date(2026, 11, 28))
    (first,) = request.asks.all()
    # The ask expires at the start of the day (Berlin); the scheduler's pass then finds
    # nobody to ask any more, and the request ends unfilled.
    time_machine.move_to(first.expires_at + timedelta(minutes=1))
    assert asks_expire_due(now=clock.now()) == 1
    request.refresh_from_db()
    assert request.asks.count() == 1
    assert request.status == "unfilled"


def test_the_scheduler_pass_expires_asks(givers):
    from io import StringIO

    from django.core.management import call_command

    request = ask_bob(givers, people_wanted=1)
    (first,) = request.asks.all()
    out = StringIO()
    later = (first.expires_at + timedelta(minutes=1)).isoformat()
    call_command("crosspaths_scheduler", "--once", "--now", later, stdout=out)
    first.refresh_from_db()
    assert first.status == "expired"
    assert "perspective_asks: 1" in out.getvalue()


def test_the_on_demand_program_is_named_in_the_organizations_language(givers):
    from django.utils import translation

    with translation.override("de"):  # a German reader's click sets it up
        program = perspective_program(givers.cast.org)
    assert program.name == "Outside perspective"  # Acme's language is English
    assert not program.active
