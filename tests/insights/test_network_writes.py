"""The network's working tables as round_aggregate writes them: ``Connection`` rows
(COPY on PostgreSQL) and ``PersonReach`` upserts (one statement over arrays on
PostgreSQL, a statement per row elsewhere). Both paths must store the same rows; the
suite runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from datetime import date

from crosspaths.insights.models import Connection, PersonReach
from crosspaths.insights.services import _connections_insert, _reach_add, round_aggregate


def reach(net):
    return {
        (row.person_id, row.department): row.colleagues
        for row in PersonReach.objects.filter(organization=net.org)
    }


def test_reach_add_counts_each_side_under_the_other_sides_department(net):
    eng, fin = net.engineering.pk, net.finance.pk
    _reach_add(net.org.pk, [(net.e1.pk, net.f1.pk, eng, fin), (net.e1.pk, net.e2.pk, eng, eng)], +1)
    assert reach(net) == {
        (net.e1.pk, fin): 1,
        (net.f1.pk, eng): 1,
        (net.e1.pk, eng): 1,
        (net.e2.pk, eng): 1,
    }
    # Existing rows are added to; a person without a department is department 0.
    _reach_add(net.org.pk, [(net.e1.pk, net.n1.pk, eng, 0), (net.e3.pk, net.f1.pk, eng, fin)], +1)
    assert reach(net)[(net.e1.pk, 0)] == 1
    assert reach(net)[(net.n1.pk, eng)] == 1
    assert reach(net)[(net.f1.pk, eng)] == 2
    # Taking an edge back lowers the counts and keeps the row at 0.
    _reach_add(net.org.pk, [(net.e1.pk, net.f1.pk, eng, fin)], -1)
    assert reach(net)[(net.e1.pk, fin)] == 0
    assert reach(net)[(net.f1.pk, eng)] == 1
    assert len(reach(net)) == 7


def test_reach_add_with_edges_that_cancel_out_writes_nothing(net):
    eng = net.engineering.pk
    _reach_add(net.org.pk, [], +1)
    _reach_add(net.org.pk, [(net.e1.pk, net.e2.pk, eng, eng)] * 2, 0)
    assert reach(net) == {}


def test_connections_insert_stores_the_round_as_the_first_encounter(net):
    # Pairs come ordered (lower id first), with the departments in the same order.
    f1, e3, n1 = net.f1.pk, net.e3.pk, net.n1.pk
    eng, fin = net.engineering.pk, net.finance.pk
    assert f1 < e3 < n1  # created in this order (tests/insights/network.py)
    _connections_insert(net.r2, [(f1, e3, fin, eng), (e3, n1, eng, 0)])
    rows = sorted(
        Connection.objects.filter(organization=net.org).values_list(
            "person_low_id",
            "person_high_id",
            "department_low",
            "department_high",
            "first_round_id",
            "first_date",
        )
    )
    assert rows == sorted(
        [
            (f1, e3, fin, eng, net.r2.pk, net.r2.date),
            (e3, n1, eng, 0, net.r2.pk, net.r2.date),
        ]
    )
    assert isinstance(rows[0][5], date)
    _connections_insert(net.r2, [])
    assert Connection.objects.filter(organization=net.org).count() == 2


def test_aggregating_writes_the_same_network_as_adding_the_edges_by_hand(net):
    for rnd in (net.r1, net.r2, net.r3):
        round_aggregate(round_id=rnd.pk)
    stored = reach(net)
    edges = list(
        Connection.objects.filter(organization=net.org).values_list(
            "person_low_id", "person_high_id", "department_low", "department_high"
        )
    )
    PersonReach.objects.all().delete()
    _reach_add(net.org.pk, edges, +1)
    assert reach(net) == stored
    assert len(edges) == 10
