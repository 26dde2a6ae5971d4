"""Certificate PDFs with WeasyPrint.

Staff edit the HTML and CSS of a design, so rendering is fenced in: the templates see only the
plain values listed in `CertificateValues` (no model objects), and WeasyPrint may fetch only the
project's static files (`static:…`), uploaded design images (`media:…`) and `data:` URIs — no
other file and no network.

Speed: a design's fonts and stylesheet are loaded and parsed once per process and reused for
every certificate (`DesignRenderer`); see docs/PERFORMANCE.md for the measurements.
"""

import base64
import io
import threading
from dataclasses import asdict, dataclass

import segno
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.template import Context, Engine, TemplateSyntaxError
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

PAGE_SIZES = {"letter": "letter", "a4": "A4"}


class DesignError(Exception):
    """A design whose template cannot be rendered (shown to staff, never breaks the batch)."""


@dataclass(frozen=True)
class CertificateValues:
    """Everything a certificate template may print: plain strings, nothing else."""

    name: str
    title: str
    kind_label: str
    program: str
    organization: str
    hours: str
    date: str
    code: str
    verify_url: str

    @property
    def name_class(self) -> str:
        """Long names get a smaller size so that they stay on one or two lines."""
        length = len(self.name)
        return (
            "name-s"
            if length <= 24
            else "name-m"
            if length <= 34
            else "name-l"
            if length <= 48
            else "name-xl"
        )


@dataclass(frozen=True)
class DesignValues:
    html: str
    css: str
    primary_color: str
    accent_color: str
    page_size: str
    signer_name: str
    signer_title: str
    logo: str  # a media path, or ""
    signature: str  # a media path, or ""


class ProjectFilesFetcher(URLFetcher):
    """Only the project's own files: static:…, media:… and data: URIs; anything else (file://,
    http(s)://) is refused, so a staff-written template cannot read the server or the network."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        try:
            return self._fetch(url, headers)
        except SuspiciousFileOperation as exc:  # "media:../../etc/passwd" and the like
            raise ValueError(f"Certificates may only use the project's own files, not {url[:80]!r}") from exc

    def _fetch(self, url, headers=None):
        if url.startswith("static:"):
            path = finders.find(url.removeprefix("static:").lstrip("/"))
            if path:
                with open(path, "rb") as handle:
                    return URLFetcherResponse(url, handle.read())
        elif url.startswith("media:"):
            name = url.removeprefix("media:").lstrip("/")
            if name and default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    return URLFetcherResponse(url, handle.read())
        elif url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"Certificates may only use the project's own files, not {url[:80]!r}")


url_fetcher = ProjectFilesFetcher()


_engine = Engine(autoescape=True)  # no loaders, no custom tags: a template is just text and values


def _render_template(source: str, context: dict, what: str) -> str:
    try:
        return _engine.from_string(source).render(Context(context))
    except (TemplateSyntaxError, Exception) as exc:
        raise DesignError(f"The certificate {what} does not render: {exc}") from exc


def qr_data_uri(url: str) -> str:
    """The verification QR code as a small PNG (WeasyPrint draws an image far faster than the
    hundreds of SVG path segments of the same code)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=0, dark="#1b2430")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _design_context(design: DesignValues) -> dict:
    return {
        "primary_color": design.primary_color,
        "accent_color": design.accent_color,
        "page_size": PAGE_SIZES.get(design.page_size, "letter"),
        "signer_name": design.signer_name,
        "signer_title": design.signer_title,
        "logo_url": f"media:{design.logo}" if design.logo else "",
        "signature_url": f"media:{design.signature}" if design.signature else "",
    }


def render_body(design: DesignValues, values: CertificateValues) -> str:
    context = {**_design_context(design), **asdict(values), "name_class": values.name_class}
    context["qr_url"] = qr_data_uri(values.verify_url)
    return _render_template(design.html, context, "HTML")


def render_css(design: DesignValues) -> str:
    return _render_template(design.css, _design_context(design), "CSS")


def render_pdf_naive(design: DesignValues, values: CertificateValues) -> bytes:
    """One self-contained WeasyPrint render with a fresh font configuration (the baseline)."""
    head = f"<!DOCTYPE html><html><head><style>{render_css(design)}</style></head>"
    html = f"{head}<body>{render_body(design, values)}</body></html>"
    return HTML(string=html, url_fetcher=url_fetcher).write_pdf(font_config=FontConfiguration())


class DesignRenderer:
    """Renders many certificates of one design: fonts and the stylesheet are prepared once."""

    def __init__(self, design: DesignValues):
        self.design = design
        self.font_config = FontConfiguration()
        try:
            self.stylesheet = CSS(
                string=render_css(design), font_config=self.font_config, url_fetcher=url_fetcher
            )
        except DesignError:
            raise
        except Exception as exc:
            raise DesignError(f"The certificate CSS does not load: {exc}") from exc

    def render(self, values: CertificateValues) -> bytes:
        body = render_body(self.design, values)
        document = HTML(string=f"<!DOCTYPE html><html><body>{body}</body></html>", url_fetcher=url_fetcher)
        try:
            return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)
        except Exception as exc:
            raise DesignError(f"The certificate does not render: {exc}") from exc


_renderers: dict[DesignValues, DesignRenderer] = {}
_renderers_lock = threading.Lock()


def renderer_for(design: DesignValues) -> DesignRenderer:
    """One prepared renderer per design version per process (the design values are the key, so
    an edited design gets a new one)."""
    with _renderers_lock:
        renderer = _renderers.get(design)
        if renderer is None:
            if len(_renderers) > 32:
                _renderers.clear()
            renderer = _renderers[design] = DesignRenderer(design)
        return renderer
