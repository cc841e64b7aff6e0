"""The e-mail templates' constant ``{% translate %}`` tags are rendered once per
language and kept (channels/translated.py, for the delivery's CPU). These tests
render every kind of e-mail in English and German from random contents (umlauts,
markup and percent signs in names, with and without a slot, organizer, video link,
place, unsubscribe link) with folded templates and with the loader's plain ones:
the same text."""

import random

from django.template import engines
from django.utils import translation

from crosspaths.notify.channels import email as email_channel
from crosspaths.notify.channels import translated
from crosspaths.notify.content import Action, Fact, MatchDetails, MessageContent

KINDS = ["intro", "reminder", "checkin", "nudge", "reschedule", "left_out"]
_NAMES = ["Jürgen Groß", "Zoë", "Bob & <Ana>", "100 % Kaffee", "O'Neil", "Ümit", "Chidi"]


def _words(rng: random.Random, n: int) -> str:
    pool = [*_NAMES, "Grüße", "a", "coffee", "<b>", "&amp;", "%s", "%%", "€", "\n", "—"]
    return " ".join(rng.choice(pool) for _ in range(rng.randint(0, n)))


def _content(rng: random.Random, kind: str, language: str) -> MessageContent:
    slot = rng.choice(["", "Wednesday, Dec. 2, 2026, 10 a.m."])
    match = MatchDetails(
        program=rng.choice(["Virtual coffee", "Kaffee & Kuchen", "Lunch 100 %"]),
        other_names=", ".join(rng.sample(_NAMES, rng.randint(1, 3))),
        reasons=tuple(_words(rng, 6) for _ in range(rng.randint(0, 3))),
        starter=_words(rng, 8),
        slot=slot,
        timezone=rng.choice(["Europe/Berlin", "America/New_York"]),
        organizer_name=rng.choice([None, rng.choice(_NAMES)]),
        is_organizer=rng.random() < 0.5,
        video_link=rng.choice(["", "https://meet.jit.si/crosspaths-0123"]),
        location=rng.choice(["", "Café Müller, Berlin"]),
        in_person=rng.random() < 0.3,
        duration=rng.choice(["", "30 minutes"]) if slot else "",
        url="https://crosspaths.example/matches/1/",
        other_times=tuple(_words(rng, 5) for _ in range(rng.randint(0, 2))),
    )
    return MessageContent(
        kind=kind,
        language=language,
        title=_words(rng, 6),
        greeting=_words(rng, 3),
        paragraphs=tuple(_words(rng, 12) for _ in range(rng.randint(1, 3))),
        reasons_heading=_words(rng, 3),
        reasons=tuple(_words(rng, 5) for _ in range(rng.randint(0, 2))),
        facts=tuple(
            Fact(
                code="slot",
                label=_words(rng, 2),
                value=_words(rng, 4),
                url=rng.choice(["", "https://x.test/"]),
            )
            for _ in range(rng.randint(0, 2))
        ),
        actions=(
            Action("met", "We met", "https://crosspaths.example/c/met/"),
            Action("missed", "Missed", "https://crosspaths.example/c/missed/", "primary"),
        )[: rng.randint(0, 2)],
        footer=_words(rng, 6),
        first_name=rng.choice(_NAMES),
        match=None if kind == "left_out" else match,
        unsubscribe_url=rng.choice(["", "https://crosspaths.example/mail/unsubscribe/x/"]),
        notes=tuple(_words(rng, 6) for _ in range(rng.randint(0, 2))),
    )


def _render_all(contents: list[MessageContent]) -> list[tuple[str, str, str]]:
    out = []
    for content in contents:
        with translation.override(content.language):
            out.append(email_channel._render(content))
    return out


def test_folded_templates_render_what_the_plain_ones_render(fresh_templates, monkeypatch):
    rng = random.Random(13)  # the same contents every run
    contents = [
        _content(rng, kind, language)
        for _ in range(60)
        for kind in KINDS
        for language in ("en", "de")
    ]
    with monkeypatch.context() as patched:
        patched.setattr(translated, "fold", lambda template: None)
        plain = _render_all(contents)
    engines["django"].engine.template_loaders[0].reset()
    folded = _render_all(contents)
    assert folded == plain
    intro = engines["django"].engine.get_template("emails/_match.html")
    constants = intro.nodelist.get_nodes_by_type(translated.ConstantTranslation)
    assert len(constants) >= 8  # the partials were folded too
    assert {language for node in constants for language, _ in node.outputs} == {"en", "de"}
    assert "Hallo" in folded[1][1] and "Hello" in folded[0][1]  # both languages rendered


def test_only_literal_translations_are_folded(fresh_templates):
    from django.template import Template

    template = Template(
        '{% load i18n %}{% translate "Duration:" %}{% translate name %}'
        '{% translate "Duration:"|upper %}{% translate "Duration:" as d %}'
        '{% translate "Duration:" context "meeting" %}{% translate "Duration:" noop %}'
    )
    translated.fold(template)
    kinds = [type(node).__name__ for node in template.nodelist if "Translat" in type(node).__name__]
    assert kinds == ["ConstantTranslation"] + ["TranslateNode"] * 5
