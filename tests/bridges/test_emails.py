"""A bridge round's introductions as a real SMTP server receives them: the bridge is
named and the partner's working hours are given in the reader's own zone (en and de)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from crosspaths.bridges.services import bridge_create
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.programs.models import MatchMember, Program
from crosspaths.programs.services import round_draft, round_publish

MONDAY = date(2026, 11, 30)


def _text(message):  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message):  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("html",)).get_content()


def test_the_introduction_names_the_bridge_and_the_partners_hours_in_my_zone(cast, teams, mailbox):
    platform, support, berlin, singapore = teams
    bridge = bridge_create(
        actor=cast.alice,
        organization=cast.org,
        name="Berlin meets Singapore",
        teams=[platform, support],
        cadence=Program.Cadence.WEEKLY,
        starts_on=MONDAY,
    )
    with time_machine.travel(datetime(2026, 11, 30, 8, tzinfo=UTC)):
        rnd = round_draft(program=bridge.program, on=MONDAY)
        round_publish(round=rnd)
        intros = list(Message.objects.filter(kind=Message.Kind.INTRO).values_list("pk", flat=True))
        assert messages_deliver(message_ids=intros).sent == 4
    sam, siti = singapore[0], singapore[1]
    partner_of = {}
    for match_id in MatchMember.objects.filter(round=rnd).values_list("match_id", flat=True):
        ids = list(
            MatchMember.objects.filter(match_id=match_id).values_list("person_id", flat=True)
        )
        partner_of[ids[0]], partner_of[ids[1]] = ids[1], ids[0]
    by_pk = {p.pk: p for p in berlin}

    (to_sam,) = mailbox.to("sam@acme.test")
    berliner = by_pk[partner_of[sam.pk]]
    assert to_sam["Subject"] == f"Berlin meets Singapore: you meet {berliner.name}"
    for part in (_text(to_sam), _html(to_sam)):
        assert "Berlin meets Singapore is a team bridge" in part
        # 09:00-17:00 in Berlin is 16:00-00:00 in Singapore (UTC+8; Berlin UTC+1).
        assert (
            f"{berliner.name} (Platform) works 09:00-17:00 in Europe/Berlin, which is "
            "4 p.m.-midnight in your time zone (Asia/Singapore)."
        ) in part.replace("\n", " ")
        assert "You meet across the team bridge between Platform and Support." in part

    (to_siti,) = mailbox.to("siti@acme.test")
    other = by_pk[partner_of[siti.pk]]
    text = _text(to_siti).replace("\n", " ")
    assert "Berlin meets Singapore ist eine Team-Brücke" in text
    assert (
        f"{other.name} (Platform) arbeitet 09:00-17:00 in Europe/Berlin, bei Ihnen "
        "16:00-00:00 (Asia/Singapore)."
    ) in text
    assert "Sie treffen sich über die Team-Brücke zwischen Platform und Support." in text

    (to_berliner,) = mailbox.to(berliner.email)
    assert (
        "Sam Tan (Support) works 09:00-17:00 in Asia/Singapore, which is 2 a.m.-10 a.m. in "
        "your time zone (Europe/Berlin)."
    ) in _text(to_berliner).replace("\n", " ")


def test_whoever_sits_out_reads_why_in_their_language(cast, teams, mailbox):
    platform, support, berlin, _singapore = teams
    for person in berlin:
        person.language = "de"
        person.save()
    bridge = bridge_create(
        actor=cast.alice,
        organization=cast.org,
        name="Berlin meets Singapore",
        teams=[platform, support],
        starts_on=MONDAY,
    )
    with time_machine.travel(datetime(2026, 11, 30, 8, tzinfo=UTC)):
        rnd = round_draft(program=bridge.program, on=MONDAY)
        round_publish(round=rnd)
        notices = list(
            Message.objects.filter(kind=Message.Kind.LEFT_OUT).values_list("pk", flat=True)
        )
        assert messages_deliver(message_ids=notices).sent == 2
    (kiri,) = mailbox.to("kiri@acme.test")
    assert "no colleague's working hours overlap yours enough" in _text(kiri).replace("\n", " ")
    [sat_out] = [p for p in berlin if mailbox.to(p.email)]
    text = _text(mailbox.to(sat_out.email)[0]).replace("\n", " ")
    assert "das andere Team hatte in dieser Runde weniger Personen" in text
    assert "nächste Runde sind Sie zuerst dran" in text
