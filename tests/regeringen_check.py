#!/usr/bin/env python3
"""regeringen_check.py PROTOKOLLSOK TARBALL WORKDIR [EVERY] — documents that are not protocols.

Unpacks every EVERY-th document (default 40: about 420 of 16,757) of the real corpus
regeringen-sv.tar.gz (see its README; never committed) into WORKDIR, parses them all and indexes
them, and checks: one ärende per file, its title equal to the file's first heading, no empty
ärende, no crash and no warning storm (warnings on at most 1 % of the files). Law references
in running text ("3 kap. 5 §", "§ 3") must not split a document. Exits 77 (skipped) when the
tarball is absent.
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile


def first_heading(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        line = f.readline()
    line = re.sub(r"^#+\s*", "", line).replace("\u00ad", "")
    return re.sub(r"\s+", " ", line).strip()


def main():
    exe, tarball, work = sys.argv[1:4]
    every = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    if not os.path.exists(tarball):
        print("skipped: %s not found" % tarball)
        sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    docs = os.path.join(work, "docs")
    os.makedirs(docs)
    files = []
    with tarfile.open(tarball, "r:gz") as tar:
        k = 0
        for m in tar:
            if not m.isfile() or not m.name.endswith(".md"):
                continue
            k += 1
            if k % every:
                continue
            rel = os.path.normpath(m.name)
            if rel.startswith("..") or os.path.isabs(rel):
                continue
            dest = os.path.join(docs, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with tar.extractfile(m) as src, open(dest, "wb") as out:
                out.write(src.read())
            files.append(dest)
    failures = []
    per_file = collections.Counter()
    warnings = collections.Counter()
    law_refs = 0
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        out = subprocess.run([exe, "parse"] + chunk, capture_output=True, text=True)
        if out.returncode != 0:
            failures.append("parse exited %d: %s" % (out.returncode, out.stderr[-500:]))
        dec, s, pos = json.JSONDecoder(), out.stdout, 0
        while True:
            while pos < len(s) and s[pos] in " \n":
                pos += 1
            if pos >= len(s):
                break
            d, pos = dec.raw_decode(s, pos)
            path = d["path"]
            ar = d["arenden"]
            per_file[len(ar)] += 1
            for w in d["warnings"]:
                warnings[re.sub(r"\d+", "N", w)] += 1
            if len(ar) != 1:
                failures.append("%s: %d ärenden, want 1: %s" % (
                    path, len(ar), [a["title"]["value"] for a in ar][:4]))
                continue
            title, want = ar[0]["title"]["value"], first_heading(path)
            if title != want:
                failures.append("%s: title %r, want the first heading %r" % (path, title, want))
            if not ar[0]["body"].strip():
                failures.append(path + ": empty body")
            law_refs += bool(re.search(r"\d+ kap\. \d+ §|§ \d+", ar[0]["body"]))
    nfiles = sum(per_file.values())
    if nfiles != len(files):
        failures.append("parsed %d of %d files" % (nfiles, len(files)))
    nwarn = sum(warnings.values())
    if nwarn * 100 > max(nfiles, 100):
        failures.append("warning storm: %d warnings on %d files: %s" % (
            nwarn, nfiles, warnings.most_common(5)))
    db = os.path.join(work, "index")
    out = subprocess.run([exe, "index", "--quiet", "--db", db, docs], capture_output=True, text=True)
    if out.returncode != 0:
        failures.append("index exited %d: %s" % (out.returncode, out.stderr[-500:]))
    else:
        st = json.loads(subprocess.run([exe, "stats", "--json", "--db", db], capture_output=True,
                                       text=True).stdout)
        n = st.get("arenden", st.get("documents"))
        if n != len(files):
            failures.append("the index holds %r ärenden for %d files" % (n, len(files)))
    for f in failures[:30]:
        print("FAIL: " + f)
    print("%d files (%d with a law reference in the text): ärenden per file %s, warnings %s"
          % (nfiles, law_refs, dict(per_file), dict(warnings)))
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
