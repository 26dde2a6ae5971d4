"""Django's form renderer, with selects and inputs written in Python.

Django renders a <select> through a template that includes another template for each <option>
(and a third for its attributes): a select of hundreds of options (the admin's permission
pickers, a time-zone choice) costs hundreds of template includes, most of a user or group
change page's time. An <input> is three templates (text.html includes input.html, which
includes attrs.html): a change page with inlines has a hundred. This renderer writes the same
bytes directly (a test renders every such widget both ways and compares them) and leaves any
other template, or an option with a template of its own, to Django. Django's form templates
come before any app's in this renderer's engine, so these names always mean Django's own."""

from django.forms.renderers import DjangoTemplates

from core.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Each of these is `{% include "django/forms/widgets/input.html" %}` and nothing else.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password",
        "search", "tel", "text", "time", "url",
    )
)  # fmt: skip


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict) -> str | None:
    """The stock select template's output (stripped, as the renderer returns it), or None when
    an option has a template of its own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's last line ends
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def input_html(widget: dict) -> str:
    """django/forms/widgets/input.html's output."""
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return input_html(context["widget"])
        if template_name == SELECT:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
