"""The form renderer writes selects in Python (core/form_renderer.py): every select must come
out byte for byte as Django's own templates write it, or be left to them."""

import pytest
from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.form_renderer import INPUTS, FormRenderer, select_html

CHOICES = [
    ("", "---------"),
    (1, "Plain"),
    ("a&b", 'Quotes " and <tags> & ampersands'),
    ("safe", mark_safe("<b>already safe</b>")),
    ("lazy", gettext_lazy("A lazy <label> & more")),
    ("Group one", [("g1", "First in a group"), ("g2", "Second")]),
    (None, "None as a value"),
]


class Fancy(forms.Select):
    option_template_name = "django/forms/widgets/input_option.html"  # not the stock option


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), 1),
        (
            forms.Select(choices=CHOICES, attrs={"class": "x", "aria-label": 'A "label"', "disabled": True}),
            "g2",
        ),
        (forms.Select(choices=CHOICES, attrs={"required": False}), None),
        (forms.SelectMultiple(choices=CHOICES), ["a&b", "g1"]),
        (forms.NullBooleanSelect(), True),
        (FilteredSelectMultiple("permissions", False, choices=CHOICES), [1]),
        (forms.Select(choices=[]), None),
        (forms.Select(choices=[("Only a group", [(1, "one")])]), 1),
        (Fancy(choices=CHOICES), 1),
    ],
)
def test_a_select_is_written_as_djangos_templates_write_it(widget, value):
    ours = widget.render("field", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    djangos = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    assert ours == djangos


def test_an_option_with_a_template_of_its_own_is_left_to_django():
    context = Fancy(choices=CHOICES).get_context("field", 1, {})
    assert select_html(context["widget"]) is None
    plain = forms.Select(choices=CHOICES).get_context("field", 1, {})
    assert select_html(plain["widget"]).count("<option") == 8


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(attrs={"maxlength": 20, "placeholder": 'Say "hi" <b>'}),
        forms.NumberInput(attrs={"step": "0.5", "min": 0}),
        forms.EmailInput(),
        forms.URLInput(),
        forms.PasswordInput(render_value=True),
        forms.HiddenInput(),
        forms.DateInput(),
        forms.DateTimeInput(),
        forms.TimeInput(),
        forms.CheckboxInput(),
        forms.FileInput(attrs={"accept": ".pdf"}),
        forms.SearchInput(),
        forms.TelInput(),
        forms.ColorInput(),
    ],
)
@pytest.mark.parametrize("value", [None, "", "plain", 'a "quoted" <value> & more', 3, True, False])
def test_an_input_is_written_as_djangos_templates_write_it(widget, value):
    ours = widget.render("field", value, attrs={"id": "id_field", "required": True}, renderer=FormRenderer())
    djangos = widget.render(
        "field", value, attrs={"id": "id_field", "required": True}, renderer=DjangoTemplates()
    )
    assert ours == djangos


def test_the_inputs_written_in_python_are_those_whose_template_is_only_djangos_input():
    from pathlib import Path

    import django.forms

    widgets = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
    only_input = {
        f"django/forms/widgets/{path.name}"
        for path in widgets.glob("*.html")
        if path.read_text().strip() == '{% include "django/forms/widgets/input.html" %}'
    }
    assert only_input == INPUTS
