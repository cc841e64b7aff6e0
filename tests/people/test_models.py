import pytest
from django.db import IntegrityError, transaction

from crosspaths.people.models import BlockedPair, Person


def test_an_email_is_unique_within_an_organization_whatever_its_case(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(organization=cast.org, email="ALICE@acme.test", name="Another Alice")


def test_the_same_email_may_exist_in_two_organizations(cast):
    twin = Person.objects.create(organization=cast.other_org, email="alice@acme.test", name="Alice")
    assert twin.pk is not None
    assert Person.objects.filter(email="alice@acme.test").count() == 2


def test_emails_are_stored_lower_case(cast):
    p = Person.objects.create(organization=cast.org, email="  Eve@Acme.TEST ", name="Eve")
    p.refresh_from_db()
    assert p.email == "eve@acme.test"


def test_a_roster_id_is_unique_within_an_organization(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(organization=cast.org, email="x@acme.test", external_id="A1")


def test_people_without_a_roster_id_do_not_collide(cast):
    Person.objects.create(organization=cast.org, email="x@acme.test")
    Person.objects.create(organization=cast.org, email="y@acme.test")
    assert Person.objects.filter(organization=cast.org, external_id="").count() == 2


def test_nobody_is_their_own_manager(cast):
    cast.bob.manager = cast.bob
    with pytest.raises(IntegrityError), transaction.atomic():
        cast.bob.save()


def test_a_person_cannot_block_themselves(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        BlockedPair.objects.create(organization=cast.org, person=cast.bob, other=cast.bob)


def test_a_pair_is_blocked_once(cast):
    BlockedPair.objects.create(organization=cast.org, person=cast.bob, other=cast.chidi)
    with pytest.raises(IntegrityError), transaction.atomic():
        BlockedPair.objects.create(organization=cast.org, person=cast.bob, other=cast.chidi)


def test_clean_refuses_a_department_of_another_organization(cast):
    from django.core.exceptions import ValidationError

    cast.bob.department = cast.dana.department
    with pytest.raises(ValidationError) as e:
        cast.bob.full_clean()
    assert "department" in e.value.message_dict


def test_an_unknown_time_zone_is_refused(cast):
    from django.core.exceptions import ValidationError

    cast.bob.timezone = "Mars/Olympus"
    with pytest.raises(ValidationError) as e:
        cast.bob.full_clean()
    assert "Mars/Olympus" in str(e.value.message_dict["timezone"])


def test_the_effective_time_zone_falls_back_to_location_then_organization(cast):
    assert cast.bob.effective_timezone == "Europe/Berlin"  # Munich
    cast.bob.timezone = "Asia/Tokyo"
    assert cast.bob.effective_timezone == "Asia/Tokyo"
    assert cast.dana.effective_timezone == "America/New_York"  # Globex's default
