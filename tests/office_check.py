#!/usr/bin/env python3
"""office_check.py PROTOKOLLSOK DIR — check the ärenden of the office-suite protocols.

DIR holds tests/officegen.py's documents (DIR/src: ODT, DOCX and HTML, every layout in each)
and the PDFs LibreOffice made of them (DIR/odt/*.pdf and DIR/docx/*.pdf). For the PDFs and
the documents themselves (read in process), `protokollsok parse` must give:
  - each § (each agenda item of a kallelse) as one ärende with its §, dnr, title and (PDF) pages,
    and sections for protocol paragraphs; no ärende without text;
  - no running header or footer text ("Sida 3(12)", "Justerandes signatur") in any body;
  - the attendance table row by row ("Beslutande<tab>Maria Svensson (M), ordförande", the next
    names in the value column, a label wrapped in its cell whole again);
  - dates and dnr whole, hyphenated compounds joined.
Legacy .doc, RTF and a spreadsheet are skipped with one warning line each. Then it indexes all
files and searches: "§ 25", a dnr, a phrase that crosses a page break and a compound
hyphenated at a line end each find the right ärende first.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import officegen  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def parse(exe, pdf):
    out = subprocess.run([exe, "parse", pdf], capture_output=True, text=True)
    if out.returncode != 0:
        fail("%s: parse exited %d: %s" % (pdf, out.returncode, out.stderr.strip()))
        return None
    return json.loads(out.stdout)


def expected(layout, kind):
    chosen = officegen.ARENDEN if kind != "utdrag" else [officegen.ARENDEN[1]]
    return [(None if kind == "kallelse" else str(par), officegen.dnr_form(dnr, layout), title)
            for par, dnr, title, _ in chosen]


def check_document(exe, pdf, layout, kind):
    doc = parse(exe, pdf)
    if doc is None:
        return 0
    name = os.path.relpath(pdf)
    want = expected(layout, kind)
    got = [(a["paragraf"]["value"], a["dnr"]["value"], a["title"]["value"]) for a in doc["arenden"]
           if a["dnr"]["value"] or a["paragraf"]["value"]]
    if got != want:
        fail("%s: ärenden %s, want %s" % (name, got, want))
    front = [a for a in doc["arenden"] if not (a["dnr"]["value"] or a["paragraf"]["value"])]
    if len(front) > (0 if kind == "utdrag" else 1):
        fail("%s: %d ärenden without § or dnr: %s" % (name, len(front),
                                                      [a["title"]["value"] for a in front]))
    if doc["date"]["value"] != officegen.DATE or doc["kommun"]["value"] != "Lerum":
        fail("%s: date %s kommun %s" % (name, doc["date"]["value"], doc["kommun"]["value"]))
    bodies = "\n".join(a["body"] for a in doc["arenden"])
    for a in doc["arenden"]:
        label = "%s: ärende %s" % (name, a["title"]["value"])
        if not a["body"].strip():
            fail(label + ": empty body")
        if pdf.endswith(".pdf") and (not a["pages"] or not a["pages"]["first"]):
            fail(label + ": no pages")
        if a["paragraf"]["value"] and not a["sections"]:
            fail(label + ": no sections")
        for noise in (r"Sida \d+\(\d+\)", "Justerandes signatur", r"^Utdragsbestyrkande$"):
            if re.search(noise, a["body"], re.M):
                fail("%s: header/footer text %r in the body" % (label, noise))
    for broken in (r"20\d\d- \d", r"20\d\d-\n", r"20\d\d/ \d"):
        if re.search(broken, bodies):
            fail("%s: a date or dnr cut in two (%r)" % (name, broken))
    if kind != "kallelse":
        for row in ("Beslutande\tMaria Svensson (M), ordförande\n\tPer Holm (S), 1:e vice "
                    "ordförande\n\tKarin Lund (M)",
                    "Ersättare\tJohan Ek (M)\n\tSara Lind (S)",
                    "Justeringens plats och tid\tKommunkansliet " + officegen.ADJUSTED,
                    "Förvaringsplats för protokollet\tKommunkansliet"):
            if row not in bodies:
                fail("%s: table row %r not kept together" % (name, row))
    if kind != "kallelse" and "samhällsbyggnadsförvaltningens" not in bodies:
        fail(name + ": the compound samhällsbyggnadsförvaltningens is not whole")
    if not pdf.endswith(".pdf"):
        return 0
    # Every word LibreOffice hyphenated at a line end is whole again.
    text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True).stdout
    joined = 0
    for m in re.finditer(r"([a-zåäö]{2,})-\n([a-zåäö]{2,})", text):
        if m.group(2) in ("och", "eller", "samt"):
            continue
        joined += 1
        if m.group(1) + m.group(2) not in bodies:
            fail("%s: hyphenated word %s-/%s not joined" % (name, m.group(1), m.group(2)))
    return joined
    if kind == "protokoll" and pdf.endswith(".pdf"):
        p26 = [a for a in doc["arenden"] if a["paragraf"]["value"] == "26"]
        if p26 and p26[0]["pages"]["first"] == p26[0]["pages"]["last"]:
            fail(name + ": § 26 should span a page break")


def page_words(pdf, page):
    """The body words of one page, running header and footer lines left out."""
    out = subprocess.run(["pdftotext", "-raw", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True).stdout
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    noise = re.compile(r"^(Lerums kommun|Protokoll|Sida \d|Sammanträdesdatum|Justerandes|"
                       r"Utdragsbestyrkande)")
    return [l for l in lines if not noise.match(l)]


def crossing_phrase(pdf):
    """Two words of § 26's long paragraph on either side of a page break."""
    filler = " ".join(officegen.FILLER_26.split())
    for page in range(1, 8):
        before, after = page_words(pdf, page), page_words(pdf, page + 1)
        if not before or not after:
            continue
        last, first = before[-1].split(), after[0].split()
        tail = last[-1][:-1] + first[0] if last[-1].endswith("-") else None
        phrase = (last[-2] + " " + tail) if tail and len(last) > 1 else last[-1] + " " + first[0]
        if (phrase + " ").replace("  ", " ") in filler + " " + filler:
            return phrase
    return None


def search(exe, db, query):
    out = subprocess.run([exe, "search", "--db", db, "--json", "--limit", "3", query],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        fail("search %r exited %d: %s" % (query, out.returncode, out.stderr.strip()))
        return []
    return json.loads(out.stdout).get("hits", [])


def field(hit, name):
    v = hit.get(name)
    return v.get("value") if isinstance(v, dict) else v


def check_search(exe, pdfs, tmp):
    db = os.path.join(tmp, "index")
    out = subprocess.run([exe, "index", "--quiet", "--db", db] + pdfs, capture_output=True,
                         text=True)
    if out.returncode != 0:
        fail("index exited %d: %s" % (out.returncode, out.stderr.strip()))
        return
    phrase = crossing_phrase(next(p for p in pdfs if p.endswith("alone_protokoll.pdf")))
    if not phrase:
        fail("no page break inside § 26 found in alone_protokoll.pdf")
    cases = [("§ 25", "paragraf", "25"), ("KS 2025/118", "dnr", "KS 2025/118"),
             ("samhällsbyggnadsförvaltningens", "paragraf", "25")]
    if phrase:
        cases.append(('"%s"' % phrase, "paragraf", "26"))
    for query, key, want in cases:
        hits = search(exe, db, query)
        if not hits:
            fail("search %r: no hits" % query)
            continue
        got = field(hits[0], key)
        if got != want:
            fail("search %r: first hit has %s %r (%s), want %r" % (
                query, key, got, field(hits[0], "title"), want))
        else:
            print("ok: search %r finds %s %s first" % (query, key, want))


def check_legacy(exe):
    """Legacy Word, RTF and a spreadsheet are skipped with one clear warning line each."""
    with tempfile.TemporaryDirectory() as tmp:
        docs = os.path.join(tmp, "docs")
        os.makedirs(docs)
        with open(os.path.join(docs, "gammal.doc"), "wb") as f:
            f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
        with open(os.path.join(docs, "brev.rtf"), "wb") as f:
            f.write(b"{\\rtf1\\ansi Protokoll \\par }")
        with zipfile.ZipFile(os.path.join(docs, "budget.xlsx"), "w") as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
        out = subprocess.run([exe, "index", "--quiet", "--db", os.path.join(tmp, "index"), docs],
                             capture_output=True, text=True)
        lines = [l for l in out.stderr.splitlines() if l.strip()]
        if out.returncode != 1:
            fail("index of legacy files exited %d, want 1 (skipped files)" % out.returncode)
        for name, what in (("gammal.doc", ".doc"), ("brev.rtf", "RTF"), ("budget.xlsx", "zip")):
            mine = [l for l in lines if name in l]
            if len(mine) != 1 or what not in mine[0]:
                fail("%s: want one warning line naming %s, got %s" % (name, what, mine))
        if len(lines) != 3:
            fail("legacy files: %d warning lines, want 3: %s" % (len(lines), lines))
        else:
            print("ok: .doc, RTF and a spreadsheet skipped with one warning each")


def main():
    exe, root = sys.argv[1], sys.argv[2]
    pdfs = []
    hyphenated = 0
    for fmt in ("odt", "docx"):
        for layout in ("alone", "rightdnr", "inline"):
            for kind in ("protokoll", "utdrag", "kallelse"):
                pdf = os.path.join(root, fmt, "%s_%s.pdf" % (layout, kind))
                if not os.path.exists(pdf):
                    fail(pdf + ": missing (LibreOffice did not convert it)")
                    continue
                pdfs.append(pdf)
                hyphenated += check_document(exe, pdf, layout, kind)
    # The documents themselves, read in process: ODT, DOCX and the HTML page.
    for layout in ("alone", "rightdnr", "inline"):
        for kind in ("protokoll", "utdrag", "kallelse"):
            for ext in ("odt", "docx", "html"):
                doc = os.path.join(root, "src", "%s_%s.%s" % (layout, kind, ext))
                check_document(exe, doc, layout, kind)
                pdfs.append(doc)
    check_legacy(exe)
    if hyphenated < 10:
        fail("LibreOffice hyphenated only %d words at line ends (hyphen-sv missing?)" % hyphenated)
    print("ok: %d words hyphenated at a line end, all joined again" % hyphenated)
    with tempfile.TemporaryDirectory() as tmp:
        check_search(exe, pdfs, tmp)
    print("%d files checked, %d failures" % (len(pdfs), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
