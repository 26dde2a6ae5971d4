"""Markdown written by staff, rendered and sanitised (nh3) before it reaches a page."""

import re

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li", "ol",
    "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def render_markdown(text: str) -> str:
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# A first line "## Title" (ATX heading, any level, optional closing #s).
_LEADING_HEADING = re.compile(r"\A\s*#{1,6}[ \t]+(?P<text>[^\n]*?)[ \t#]*(?:\n|\Z)")


def _heading_key(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).split()).casefold()


def render_markdown_under_title(text: str, *, title: str) -> str:
    """The body of a page whose title is already its h1: a first heading that only repeats the
    title is left out, so the page does not say it twice (once as h1, once as h2)."""
    match = _LEADING_HEADING.match(text or "")
    if match and _heading_key(match["text"]) == _heading_key(title):
        text = text[match.end() :]
    return render_markdown(text)
