"""The design every program starts with (staff may edit a copy per program in the admin).

Elements marked `data-field` hold the per-person values. Their boxes are fixed in size, so
that the design can be rendered once and each certificate stamped onto it (see stamping.py);
a design without the markers, or a name in a script the stamp fonts lack, is rendered whole.
"""

DEFAULT_HTML = """<div class="frame"></div>
<div class="inner"></div>
{% if logo_url %}<img class="logo" src="{{ logo_url }}" alt="">{% endif %}
<p class="org">{{ organization }}</p>
<p class="kind">{{ kind_label }}</p>
<p class="presented">This certifies that</p>
<p class="name {{ name_class }}" data-field="name">{{ name }}</p>
<div class="rule"></div>
<p class="for">has completed</p>
<p class="title" data-field="title">{{ title }}</p>
<p class="program">{{ program }}</p>
<div class="facts">
  <div class="fact"><span class="label">Appraised hours</span><span class="value" data-field="hours">{{ hours }}</span></div>
  <div class="fact"><span class="label">Date</span><span class="value" data-field="date">{{ date }}</span></div>
  <div class="fact"><span class="label">Certificate</span><span class="value code" data-field="code">{{ code }}</span></div>
</div>
<div class="signature">
  {% if signature_url %}<img src="{{ signature_url }}" alt="">{% endif %}
  <p class="signer">{{ signer_name }}</p>
  <p class="signer-title">{{ signer_title }}</p>
</div>
<img class="qr" data-field="qr" src="{{ qr_url }}" alt="QR code to verify this certificate">
<p class="verify-label">Verify this certificate at</p>
<p class="verify" data-field="verify_url">{{ verify_url }}</p>
"""

DEFAULT_CSS = """
@font-face { font-family: "Credo Serif"; src: url("static:certificates/fonts/GentiumPlus-Regular.ttf"); }
@font-face { font-family: "Credo Serif"; font-style: italic; src: url("static:certificates/fonts/GentiumPlus-Italic.ttf"); }
@font-face { font-family: "Credo Sans"; src: url("static:certificates/fonts/Lato-Regular.ttf"); }
@font-face { font-family: "Credo Sans"; font-weight: bold; src: url("static:certificates/fonts/Lato-Bold.ttf"); }
@font-face { font-family: "Credo Mono"; src: url("static:certificates/fonts/DejaVuSansMono.ttf"); }
@page { size: {{ page_size }} landscape; margin: 0; background: #fbf8f1; }
html, body { margin: 0; }
body { font-family: "Credo Sans", "Noto Sans CJK SC", sans-serif; color: #1b2430; }
p { margin: 0; }
.frame { position: absolute; top: 9mm; left: 9mm; right: 9mm; bottom: 9mm; border: 2.5pt solid {{ primary_color }}; }
.inner { position: absolute; top: 12mm; left: 12mm; right: 12mm; bottom: 12mm; border: 0.8pt solid {{ accent_color }}; }
.logo { position: absolute; top: 16mm; left: 0; right: 0; margin: 0 auto; height: 14mm; }
.org, .kind, .presented, .name, .for, .title, .program, .facts, .verify-label, .verify { position: absolute; left: 25mm; right: 25mm; text-align: center; }
.org { top: 25mm; font-weight: bold; letter-spacing: 3pt; text-transform: uppercase; font-size: 9pt; color: {{ primary_color }}; }
.kind { top: 39mm; font-family: "Credo Serif", serif; font-size: 32pt; line-height: 1.2; color: {{ primary_color }}; }
.presented, .for { font-family: "Credo Serif", serif; font-style: italic; font-size: 13pt; line-height: 1.2; color: #4a5566; }
.presented { top: 64mm; }
.name { top: 72mm; font-family: "Credo Serif", "Noto Serif CJK SC", serif; font-size: 40pt; line-height: 1.2; color: #111; }
.name-m { font-size: 32pt; } .name-l { font-size: 26pt; } .name-xl { font-size: 20pt; }
.rule { position: absolute; top: 93mm; left: 60mm; right: 60mm; border-top: 0.8pt solid {{ accent_color }}; }
.for { top: 100mm; }
.title { top: 108mm; font-family: "Credo Serif", serif; font-size: 20pt; line-height: 1.2; }
.program { top: 121mm; font-size: 11pt; line-height: 1.2; color: #4a5566; }
.facts { top: 138mm; left: 55mm; right: 55mm; }
.fact { float: left; width: 33.33%; text-align: center; }
.fact + .fact { border-left: 0.8pt solid #d6dce5; margin-left: -0.8pt; }
.label { display: block; font-size: 7.5pt; line-height: 1.4; text-transform: uppercase; letter-spacing: 1.5pt; color: #4a5566; }
.value { display: block; font-size: 12pt; line-height: 1.4; margin-top: 1mm; }
.code { font-family: "Credo Mono", monospace; font-size: 11pt; }
.signature { position: absolute; left: 30mm; bottom: 22mm; width: 70mm; text-align: center; }
.signature img { height: 14mm; }
.signer { border-top: 0.8pt solid #1b2430; padding-top: 1.5mm; font-size: 10pt; }
.signer-title { font-size: 8.5pt; color: #4a5566; }
.qr { position: absolute; right: 30mm; bottom: 26mm; width: 22mm; height: 22mm; image-rendering: pixelated; }
.verify-label { top: auto; bottom: 21mm; left: auto; right: 20mm; width: 80mm; text-align: right; font-size: 7pt; line-height: 1.2; color: #4a5566; }
.verify { top: auto; bottom: 17mm; left: auto; right: 20mm; width: 80mm; text-align: right; font-size: 7pt; line-height: 1.2; color: #4a5566; }
"""
