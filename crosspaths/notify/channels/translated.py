"""The e-mail templates' constant ``{% translate "…" %}`` tags, rendered once.

An e-mail runs about 20 of them in each of its three templates, each looking up its
message in the active catalogue (``gettext`` through ``asgiref``'s locals), escaping
and marking the result: a third of the templates' CPU, for text that is the same in
every e-mail of one language. A tag with a literal message and nothing else (no
filter, context, ``noop`` or ``as``) gives a value that depends only on the active
language and on whether the context autoescapes, so ``fold`` turns such nodes into
``ConstantTranslation`` nodes that render once for each pair and then return that
value. Templates come from the cached loader, which keeps them for the process; the
nodes of templates the e-mails include or extend are folded too.
``tests/notify/test_translated_templates.py`` renders every kind in both languages
with and without folding over random contents.
"""

from __future__ import annotations

from typing import Any

from django.template import Variable
from django.template.base import Template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.templatetags.i18n import TranslateNode
from django.utils import translation


class ConstantTranslation(TranslateNode):
    """A ``TranslateNode`` whose output is kept per (language, autoescape)."""

    outputs: dict[tuple[str | None, bool], str]

    def render(self, context: Any) -> str:
        key = (translation.get_language(), context.autoescape)
        try:
            return self.outputs[key]
        except KeyError:
            value = self.outputs[key] = super().render(context)
            return value


def _constant(node: Any) -> bool:
    expression = node.filter_expression
    return (
        type(node) is TranslateNode
        and not node.noop
        and node.asvar is None
        and node.message_context is None
        and not expression.filters
        and isinstance(expression.var, Variable)
        and expression.var.lookups is None  # a literal, not a variable
    )


def fold(template: Template) -> None:
    """Make the constant ``{% translate %}`` nodes of this template, and of those it
    extends or includes by a literal name, render once per language."""
    if getattr(template, "_translations_folded", False):
        return
    template._translations_folded = True  # type: ignore[attr-defined]  # a mark on the loader's cached object
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        if _constant(node):
            node.__class__ = ConstantTranslation
            node.outputs = {}  # type: ignore[attr-defined]  # now a ConstantTranslation
    for extends in template.nodelist.get_nodes_by_type(ExtendsNode):
        _fold_named(template, extends.parent_name)  # type: ignore[attr-defined]  # not in django-stubs
    for include in template.nodelist.get_nodes_by_type(IncludeNode):
        _fold_named(template, include.template)  # type: ignore[attr-defined]  # not in django-stubs


def _fold_named(template: Template, expression: Any) -> None:
    """The template an ``extends`` or ``include`` names, when it names it literally."""
    if isinstance(expression.var, str):
        fold(template.engine.get_template(expression.var))
