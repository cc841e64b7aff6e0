"""What our SCIM service announces: the User attributes Crosspaths keeps, the enterprise
extension's department, manager and employee number, and the service's capabilities.

The models are scim2-models resources cut down to what a person in Crosspaths has, so
``/Schemas`` tells an identity provider (and scim2-tester) exactly what round-trips;
attributes we do not keep (phone numbers, addresses, photos...) are not announced and
are ignored when sent."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from scim2_models import (
    URN,
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    External,
    Filter,
    Mutability,
    Pagination,
    Patch,
    Reference,
    Required,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models import Resource as ScimResource

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# The most resources one list answer holds (and the default page size).
MAX_RESULTS = 200


class Name(ComplexAttribute):
    formatted: str | None = None
    """The full name, as shown in Crosspaths."""

    family_name: str | None = None
    given_name: str | None = None


class Email(ComplexAttribute):
    value: Annotated[str | None, Required.true] = None
    display: str | None = None
    type: str | None = Field(None, examples=["work", "home", "other"])
    primary: bool | None = None


class User(ScimResource[AnyExtension]):
    """A person of the organization, as SCIM sees them."""

    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The identity provider's login name; unique within the organization."""

    name: Name | None = None
    display_name: str | None = None
    active: bool | None = None
    emails: Annotated[list[Email] | None, Required.true] = None
    """Required: Crosspaths reaches every person by e-mail. The primary (else work, else
    first) address is the person's e-mail in Crosspaths."""


class Manager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    """The SCIM id of the manager (a person of the same organization)."""

    # Not required: Microsoft Entra ID sends the manager's id alone.
    ref: Reference[User] | None = Field(None, serialization_alias="$ref", validation_alias="$ref")
    display_name: Annotated[str | None, Mutability.read_only] = None


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_SCHEMA)

    employee_number: str | None = None
    """The roster id (the HR system's id, the roster file's ``id`` column)."""

    department: str | None = None
    manager: Manager | None = None


BEARER = AuthenticationScheme(
    type=AuthenticationScheme.Type.oauthbearertoken,
    name="Bearer token",
    description="A token an organization admin creates in the console (SCIM provisioning).",
    spec_uri=Reference[External]("https://www.rfc-editor.org/rfc/rfc6750"),
    primary=True,
)

CONFIG = ServiceProviderConfig(
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=False),
    authentication_schemes=[BEARER],
    pagination=Pagination(
        cursor=False,
        index=True,
        default_pagination_method=Pagination.DefaultPaginationMethod.index,
        default_page_size=MAX_RESULTS,
        max_page_size=MAX_RESULTS,
    ),
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser],
    resource_types=[ResourceType.from_resource(User[EnterpriseUser])],
    config=CONFIG,
    # What real identity providers send: attributes we do not keep (locale, password,
    # phone numbers...) are dropped rather than refused; Microsoft Entra ID's PATCH
    # "remove" with a value, and its replace of emails[type eq "work"].value on a user
    # without a work address, are applied the way Entra means them.
    policy=ScimPolicy(
        unknown=ScimPolicy.Unknown.ignore,
        remove_value_as_filter=ScimPolicy.RemoveValue.apply,
        unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
    ),
)
