"""Writes of the HR console. Each change and its audit-log entry are one transaction:
either both exist or neither does."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths import clock
from crosspaths.matching.roster import RosterError
from crosspaths.onboarding.invitations import invitable
from crosspaths.people.models import Organization, Person
from crosspaths.people.permissions import can_change_role
from crosspaths.people.services import (
    LastAdminError,
    MassDeactivationError,
    RosterPlan,
    admins_keep_one,
    person_set_active,
    roster_apply,
    roster_plan,
)
from crosspaths.people.services import person_set_role as people_person_set_role
from crosspaths.programs.hooks import Hook
from crosspaths.programs.models import Match, MatchMember, Program, Round
from crosspaths.programs.services import (
    NobodyToMatch,
    RoundExists,
    round_discard,
    round_move_member,
    round_preview,
    round_publish,
    round_swap_members,
)

from .models import AuditLog, RosterUpload, RoundJob
from .roster_files import guess_mapping, mapped_text, read_upload
from .selectors import round_pair_counts

# The round-job task runs this module's ``round_job_run``, so this module cannot import
# the tasks: ``tasks.py`` answers these hooks (plugged in ``ConsoleConfig.ready``).
# ``(*, organization_id, person_ids, invited_by_id, requested_at) -> None``: send invitations.
invitations_queue = Hook("console.invitations_queue", "crosspaths.console")
# ``(*, job_id) -> None``: run a ``RoundJob``.
round_job_queue = Hook("console.round_job_queue", "crosspaths.console")

STALE_UPLOAD_AGE = timedelta(days=1)

# Who acts when a change comes from a machine (an API key) rather than a signed-in
# person: the services' signatures name a Person, the log names the key as well.
_ACTING_AS: ContextVar[str] = ContextVar("audit_acting_as", default="")


@contextmanager
def audit_acting_as(name: str) -> Iterator[None]:
    """Entries recorded inside this block say ``name`` (e.g. "API key “HRIS” (cpk_ab12…)")
    besides or instead of the person."""
    token = _ACTING_AS.set(name)
    try:
        yield
    finally:
        _ACTING_AS.reset(token)


def audit_record(
    *,
    organization: Organization,
    actor: Person | None,
    action: str,
    summary: str,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one entry to the organization's audit log. Call it inside the transaction
    of the change it records."""
    author = (f"{actor.name} <{actor.email}>" if actor.name else actor.email) if actor else ""
    if _ACTING_AS.get():
        author = f"{_ACTING_AS.get()}, {author}" if author else _ACTING_AS.get()
    return AuditLog.objects.create(
        organization=organization,
        actor=actor,
        # A 200-character name and a 254-character e-mail do not fit the column: the
        # record keeps what fits rather than failing the change it records.
        actor_name=_fit(AuditLog, "actor_name", author),
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=_fit(AuditLog, "summary", summary),
        details=details or {},
    )


def _fit(model: type[Model], field: str, text: str) -> str:
    """``text`` cut to the column's max_length, ending in an ellipsis when cut."""
    limit = model._meta.get_field(field).max_length or len(text)  # type: ignore[union-attr]  # a column, not a relation
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _in_org_language(organization: Organization):
    """Audit summaries are records, written once in the organization's language."""
    return translation.override(organization.language or "en")


# --- Roster -----------------------------------------------------------------------------


def roster_upload_create(
    *, organization: Organization, actor: Person, file_name: str, data: bytes
) -> RosterUpload:
    """Keep an uploaded roster for preview. Raises RosterFileError when the file cannot
    be read at all. Unapplied uploads older than a day are removed on the way: they hold
    personal data nobody is going to apply any more."""
    headers, text, rows = read_upload(file_name, data)
    RosterUpload.objects.filter(
        organization=organization,
        applied_at__isnull=True,
        created_at__lt=clock.now() - STALE_UPLOAD_AGE,
    ).delete()
    return RosterUpload.objects.create(
        organization=organization,
        uploaded_by=actor,
        file_name=file_name[:255],
        text=text,
        headers=headers,
        mapping=guess_mapping(headers),
        rows=rows,
    )


def roster_upload_set_mapping(*, upload: RosterUpload, mapping: dict[str, str]) -> None:
    """Say which file column feeds which roster column. The roster id is required, and a
    file column feeds at most one roster column."""
    mapping = {k: v for k, v in mapping.items() if v}
    unknown = [v for v in mapping.values() if v not in upload.headers]
    if unknown:
        raise ValidationError(_("The file has no column '%(name)s'.") % {"name": unknown[0]})
    if "id" not in mapping:
        raise ValidationError({"id": _("Choose the column that holds each person's roster id.")})
    upload.mapping = mapping
    upload.save(update_fields=["mapping"])


def roster_upload_choose(*, upload: RosterUpload, deactivate_missing: bool) -> None:
    """Store whether applying the upload deactivates the people missing from it. The
    preview and the apply both read the stored choice, never a query parameter, so what
    was previewed is what gets applied."""
    if upload.applied_at is not None:
        raise ValidationError(_("This file has already been applied."))
    upload.deactivate_missing = deactivate_missing
    upload.save(update_fields=["deactivate_missing"])


def roster_upload_plan(*, upload: RosterUpload) -> RosterPlan:
    """What applying the upload (with its stored choice about missing people) would
    change now (raises RosterError listing every problem by row and roster column)."""
    if upload.applied_at is not None:
        raise ValidationError(_("This file has already been applied."))
    if "id" not in upload.mapping:
        raise ValidationError(_("Choose the column that holds each person's roster id."))
    return roster_plan(
        organization=upload.organization,
        text=mapped_text(upload.text, upload.headers, upload.mapping),
        file=upload.file_name,
        deactivate_missing=upload.deactivate_missing,
        outside_managers_allowed=True,
    )


def roster_plan_refusals(*, plan: RosterPlan) -> list[str]:
    """Rules that would refuse applying ``plan`` as it stands (shown in the preview, so
    Apply never surprises): the organization's last active admin stays active."""
    try:
        admins_keep_one(organization=plan.organization, losing=[p.pk for p in plan.leaving])
    except LastAdminError as e:
        return list(e.messages)
    return []


class RosterChangedError(Exception):
    """The people or the upload's choice changed between the preview and the apply; the
    admin should look again."""


@transaction.atomic
def roster_upload_apply(
    *,
    upload: RosterUpload,
    actor: Person,
    deactivate_missing: bool | None = None,
    expected: dict[str, int] | None = None,
    confirmed_deactivations: int | None = None,
) -> dict[str, int]:
    """Apply a previewed upload, all or nothing, and log it.

    It applies the upload's stored choice about missing people. ``deactivate_missing``
    and ``expected`` are what the preview showed: if the stored choice differs, or
    planning again now gives other numbers (someone else imported or edited people
    meanwhile), nothing is written and RosterChangedError asks for a fresh look.
    A mass deactivation needs ``confirmed_deactivations`` equal to its count
    (MassDeactivationError); the last active admin is never deactivated
    (LastAdminError). Applying twice is refused."""
    locked = RosterUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.applied_at is not None:
        raise ValidationError(_("This file has already been applied."))
    if deactivate_missing is not None and deactivate_missing != locked.deactivate_missing:
        raise RosterChangedError(locked.deactivate_missing)
    plan = roster_upload_plan(upload=locked)
    if expected is not None and plan.summary != expected:
        raise RosterChangedError(plan.summary)
    summary = roster_apply(plan=plan, actor=actor, confirmed_deactivations=confirmed_deactivations)
    locked.applied_at = clock.now()
    locked.summary = summary
    locked.text = ""
    locked.save(update_fields=["applied_at", "summary", "text"])
    with _in_org_language(upload.organization):
        text = _(
            "Imported %(file)s: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(deactivated)d deactivated"
        ) % {"file": locked.file_name, **summary}
    audit_record(
        organization=upload.organization,
        actor=actor,
        action=AuditLog.Action.ROSTER_IMPORT,
        target=locked,
        summary=text,
        details={
            "file": locked.file_name,
            "summary": summary,
            "deactivate_missing": locked.deactivate_missing,
            "new": [c.row.id for c in plan.new][:1000],
            "updated": {c.row.id: sorted(c.changes) for c in plan.updated[:1000]},
            "deactivated": [p.external_id or p.email for p in plan.leaving][:1000],
        },
    )
    return summary


def roster_uploads_forget(*, now: datetime) -> int:
    """Delete unapplied uploads older than a day (every organization's): they hold
    personal data nobody is going to apply any more. Safe to run twice. Returns how
    many were deleted (the daily housekeeping job)."""
    deleted, _by_model = RosterUpload.objects.filter(
        applied_at__isnull=True, created_at__lt=now - STALE_UPLOAD_AGE
    ).delete()
    return deleted


# --- People -----------------------------------------------------------------------------


@transaction.atomic
def person_set_role(*, actor: Person, person: Person, role: str) -> Person:
    """Give someone the admin, program manager or participant role (admins only; the
    organization's last active admin keeps theirs: LastAdminError)."""
    if role not in Person.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if not can_change_role(actor, person, role):
        raise PermissionDenied
    old = people_person_set_role(person=person, role=role)
    if old == role:
        return person
    with _in_org_language(person.organization):
        text = _("%(person)s is now %(role)s (was %(old)s)") % {
            "person": person.name or person.email,
            "role": Person.Role(role).label,
            "old": Person.Role(old).label,
        }
    audit_record(
        organization=person.organization,
        actor=actor,
        action=AuditLog.Action.PERSON_ROLE,
        target=person,
        summary=text,
        details={"role": [old, role]},
    )
    return person


@transaction.atomic
def person_activity_set(*, actor: Person, person: Person, active: bool) -> bool:
    """Deactivate or reactivate someone by hand and log it (admins only; the
    organization's last active admin stays active: LastAdminError). Returns whether
    anything changed."""
    if not can_change_role(actor, person, person.role):
        raise PermissionDenied
    if not person_set_active(person=person, active=active):
        return False
    with _in_org_language(person.organization):
        template = _("Reactivated %(person)s") if active else _("Deactivated %(person)s")
        text = template % {"person": person.name or person.email}
    audit_record(
        organization=person.organization,
        actor=actor,
        action=AuditLog.Action.PERSON_ACTIVE,
        target=person,
        summary=text,
        details={"active": active},
    )
    return True


@transaction.atomic
def people_invite(*, actor: Person, organization: Organization, people: Any) -> int:
    """Invite ``people`` (a queryset of this organization) who have not joined yet: the
    e-mails go out from a task once this commits, and the request is logged. Returns how
    many are to be invited."""
    ids = list(invitable(people.filter(organization=organization)).values_list("pk", flat=True))
    if not ids:
        return 0
    requested_at = clock.now()
    with _in_org_language(organization):
        text = ngettext("Invited %(count)d person", "Invited %(count)d people", len(ids)) % {
            "count": len(ids)
        }
    audit_record(
        organization=organization,
        actor=actor,
        action=AuditLog.Action.PEOPLE_INVITE,
        summary=text,
        details={"people": ids[:1000], "count": len(ids)},
    )
    transaction.on_commit(
        lambda: invitations_queue(
            organization_id=organization.pk,
            person_ids=ids,
            invited_by_id=actor.pk,
            requested_at=requested_at.isoformat(),
        )
    )
    return len(ids)


# --- Programs ---------------------------------------------------------------------------

PROGRAM_FIELDS = (
    "venues",
    "name",
    "description",
    "format",
    "cadence",
    "weekday",
    "time",
    "starts_on",
    "group_size",
    "audience",
    "weights",
    "cooldown_weeks",
    "holdout_percent",
    "requires_review",
    "active",
)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@transaction.atomic
def program_save(
    *,
    actor: Person | None,
    organization: Organization,
    program: Program | None,
    fields: dict[str, Any],
    managers: list[Person] | None = None,
) -> Program:
    """Create a program or change one, and log what changed.

    ``managers`` None leaves the managers alone (a program manager editing cannot
    change who runs the program); every manager must be a program manager of the same
    organization, because only they can use what they are given."""
    if managers is not None:
        bad = [
            m
            for m in managers
            if m.organization_id != organization.pk or m.role != Person.Role.PROGRAM_MANAGER
        ]
        if bad:
            raise ValidationError(
                {
                    "managers": _("%(name)s does not have the program manager role.")
                    % {"name": bad[0]}
                }
            )
    creating = program is None
    if program is None:
        program = Program(organization=organization)
    before = {f: _jsonable(getattr(program, f)) for f in PROGRAM_FIELDS} if not creating else {}
    before_managers = sorted(program.managers.values_list("pk", flat=True)) if not creating else []
    for name, value in fields.items():
        if name not in PROGRAM_FIELDS:
            raise ValueError(f"not a program setting: {name}")
        setattr(program, name, value)
    program.full_clean()
    program.save()
    if managers is not None:
        program.managers.set(managers)
    after = {f: _jsonable(getattr(program, f)) for f in PROGRAM_FIELDS}
    changes = {f: [before.get(f), after[f]] for f in PROGRAM_FIELDS if before.get(f) != after[f]}
    after_managers = sorted(program.managers.values_list("pk", flat=True))
    if after_managers != before_managers:
        changes["managers"] = [before_managers, after_managers]
    if creating or changes:
        with _in_org_language(organization):
            if creating:
                text = _("Created the program %(name)s") % {"name": program.name}
            else:
                text = _("Changed the program %(name)s: %(fields)s") % {
                    "name": program.name,
                    "fields": ", ".join(sorted(changes)),
                }
        audit_record(
            organization=organization,
            actor=actor,
            action=AuditLog.Action.PROGRAM_CREATE if creating else AuditLog.Action.PROGRAM_UPDATE,
            target=program,
            summary=text,
            details={"changes": changes},
        )
    return program


# --- Rounds -----------------------------------------------------------------------------


def _round_words(rnd: Round) -> dict[str, str]:
    return {"program": rnd.program.name, "date": rnd.date.isoformat()}


def round_draft_for_review(*, actor: Person, program: Program, on: date) -> Round:
    """Run the engine for ``program`` on ``on`` and keep the result as a draft to look
    at, replacing the open draft of that date (raises RoundExists when that date has a
    published round, NobodyToMatch when nobody takes part: the old draft is gone then
    too, since it named people who no longer take part)."""
    with transaction.atomic():
        try:
            rnd = round_preview(program=program, on=on)
        except NobodyToMatch as nobody:
            refused: NobodyToMatch | None = nobody
        else:
            refused = None
            with _in_org_language(program.organization):
                text = _("Previewed a round of %(program)s for %(date)s") % _round_words(rnd)
            audit_record(
                organization=program.organization,
                actor=actor,
                action=AuditLog.Action.ROUND_DRAFT,
                target=rnd,
                summary=text,
                details={"metrics": {k: v for k, v in rnd.metrics.items() if k != "seconds"}},
            )
    if refused is not None:
        raise refused
    return rnd


def round_discard_reviewed(*, actor: Person, round: Round) -> bool:
    """Discard a draft and log it (under "Round previewed", with ``discarded``: a
    separate log action would need a console migration)."""
    with transaction.atomic():
        if not round_discard(round=round):
            return False
        with _in_org_language(round.organization):
            text = _("Discarded the draft of %(program)s for %(date)s") % _round_words(round)
        audit_record(
            organization=round.organization,
            actor=actor,
            action=AuditLog.Action.ROUND_DRAFT,
            target=round,
            summary=text,
            details={"discarded": True, "date": round.date.isoformat()},
        )
    return True


class HandEdit:
    """What an admin asked for: swap two people, move one into a group, or take one out."""

    SWAP, MOVE, OUT = "swap", "move", "out"

    def __init__(
        self, *, person: Person, kind: str, other: Person | None = None, match: Match | None = None
    ):
        self.person, self.kind, self.other, self.match = person, kind, other, match


def _perform(rnd: Round, edit: HandEdit) -> None:
    if edit.kind == HandEdit.SWAP:
        round_swap_members(round=rnd, a=edit.person, b=edit.other)
    elif edit.kind == HandEdit.MOVE:
        round_move_member(round=rnd, person=edit.person, to_match=edit.match)
    elif edit.kind == HandEdit.OUT:
        round_move_member(round=rnd, person=edit.person, to_match=None)
    else:
        raise ValueError(f"unknown hand edit {edit.kind!r}")


class _DryRun(Exception):
    pass


def round_edit_check(*, round: Round, edit: HandEdit) -> list[ValidationError]:
    """The hard rules a hand edit would break (empty: it may be made). Runs the real edit
    in a transaction that is always rolled back, so the check and the edit can never
    disagree."""
    try:
        with transaction.atomic():
            _perform(round, edit)
            raise _DryRun
    except _DryRun:
        return []
    except ValidationError as e:
        return list(e.error_list)


def _edit_touches(rnd: Round, edit: HandEdit) -> set[int]:
    """The groups a hand edit changes (where its people sit now, and the target)."""
    people = [edit.person.pk] + ([edit.other.pk] if edit.other else [])
    seats = set(
        MatchMember.objects.filter(round=rnd, person_id__in=people).values_list(
            "match_id", flat=True
        )
    )
    if edit.match is not None:
        seats.add(edit.match.pk)
    return seats


@transaction.atomic
def round_edit(*, actor: Person, round: Round, edit: HandEdit) -> None:
    """Make a hand edit (refused with a ValidationError naming each broken hard rule)
    and log it. The round's stored pair counts (``metrics["pairs"]``, the costly part
    of its figures) are kept current from the changed groups alone."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    touched = _edit_touches(round, edit)
    before = round_pair_counts(rnd=round, match_ids=touched)
    _perform(round, edit)
    stored = (locked.metrics or {}).get("pairs")
    if stored is not None:
        after = round_pair_counts(rnd=round, match_ids=touched)
        metrics = dict(locked.metrics)
        metrics["pairs"] = [s + a - b for s, a, b in zip(stored, after, before, strict=True)]
        Round.objects.filter(pk=round.pk).update(metrics=metrics)
        round.metrics = metrics
    person = str(edit.person)
    with _in_org_language(round.organization):
        words = _round_words(round)
        if edit.kind == HandEdit.SWAP:
            action = AuditLog.Action.ROUND_SWAP
            text = _("Swapped %(a)s and %(b)s in %(program)s on %(date)s") % {
                "a": person,
                "b": str(edit.other),
                **words,
            }
        elif edit.kind == HandEdit.MOVE:
            action = AuditLog.Action.ROUND_MOVE
            text = _("Moved %(person)s to another group in %(program)s on %(date)s") % {
                "person": person,
                **words,
            }
        else:
            action = AuditLog.Action.ROUND_MOVE
            text = _("Took %(person)s out of %(program)s on %(date)s") % {
                "person": person,
                **words,
            }
    audit_record(
        organization=round.organization,
        actor=actor,
        action=action,
        target=round,
        summary=text,
        details={
            "kind": edit.kind,
            "person": edit.person.pk,
            "other": edit.other.pk if edit.other else None,
            "match": edit.match.pk if edit.match else None,
        },
    )


@transaction.atomic
def round_publish_reviewed(*, actor: Person, round: Round) -> Round:
    """Publish a reviewed draft and log it; the introductions go out once this commits."""
    rnd = round_publish(round=round)
    with _in_org_language(round.organization):
        text = _("Published the round of %(program)s on %(date)s") % _round_words(rnd)
    audit_record(
        organization=round.organization,
        actor=actor,
        action=AuditLog.Action.ROUND_PUBLISH,
        target=rnd,
        summary=text,
        details={"groups": rnd.metrics.get("groups"), "placed": rnd.metrics.get("placed")},
    )
    return rnd


# --- Round jobs: previews and publications run as background tasks ----------------------


def round_job_request(
    *, actor: Person | None, program: Program, on: date, kind: str, round: Round | None = None
) -> RoundJob:
    """Record a request to preview or publish a round and start its task once this
    commits. A job already open for the same program, date and kind is returned instead
    (a double click or a second admin joins it); the partial unique constraint settles
    two requests at the same moment."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                job = RoundJob.objects.create(
                    organization=program.organization,
                    program=program,
                    on=on,
                    kind=kind,
                    round=round,
                    actor=actor,
                )
        except IntegrityError:
            open_job = RoundJob.objects.filter(
                program=program, on=on, kind=kind, status__in=RoundJob.OPEN
            ).first()
            if open_job is None:  # finished between our insert and this read: try again
                return round_job_request(
                    actor=actor, program=program, on=on, kind=kind, round=round
                )
            return open_job
        job_id = job.pk
        transaction.on_commit(lambda: round_job_queue(job_id=job_id))
    return job


def _round_job_finish(job: RoundJob, *, status: str, error: str = "", rnd: Round | None) -> None:
    if rnd is not None and not Round.objects.filter(pk=rnd.pk).exists():
        rnd = None  # a draft this job replaced (or someone discarded) is gone
    RoundJob.objects.filter(pk=job.pk).update(
        status=status, error=error, round=rnd, finished_at=clock.now()
    )


def round_job_run(*, job_id: int) -> str:
    """Do the work of a round job once: claimed by a conditional update (queued ->
    running), so a task delivered twice finds nothing to do. A refusal (the round is
    no longer a draft, the date has a round) or a crash marks the job failed with a
    sentence for the person who asked; the draft's or publication's own writes are one
    transaction, so a failed job leaves nothing half done. Returns the final status."""
    claimed = RoundJob.objects.filter(pk=job_id, status=RoundJob.Status.QUEUED).update(
        status=RoundJob.Status.RUNNING, started_at=clock.now()
    )
    job = RoundJob.objects.select_related("organization", "program", "actor", "round").get(
        pk=job_id
    )
    if not claimed:
        return job.status
    language = (job.actor.language if job.actor else "") or job.organization.language or "en"
    with translation.override(language):
        try:
            if job.kind == RoundJob.Kind.DRAFT:
                rnd = _round_job_draft(job)
            else:
                if job.round is None:
                    raise ValidationError(_("This round no longer exists."), code="gone")
                rnd = (
                    round_publish_reviewed(actor=job.actor, round=job.round)
                    if job.actor is not None
                    else round_publish(round=job.round)
                )
        except RoundExists as exists:
            # Someone else drafted this date meanwhile: their round is the answer.
            _round_job_finish(job, status=RoundJob.Status.DONE, rnd=exists.round)
            return RoundJob.Status.DONE
        except ValidationError as e:
            _round_job_finish(
                job, status=RoundJob.Status.FAILED, error=" ".join(e.messages), rnd=job.round
            )
            return RoundJob.Status.FAILED
        except Exception:
            logging.getLogger(__name__).exception("round job %s failed", job_id)
            _round_job_finish(
                job,
                status=RoundJob.Status.FAILED,
                error=_("Something went wrong on our side; nothing was changed. Try again."),
                rnd=job.round,
            )
            return RoundJob.Status.FAILED
    if job.kind == RoundJob.Kind.DRAFT:
        _round_store_pairs(rnd)
    _round_job_finish(job, status=RoundJob.Status.DONE, rnd=rnd)
    return RoundJob.Status.DONE


def _round_store_pairs(rnd: Round) -> None:
    """Count the draft's pairs once, in the background, so its review page need not
    (hand edits keep the counts current, see ``round_edit``)."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=rnd.pk)
        metrics = dict(locked.metrics or {})
        metrics["pairs"] = round_pair_counts(rnd=locked)
        Round.objects.filter(pk=rnd.pk).update(metrics=metrics)


def _round_job_draft(job: RoundJob) -> Round:
    if job.actor is None:
        return round_preview(program=job.program, on=job.on)
    return round_draft_for_review(actor=job.actor, program=job.program, on=job.on)


@transaction.atomic
def checkin_comment_retention_set(
    *, organization: Organization, actor: Person, months: int | None
) -> bool:
    """Keep check-in comments ``months`` months (None: for good); the nightly
    housekeeping deletes older ones (``privacy.services.checkin_comments_expire``).
    Audited, since a shorter period deletes comments for good. False when unchanged."""
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    before = locked.checkin_comment_months
    if before == months:
        return False
    Organization.objects.filter(pk=organization.pk).update(checkin_comment_months=months)
    organization.checkin_comment_months = months

    def said(value: int | None) -> str:
        if value is None:
            return _("for good")
        return ngettext("%(count)d month", "%(count)d months", value) % {"count": value}

    audit_record(
        organization=organization,
        actor=actor,
        action=AuditLog.Action.RETENTION,
        summary=_("Check-in comments kept: %(before)s → %(after)s")
        % {"before": said(before), "after": said(months)},
        target=organization,
        details={"checkin_comment_months": {"before": before, "after": months}},
    )
    return True


__all__ = [
    "HandEdit",
    "LastAdminError",
    "MassDeactivationError",
    "RosterChangedError",
    "RosterError",
    "RoundExists",
    "audit_acting_as",
    "audit_record",
    "checkin_comment_retention_set",
    "people_invite",
    "person_activity_set",
    "person_set_role",
    "program_save",
    "roster_plan_refusals",
    "roster_upload_apply",
    "roster_upload_choose",
    "roster_upload_create",
    "roster_upload_plan",
    "roster_upload_set_mapping",
    "roster_uploads_forget",
    "round_discard_reviewed",
    "round_draft_for_review",
    "round_edit",
    "round_edit_check",
    "round_job_request",
    "round_job_run",
    "round_publish_reviewed",
]
