"""The console's overview."""

from datetime import date

from crosspaths.programs.models import Enrollment, Round


def test_participants_are_counted_once_however_many_rounds_the_program_ran(
    admin_client, cast, coffee
):
    for person in (cast.bob, cast.chidi):
        Enrollment.objects.get_or_create(organization=cast.org, program=coffee, person=person)
    for day in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)):
        Round.objects.create(organization=cast.org, program=coffee, date=day, status="closed")
    enrolled = Enrollment.objects.filter(program=coffee).count()
    response = admin_client.get("/console/")
    (program,) = [p for p in response.context["programs"] if p.pk == coffee.pk]
    assert program.enrolled == enrolled
    assert program.last_published == date(2026, 11, 16)
