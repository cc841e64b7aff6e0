"""The HR console's pages. Thin: check the role (people/permissions.py), fetch scoped to
``request.organization``, call one service, render or redirect."""

from __future__ import annotations

from bisect import bisect_left

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crosspaths import clock
from crosspaths.matching.roster import RosterError, RosterProblem
from crosspaths.people.http import PersonRequest
from crosspaths.people.models import Department, Location, Person
from crosspaths.people.permissions import (
    admin_required,
    can_assign_program_managers,
    can_create_program,
    can_manage_people,
    manager_required,
)
from crosspaths.programs import scheduling
from crosspaths.programs.companions import program_companion
from crosspaths.programs.enrollments import audience_plan
from crosspaths.programs.models import MatchMember, Program, Round
from crosspaths.programs.permissions import (
    manageable_programs,
    manageable_rounds,
    program_for_manager,
    round_for_manager,
)
from crosspaths.programs.services import round_date_check
from crosspaths.request_numbers import whole_number

from . import audiences, program_rules, selectors, services
from .forms import (
    COLUMN_LABELS,
    ActivityForm,
    AudienceForm,
    AuditFilterForm,
    HandEditForm,
    InviteForm,
    PeopleFilterForm,
    ProgramForm,
    RetentionForm,
    RoleForm,
    RosterApplyForm,
    RosterMappingForm,
    RosterUploadForm,
    RoundDraftForm,
)
from .models import AuditLog, RosterUpload, RoundJob
from .navigation import console_context
from .refusals import refusal_texts
from .roster_files import RosterFileError, is_roster_format

PREVIEW_LIMIT = 200
PROBLEM_LIMIT = 500


@manager_required
def dashboard(request: PersonRequest) -> HttpResponse:
    person = request.person
    programs = (
        manageable_programs(person)
        .visible()
        .annotate(
            # distinct: joining the rounds as well repeats every enrollment once per round.
            enrolled=Count(
                "enrollments",
                filter=Q(enrollments__left_at__isnull=True, enrollments__person__active=True),
                distinct=True,
            ),
            # Drafts (maybe for a future date) are listed apart, never as "last round".
            last_published=Max(
                "rounds__date",
                filter=Q(rounds__status__in=[Round.Status.PUBLISHED, Round.Status.CLOSED]),
            ),
        )
        .select_related("organization")
        .order_by("name")
    )
    for program in programs:
        program.next_round = _scheduled_after_now(program)  # type: ignore[attr-defined]  # for the template only
    drafts = (
        manageable_rounds(person)
        .filter(status=Round.Status.DRAFT)
        .select_related("program")
        .order_by("date")
    )
    context = {
        **console_context(request, "overview"),
        "programs": programs,
        "drafts": drafts,
        "overview": selectors.people_overview(organization=request.organization)
        if can_manage_people(person)
        else None,
    }
    return render(request, "console/dashboard.html", context)


# --- Roster -----------------------------------------------------------------------------


@admin_required
def roster(request: PersonRequest) -> HttpResponse:
    org = request.organization
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = services.roster_upload_create(
                organization=org,
                actor=request.person,
                file_name=file.name,
                data=file.read(),
            )
        except RosterFileError as e:
            form.add_error("file", str(e))
        else:
            if is_roster_format(upload.headers):
                return redirect("console:roster_preview", pk=upload.pk)
            return redirect("console:roster_mapping", pk=upload.pk)
    uploads = RosterUpload.objects.filter(organization=org).select_related("uploaded_by")[:10]
    context = {
        **console_context(request, "roster"),
        "form": form,
        "overview": selectors.people_overview(organization=org),
        "uploads": uploads,
        "columns": list(COLUMN_LABELS),
    }
    return render(request, "console/roster.html", context, status=400 if form.errors else 200)


@admin_required
def roster_export(request: PersonRequest) -> StreamingHttpResponse:
    org = request.organization
    response = StreamingHttpResponse(
        selectors.roster_csv_lines(organization=org), content_type="text/csv; charset=utf-8"
    )
    day = clock.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="roster-{org.slug}-{day}.csv"'
    return response


def _upload(request: PersonRequest, pk: int) -> RosterUpload:
    return get_object_or_404(
        RosterUpload,
        pk=pk,
        organization=request.organization,
    )


@admin_required
def roster_mapping(request: PersonRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    if upload.applied_at is not None:
        messages.info(request, _("This file has already been applied."))
        return redirect("console:roster")
    form = RosterMappingForm(request.POST or None, headers=upload.headers, mapping=upload.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_upload_set_mapping(upload=upload, mapping=form.mapping())
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("console:roster_preview", pk=upload.pk)
    context = {
        **console_context(request, "roster"),
        "upload": upload,
        "form": form,
        "sample": selectors.upload_sample(upload=upload),
    }
    return render(
        request, "console/roster_mapping.html", context, status=400 if form.errors else 200
    )


def _problem_rows(upload: RosterUpload, problems: list[RosterProblem]) -> list[dict[str, object]]:
    """Problems (or warnings) in the file's own terms: its row numbers and its column
    headers."""
    rows = []
    ordered = sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
    for p in ordered[:PROBLEM_LIMIT]:
        header = upload.mapping.get(p.column or "", "")
        rows.append(
            {
                "row": p.row,
                "column": header or p.column or "",
                "field": COLUMN_LABELS.get(p.column or "", ""),
                "message": p.message,
            }
        )
    return rows


@admin_required
def roster_preview(request: PersonRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    if upload.applied_at is not None:
        messages.info(request, _("This file has already been applied."))
        return redirect("console:roster")
    context: dict[str, object] = {
        **console_context(request, "roster"),
        "upload": upload,
        "deactivate_missing": upload.deactivate_missing,
        "needs_mapping": not is_roster_format(upload.headers),
        "mapping": [(COLUMN_LABELS[c], h) for c, h in upload.mapping.items() if c in COLUMN_LABELS],
        "ignored": [h for h in upload.headers if h and h not in upload.mapping.values()],
    }
    try:
        plan = services.roster_upload_plan(upload=upload)
    except RosterError as e:
        context["problems"] = _problem_rows(upload, e.problems)
        context["problem_count"] = len(e.problems)
        return render(request, "console/roster_preview.html", context)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("console:roster_mapping", pk=upload.pk)
    actor = request.person
    leaving = plan.leaving
    context.update(
        plan=plan,
        summary=plan.summary,
        warnings=_problem_rows(upload, plan.warnings),
        warning_count=len(plan.warnings),
        new=plan.new[:PREVIEW_LIMIT],
        updated=[
            (
                c,
                [
                    (COLUMN_LABELS.get(name, COLUMN_LABELS.get(f"{name}_id", name)), old, new)
                    for name, old, new in selectors.describe_changes(c.changes)
                ],
            )
            for c in plan.updated[:PREVIEW_LIMIT]
        ],
        deactivated=plan.deactivated[:PREVIEW_LIMIT],
        limit=PREVIEW_LIMIT,
        leaving_count=len(leaving),
        needs_confirmation=plan.needs_confirmation(actor),
        leaving_includes_you=any(p.pk == actor.pk for p in leaving),
        refusals=services.roster_plan_refusals(plan=plan),
        apply_form=RosterApplyForm(
            initial={**plan.summary, "deactivate_missing": upload.deactivate_missing}
        ),
    )
    return render(request, "console/roster_preview.html", context)


@admin_required
@require_POST
def roster_apply(request: PersonRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    form = RosterApplyForm(request.POST)
    preview = reverse("console:roster_preview", kwargs={"pk": upload.pk})
    if not form.is_valid():
        messages.error(request, _("Please look at the preview again before applying."))
        return redirect(preview)
    deactivate = form.cleaned_data["deactivate_missing"]
    if "preview" in request.POST or deactivate != upload.deactivate_missing:
        # A changed box is never applied unseen: store it and show what it does.
        try:
            services.roster_upload_choose(upload=upload, deactivate_missing=deactivate)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("console:roster")
        if "preview" not in request.POST:
            messages.warning(
                request,
                _(
                    "You changed “Deactivate people who are not in this file”; here is what "
                    "that does. Nothing was applied yet."
                ),
            )
        return redirect(preview)
    try:
        summary = services.roster_upload_apply(
            upload=upload,
            actor=request.person,
            deactivate_missing=deactivate,
            expected=form.expected(),
            confirmed_deactivations=form.cleaned_data.get("confirm_deactivations"),
        )
    except services.RosterChangedError:
        messages.warning(
            request,
            _("People changed since this preview was made; here is the new preview."),
        )
        return redirect(preview)
    except RosterError:
        messages.error(request, _("The file no longer fits the people; see the problems below."))
        return redirect(preview)
    except (services.LastAdminError, services.MassDeactivationError) as e:
        messages.error(request, " ".join(e.messages))
        return redirect(preview)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("console:roster")
    messages.success(
        request,
        _(
            "Roster applied: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(deactivated)d deactivated."
        )
        % summary,
    )
    return redirect("console:roster")


# --- People -----------------------------------------------------------------------------


@admin_required
def people(request: PersonRequest) -> HttpResponse:
    org = request.organization
    form = PeopleFilterForm(request.GET or None, organization=org)
    filters = form.cleaned_data if form.is_valid() else {}
    found = selectors.people_list(
        organization=org,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        department=filters.get("department"),
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **console_context(request, "people"),
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "overview": selectors.people_overview(organization=org),
        "never_invited": selectors.never_invited_count(organization=org),
    }
    return render(request, "console/people.html", context)


@admin_required
@require_POST
def people_invite(request: PersonRequest) -> HttpResponse:
    org = request.organization
    form = InviteForm(request.POST, organization=org)
    back = request.POST.get("next", "")
    if not back.startswith("/console/people/"):
        back = reverse("console:people")
    if not form.is_valid():
        messages.error(
            request, " ".join(map(str, form.non_field_errors() or [_("Choose whom to invite.")]))
        )
        return redirect(back)
    count = services.people_invite(
        actor=request.person,
        organization=org,
        people=form.people(),
    )
    if count:
        messages.success(
            request,
            ngettext(
                "The invitation to %(count)d person is on its way.",
                "The invitations to %(count)d people are on their way.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Everyone you chose has joined already or is not active."))
    return redirect(back)


@admin_required
def person_detail(request: PersonRequest, pk: int) -> HttpResponse:
    org = request.organization
    actor = request.person
    person = get_object_or_404(
        Person.objects.select_related("department", "team", "location", "manager"),
        pk=pk,
        organization=org,
    )
    posted = request.POST if request.method == "POST" else None
    activity = "active" in request.POST if posted else False
    form = RoleForm(None if activity else posted, initial={"role": person.role})
    activity_form = ActivityForm(posted if activity else None)
    if posted and activity and activity_form.is_valid():
        active = activity_form.cleaned_data["active"]
        try:
            services.person_activity_set(actor=actor, person=person, active=active)
        except ValidationError as e:
            activity_form.add_error(None, e)
        else:
            done = _("%(person)s is active again.") if active else _("%(person)s is deactivated.")
            messages.success(request, done % {"person": person})
            return redirect("console:person", pk=person.pk)
    elif posted and not activity and form.is_valid():
        try:
            services.person_set_role(actor=actor, person=person, role=form.cleaned_data["role"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                _("%(person)s is now %(role)s.")
                % {"person": person, "role": person.get_role_display()},
            )
            return redirect("console:person", pk=person.pk)
    context = {
        **console_context(request, "people"),
        "subject": person,
        "form": form,
        "activity_form": activity_form,
        "programs": person.managed_programs.filter(organization=org),
    }
    failed = form.errors or activity_form.errors
    return render(request, "console/person.html", context, status=400 if failed else 200)


# --- Programs ---------------------------------------------------------------------------


@manager_required
def programs(request: PersonRequest) -> HttpResponse:
    person = request.person
    found = (
        manageable_programs(person)
        .visible()
        .annotate(
            enrolled=Count(
                "enrollments",
                filter=Q(enrollments__left_at__isnull=True, enrollments__person__active=True),
            ),
        )
    )
    context = {**console_context(request, "programs"), "programs": found.order_by("name")}
    return render(request, "console/programs.html", context)


def _companion_refused(request: PersonRequest, program: Program) -> HttpResponse | None:
    """A companion program (a journey's steps, the outside-perspective sessions) is run by
    its format: a change here would break it, so it is refused with where to go."""
    companion = program_companion(program)
    if companion is None:
        return None
    messages.error(request, companion.text)
    return redirect("console:program", pk=program.pk)


def _program_form_page(
    request: PersonRequest, form: ProgramForm, program: object | None
) -> HttpResponse:
    context = {
        **console_context(request, "programs"),
        "form": form,
        "program": program,
        "preference_fields": form.preference_fields(),
        "hard_rules": program_rules.hard_rules(
            group_size=min(max(_number(form["group_size"].value(), 2), 2), 12),
            cooldown_weeks=min(_number(form["cooldown_weeks"].value(), 12), 520),
            in_person=form["format"].value() in Program.IN_PERSON_FORMATS,
        ),
    }
    return render(request, "console/program_form.html", context, status=400 if form.errors else 200)


def _number(value: object, default: int) -> int:
    """A number typed into the form, for the rule sentences (the form validates it)."""
    number = whole_number(value)
    return default if number is None else number


@manager_required
def program_new(request: PersonRequest) -> HttpResponse:
    person = request.person
    if not can_create_program(person):
        raise PermissionDenied
    form = ProgramForm(
        request.POST or None,
        organization=request.organization,
        can_assign_managers=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_save(
                actor=person,
                organization=request.organization,
                program=None,
                fields=form.program_fields(),
                managers=list(form.cleaned_data.get("managers") or []),
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The program %(name)s is set up.") % {"name": program})
            return redirect("console:program", pk=program.pk)
    return _program_form_page(request, form, None)


@manager_required
def program_edit(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    program = program_for_manager(person, pk)
    if refused := _companion_refused(request, program):
        return refused
    assign = can_assign_program_managers(person)
    form = ProgramForm(
        request.POST or None,
        organization=request.organization,
        program=program,
        can_assign_managers=assign,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.program_save(
                actor=person,
                organization=request.organization,
                program=program,
                fields=form.program_fields(),
                managers=list(form.cleaned_data.get("managers") or []) if assign else None,
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Your changes to %(name)s are saved.") % {"name": program})
            return redirect("console:program", pk=program.pk)
    return _program_form_page(request, form, program)


@manager_required
def program_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    program = program_for_manager(person, pk)
    rounds = program.rounds.annotate(
        groups=Count("matches", distinct=True),
    ).order_by("-date")
    companion = program_companion(program)
    if companion is not None:
        context = {
            **console_context(request, "programs"),
            "program": program,
            "rounds": rounds,
            "companion": companion,
        }
        return render(request, "console/program_companion.html", context)
    weights = program.weights or {}
    context = {
        **console_context(request, "programs"),
        "program": program,
        "rounds": rounds,
        "managers": program.managers.all(),
        "hard_rules": program_rules.hard_rules(
            group_size=program.group_size,
            cooldown_weeks=program.cooldown_weeks,
            in_person=program.mode == "in-person",
        ),
        "preferences": [
            (sentence, dict(program_rules.LEVEL_CHOICES)[program_rules.weight_level(key, weights)])
            for key, sentence in program_rules.SENTENCES.items()
        ],
        "audience": _audience_words(program),
        "enrolled": program.enrollments.filter(left_at__isnull=True, person__active=True).count(),
        "draft_form": RoundDraftForm(initial={"on": _next_round_date(program)}),
        "audience_form": AudienceForm(organization=program.organization),
    }
    return render(request, "console/program.html", context)


ENROLL_SAMPLE = 50


@manager_required
def program_enroll(request: PersonRequest, pk: int) -> HttpResponse:
    """Enroll an audience: GET previews how many people (and a sample of names), POST
    enrolls them after the admin confirmed that count."""
    person = request.person
    program = program_for_manager(person, pk)
    if refused := _companion_refused(request, program):
        return refused
    data = request.POST if request.method == "POST" else request.GET
    form = AudienceForm(data, organization=program.organization)
    context: dict[str, object] = {
        **console_context(request, "programs"),
        "program": program,
        "form": form,
    }
    if not form.is_valid():
        return render(request, "console/program_enroll.html", context, status=400)
    audience = form.audience()
    if request.method == "POST":
        try:
            plan = audiences.audience_enroll(
                actor=person,
                program=program,
                audience=audience,
                expected=whole_number(request.POST.get("expected")),
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d person is enrolled in %(program)s and gets the announcement.",
                    "%(count)d people are enrolled in %(program)s and get the announcement.",
                    len(plan.new),
                )
                % {"count": len(plan.new), "program": program.name},
            )
            return redirect("console:program", pk=program.pk)
    plan = audience_plan(program=program, audience=audience, on=audiences.program_today(program))
    context.update(
        plan=plan,
        sample=plan.new[:ENROLL_SAMPLE],
        audience_words=audiences.audience_words(program, audience),
    )
    return render(request, "console/program_enroll.html", context)


@manager_required
@require_POST
def program_auto_enroll(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    program = program_for_manager(person, pk)
    if refused := _companion_refused(request, program):
        return refused
    on = request.POST.get("on") == "1"
    try:
        audiences.program_set_auto_enroll(actor=person, program=program, on=on)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("New hires are enrolled automatically as their start date comes.")
            if on
            else _("New hires are no longer enrolled automatically."),
        )
    return redirect("console:program", pk=program.pk)


def _scheduled_after_now(program: Program) -> object:
    """The program's next scheduled round date (None: inactive, a one-off that ran, or
    a schedule that cannot be computed)."""
    if not program.active:
        return None
    try:
        return scheduling.next_date_after(program, clock.now())
    except scheduling.BadSchedule:
        return None


def _next_round_date(program: Program) -> object:
    """The program's next scheduled date, to suggest for a preview (today when none)."""
    try:
        return scheduling.next_date_after(program, clock.now()) or clock.today()
    except scheduling.BadSchedule:
        return clock.today()


def _audience_words(program: Program) -> list[str]:
    """The audience filters as sentences (empty: everyone enrolled)."""
    audience = program.audience or {}
    org = program.organization_id
    words = []
    if audience.get("departments"):
        departments = Department.objects.filter(
            organization_id=org, pk__in=audience["departments"]
        ).values_list("name", flat=True)
        words.append(_("Departments: %(names)s") % {"names": ", ".join(departments)})
    if audience.get("locations"):
        locations = Location.objects.filter(
            organization_id=org, pk__in=audience["locations"]
        ).values_list("name", flat=True)
        words.append(_("Locations: %(names)s") % {"names": ", ".join(locations)})
    low, high = audience.get("level_min"), audience.get("level_max")
    if low is not None and high is not None:
        words.append(_("Levels %(low)d to %(high)d") % {"low": low, "high": high})
    elif low is not None:
        words.append(_("Level %(low)d and above") % {"low": low})
    elif high is not None:
        words.append(_("Level %(high)d and below") % {"high": high})
    if audience.get("started_within_days"):
        words.append(
            _("Started within the last %(days)d days") % {"days": audience["started_within_days"]}
        )
    return words


# --- Audit log --------------------------------------------------------------------------


def _audit_filtered(request: PersonRequest) -> tuple[AuditFilterForm, QuerySet[AuditLog]]:
    org = request.organization
    form = AuditFilterForm(request.GET or None, organization=org)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(
        organization=org,
        action=filters.get("action", ""),
        actor=filters.get("actor"),
        since=filters.get("since"),
        until=filters.get("until"),
        q=filters.get("q", ""),
    )
    return form, entries


@admin_required
def audit(request: PersonRequest) -> HttpResponse:
    form, entries = _audit_filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **console_context(request, "audit"),
        "form": form,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "console/audit.html", context)


@admin_required
def retention(request: PersonRequest) -> HttpResponse:
    """The organization's retention of check-in comments (organization admins)."""
    organization = request.organization
    form = RetentionForm(
        request.POST or None,
        initial={"checkin_comment_months": organization.checkin_comment_months},
    )
    if request.method == "POST" and form.is_valid():
        if services.checkin_comment_retention_set(
            organization=organization,
            actor=request.person,
            months=form.cleaned_data["checkin_comment_months"],
        ):
            messages.success(request, _("Retention saved."))
        return redirect("console:retention")
    context = {**console_context(request, "retention"), "form": form}
    return render(request, "console/retention.html", context)


@admin_required
def audit_export(request: PersonRequest) -> StreamingHttpResponse:
    _form, entries = _audit_filtered(request)
    response = StreamingHttpResponse(
        selectors.audit_csv_lines(entries=entries),
        content_type="text/csv; charset=utf-8",
    )
    day = clock.today().isoformat()
    slug = request.organization.slug
    response["Content-Disposition"] = f'attachment; filename="audit-{slug}-{day}.csv"'
    return response


# --- Rounds -----------------------------------------------------------------------------


@manager_required
@require_POST
def round_new(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    program = program_for_manager(person, pk)
    if refused := _companion_refused(request, program):
        return refused
    form = RoundDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors.get("on", [_("Choose a date.")]))))
        return redirect("console:program", pk=program.pk)
    on = form.cleaned_data["on"]
    try:
        round_date_check(program=program, on=on)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("console:program", pk=program.pk)
    existing = Round.objects.filter(program=program, date=on).first()
    if existing is not None and existing.status != Round.Status.DRAFT:
        messages.info(
            request,
            _("%(program)s already has a round on %(date)s.")
            % {"program": program.name, "date": on.isoformat()},
        )
        return redirect("console:round", pk=existing.pk)
    # An open draft of that date is replaced by the new preview (in the task).
    job = services.round_job_request(
        actor=person, program=program, on=on, kind=RoundJob.Kind.DRAFT, round=existing
    )
    return redirect("console:round_job", pk=job.pk)


@manager_required
@require_POST
def round_rerun(request: PersonRequest, pk: int) -> HttpResponse:
    """Run the engine again for a draft's date; the new draft replaces this one."""
    person = request.person
    rnd = round_for_manager(person, pk)
    if refused := _companion_refused(request, rnd.program):
        return refused
    if rnd.status != Round.Status.DRAFT:
        messages.error(request, _("Only a draft can be run again; this round went out."))
        return redirect("console:round", pk=rnd.pk)
    job = services.round_job_request(
        actor=person, program=rnd.program, on=rnd.date, kind=RoundJob.Kind.DRAFT, round=rnd
    )
    return redirect("console:round_job", pk=job.pk)


@manager_required
@require_POST
def round_discard(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    rnd = round_for_manager(person, pk)
    if refused := _companion_refused(request, rnd.program):
        return refused
    try:
        services.round_discard_reviewed(actor=person, round=rnd)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("console:round", pk=rnd.pk)
    messages.success(
        request,
        _("The draft of %(date)s is discarded; nobody was told anything.")
        % {"date": formats.date_format(rnd.date, "DATE_FORMAT")},
    )
    return redirect("console:program", pk=rnd.program_id)


@manager_required
def round_job(request: PersonRequest, pk: int) -> HttpResponse:
    """Progress of a preview or publication. The page polls itself with htmx every two
    seconds while the job is open; once done, the browser is sent on to the round."""
    person = request.person
    job = get_object_or_404(
        RoundJob.objects.select_related("program", "round"),
        pk=pk,
        organization=request.organization,
    )
    program = program_for_manager(person, job.program_id)
    htmx = request.headers.get("HX-Request") == "true"
    if job.status == RoundJob.Status.DONE and job.round_id is not None:
        if job.kind == RoundJob.Kind.PUBLISH:
            messages.success(
                request, _("Published: everyone in a group gets their introduction by e-mail.")
            )
        url = reverse("console:round", kwargs={"pk": job.round_id})
        if htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    context = {**console_context(request, "programs"), "job": job, "program": program}
    template = "console/round_job_status.html" if htmx else "console/round_job.html"
    return render(request, template, context)


def _round_page(
    request: PersonRequest,
    rnd: Round,
    *,
    form: HandEditForm | None = None,
    refusals: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    changed = {n for x in request.GET.get("changed", "").split(",") if (n := whole_number(x))}
    view = selectors.round_view(
        rnd=rnd,
        q=request.GET.get("q", "")[:200],
        page=request.GET.get("page"),
        left_page=request.GET.get("left"),
        only=changed or None,
    )
    companion = program_companion(rnd.program)
    editable = rnd.status == Round.Status.DRAFT and companion is None
    context = {
        **console_context(request, "programs"),
        "companion": companion,
        "round": rnd,
        "program": rnd.program,
        "view": view,
        "editable": editable,
        "edit_form": (form or HandEditForm(round=rnd)) if editable else None,
        "refusals": refusals or [],
        "changed": changed,
        "group_query": urlencode({"q": view.q}) if view.q else "",
        "left_query": urlencode(
            {k: v for k, v in request.GET.items() if k in ("q", "page", "changed") and v}  # type: ignore[arg-type]  # QueryDict.items() yields each key's last value, a str
        ),
        "comment_count": selectors.round_comments(rnd=rnd).count()
        if rnd.status != Round.Status.DRAFT
        else 0,
    }
    return render(request, "console/round.html", context, status=status)


@manager_required
def round_comments(request: PersonRequest, pk: int) -> HttpResponse:
    """What members wrote to the organizers when checking in: for the organization's
    admins and the program's managers only (the check-in form says so)."""
    rnd = round_for_manager(request.person, pk)
    page = Paginator(selectors.round_comments(rnd=rnd), 50).get_page(request.GET.get("page"))
    ids = selectors.round_group_numbers(rnd=rnd)
    for checkin in page.object_list:
        checkin.group_number = bisect_left(ids, checkin.member.match_id) + 1  # type: ignore[attr-defined]  # for the template only
    context = {
        **console_context(request, "programs"),
        "round": rnd,
        "program": rnd.program,
        "page": page,
    }
    return render(request, "console/round_comments.html", context)


@manager_required
def round_detail(request: PersonRequest, pk: int) -> HttpResponse:
    rnd = round_for_manager(request.person, pk)
    return _round_page(request, rnd)


def _edit_form(request: HttpRequest, rnd: Round) -> HandEditForm:
    return HandEditForm(request.POST, round=rnd)


@manager_required
@require_POST
def round_check(request: PersonRequest, pk: int) -> HttpResponse:
    """The live check behind the hand-edit form (htmx): would this edit keep every hard
    rule? Nothing is changed."""
    rnd = round_for_manager(request.person, pk)
    if refused := _companion_refused(request, rnd.program):
        return refused
    form = _edit_form(request, rnd)
    context: dict[str, object] = {"form": form, "refusals": [], "checked": False}
    if form.is_valid():
        edit = form.edit()
        context["checked"] = True
        context["refusals"] = refusal_texts(services.round_edit_check(round=rnd, edit=edit))
    return render(request, "console/round_check.html", context)


@manager_required
@require_POST
def round_edit(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    rnd = round_for_manager(person, pk)
    if refused := _companion_refused(request, rnd.program):
        return refused
    form = _edit_form(request, rnd)
    if not form.is_valid():
        return _round_page(request, rnd, form=form, status=400)
    edit = form.edit()
    before = _seat_of(rnd, edit)
    try:
        services.round_edit(actor=person, round=rnd, edit=edit)
    except ValidationError as e:
        return _round_page(
            request, rnd, form=form, refusals=refusal_texts(e.error_list), status=400
        )
    messages.success(request, _("Done: the changed groups are outlined."))
    changed = sorted(before | _seat_of(rnd, edit))
    url = reverse("console:round", kwargs={"pk": rnd.pk})
    return redirect(f"{url}?{urlencode({'changed': ','.join(map(str, changed))})}#groups")


def _seat_of(rnd: Round, edit: services.HandEdit) -> set[int]:
    """The groups an edit touches (to outline them afterwards)."""
    people = [edit.person.pk] + ([edit.other.pk] if edit.other else [])
    seats = set(
        MatchMember.objects.filter(round=rnd, person_id__in=people).values_list(
            "match_id", flat=True
        )
    )
    if edit.match is not None:
        seats.add(edit.match.pk)
    return seats


@manager_required
@require_POST
def round_publish(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    rnd = round_for_manager(person, pk)
    if refused := _companion_refused(request, rnd.program):
        return refused
    if rnd.status != Round.Status.DRAFT:
        messages.error(
            request,
            _("This round cannot be published: it is %(status)s, not a draft.")
            % {"status": rnd.get_status_display()},
        )
        return redirect("console:round", pk=rnd.pk)
    job = services.round_job_request(
        actor=person, program=rnd.program, on=rnd.date, kind=RoundJob.Kind.PUBLISH, round=rnd
    )
    return redirect("console:round_job", pk=job.pk)
