"""The e-mail templates are rendered once per language and shape of their context and
then filled in (channels/skeleton.py, for the delivery's CPU). These tests render
every kind of e-mail in English and German from random contents (umlauts, markup,
``&amp;``, ``%``, NUL characters and strings marked safe in names and texts, with and
without a slot, organizer, video link, place, unsubscribe link, attachment) through
the skeletons and through the templates as before: the same subject, text and HTML,
most of them from a skeleton."""

import random
import re
from dataclasses import fields, is_dataclass, replace

import pytest
from django.template import Context, Template, engines
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from crosspaths.notify.channels import email as email_channel
from crosspaths.notify.channels import skeleton
from crosspaths.notify.content import Attachment, MessageContent

from .test_translated_templates import KINDS, _render_all
from .test_translated_templates import _content as _plain_content


def _content(rng: random.Random, kind: str, language: str) -> MessageContent:
    content = _plain_content(rng, kind, language)
    odd = ["\x00", "\x000&\x00", "\x001&amp;\x00", "&amp;", "<i>Zoë</i>", "%(name)s"]
    changes: dict[str, object] = {}
    if rng.random() < 0.3:
        changes["first_name"] = rng.choice(odd)
    if rng.random() < 0.3:  # a paragraph marked safe is printed as it is
        changes["paragraphs"] = (mark_safe(rng.choice(odd)), *content.paragraphs[1:])
    if rng.random() < 0.3:
        changes["title"] = rng.choice(odd) + content.title
    changes["actions"] = _restyled(rng, content.actions)
    if rng.random() < 0.5:
        changes["attachments"] = (
            Attachment("invite.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n", {"method": "X"}),
        )
    return replace(content, **changes)


def _restyled(rng: random.Random, actions):
    return tuple(replace(a, style=rng.choice(["primary", "danger", "default"])) for a in actions)


def _others(rng: random.Random, content: MessageContent) -> list[MessageContent]:
    """Contents a skeleton of ``content``'s shape is reused for, or must not be: its
    strings replaced (the same shape); that and other button styles (codes are part
    of the shape); that and some strings marked safe or no longer (so is safety)."""
    same = _variant(rng, content, flip=0)
    restyled = replace(same, actions=_restyled(rng, same.actions))
    return [same, restyled, _variant(rng, content, flip=0.2)]


def _variant(rng: random.Random, value, flip: float):
    if isinstance(value, str):
        if not value or re.fullmatch("[a-z_]+", value):
            return value
        other = rng.choice(["Zoë & <b>Ana</b>", "\x00v0&V\x00", "100 %", "Grüße\n", "<i>x"])
        safe = isinstance(value, SafeString) != (rng.random() < flip)
        return mark_safe(other) if safe else other
    if isinstance(value, tuple | list):
        return type(value)(_variant(rng, item, flip) for item in value)
    if isinstance(value, dict):
        return {key: _variant(rng, item, flip) for key, item in value.items()}
    if is_dataclass(value):
        changes = {f.name: _variant(rng, getattr(value, f.name), flip) for f in fields(value)}
        return replace(value, **changes)
    return value


def test_every_kind_renders_from_its_skeletons_what_the_templates_render(
    fresh_templates, monkeypatch
):
    rng = random.Random(17)  # the same contents every run
    contents = []
    for _ in range(40):
        for kind in KINDS:
            for language in ("en", "de"):
                content = _content(rng, kind, language)
                contents += [content, *_others(rng, content)]
    with monkeypatch.context() as patched:
        patched.setattr(skeleton, "StandIns", _unsupported)
        plain = _render_all(contents)
    filled = _render_all(contents)
    assert filled == plain
    assert "Hallo" in filled[4][1] and "Hello" in filled[0][1]  # both languages rendered
    assert any("&amp;amp;" in html for _, _, html in filled)  # escaped values were filled in
    # Every introduction was filled in from a skeleton (made for its shape, or kept).
    for part in ("subject.txt", "body.txt", "body.html"):
        template = engines["django"].engine.get_template(f"emails/intro/{part}")
        shapes = template._skeletons[1]
        assert shapes and all(kept is not None for kept in shapes.values())


def test_contents_of_one_shape_share_a_skeleton(fresh_templates):
    rng = random.Random(5)
    first = replace(_content(rng, "intro", "de"), first_name="Zoë", paragraphs=("Eins",))
    second = replace(first, first_name="Bob & Ana", paragraphs=("<b>Zwei</b>",))
    filled = _render_all([first, second])
    with translation.override("de"):
        plain = email_channel._render(second)
    assert filled[1] == plain != filled[0]
    template = engines["django"].engine.get_template("emails/intro/body.html")
    assert len(template._skeletons[1]) == 1


def _unsupported(context):
    raise skeleton.Unsupported("rendered as before")


@pytest.mark.parametrize(
    "source",
    [
        "{{ name|striptags }} {{ name }}!",  # a filter: no skeleton for the template
        "{{ name.0 }} {{ name }}!",  # a character of the stand-in
        "{% if name == 'Bob & Ana' %}Bob{% endif %} {{ name }}!",  # compared
        "{% if name|length > 3 %}long{% endif %}",  # measured (and filtered)
        "{% for c in name %}{{ c }}.{% endfor %}",  # taken apart
    ],
)
def test_a_template_that_looks_into_a_value_is_rendered_as_before(source):
    template = Template(source)
    for name in ["Zoë", "Bob & Ana", "<b>x</b>", "Bob & Ana"]:
        context = {"name": name}
        expected = template.render(Context(context))
        got = skeleton.render(_Wrapped(template), context, skeleton.StandIns(context))
        assert got == expected
    kept = template._skeletons[1]
    assert kept is None or list(kept.values()) == [None]


def test_a_skeleton_is_kept_per_language_and_shape():
    template = Template(
        "{% load i18n %}{% if slot %}{% translate 'Duration:' %} {{ slot }}{% endif %}"
        "{% for r in reasons %}[{{ r }}]{% endfor %}{{ safe }}"
    )
    cases = [
        {"slot": "10 <Uhr>", "reasons": ["a&b"], "safe": mark_safe("<b>")},
        {"slot": "", "reasons": ["x", "y"], "safe": "<b>"},
        {"slot": "9 Uhr", "reasons": [], "safe": mark_safe("<i>")},
    ]
    for language in ("en", "de"):
        for context in cases * 2:
            with translation.override(language):
                expected = template.render(Context(context))
                got = skeleton.render(_Wrapped(template), context, skeleton.StandIns(context))
            assert got == expected
    assert len(template._skeletons[1]) == 6


def test_changed_settings_drop_the_skeletons():
    template = Template("{{ a }}")
    context = {"a": "x"}
    skeleton.render(_Wrapped(template), context, skeleton.StandIns(context))
    assert len(skeleton._skeletons(template)) == 1
    with override_settings(SITE_URL="https://elsewhere.test"):
        assert len(skeleton._skeletons(template)) == 0


class _Wrapped:
    """A backend template around an engine one, as the loader hands them out."""

    def __init__(self, template: Template) -> None:
        self.template = template

    def render(self, context: dict) -> str:
        return self.template.render(Context(context))
