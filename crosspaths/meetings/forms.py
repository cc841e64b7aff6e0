from django import forms
from django.utils.translation import gettext_lazy as _

RATINGS = [
    (5, _("5 · great")),
    (4, _("4 · good")),
    (3, _("3 · fine")),
    (2, _("2 · meh")),
    (1, _("1 · not good")),
]


class FeedbackForm(forms.Form):
    """The optional second step after a one-click check-in."""

    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        choices=RATINGS,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell the organizers? (optional)"),
        help_text=_(
            "Read with your name by the people who run this program (its program managers "
            "and your organization's admins). The people you met do not see it."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
