"""``manage.py roi_report --org SLUG [--json] [--compute]``: the stored "does it pay
off?" estimate, for people or for automation."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.collaboration.models import PayoffEstimate
from crosspaths.collaboration.services import payoff_compute
from crosspaths.people.models import Organization


def report_data(estimate: PayoffEstimate) -> dict[str, object]:
    """The estimate as the JSON report prints it (empty figures when too few pairs)."""
    shown = estimate.shown
    return {
        "organization": estimate.organization.slug,
        "computed_at": estimate.computed_at.isoformat(),
        "uplift": estimate.uplift if shown else None,
        "low": estimate.low if shown else None,
        "high": estimate.high if shown else None,
        "difference": estimate.difference if shown else None,
        "difference_low": estimate.difference_low if shown else None,
        "difference_high": estimate.difference_high if shown else None,
        "pairs": estimate.pairs,
        "comparison_pairs": estimate.comparison_pairs,
        "rounds": estimate.rounds,
        "weeks_after": estimate.weeks_after,
        "shown": shown,
        "departments": estimate.departments if shown else [],
    }


class Command(BaseCommand):
    help = "Print the organization's pay-off estimate (computed nightly; --compute: now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--compute", action="store_true", help="compute the estimate now and store it"
        )

    def handle(self, *args: object, **options: object) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization with the slug '{options['org']}'.")
        estimate = PayoffEstimate.objects.filter(organization=org).first()
        if options["compute"] or estimate is None:
            estimate = payoff_compute(organization=org)
        data = report_data(estimate)
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        if not data["shown"]:
            self.stdout.write(
                f"{org.slug}: not enough pairs yet ({estimate.pairs} pairs that met, "
                f"{estimate.weeks_after} weeks before and after each)."
            )
            return
        high = "open" if estimate.high is None else f"{estimate.high:.2f}"
        low = "–" if estimate.low is None else f"{estimate.low:.2f}"  # noqa: RUF001
        self.stdout.write(
            f"{org.slug}: uplift {estimate.uplift:.2f}x (95% interval {low}–{high}), "  # noqa: RUF001
            f"{estimate.pairs} pairs that met, {estimate.comparison_pairs} comparison pairs, "
            f"{estimate.weeks_after} weeks after."
        )
