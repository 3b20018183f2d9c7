#!/usr/bin/env python3
"""Checks `cofail decide --html` the way a person sees it. On the bundled example it:
  * parses the page with html5lib in strict mode (a WHATWG parser: any parse error fails);
  * refuses any script, external resource or link (src, href, @import, url(), <link>, <iframe>);
  * renders it with headless Chromium (Debian's `chromium`), reads the rendered DOM (--dump-dom)
    and finds there the recommendation, its reason (as the JSON report gives them) and every
    candidate's name;
  * takes screenshots at 1280 px and at a 390 px phone width, decodes them (PNG, by zlib) and
    checks their width and that the headline's dark text is drawn at the top of both.
Usage: python3 scripts/checks/decide_page.py [--exe .build/debug/cofail] [--out DIR]
With --out the screenshots stay in DIR (scripts/gen/docs_charts.sh keeps docs/decide.png).
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

import html5lib

CANDIDATES = ["single_best", "best_mixture", "cheapest_within_band", "vote", "route_type", "route_knn",
              "route_logistic", "cascade"]
RUN = ["decide", "examples/decide/matrix.csv", "--texts", "examples/decide/prompts.csv", "--budget", "0.002"]


def fail(message):
    print("decide page: " + message, file=sys.stderr)
    sys.exit(1)


def browser():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    fail("no chromium on PATH (Debian: apt-get install chromium)")


def chromium(args, work):
    base = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=" + os.path.join(work, "profile")]
    p = subprocess.run(base + args, capture_output=True, text=True, timeout=180)
    if p.returncode != 0:
        fail("chromium %s failed: %s" % (" ".join(args[:2]), p.stderr[-1500:]))
    return p.stdout


def png_pixels(path, limit):
    """(width, height, the first `limit` rows of RGB tuples) of an 8-bit RGB/RGBA non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace != 0:
        fail("%s: unexpected PNG format (depth %d, colour %d)" % (path, depth, color))
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, k = [], bytearray(stride), 0
    for _ in range(min(height, limit)):
        kind, line = raw[k], bytearray(raw[k + 1:k + 1 + stride])
        k += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[j * bpp:j * bpp + 3]) for j in range(width)])
        prev = line
    return width, height, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", default=".build/debug/cofail")
    ap.add_argument("--out")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cofail-page-")
    try:
        page = os.path.join(work, "decide.html")
        p = subprocess.run([args.exe] + RUN + ["--html", page, "--format", "json"], capture_output=True, text=True)
        if p.returncode != 0:
            fail("cofail decide failed: " + p.stderr[-1500:])
        report = json.loads(p.stdout)["decide"]
        with open(page, encoding="utf-8") as f:
            text = f.read()
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            tree = parser.parse(text)
        except html5lib.html5parser.ParseError as e:
            fail("not valid HTML: %s" % e)
        for el in tree.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag in ("script", "link", "iframe", "object", "embed", "img"):
                fail("the page has a <%s> element" % tag)
            for attr in el.attrib:
                if attr.split("}")[-1] in ("src", "href", "xlink:href", "srcset", "action"):
                    fail("the page references %s=%r" % (attr, el.attrib[attr]))
        for word in ("@import", "url(", "http://", "https://"):
            if word in text:
                fail("the page contains %r (an external reference)" % word)
        dom = chromium(["--dump-dom", "file://" + page], work)
        rendered = " ".join("".join(html5lib.parse(dom, namespaceHTMLElements=False).itertext()).split())
        wanted = [report["recommendation"], " ".join(report["reason"].split())] + CANDIDATES
        for want in wanted:
            if want not in rendered:
                fail("the rendered page does not show %r" % want)
        out = args.out or work
        os.makedirs(out, exist_ok=True)
        for width, height in ((1280, 1500), (390, 1500)):
            shot = os.path.join(out, "decide-%d.png" % width)
            chromium(["--window-size=%d,%d" % (width, height), "--screenshot=" + shot, "file://" + page], work)
            w, h, rows = png_pixels(shot, 160)
            if w != width:
                fail("%s is %d px wide, not %d" % (shot, w, width))
            dark = sum(1 for row in rows for px in row if sum(px) < 200)
            if dark < 200:
                fail("%s: the headline's text is not drawn (%d dark pixels at the top)" % (shot, dark))
        print("decide page: valid HTML, self-contained, rendered by %s; recommendation %s and %d candidates "
              "shown; screenshots at 1280 and 390 px" % (os.path.basename(browser()), report["recommendation"],
                                                           len(CANDIDATES)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
