"""The design every program starts with (staff may edit a copy per program in the admin)."""

DEFAULT_HTML = """<div class="sheet">
  <div class="frame">
    <header>
      {% if logo_url %}<img class="logo" src="{{ logo_url }}" alt="">{% endif %}
      <p class="org">{{ organization }}</p>
    </header>
    <p class="kind">{{ kind_label }}</p>
    <p class="presented">This certifies that</p>
    <h1 class="name {{ name_class }}">{{ name }}</h1>
    <p class="for">has completed</p>
    <h2 class="title">{{ title }}</h2>
    <p class="program">{{ program }}</p>
    <table class="facts">
      <tr><td><span class="label">Appraised hours</span><span class="value">{{ hours }}</span></td>
          <td><span class="label">Date</span><span class="value">{{ date }}</span></td>
          <td><span class="label">Certificate</span><span class="value code">{{ code }}</span></td></tr>
    </table>
    <footer>
      <div class="signature">
        {% if signature_url %}<img src="{{ signature_url }}" alt="">{% endif %}
        <p class="signer">{{ signer_name }}</p>
        <p class="signer-title">{{ signer_title }}</p>
      </div>
      <div class="verify">
        <img class="qr" src="{{ qr_url }}" alt="QR code to verify this certificate">
        <p>Verify at<br>{{ verify_url }}</p>
      </div>
    </footer>
  </div>
</div>
"""

DEFAULT_CSS = """
@font-face { font-family: "Credo Serif"; src: url("static:certificates/fonts/EBGaramond12-Regular.otf"); }
@font-face { font-family: "Credo Serif"; font-style: italic; src: url("static:certificates/fonts/EBGaramond12-Italic.otf"); }
@font-face { font-family: "Credo Sans"; src: url("static:certificates/fonts/Lato-Regular.ttf"); }
@font-face { font-family: "Credo Sans"; font-weight: bold; src: url("static:certificates/fonts/Lato-Bold.ttf"); }
@page { size: {{ page_size }} landscape; margin: 0; }
html, body { margin: 0; }
body { font-family: "Credo Sans", "Noto Sans CJK SC", sans-serif; color: #1b2430; }
.sheet { height: 100vh; box-sizing: border-box; padding: 10mm; background: #fbf8f1; }
.frame { height: 100%; box-sizing: border-box; border: 3pt solid {{ primary_color }}; outline: 1pt solid {{ accent_color }};
         outline-offset: -7pt; padding: 12mm 22mm 10mm; text-align: center; position: relative; }
header { height: 16mm; }
.logo { height: 14mm; }
.org { font-family: "Credo Sans", sans-serif; font-weight: bold; letter-spacing: 3pt; text-transform: uppercase;
       font-size: 9pt; color: {{ primary_color }}; margin: 1mm 0 0; }
.kind { font-family: "Credo Serif", "Noto Serif CJK SC", serif; font-size: 30pt; color: {{ primary_color }}; margin: 4mm 0 2mm; letter-spacing: 1pt; }
.presented, .for { font-family: "Credo Serif", "Noto Serif CJK SC", serif; font-style: italic; font-size: 13pt; margin: 3mm 0 1mm; color: #4a5566; }
.name { font-family: "Credo Serif", "Noto Serif CJK SC", serif; font-weight: normal; font-size: 40pt; margin: 1mm 0 2mm;
        color: #111; border-bottom: 0.75pt solid {{ accent_color }}; display: inline-block; padding: 0 8mm 1mm; max-width: 230mm; }
.name-m { font-size: 32pt; } .name-l { font-size: 26pt; } .name-xl { font-size: 20pt; }
.title { font-family: "Credo Serif", "Noto Serif CJK SC", serif; font-weight: normal; font-size: 19pt; margin: 1mm 0 0; }
.program { font-size: 11pt; color: #4a5566; margin: 1mm 0 4mm; }
.facts { margin: 0 auto; border-collapse: collapse; }
.facts td { padding: 0 9mm; border-left: 0.75pt solid #d6dce5; }
.facts td:first-child { border-left: 0; }
.label { display: block; font-size: 7.5pt; text-transform: uppercase; letter-spacing: 1.5pt; color: #4a5566; }
.value { display: block; font-size: 12pt; margin-top: 1mm; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 11pt; letter-spacing: 1pt; }
footer { position: absolute; left: 22mm; right: 22mm; bottom: 10mm; height: 30mm; }
.signature { position: absolute; left: 0; bottom: 0; width: 75mm; text-align: center; }
.signature img { height: 14mm; }
.signer { border-top: 0.75pt solid #1b2430; margin: 1mm 0 0; padding-top: 1mm; font-size: 10pt; }
.signer-title { margin: 0; font-size: 8.5pt; color: #4a5566; }
.verify { position: absolute; right: 0; bottom: 0; width: 75mm; text-align: right; font-size: 7.5pt; color: #4a5566; }
.verify p { margin: 1mm 0 0; }
.qr { width: 22mm; height: 22mm; image-rendering: pixelated; }
"""
