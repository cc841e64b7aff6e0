"""Who meets whom: encounters between every two departments (the heatmap), and which
departments have enough people taking part to be shown at all."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from ..charts import Chart
from ..models import DepartmentFigures, PairFigures
from .base import Figure, Filters, department_names, fmt, grouped_check, scoped


def shown_departments(f: Filters) -> tuple[dict[int, str], list[str]]:
    """Departments with enough of their own people taking part in the period (key ->
    name), and the names of those hidden."""
    names = department_names(f.organization)
    rows, check = grouped_check(f, scoped(DepartmentFigures.objects, f), ["department"])
    departments = [row["department"] for row in rows]
    former = _("Former department")
    shown = {d: names.get(d, former) for d in departments if check.ok((d,))}
    hidden = sorted(names.get(d, former) for d in departments if not check.ok((d,)))
    return dict(sorted(shown.items(), key=lambda kv: kv[1].lower())), hidden


def department_matrix_figure(f: Filters) -> Figure:
    """Encounters between every two departments over the period (the heatmap)."""
    shown, hidden_departments = shown_departments(f)
    cells, check = grouped_check(
        f,
        scoped(PairFigures.objects, f),
        ["department_a", "department_b"],
        encounters=Sum("encounters"),
    )
    totals = {(c["department_a"], c["department_b"]): c["encounters"] for c in cells}
    order = list(shown)
    fig = Figure(
        slug="departments",
        title=_("Who meets whom"),
        explanation=_(
            "Encounters between the people of two departments in the period; the diagonal "
            "counts encounters within a department. Departments and cells with fewer than "
            "%(minimum)s people behind them are hidden."
        )
        % {"minimum": f.minimum},
        header=[_("Department"), _("Department"), _("Encounters")],
    )
    matrix: list[list[float | None]] = []
    for a in order:
        line: list[float | None] = []
        for b in order:
            key = (a, b) if a <= b else (b, a)
            value = totals.get(key, 0)
            line.append(value if key not in totals or check.ok(key) else None)
        matrix.append(line)
    best: tuple[int, str, str] | None = None
    for (a, b), value in sorted(totals.items()):
        if a in shown and b in shown:
            ok = check.ok((a, b))
            fig.hidden += not ok
            fig.rows.append([shown[a], shown[b], value if ok else ""])
            if ok and a != b and (best is None or value > best[0]):
                best = (value, shown[a], shown[b])
    fig.empty = not totals
    if fig.empty:
        fig.summary = _("No encounters in this selection yet.")
    else:
        within = sum(
            v for (a, b), v in totals.items() if a == b and a in shown and check.ok((a, b))
        )
        fig.summary = _("%(departments)s departments shown.") % {"departments": len(order)}
        if best:
            fig.summary += " " + _(
                "The most encounters across departments: %(a)s and %(b)s (%(count)s)."
            ) % {"a": best[1], "b": best[2], "count": fmt(best[0])}
        fig.summary += " " + _("%(count)s encounters within departments.") % {"count": fmt(within)}
        if hidden_departments:
            fig.summary += " " + _("Hidden (too few people): %(names)s.") % {
                "names": ", ".join(hidden_departments)
            }
    fig.charts.append(
        Chart(
            kind="heatmap",
            title=fig.title,
            desc=fig.summary,
            labels=[shown[d] for d in order],
            matrix=matrix,
        )
    )
    return fig
