"""Waiting longest for a group: the one figure that names people, because it is
actionable (for admins and the program's managers); never their answers."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crosspaths.programs.models import Enrollment, LeftOut

from ..models import LastMatch
from .base import Figure, Filters

WAITING_LISTED = 10


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition, on a related model's fields."""
    out = Q(_connector=q.connector, _negated=q.negated)
    for child in q.children:
        out.children.append(
            _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])  # type: ignore[index]  # a Q's other children are (lookup, value) pairs
        )
    return out


def waiting_figure(f: Filters) -> Figure:
    """The enrolled, unpaused people who have gone longest without a group: actionable,
    so names are shown (to admins and the program's managers), never their answers."""
    fig = Figure(
        slug="waiting",
        title=_("Waiting longest for a group"),
        explanation=_(
            "Enrolled people who are not paused, by the time since their last group in the "
            "program (or since they joined, if they never had one)."
        ),
        header=[
            _("Name"),
            _("Department"),
            _("Location"),
            _("Program"),
            _("Waiting since"),
            _("Weeks"),
            _("Times left out"),
            _("Last reason"),
        ],
    )
    # Two short queries instead of sorting every enrollment: those matched before, in
    # the order of their last match (an index walk that stops early), and those never
    # matched, by the day they joined; the longest waits are the first of both.
    waiting = Q(left_at__isnull=True, person__active=True) & (
        Q(paused_until__isnull=True) | Q(paused_until__lt=f.today)
    )
    if f.program is not None:
        waiting &= Q(program=f.program)
    if f.location is not None:
        waiting &= Q(person__location=f.location)
    fields = (
        "pk",
        "person_id",
        "program_id",
        "person__name",
        "person__email",
        "person__department__name",
        "person__location__name",
        "program__name",
    )
    matched = [
        {**{k.removeprefix("enrollment__"): v for k, v in row.items()}, "since": row["matched_on"]}
        for row in LastMatch.objects.filter(organization=f.organization)
        .filter(_prefixed(waiting, "enrollment__"))
        .order_by("matched_on", "pk")
        .values("matched_on", *[f"enrollment__{name}" for name in fields])[:WAITING_LISTED]
    ]
    never_ids = list(
        Enrollment.objects.filter(organization=f.organization)
        .filter(waiting, insights_last_match__isnull=True)
        .order_by("joined_at", "pk")
        .values_list("pk", flat=True)[:WAITING_LISTED]
    )  # ids first: the sort then carries no joined names
    never = [
        {**row, "since": timezone.localtime(row["joined_at"]).date()}
        for row in Enrollment.objects.filter(pk__in=never_ids).values("joined_at", *fields)
    ]
    # Ties (same day) in enrollment order, whatever order the database returned.
    top = sorted(matched + never, key=lambda t: (t["since"], t["pk"]))[:WAITING_LISTED]
    left_out: dict[tuple[int, int], list[str]] = defaultdict(list)
    for person_id, program_id, reason in (
        LeftOut.objects.filter(
            organization=f.organization, person_id__in=[t["person_id"] for t in top]
        )
        .order_by("round__date")
        .values_list("person_id", "round__program_id", "reason")
    ):
        left_out[(person_id, program_id)].append(reason)
    for t in top:
        reasons = left_out.get((t["person_id"], t["program_id"]), [])
        weeks = max(0, (f.today - t["since"]).days // 7)
        entry = {
            "name": t["person__name"] or t["person__email"],
            "department": t["person__department__name"] or "",
            "location": t["person__location__name"] or "",
            "program": t["program__name"],
            "since": t["since"],
            "weeks": weeks,
            "left_out": len(reasons),
            "reason": reasons[-1] if reasons else "",
        }
        fig.people.append(entry)
        fig.rows.append(
            [
                entry["name"],
                entry["department"],
                entry["location"],
                entry["program"],
                t["since"].isoformat(),
                weeks,
                len(reasons),
                entry["reason"],
            ]
        )
    fig.empty = not top
    fig.summary = (
        _("Longest wait: %(name)s, %(weeks)s weeks.")
        % {"name": fig.people[0]["name"], "weeks": fig.people[0]["weeks"]}
        if top
        else _("Nobody is waiting.")
    )
    return fig
