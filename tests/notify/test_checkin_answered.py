"""A check-in is not sent to someone who already answered (a chat button in the
introduction, or a link): asking "did you meet?" after "We met" is noise. Whoever has
not answered still gets theirs."""

from django.utils import timezone

from crosspaths.meetings.services import checkin_record
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.programs.models import MatchMember


def test_an_answered_checkin_is_skipped_with_the_reason_and_the_other_is_sent(
    published, cast, mailbox
):
    checkin_record(member=MatchMember.objects.get(match=published, person=cast.bob), met=True)
    Message.objects.filter(kind="checkin").update(next_attempt_at=timezone.now())
    ids = list(Message.objects.filter(kind="checkin").values_list("pk", flat=True))
    report = messages_deliver(message_ids=ids)
    assert (report.sent, report.skipped) == (1, 1)
    bobs = Message.objects.get(kind="checkin", person=cast.bob)
    assert bobs.status == "skipped" and "already answered" in bobs.last_error
    assert Message.objects.get(kind="checkin", person=cast.chidi).status == "sent"
    (sent,) = mailbox.messages
    assert cast.chidi.email in str(sent["To"])


def test_without_answers_every_checkin_goes_out(published, cast, mailbox):
    Message.objects.filter(kind="checkin").update(next_attempt_at=timezone.now())
    ids = list(Message.objects.filter(kind="checkin").values_list("pk", flat=True))
    assert messages_deliver(message_ids=ids).sent == 2
