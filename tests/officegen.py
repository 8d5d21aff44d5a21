#!/usr/bin/env python3
"""officegen.py OUTDIR [--all-formats] — write protocols the way kommuner make them in an office suite.

Writes ODT and DOCX files (zip + XML, python3 stdlib only) into OUTDIR, one per layout and
document kind; the test converts them to PDF with LibreOffice (`soffice --headless --convert-to
pdf`), as kommuner do. Layouts of the § heading (issue 18):

  alone     "§ 25" alone on its line, the dnr right-aligned on the next line, then the title
  rightdnr  "§ 25  Titel" with "Dnr KS 2024/123" right-aligned on the same line (a tab stop)
  inline    "§ 25 Dnr 2024.123 KS Titel" on one line

each as protokoll (several §), protokollsutdrag (one §) and kallelse (a föredragningslista).
Every document has a running header (kommun, "Protokoll", "Sida 3(12)", "Sammanträdesdatum"),
a footer ("Justerandes signatur", "Utdragsbestyrkande"), attendance tables (Beslutande,
Ersättare, Övriga närvarande, Justerare) as two-column tables, an anslag/bevis box, votes
(Omröstning, Reservation, Propositionsordning), bilaga lists and Swedish hyphenation of justified
text (hyphen-sv), with dates and dnr in running text so that some break at a line end.

The layouts use odd (ODT) and even (DOCX) formats so both writers are exercised; `--all-formats`
writes every layout in both, and as an HTML page (as a kommun's web site publishes it). Deterministic: the same files every run.
"""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

KOMMUN = "Lerums kommun"
NAMND = "Kommunstyrelsen"
DATE = "2025-04-10"
ADJUSTED = "2025-04-17"

# The ärenden: (§, dnr as written inline, title, sections). The § numbers cross 25 so that a
# search for "§ 25" has one right answer; one compound (vattenförsörjningsplanen) occurs in
# § 26 only, one dnr (KS 2025/118) in § 27 only.
ARENDEN = [
    (24, "KS 2025/87", "Val av justerare och tid för justering", [
        ("Beslut", ["Kommunstyrelsen beslutar att utse Karin Lund (M) att jämte ordföranden "
                    "justera dagens protokoll. Justeringen sker på kommunkansliet torsdagen den "
                    "17 april 2025 klockan 15.00, och protokollet anslås " + ADJUSTED + "."]),
    ]),
    (25, "KS 2025/91", "Årsredovisning 2024 för Lerums kommun", [
        ("Ärendebeskrivning", [
            "Ekonomiavdelningen har sammanställt årsredovisningen för verksamhetsåret 2024. "
            "Kommunens resultat uppgår till 41,2 miljoner kronor, vilket är 12,4 miljoner "
            "kronor bättre än budget. Balanskravsresultatet är positivt och kommunen uppfyller "
            "därmed kommunallagens krav på god ekonomisk hushållning enligt beslut "
            "2024-11-28 i kommunfullmäktige.",
            "Investeringsutgifterna uppgick till 312 miljoner kronor, varav samhällsbyggnads"
            "förvaltningens projekt för förskolor och skolor stod för den största delen. "
            "Självfinansieringsgraden av investeringarna var 64 procent. Pensionsförpliktelserna "
            "har minskat jämfört med föregående år.",
        ]),
        ("Beslutsunderlag", ["LIST:Tjänsteskrivelse " + "2025-03-20" + ", dnr KS 2025/91",
                             "LIST:Bilaga 1 Årsredovisning 2024",
                             "LIST:Bilaga 2 Revisionsberättelse 2024"]),
        ("Förslag till beslut", ["Kommunstyrelsen föreslår kommunfullmäktige att godkänna "
                                 "årsredovisningen för 2024."]),
        ("Propositionsordning", ["Ordföranden ställer proposition på förvaltningens förslag "
                                 "mot avslag och finner att kommunstyrelsen bifaller "
                                 "förvaltningens förslag."]),
        ("Omröstning", ["Omröstning begärs och verkställs. Den som bifaller förvaltningens "
                        "förslag röstar ja, den som bifaller avslagsyrkandet röstar nej. "
                        "Omröstningen utfaller med 9 ja-röster och 4 nej-röster."]),
        ("Beslut", ["Kommunstyrelsen föreslår kommunfullmäktige att godkänna årsredovisningen "
                    "för 2024 och att överföra resultatet till eget kapital."]),
        ("Reservation", ["Ledamöterna för Sverigedemokraterna reserverar sig mot beslutet till "
                         "förmån för eget yrkande."]),
    ]),
    (26, "KS 2024/403", "Vattenförsörjningsplan för Lerums kommun", [
        ("Ärendebeskrivning", [
            "Kommunen saknar en samlad plan för den allmänna vattenförsörjningen. Förslaget till "
            "vattenförsörjningsplan beskriver kommunens vattenresurser, hur de ska skyddas och "
            "hur reservvattenförsörjningen ska ordnas. Vattenförsörjningsplanen har tagits fram "
            "av miljö- och byggförvaltningen tillsammans med Lerum Vatten AB och har varit på "
            "remiss till grannkommunerna under tiden 2025-01-15 till 2025-02-28.",
            "Under remisstiden inkom elva yttranden. Länsstyrelsen framhåller att "
            "dricksvattenförsörjningens sårbarhet bör belysas tydligare, och planen har därefter "
            "kompletterats med ett avsnitt om klimatanpassning och om grundvattenmagasinens "
            "kapacitet vid långvarig torka.",
        ]),
        ("Beslutsunderlag", ["LIST:Tjänsteskrivelse 2025-03-12",
                             "LIST:Bilaga Vattenförsörjningsplan, remissversion"]),
        ("Beslut", ["Kommunstyrelsen föreslår kommunfullmäktige att anta "
                    "vattenförsörjningsplanen för Lerums kommun."]),
        ("Expedieras till", ["Miljö- och byggnämnden, Lerum Vatten AB"]),
    ]),
    (27, "KS 2025/118", "Motion om belysning av gång- och cykelvägar", [
        ("Ärendebeskrivning", [
            "I en motion daterad 2025-02-03 föreslår Anders Berg (C) att kommunen ska utreda "
            "hur belysningen längs gång- och cykelvägarna i Gråbo och Floda kan förbättras. "
            "Motionären anför att flera sträckor saknar belysning helt och att det påverkar "
            "tryggheten under vinterhalvåret. Ärendet har diarienummer KS 2025/118 och har "
            "beretts av tekniska förvaltningen.",
        ]),
        ("Förslag till beslut", ["Kommunstyrelsen föreslår kommunfullmäktige att bifalla "
                                 "motionen."]),
        ("Beslut", ["Kommunstyrelsen föreslår kommunfullmäktige att bifalla motionen."]),
    ]),
    (28, "KS 2025/120", "Delegationsbeslut och meddelanden", [
        ("Beslut", ["Kommunstyrelsen lägger redovisningen av delegationsbesluten för perioden "
                    "2025-03-01 – 2025-03-31 till handlingarna."]),
    ]),
]

ATTENDANCE = [
    ("Beslutande", ["Maria Svensson (M), ordförande", "Per Holm (S), 1:e vice ordförande",
                    "Karin Lund (M)", "Anders Berg (C)", "Eva Nyström (L)"]),
    ("Ersättare", ["Johan Ek (M)", "Sara Lind (S)"]),
    ("Övriga närvarande", ["Lena Ahl, kommundirektör", "Olof Dahl, sekreterare"]),
    ("Justerare", ["Karin Lund (M)"]),
    ("Justeringens plats och tid", ["Kommunkansliet " + ADJUSTED + " kl. 15.00"]),
]

# Filler so that the protocol runs over several pages; § 26 has its own, long enough to cross a
# page break.
FILLER = ("Kommunstyrelsen har i samband med ärendet tagit del av en muntlig redovisning från "
          "förvaltningen om hur arbetet fortskrider och vilka risker som har identifierats. "
          "Redovisningen omfattade även tidplanen för genomförandet, kostnaderna för de "
          "kommande åren och hur uppföljningen ska ske i samband med delårsrapporten. ")

FILLER_26 = ("Vattenförsörjningsplanen pekar ut vattentäkter, grundvattenmagasin och ytvatten som "
             "är av betydelse för dricksvattenförsörjningen på lång sikt, och anger vilka "
             "skyddsområden som behöver inrättas eller revideras. ")


def kind_title(kind):
    return {"protokoll": "Protokoll", "utdrag": "Protokollsutdrag", "kallelse": "Kallelse"}[kind]


# ---- a document model, written out by two backends ------------------------------------------
# Blocks: ("h", text) heading; ("p", text, opts) paragraph (opts: bold, right, justify);
# ("tab", left, right) a line with a right-aligned part; ("table", rows, boxed);
# ("list", items); ("pagebreak",).

def protocol_blocks(layout, kind):
    b = []
    b.append(("p", KOMMUN, {"bold": True}))
    b.append(("h", kind_title(kind)))
    b.append(("p", NAMND, {"bold": True}))
    b.append(("p", "Sammanträdesdatum " + DATE, {}))
    if kind == "kallelse":
        b.append(("p", "Kallelse till sammanträde med kommunstyrelsen torsdagen den 10 april "
                  "2025 klockan 13.00 i Sessionssalen, kommunhuset i Lerum.", {"justify": True}))
        b.append(("h", "Föredragningslista"))
        for n, (par, dnr, title, sections) in enumerate(ARENDEN, 1):
            dnr_inline = dnr_form(dnr, layout)
            if layout == "alone":
                b.append(("p", "%d." % n, {"bold": True}))
                b.append(("p", "Dnr " + dnr, {"right": True}))
                b.append(("p", title, {"bold": True}))
            elif layout == "rightdnr":
                b.append(("tab", "%d.  %s" % (n, title), "Dnr " + dnr))
            else:
                b.append(("p", "%d. Dnr %s %s" % (n, dnr_inline, title), {}))
            first = sections[0][1][0]
            if not first.startswith("LIST:"):
                b.append(("p", first, {"justify": True}))
        b.append(("p", "Maria Svensson, ordförande", {}))
        b.append(("p", "Olof Dahl, sekreterare", {}))
        return b
    b.append(("p", "Plats och tid: Sessionssalen, kommunhuset i Lerum, kl. 13.00–16.30", {}))
    b.append(("table", ATTENDANCE, False))
    b.append(("p", "Underskrifter", {"bold": True}))
    b.append(("table", [("Sekreterare", ["Olof Dahl"]), ("Ordförande", ["Maria Svensson"]),
                        ("Justerare", ["Karin Lund"])], False))
    b.append(("table", [("ANSLAG/BEVIS", ["Protokollet är justerat. Justeringen har "
                                           "tillkännagivits genom anslag."]),
                        ("Organ", [NAMND]), ("Sammanträdesdatum", [DATE]),
                        ("Datum för anslags uppsättande", [ADJUSTED]),
                        ("Datum för anslags nedtagande", ["2025-05-09"]),
                        ("Förvaringsplats för protokollet", ["Kommunkansliet"])], True))
    b.append(("pagebreak",))
    chosen = ARENDEN if kind == "protokoll" else [ARENDEN[1]]
    for par, dnr, title, sections in chosen:
        if layout == "alone":
            b.append(("p", "§ %d" % par, {"bold": True}))
            b.append(("p", "Dnr " + dnr, {"right": True}))
            b.append(("p", title, {"bold": True}))
        elif layout == "rightdnr":
            b.append(("tab", "§ %d  %s" % (par, title), "Dnr " + dnr))
        else:
            b.append(("p", "§ %d Dnr %s %s" % (par, dnr_form(dnr, layout), title),
                      {"bold": True}))
        for name, paras in sections:
            b.append(("p", name, {"bold": True}))
            items = [t[5:] for t in paras if t.startswith("LIST:")]
            if items:
                b.append(("list", items))
            for t in paras:
                if not t.startswith("LIST:"):
                    b.append(("p", t, {"justify": True}))
            # § 25 gets a few filler lines, § 26 a paragraph longer than a page, which must
            # cross a page break (the e2e test searches a phrase across it).
            if name == "Ärendebeskrivning" and par in (25, 26):
                b.append(("p", FILLER * 3 if par == 25 else FILLER_26 * 16, {"justify": True}))
    if kind == "utdrag":
        b.append(("p", "Utdragsbestyrkande: Olof Dahl, sekreterare", {}))
    return b


def dnr_form(dnr, layout):
    """The inline layout writes dnr as "2024.123 KS" (year.number series)."""
    if layout != "inline":
        return dnr
    series, num = dnr.split(" ")
    year, n = num.split("/")
    return "%s.%03d %s" % (year, int(n), series)


def header_lines(kind):
    return ("%s\t%s\tSida " % (KOMMUN, kind_title(kind)), "Sammanträdesdatum " + DATE)


# ---- ODT ------------------------------------------------------------------------------------

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
          'office:version="1.3"')


def odt_par(text, style="P"):
    return '<text:p text:style-name="%s">%s</text:p>' % (style, escape(text))


def odt_body(blocks):
    out = []
    for blk in blocks:
        if blk[0] == "h":
            out.append('<text:h text:style-name="H" text:outline-level="1">%s</text:h>'
                       % escape(blk[1]))
        elif blk[0] == "p":
            o = blk[2]
            style = "B" if o.get("bold") else "R" if o.get("right") else \
                "J" if o.get("justify") else "P"
            out.append(odt_par(blk[1], style))
        elif blk[0] == "tab":
            out.append('<text:p text:style-name="T">%s<text:tab/>%s</text:p>'
                       % (escape(blk[1]), escape(blk[2])))
        elif blk[0] == "list":
            out.append('<text:list>' + "".join(
                '<text:list-item>%s</text:list-item>' % odt_par("• " + t) for t in blk[1])
                + '</text:list>')
        elif blk[0] == "table":
            rows, boxed = blk[1], blk[2]
            cell = "CB" if boxed else "C"
            out.append('<table:table table:style-name="Tab"><table:table-column '
                       'table:style-name="Col1"/><table:table-column table:style-name="Col2"/>')
            for label, values in rows:
                out.append('<table:table-row><table:table-cell table:style-name="%s">%s'
                           '</table:table-cell><table:table-cell table:style-name="%s">%s'
                           '</table:table-cell></table:table-row>'
                           % (cell, odt_par(label, "B"), cell,
                              "".join(odt_par(v) for v in values)))
            out.append('</table:table>')
        elif blk[0] == "pagebreak":
            out.append('<text:p text:style-name="PB"/>')
    return "".join(out)


def odt_styles(kind):
    left, right = header_lines(kind)
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document-styles %s>'
            '<office:styles><style:default-style style:family="paragraph"><style:paragraph-properties '
            'fo:hyphenation-ladder-count="no-limit"/><style:text-properties fo:language="sv" '
            'fo:country="SE" style:font-name="DejaVu Serif" fo:font-size="10.5pt" '
            'fo:hyphenate="true" fo:hyphenation-remain-char-count="2" '
            'fo:hyphenation-push-char-count="2"/></style:default-style></office:styles>'
            '<office:automatic-styles><style:page-layout style:name="PL"><style:page-layout-properties '
            'fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm" '
            'fo:margin-bottom="1.5cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>'
            '<style:header-style><style:header-footer-properties fo:margin-bottom="0.5cm"/>'
            '</style:header-style><style:footer-style><style:header-footer-properties '
            'fo:margin-top="0.5cm"/></style:footer-style></style:page-layout>'
            '<style:style style:name="HP" style:family="paragraph"><style:paragraph-properties>'
            '<style:tab-stops><style:tab-stop style:position="8cm"/><style:tab-stop '
            'style:position="16cm" style:type="right"/></style:tab-stops>'
            '</style:paragraph-properties><style:text-properties fo:font-size="9pt"/></style:style>'
            '</office:automatic-styles><office:master-styles><style:master-page '
            'style:name="Standard" style:page-layout-name="PL"><style:header>'
            '<text:p text:style-name="HP">%s<text:page-number text:select-page="current"/>(<text:page-count/>)</text:p>'
            '<text:p text:style-name="HP">%s</text:p></style:header><style:footer>'
            '<text:p text:style-name="HP">Justerandes signatur<text:tab/><text:tab/>Utdragsbestyrkande</text:p>'
            '</style:footer></style:master-page></office:master-styles></office:document-styles>'
            % (ODT_NS, escape(left).replace("\t", "<text:tab/>"), escape(right)))


ODT_AUTO = (
    '<office:automatic-styles>'
    '<style:style style:name="P" style:family="paragraph"><style:paragraph-properties '
    'fo:margin-bottom="0.2cm"/></style:style>'
    '<style:style style:name="J" style:family="paragraph"><style:paragraph-properties '
    'fo:text-align="justify" fo:margin-bottom="0.2cm"/></style:style>'
    '<style:style style:name="B" style:family="paragraph"><style:paragraph-properties '
    'fo:margin-top="0.2cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"/>'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="R" style:family="paragraph"><style:paragraph-properties '
    'fo:text-align="end"/></style:style>'
    '<style:style style:name="H" style:family="paragraph"><style:text-properties '
    'fo:font-size="16pt" fo:font-weight="bold"/></style:style>'
    '<style:style style:name="T" style:family="paragraph"><style:paragraph-properties '
    'fo:margin-top="0.3cm"><style:tab-stops><style:tab-stop style:position="16cm" '
    'style:type="right"/></style:tab-stops></style:paragraph-properties>'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="PB" style:family="paragraph"><style:paragraph-properties '
    'fo:break-after="page"/></style:style>'
    '<style:style style:name="Tab" style:family="table"><style:table-properties '
    'style:width="16cm" table:align="left"/></style:style>'
    '<style:style style:name="Col1" style:family="table-column"><style:table-column-properties '
    'style:column-width="5cm"/></style:style>'
    '<style:style style:name="Col2" style:family="table-column"><style:table-column-properties '
    'style:column-width="11cm"/></style:style>'
    '<style:style style:name="C" style:family="table-cell"><style:table-cell-properties '
    'fo:padding="0.05cm" fo:border="none"/></style:style>'
    '<style:style style:name="CB" style:family="table-cell"><style:table-cell-properties '
    'fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>'
    '</office:automatic-styles>')


def write_odt(path, blocks, kind, title):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s>%s'
               '<office:body><office:text>%s</office:text></office:body>'
               '</office:document-content>' % (ODT_NS, ODT_AUTO, odt_body(blocks)))
    meta = ('<?xml version="1.0" encoding="UTF-8"?><office:document-meta %s><office:meta>'
            '<dc:title>%s</dc:title><meta:creation-date>%sT09:00:00</meta:creation-date>'
            '</office:meta></office:document-meta>' % (ODT_NS, escape(title), ADJUSTED))
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                + "".join('<manifest:file-entry manifest:full-path="%s" '
                          'manifest:media-type="text/xml"/>' % f
                          for f in ("content.xml", "styles.xml", "meta.xml"))
                + '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zinfo("mimetype"), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr(zinfo("META-INF/manifest.xml"), manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(zinfo("content.xml"), content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(zinfo("styles.xml"), odt_styles(kind), compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(zinfo("meta.xml"), meta, compress_type=zipfile.ZIP_DEFLATED)


def zinfo(name):
    return zipfile.ZipInfo(name, date_time=(2025, 4, 17, 9, 0, 0))


# ---- DOCX -----------------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def w_run(text, bold=False):
    parts = []
    for k, piece in enumerate(text.split("\t")):
        if k:
            parts.append("<w:tab/>")
        parts.append('<w:t xml:space="preserve">%s</w:t>' % escape(piece))
    return "<w:r>%s%s</w:r>" % ("<w:rPr><w:b/></w:rPr>" if bold else "", "".join(parts))


def w_par(text, bold=False, jc=None, tabs=None, extra="", before=None):
    ppr = ""
    if tabs:
        ppr += "<w:tabs>%s</w:tabs>" % "".join(
            '<w:tab w:val="%s" w:pos="%d"/>' % t for t in tabs)
    if bold:
        ppr += "<w:keepNext/>"
    if before:
        ppr += '<w:spacing w:before="%d"/>' % before
    if jc:
        ppr += '<w:jc w:val="%s"/>' % jc
    return "<w:p><w:pPr>%s</w:pPr>%s%s</w:p>" % (ppr, w_run(text, bold), extra)


def docx_body(blocks):
    out = []
    for blk in blocks:
        if blk[0] == "h":
            out.append('<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>%s</w:p>'
                       % w_run(blk[1]))
        elif blk[0] == "p":
            o = blk[2]
            jc = "right" if o.get("right") else "both" if o.get("justify") else None
            out.append(w_par(blk[1], o.get("bold", False), jc, before=120 if o.get("bold") else None))
        elif blk[0] == "tab":
            out.append(w_par(blk[1] + "\t" + blk[2], True, tabs=[("right", 9070)], before=200))
        elif blk[0] == "list":
            out.extend(w_par("• " + t) for t in blk[1])
        elif blk[0] == "table":
            rows, boxed = blk[1], blk[2]
            border = "single" if boxed else "nil"
            borders = "".join('<w:%s w:val="%s" w:sz="4"/>' % (s, border)
                              for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
            out.append('<w:tbl><w:tblPr><w:tblW w:w="9070" w:type="dxa"/><w:tblBorders>%s'
                       '</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w="2835"/>'
                       '<w:gridCol w:w="6235"/></w:tblGrid>' % borders)
            for label, values in rows:
                out.append('<w:tr><w:tc><w:tcPr><w:tcW w:w="2835" w:type="dxa"/></w:tcPr>%s'
                           '</w:tc><w:tc><w:tcPr><w:tcW w:w="6235" w:type="dxa"/></w:tcPr>%s'
                           '</w:tc></w:tr>' % (w_par(label, True),
                                               "".join(w_par(v) for v in values)))
            out.append('</w:tbl>')
        elif blk[0] == "pagebreak":
            out.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    return "".join(out)


def fld(instr):
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            ' %s </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>' % instr)


def write_docx(path, blocks, kind, title):
    left, right = header_lines(kind)
    tabs = [("left", 4535), ("right", 9070)]
    header = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr %s>'
              '<w:p><w:pPr><w:tabs>%s</w:tabs></w:pPr>%s%s<w:r><w:t>(</w:t></w:r>%s'
              '<w:r><w:t>)</w:t></w:r></w:p>%s</w:hdr>'
              % (W, "".join('<w:tab w:val="%s" w:pos="%d"/>' % t for t in tabs),
                 w_run(left), fld("PAGE"), fld("NUMPAGES"), w_par(right)))
    footer = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr %s>%s</w:ftr>'
              % (W, w_par("Justerandes signatur\t\tUtdragsbestyrkande", tabs=tabs)))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body>'
                '%s<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/>'
                '<w:footerReference w:type="default" r:id="rIdF"/><w:pgSz w:w="11906" '
                'w:h="16838"/><w:pgMar w:top="1134" w:right="1418" w:bottom="1134" '
                'w:left="1418" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>'
                '</w:body></w:document>' % (W, docx_body(blocks)))
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles %s>'
              '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Serif" '
              'w:hAnsi="DejaVu Serif"/><w:sz w:val="21"/><w:lang w:val="sv-SE"/></w:rPr>'
              '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="100"/></w:pPr>'
              '</w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="Heading1">'
              '<w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/>'
              '<w:sz w:val="32"/></w:rPr></w:style></w:styles>' % W)
    settings = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings %s>'
                '<w:autoHyphenation/></w:settings>' % W)
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>%s</dc:title>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">%sT09:00:00Z</dcterms:created>'
            '</cp:coreProperties>' % (escape(title), ADJUSTED))
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types '
             'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
             '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
             '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
             '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
             '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
             '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%sofficeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '</Relationships>' % rel)
    docrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
               'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rIdS" Type="%sstyles" Target="styles.xml"/>'
               '<Relationship Id="rIdT" Type="%ssettings" Target="settings.xml"/>'
               '<Relationship Id="rIdH" Type="%sheader" Target="header1.xml"/>'
               '<Relationship Id="rIdF" Type="%sfooter" Target="footer1.xml"/>'
               '</Relationships>' % (rel, rel, rel, rel))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", types), ("_rels/.rels", rels),
                           ("word/document.xml", document), ("word/styles.xml", styles),
                           ("word/settings.xml", settings), ("word/header1.xml", header),
                           ("word/footer1.xml", footer), ("word/_rels/document.xml.rels", docrels),
                           ("docProps/core.xml", core)):
            z.writestr(zinfo(name), data)


# ---- HTML (a protocol as a kommun publishes it on its web site) ------------------------------

def write_html(path, blocks, kind, title):
    out = ['<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"><title>%s</title>'
           '<meta name="date" content="%s"><style>td{vertical-align:top}</style>'
           '<script>var x = "inte text";</script></head><body>'
           '<header><nav><a href="/">Startsida</a> | <a href="/politik">Kommun och politik</a>'
           '</nav></header><main><article>' % (escape(title), officegen_date())]
    for blk in blocks:
        if blk[0] == "h":
            out.append("<h1>%s</h1>" % escape(blk[1]))
        elif blk[0] == "p":
            o = blk[2]
            text = escape(blk[1])
            if o.get("bold"):
                text = "<strong>%s</strong>" % text
            out.append('<p%s>%s</p>' % (' style="text-align:right"' if o.get("right") else "",
                                        text))
        elif blk[0] == "tab":
            out.append("<p><strong>%s</strong> <span>%s</span></p>"
                       % (escape(blk[1]), escape(blk[2])))
        elif blk[0] == "list":
            out.append("<ul>%s</ul>" % "".join("<li>%s</li>" % escape(t) for t in blk[1]))
        elif blk[0] == "table":
            out.append("<table>%s</table>" % "".join(
                "<tr><th>%s</th><td>%s</td></tr>" % (escape(label),
                                                     "".join("<p>%s</p>" % escape(v)
                                                             for v in values))
                for label, values in blk[1]))
    out.append('</article></main><footer><p>Lerums kommun, 443 80 Lerum</p></footer>'
               '</body></html>\n')
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))


def officegen_date():
    return ADJUSTED


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: officegen.py OUTDIR [--all-formats]")
    out = args[0]
    os.makedirs(out, exist_ok=True)
    all_formats = "--all-formats" in sys.argv
    for li, layout in enumerate(("alone", "rightdnr", "inline")):
        for ki, kind in enumerate(("protokoll", "utdrag", "kallelse")):
            blocks = protocol_blocks(layout, kind)
            title = "%s %s %s" % (kind_title(kind), NAMND, DATE)
            base = os.path.join(out, "%s_%s" % (layout, kind))
            odd = (li + ki) % 2 == 0
            if odd or all_formats:
                write_odt(base + ".odt", blocks, kind, title)
            if not odd or all_formats:
                write_docx(base + ".docx", blocks, kind, title)
            if all_formats:
                write_html(base + ".html", blocks, kind, title)


if __name__ == "__main__":
    main()
