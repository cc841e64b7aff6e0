"""round_aggregate on the known network (tests/insights/network.py): every stored figure
against numbers computed by hand, and the aggregation's safety: twice, out of order,
after a group changed."""

from datetime import date

from crosspaths.insights.models import (
    Connection,
    DepartmentFigures,
    LastMatch,
    PairFigures,
    ParticipationFigures,
    PersonReach,
    ReachSnapshot,
    RoundFigures,
)
from crosspaths.insights.services import insights_backfill, round_aggregate, round_aggregate_enqueue
from crosspaths.programs.models import MatchMember, Round


def aggregate_all(net):
    for rnd in (net.r1, net.r2, net.r3):
        round_aggregate(round_id=rnd.pk)


def overall(rnd):
    return RoundFigures.objects.get(round=rnd, location__isnull=True)


def test_it_counts_groups_answers_and_no_shows_per_round(net):
    aggregate_all(net)
    r1 = overall(net.r1)
    assert (r1.matches, r1.happened, r1.not_happened, r1.unanswered) == (4, 2, 1, 1)
    assert (r1.answers, r1.no_shows, r1.ratings) == (5, 2, [0, 0, 0, 1, 1])
    r2 = overall(net.r2)
    assert (r2.matches, r2.happened, r2.answers, r2.ratings) == (1, 1, 1, [0, 0, 1, 0, 0])
    r3 = overall(net.r3)
    assert (r3.matches, r3.unanswered, r3.answers) == (2, 2, 0)


def test_a_group_of_four_is_six_encounters_and_repeats_are_not_new(net):
    aggregate_all(net)
    assert [overall(r).encounters for r in (net.r1, net.r2, net.r3)] == [4, 6, 2]
    assert [overall(r).new_connections for r in (net.r1, net.r2, net.r3)] == [4, 4, 2]
    # r1's new pairs all happened (f1-e1, e3-n1) or not (f2-f3, e2-l1): 2 met
    assert overall(net.r1).new_connections_met == 2
    assert Connection.objects.filter(organization=net.org).count() == 10


def test_cross_and_same_department_encounters_leave_out_people_without_one(net):
    aggregate_all(net)
    counts = [
        (overall(r).cross_department, overall(r).same_department) for r in (net.r1, net.r2, net.r3)
    ]
    assert counts == [(2, 1), (5, 1), (0, 2)]


def test_department_figures_hold_the_e_i_inputs(net):
    aggregate_all(net)

    def ei(dept):
        rows = DepartmentFigures.objects.filter(location__isnull=True, department=dept.pk)
        return sum(r.external for r in rows), sum(r.internal for r in rows)

    assert ei(net.finance) == (4, 2)
    assert ei(net.engineering) == (6, 2)
    assert ei(net.legal) == (4, 0)
    r2 = DepartmentFigures.objects.get(
        round=net.r2, location__isnull=True, department=net.engineering.pk
    )
    assert (r2.people, sorted(r2.people_ids)) == (2, sorted([net.e1.pk, net.e2.pk]))


def test_pair_figures_are_the_heatmap_cells_with_the_people_behind_them(net):
    aggregate_all(net)
    low, high = sorted([net.finance.pk, net.engineering.pk])
    cells = PairFigures.objects.filter(location__isnull=True, department_a=low, department_b=high)
    assert sum(c.encounters for c in cells) == 3  # f1-e1 twice, f1-e2
    r2 = cells.get(round=net.r2)
    assert (r2.people, r2.new_connections) == (3, 1)  # f1, e1, e2; only f1-e2 is new
    unknown = PairFigures.objects.get(round=net.r1, location__isnull=True, department_a=0)
    assert unknown.department_b == net.engineering.pk and unknown.encounters == 1


def test_a_location_holds_the_encounters_with_at_least_one_of_its_people(net):
    aggregate_all(net)
    lisbon = RoundFigures.objects.filter(location=net.lisbon)
    assert sum(r.encounters for r in lisbon) == 6  # e2-l1, e3-n1 | f1-l1 e1-l1 e2-l1 | e1-e3
    assert sum(r.matches for r in lisbon) == 4
    munich = RoundFigures.objects.filter(location=net.munich)
    assert sum(r.encounters for r in munich) == 12  # every encounter has someone from Munich


def test_participation_counts_the_program_on_the_rounds_date(net):
    aggregate_all(net)
    r2 = overall(net.r2)
    assert (r2.enrolled, r2.matched, r2.left_out, r2.paused) == (5, 4, 1, 0)
    r1 = overall(net.r1)
    assert (r1.enrolled, r1.matched) == (9, 8)
    org = ParticipationFigures.objects.get(
        organization=net.org, date=net.r3.date, location__isnull=True
    )
    assert (org.invited, org.opted_in, org.enrolled, org.paused) == (9, 9, 9, 0)


def test_reach_counts_distinct_colleagues_and_other_departments(net):
    aggregate_all(net)
    reach = {}
    for row in PersonReach.objects.filter(organization=net.org):
        reach.setdefault(row.person_id, {})[row.department] = row.colleagues
    assert sum(reach[net.f1.pk].values()) == 4  # e1 e2 l1 f2
    assert reach[net.f1.pk] == {net.engineering.pk: 2, net.legal.pk: 1, net.finance.pk: 1}
    assert reach[net.e3.pk] == {0: 1, net.engineering.pk: 1}  # n1 has no department
    snapshot = {
        (s.metric, s.low): s.people
        for s in ReachSnapshot.objects.filter(date=net.r3.date, location__isnull=True)
    }
    # colleagues: z1 0; f3 n1 1; f2 e3 2; f1 e1 e2 l1 3-5
    assert [snapshot[("colleagues", low)] for low in (0, 1, 2, 3, 6)] == [1, 2, 2, 4, 0]
    # other departments: f2 f3 e3 z1 none; n1 one (anyone's is "other"); f1 e1 e2 l1 two
    assert [snapshot[("departments", low)] for low in (0, 1, 2, 3)] == [4, 1, 4, 0]


def test_the_last_match_of_each_enrollment_is_remembered(net):
    aggregate_all(net)
    last = {
        (lm.enrollment.program_id, lm.enrollment.person_id): lm.matched_on
        for lm in LastMatch.objects.select_related("enrollment")
    }
    assert last[(net.coffee.pk, net.f1.pk)] == date(2026, 1, 12)
    assert last[(net.coffee.pk, net.f3.pk)] == date(2026, 1, 5)
    assert last[(net.lunch.pk, net.f1.pk)] == date(2026, 1, 8)
    assert (net.coffee.pk, net.z1.pk) not in last and (net.lunch.pk, net.f2.pk) not in last


def test_running_it_twice_changes_nothing(net):
    aggregate_all(net)
    before = (
        list(
            RoundFigures.objects.order_by("round", "location").values_list(
                "round", "location", "encounters", "new_connections", "people"
            )
        ),
        sorted(PersonReach.objects.values_list("person", "department", "colleagues")),
        Connection.objects.count(),
    )
    aggregate_all(net)
    after = (
        list(
            RoundFigures.objects.order_by("round", "location").values_list(
                "round", "location", "encounters", "new_connections", "people"
            )
        ),
        sorted(PersonReach.objects.values_list("person", "department", "colleagues")),
        Connection.objects.count(),
    )
    assert before == after


def test_an_earlier_round_aggregated_later_takes_its_first_encounters_back(
    net, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_aggregate(round_id=net.r2.pk)
    assert overall(net.r2).new_connections == 6
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = round_aggregate(round_id=net.r1.pk)
    assert result.stale_rounds == (net.r2.pk,)
    assert len(callbacks) == 1  # r2 queued again, and recounted by the immediate backend
    assert overall(net.r2).new_connections == 4
    assert overall(net.r1).new_connections == 4


def test_a_pair_whose_group_changed_is_forgotten(net):
    aggregate_all(net)
    e3 = MatchMember.objects.get(round=net.r3, person=net.e3)
    e3.delete()  # e1 and e3 no longer met in r3
    round_aggregate(round_id=net.r3.pk)
    assert not Connection.objects.filter(
        person_low__in=[net.e1, net.e3], person_high__in=[net.e1, net.e3]
    ).exists()
    assert (
        PersonReach.objects.get(person=net.e1, department=net.engineering.pk).colleagues == 1
    )  # e2 only
    assert overall(net.r3).encounters == 1


def test_a_round_back_in_draft_has_no_figures(net):
    aggregate_all(net)
    Round.objects.filter(pk=net.r3.pk).update(status=Round.Status.DRAFT)
    round_aggregate(round_id=net.r3.pk)
    assert not RoundFigures.objects.filter(round=net.r3).exists()
    assert Connection.objects.count() == 8


def test_the_hook_aggregates_once_the_callers_transaction_commits(
    net, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_aggregate_enqueue(round_id=net.r1.pk)
    assert not RoundFigures.objects.exists()  # nothing before the commit
    callbacks[0]()
    assert overall(net.r1).encounters == 4


def test_a_vanished_round_is_nothing_to_do(db):
    assert round_aggregate(round_id=987654).encounters == 0


def test_the_backfill_aggregates_in_date_order_and_rebuild_starts_over(net):
    assert insights_backfill(organization=net.org, today=date(2026, 1, 20)) == 3
    assert [overall(r).new_connections for r in (net.r1, net.r2, net.r3)] == [4, 4, 2]
    # nightly: only the last 28 days (all three here) and anything never aggregated
    assert insights_backfill(organization=net.org, today=date(2026, 3, 1)) == 0
    assert insights_backfill(organization=net.org, rebuild=True, today=date(2026, 3, 1)) == 3
    assert Connection.objects.count() == 10


def test_closing_a_round_aggregates_it(net, django_capture_on_commit_callbacks):
    from crosspaths.programs.services import round_close

    with django_capture_on_commit_callbacks(execute=True):
        round_close(round=net.r3)
    assert overall(net.r3).encounters == 2
