#!/usr/bin/env python3
"""ocr_check.py PROTOKOLLSOK PDFDIR WORKDIR — scanned protocols read by OCR (index --ocr).

PDFDIR/scanned_protocol.pdf is a protocol page tests/pdfgen.c rendered at 300 dpi, turned by
0.6 degrees and speckled, with no text layer; scanned_protocol.expect holds its text. Checks:
without --ocr the file is skipped as scanned; with --ocr its §, dnr and meeting date are found,
at least 95 % of its words are recovered and the JSON says "ocr": true; `index --ocr` indexes it,
search finds it with "ocr": true in the document, and a second run reads nothing again (an
unchanged file is never OCR'd twice). Prints the OCR speed in pages/s (never asserted).
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def words(text):
    return collections.Counter(w.lower() for w in re.findall(r"[\w§/.-]*\w", text))


def main():
    exe, pdfdir, work = sys.argv[1:4]
    pdf = os.path.join(pdfdir, "scanned_protocol.pdf")
    with open(os.path.join(pdfdir, "scanned_protocol.expect"), encoding="utf-8") as f:
        expect = f.read()
    out = subprocess.run([exe, "parse", pdf], capture_output=True, text=True)
    if out.returncode != 1 or "scanned PDF" not in out.stderr:
        fail("without --ocr: exit %d, %r; want 1 and 'scanned PDF'" % (out.returncode, out.stderr))
    start = time.monotonic()
    out = subprocess.run([exe, "parse", "--ocr", pdf], capture_output=True, text=True)
    seconds = time.monotonic() - start
    if out.returncode != 0:
        fail("parse --ocr exited %d: %s" % (out.returncode, out.stderr))
        return finish()
    doc = json.loads(out.stdout)
    if doc.get("ocr") is not True:
        fail('parse --ocr: no "ocr": true')
    got = [a for a in doc["arenden"] if a["paragraf"]["value"]]
    if not got:
        fail("no § found: %s" % [a["title"]["value"] for a in doc["arenden"]])
    else:
        a = got[0]
        for key, want in (("paragraf", "31"), ("dnr", "KS 2018/412"), ("date", "2019-03-14"),
                          ("title", "Detaljplan för bostäder vid Stationsgatan")):
            if a[key]["value"] != want:
                fail("%s %r, want %r" % (key, a[key]["value"], want))
    text = "\n".join([a["body"] for a in doc["arenden"]] +
                     [a["title"]["value"] or "" for a in doc["arenden"]] +
                     ["§ %s Dnr %s" % (a["paragraf"]["value"], a["dnr"]["value"]) for a in got])
    want, have = words(expect), words(text)
    found = sum(min(n, have[w]) for w, n in want.items())
    recall = found / sum(want.values())
    missing = sorted(w for w in want if have[w] < want[w])
    print("OCR: %.1f %% of %d words recovered in %.1f s (%.2f pages/s); missing: %s"
          % (100 * recall, sum(want.values()), seconds, 1 / seconds, missing[:20]))
    if recall < 0.95:
        fail("only %.1f %% of the words recovered" % (100 * recall))

    shutil.rmtree(work, ignore_errors=True)
    docs = os.path.join(work, "docs")
    os.makedirs(docs)
    shutil.copy(pdf, docs)
    db = os.path.join(work, "index")
    out = subprocess.run([exe, "index", "--json", "--ocr", "--db", db, docs], capture_output=True,
                         text=True)
    first = json.loads(out.stdout) if out.returncode == 0 else {}
    if out.returncode != 0 or first.get("files_added") != 1:
        fail("index --ocr: exit %d %s %s" % (out.returncode, out.stdout, out.stderr))
    out = subprocess.run([exe, "search", "--db", db, "--json", "Stationsgatan"], capture_output=True,
                         text=True)
    hits = json.loads(out.stdout).get("hits", []) if out.returncode == 0 else []
    if not hits or not hits[0]["documents"] or hits[0]["documents"][0].get("ocr") is not True:
        fail('search: the hit\'s document lacks "ocr": true: %s' % out.stdout[:400])
    out = subprocess.run([exe, "index", "--json", "--ocr", "--db", db, docs], capture_output=True,
                         text=True)
    again = json.loads(out.stdout) if out.returncode == 0 else {}
    if again.get("changed") is not False or again.get("files_unchanged") != 1:
        fail("second index --ocr read the unchanged file again: %s" % out.stdout)
    else:
        print("ok: second run: no changes, nothing OCR'd (%.2f s, first %.2f s)"
              % (again.get("seconds", 0), first.get("seconds", 0)))
    shutil.rmtree(work, ignore_errors=True)
    return finish()


def finish():
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
