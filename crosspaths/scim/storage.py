"""The SCIM storage of one organization's people, for scim2-server's handler.

scim2-server does the protocol (parsing, PATCH and PUT applied to the current resource,
filters checked, paging bounds, discovery, errors); this class translates between its
resources and our people and writes only through ``people.services.person_provision``,
the roster import's own plan and writer, with an audit-log entry in the same
transaction. Every query is scoped to the token's organization."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from scim2_models import (
    InvalidFilterException,
    InvalidValueException,
    NotFoundException,
    ResourceType,
    ResponseParameters,
    SearchRequest,
    UniquenessException,
)
from scim2_models import Resource as ScimResource
from scim2_models.path.expressions import (
    CompareOperator,
    Comparison,
    LogicalExpr,
    LogicalOperator,
    Not,
)
from scim2_server.storage import ScimStorage, SearchPage

from crosspaths.console.models import AuditLog
from crosspaths.matching.roster import EMAIL_RE, RosterError, parse_roster
from crosspaths.people.models import Person
from crosspaths.people.services import person_provision
from crosspaths.request_numbers import whole_number

from .models import ScimIdentity, ScimToken
from .rails import scim_deactivation_allow
from .schema import ENTERPRISE_SCHEMA, MAX_RESULTS, USER_SCHEMA, EnterpriseUser, User

# Roster columns SCIM writes; the rest (team, location, level, languages...) stay the
# roster's and the person's own.
NAME_MAX = Person._meta.get_field("name").max_length or 200
EMAIL_MAX = Person._meta.get_field("email").max_length or 254
TEXT_MAX = 300
# Where a roster problem's column shows up in SCIM terms.
ATTRIBUTE_OF_COLUMN = {
    "id": "employeeNumber",
    "email": "emails",
    "name": "name",
    "department": "department",
    "manager_id": "manager",
    "active": "active",
}
UserResource = User[EnterpriseUser]


class PeopleStorage(ScimStorage):
    """People of ``token.organization`` as SCIM Users."""

    def __init__(self, token: ScimToken):
        self.token = token
        self.organization = token.organization

    # -- reading ---------------------------------------------------------------------

    def _identities(self) -> QuerySet[ScimIdentity]:
        # name_lower: userName lookups through the (organization, lower(userName)) index.
        return (
            ScimIdentity.objects.filter(organization=self.organization)
            .alias(name_lower=Lower("user_name"))
            .select_related("person__department")
        )

    def _identity(self, resource_id: str) -> ScimIdentity:
        person_id = whole_number(resource_id)
        if person_id is None:
            raise NotFoundException
        identity = self._identities().filter(person_id=person_id).first()
        if identity is None:
            raise NotFoundException
        return identity

    def _current(self, resource_id: str) -> ScimIdentity:
        """The identity ``get`` read for this request (a PATCH reads, then updates)."""
        cached = getattr(self, "_last", None)
        if cached is not None and str(cached.person_id) == str(resource_id):
            return cached
        return self._identity(resource_id)

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> ScimResource[Any]:
        self._last = self._identity(resource_id)
        return user_of(self._last)

    def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        identities = self._identities()
        if search_request.filter is not None:
            identities = identities.filter(_q(search_request.filter.ast))
        total = identities.count()
        start = max(search_request.start_index or 1, 1) - 1
        count = MAX_RESULTS if search_request.count is None else search_request.count
        page = list(identities.order_by("person_id")[start : start + count]) if count else []
        return SearchPage(total=total, resources=[user_of(i) for i in page])

    # -- writing ---------------------------------------------------------------------

    def create(self, resource_type: ResourceType, resource: ScimResource[Any]) -> ScimResource[Any]:
        user = _typed(resource)
        with transaction.atomic():
            self._check_unique(user, identity=None)
            email = _email_of(user, fallback="")
            # A person already in the roster (a CSV import, the console) is adopted,
            # not duplicated: identity providers create whom they cannot find by userName.
            person = (
                Person.objects.filter(organization=self.organization)
                .alias(email_lower=Lower("email"))
                .filter(email_lower=email.lower())
                .select_for_update()
                .first()
            )
            if person is not None and ScimIdentity.objects.filter(person=person).exists():
                raise UniquenessException(detail=_("Another user already has this e-mail."))
            roster_id = _roster_id(user, person)
            saved = self._provision(user, person=person, roster_id=roster_id, email=email)
            identity = ScimIdentity.objects.create(
                organization=self.organization,
                person=saved,
                user_name=user.user_name or "",
                external_id=user.external_id or "",
                attributes=_echo(user, saved),
            )
            self._audit(AuditLog.Action.SCIM_USER_CREATE, saved, user)
        return user_of(self._identity(str(identity.person_id)))

    def update(
        self,
        resource_type: ResourceType,
        resource: ScimResource[Any],
        *,
        expected_version: str | None = None,
    ) -> ScimResource[Any]:
        user = _typed(resource)
        identity = self._current(str(user.id))
        person = identity.person
        leaving = person.active and user.active is False
        if leaving:
            scim_deactivation_allow(organization=self.organization)
        with transaction.atomic():
            self._check_unique(user, identity=identity)
            saved = self._provision(
                user,
                person=person,
                roster_id=_roster_id(user, person),
                email=_email_of(user, fallback=person.email),
            )
            stored = (identity.user_name, identity.external_id, identity.attributes)
            identity.user_name = user.user_name or identity.user_name
            identity.external_id = user.external_id or ""
            identity.attributes = _echo(user, saved)
            if (identity.user_name, identity.external_id, identity.attributes) != stored:
                identity.save(
                    update_fields=["user_name", "external_id", "attributes", "updated_at"]
                )
            action = (
                AuditLog.Action.SCIM_USER_DEACTIVATE
                if leaving
                else AuditLog.Action.SCIM_USER_UPDATE
            )
            self._audit(action, saved, user)
        # person_provision returns the person as written (department joined), so the
        # answer is built from what was just saved instead of read back.
        identity.person = saved
        return user_of(identity)

    def delete(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        expected_version: str | None = None,
    ) -> None:
        """Deprovisioning deactivates the person (matches and insights keep them) and
        forgets the SCIM identity, so the user reads as gone (404) afterwards."""
        identity = self._identity(resource_id)
        person = identity.person
        if person.active:
            scim_deactivation_allow(organization=self.organization)
        was_active = person.active
        with transaction.atomic():
            if person.active:
                row = _row(
                    {"id": person.external_id or _new_roster_id(), "active": "false"},
                    known_ids=(),
                )
                person = person_provision(organization=self.organization, person=person, row=row)
            action = (
                AuditLog.Action.SCIM_USER_DEACTIVATE
                if was_active
                else AuditLog.Action.SCIM_USER_UPDATE
            )
            self._audit(action, person, None)
            identity.delete()

    # -- helpers ---------------------------------------------------------------------

    def _check_unique(self, user: Any, *, identity: ScimIdentity | None) -> None:
        """userName and externalId are unique per organization (409 uniqueness)."""
        others = ScimIdentity.objects.filter(organization=self.organization)
        if identity is not None:
            others = others.exclude(pk=identity.pk)
        if not user.user_name or len(user.user_name) > TEXT_MAX:
            raise InvalidValueException(
                attribute="userName", detail=_("userName is required (at most 300 characters).")
            )
        if (
            identity is None or identity.user_name.lower() != user.user_name.lower()
        ) and others.alias(name_lower=Lower("user_name")).filter(
            name_lower=user.user_name.lower()
        ).exists():
            raise UniquenessException(detail=_("Another user already has this userName."))
        if user.external_id and (
            len(user.external_id) > TEXT_MAX
            or (
                (identity is None or identity.external_id != user.external_id)
                and others.filter(external_id=user.external_id).exists()
            )
        ):
            raise UniquenessException(detail=_("Another user already has this externalId."))

    def _provision(self, user: Any, *, person: Person | None, roster_id: str, email: str) -> Person:
        """Write ``user`` onto ``person`` (a new one when None) through the roster's
        validations and writer; roster problems become SCIM invalidValue errors."""
        if not email:
            raise InvalidValueException(
                attribute="emails",
                detail=_("A person needs an e-mail address: send emails or an e-mail as userName."),
            )
        values: dict[str, str] = {"id": roster_id, "email": email}
        known: set[str] = set()
        name = _name_of(user)
        if name:
            values["name"] = name
        # Unassigned means the default, as on creation: active.
        values["active"] = "false" if user.active is False else "true"
        # A replaced resource without department or manager has none (RFC 7644 §3.5.1),
        # whether a PUT left them out or a PATCH removed them.
        enterprise = user[EnterpriseUser]
        values["department"] = ""
        values["manager_id"] = ""
        if enterprise is not None:
            values["department"] = (enterprise.department or "").strip()
            if enterprise.manager is not None and enterprise.manager.value:
                manager = self._manager(enterprise.manager.value, person)
                values["manager_id"] = manager.external_id
                known.add(manager.external_id)
        for key, limit in (("name", NAME_MAX), ("email", EMAIL_MAX), ("department", NAME_MAX)):
            if len(values.get(key, "")) > limit:
                raise InvalidValueException(
                    attribute=ATTRIBUTE_OF_COLUMN[key],
                    detail=_("%(attribute)s is longer than %(limit)d characters.")
                    % {"attribute": ATTRIBUTE_OF_COLUMN[key], "limit": limit},
                )
        row = _row(values, known_ids=known)
        try:
            return person_provision(organization=self.organization, person=person, row=row)
        except RosterError as e:
            raise _invalid(e) from None
        except ValidationError as e:  # a rule of the people services (the last admin)
            raise InvalidValueException(detail=" ".join(e.messages)) from None

    def _manager(self, value: str, person: Person | None) -> Person:
        manager_id = whole_number(value)
        manager = (
            Person.objects.filter(organization=self.organization, pk=manager_id).first()
            if manager_id is not None
            else None
        )
        if manager is None or (person is not None and manager.pk == person.pk):
            raise InvalidValueException(
                attribute="manager",
                detail=_("The manager must be another user of this organization."),
            )
        if not manager.external_id:
            raise InvalidValueException(
                attribute="manager",
                detail=_("The manager has no roster id (employeeNumber) yet."),
            )
        return manager

    def _audit(self, action: str, person: Person, user: Any) -> None:
        with translation.override(self.organization.language or "en"):
            summary = f"{AuditLog.Action(action).label}: {person}"
        # audit_record's entry, with the token as the actor (one INSERT per request).
        AuditLog.objects.create(
            organization=self.organization,
            actor=None,
            actor_name=f"SCIM: {self.token.name}"[:300],
            action=action,
            target_type=person._meta.model_name or "",
            target_id=str(person.pk),
            summary=summary[:500],
            details={
                "token": self.token.name,
                "userName": getattr(user, "user_name", None),
                "externalId": getattr(user, "external_id", None),
            },
        )


# --- Translation between SCIM users and people -----------------------------------------


def user_of(identity: ScimIdentity) -> ScimResource[Any]:
    """The SCIM resource of a provisioned person. What lives on the Person (e-mail,
    name, activity, department, manager, roster id) is read from it; what a client sent
    that Crosspaths has no column for is echoed back while the Person still says what
    it said when the client wrote it (a roster import or the console may change it)."""
    person = identity.person
    attrs = identity.attributes or {}
    data: dict[str, Any] = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": str(person.pk),
        "userName": identity.user_name,
        "externalId": identity.external_id or None,
    }
    if attrs.get("_name") == person.name:
        data["name"] = attrs.get("name")
        data["displayName"] = attrs.get("displayName")
    elif person.name:
        data["name"] = {"formatted": person.name}
        data["displayName"] = person.name
    if attrs.get("_email") == person.email:
        data["emails"] = attrs.get("emails")
    else:
        data["emails"] = [{"value": person.email, "type": "work", "primary": True}]
    if not (attrs.get("activeUnset") and person.active):
        data["active"] = person.active
    # A roster id we made up (the client sent no employeeNumber) is not the client's.
    shown = person.external_id if attrs.get("employeeNumberSet", True) else None
    enterprise: dict[str, Any] = {"employeeNumber": shown or None}
    if person.department is not None:
        enterprise["department"] = person.department.name
    if person.manager_id:
        enterprise["manager"] = {
            "value": str(person.manager_id),
            "$ref": f"Users/{person.manager_id}",
        }
    data[ENTERPRISE_SCHEMA] = enterprise
    changed = max(person.updated_at, identity.updated_at)
    data["meta"] = {
        "resourceType": "User",
        "created": identity.created_at,
        "lastModified": changed,
        "version": f'W/"{int(changed.timestamp() * 1_000_000)}"',
    }
    return UserResource.model_validate(data)


def _typed(resource: ScimResource[Any]) -> Any:
    """``resource`` as our User with the enterprise extension. A PATCHed resource
    already is one (``user_of`` made it; scim2-models validates every assignment of the
    patch), so it is not dumped and validated a second time."""
    if isinstance(resource, UserResource):  # type: ignore[misc]  # pydantic makes the parametrized model a class
        return resource
    return UserResource.model_validate(resource.model_dump(scim_ctx=None))


def _echo(user: Any, person: Person) -> dict[str, Any]:
    """What to echo back of ``user``, and the Person values it was written against."""
    dumped = user.model_dump(scim_ctx=None, by_alias=True, exclude_none=True)
    return {
        "name": dumped.get("name"),
        "displayName": dumped.get("displayName"),
        "emails": dumped.get("emails"),
        "activeUnset": user.active is None,
        "employeeNumberSet": bool(
            user[EnterpriseUser] is not None and user[EnterpriseUser].employee_number
        ),
        "_name": person.name,
        "_email": person.email,
    }


def _name_of(user: Any) -> str:
    """The person's name: ``name.formatted``, else ``displayName``, else given + family."""
    name = user.name
    if name is not None and name.formatted:
        return name.formatted.strip()
    if user.display_name:
        return user.display_name.strip()
    if name is not None:
        return " ".join(p for p in (name.given_name, name.family_name) if p).strip()
    return ""


def _email_of(user: Any, *, fallback: str) -> str:
    """The primary address, else the work one, else the first; else userName if it is
    an address; else ``fallback`` (a person keeps their e-mail when a client sends none)."""
    emails = [e for e in user.emails or [] if e.value]
    chosen = (
        next((e for e in emails if e.primary), None)
        or next((e for e in emails if str(e.type or "").lower() == "work"), None)
        or (emails[0] if emails else None)
    )
    if chosen is not None:
        return str(chosen.value).strip().lower()
    if user.user_name and EMAIL_RE.match(user.user_name.strip()):
        return user.user_name.strip().lower()
    return fallback


def _new_roster_id() -> str:
    return "scim-" + secrets.token_hex(6)


def _roster_id(user: Any, person: Person | None) -> str:
    """The roster id: the enterprise employeeNumber when sent, else the person's own,
    else a new one."""
    enterprise = user[EnterpriseUser]
    if enterprise is not None and enterprise.employee_number:
        number = enterprise.employee_number.strip()
        if len(number) > 100:
            raise InvalidValueException(
                attribute="employeeNumber", detail=_("employeeNumber is too long.")
            )
        return number
    if person is not None and person.external_id:
        return person.external_id
    return _new_roster_id()


def _row(values: dict[str, str], *, known_ids: Any) -> Any:
    """One roster row through the roster reader, so provisioning is judged by exactly
    the checks a roster file is."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(values))
    writer.writeheader()
    writer.writerow(values)
    try:
        return parse_roster(out.getvalue(), file="SCIM", known_ids=known_ids)[0]
    except RosterError as e:
        raise _invalid(e) from None


def _invalid(error: RosterError) -> InvalidValueException:
    problem = error.problems[0]
    attribute = ATTRIBUTE_OF_COLUMN.get(problem.column or "", problem.column)
    return InvalidValueException(attribute=attribute, detail=f"{attribute}: {problem.message}")


# --- Filters ---------------------------------------------------------------------------


def _q(node: Any) -> Q:
    """A filter as a query over provisioned people: ``eq`` (and ``and``/``or``/``not``
    of them) on the attributes identity providers look people up by. Anything else
    is a 400 invalidFilter rather than a slow scan."""
    if isinstance(node, LogicalExpr):
        parts = [_q(term) for term in node.terms]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if node.op == LogicalOperator.and_ else combined | part
        return combined
    if isinstance(node, Not):
        return ~_q(node.expr)
    if isinstance(node, Comparison) and node.op == CompareOperator.eq:
        path = node.attr_path
        name = (path.attr + ("." + path.sub_attr if path.sub_attr else "")).lower()
        if path.uri and path.uri.lower() == ENTERPRISE_SCHEMA.lower():
            name = "enterprise:" + name
        value = node.value
        lookups = {
            "username": lambda: Q(name_lower=str(value).lower()),
            "externalid": lambda: Q(external_id=str(value)),
            "id": lambda: (
                Q(person_id=whole_number(value))
                if whole_number(value) is not None
                else Q(pk__in=[])
            ),
            "emails": lambda: Q(person__email=str(value).strip().lower()),
            "emails.value": lambda: Q(person__email=str(value).strip().lower()),
            "active": lambda: Q(person__active=bool(value)),
            "enterprise:employeenumber": lambda: Q(person__external_id=str(value)),
            "enterprise:department": lambda: Q(person__department__name__iexact=str(value)),
        }
        if name in lookups:
            return lookups[name]()
    raise InvalidFilterException(
        detail=_(
            "Supported filters: eq on userName, externalId, id, emails.value, active, "
            "employeeNumber or department, joined by and/or/not."
        )
    )
