#!/usr/bin/env python3
"""Checks the team health report as a browser shows it against the JSON report.

    report-check.py DOM JSON [--screenshot PNG]

DOM is what `chromium --dump-dom` printed for report.html; JSON is
`handbook-lint report --format json` on the same repository at the same time.
Every element with `data-team`/`data-iteration` is a grid cell; its
`data-goals`, `data-retro` and `data-carry` must be the JSON's marks for that
team and iteration. Every team and iteration of the JSON must have exactly one
cell, and there must be no other. With --screenshot, the PNG must be a real
picture: a valid PNG of a sensible size whose pixels are not all one colour.

Standard library only: CI installs nothing for it.
"""

import argparse
import json
import struct
import sys
import zlib
from html.parser import HTMLParser

MARKS = ("goals", "retro", "carry")
VALUES = {"yes", "no", "missing", "not-due", "unknown"}


class Cells(HTMLParser):
    """Collects the grid cells: (team, iteration) -> (goals, retro, carry)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells = {}
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-team" not in attrs and "data-iteration" not in attrs:
            return
        key = (attrs.get("data-team"), attrs.get("data-iteration"))
        marks = tuple(attrs.get("data-" + mark) for mark in MARKS)
        where = f"<{tag}> for team {key[0]!r}, iteration {key[1]!r}"
        if None in key:
            self.problems.append(f"{where}: lacks data-team or data-iteration")
            return
        if key in self.cells:
            self.problems.append(f"{where}: appears twice")
        for mark, value in zip(MARKS, marks):
            if value not in VALUES:
                self.problems.append(f"{where}: data-{mark}={value!r} is not a mark")
        self.cells[key] = marks

    handle_startendtag = handle_starttag


def expected_cells(report):
    """The JSON's cells, keyed as the DOM's, and any gap in the JSON itself."""
    cells, problems = {}, []
    numbers = [str(iteration["number"]) for iteration in report["iterations"]]
    for team in report["teams"]:
        by_number = {str(cell["iteration"]): cell for cell in team["cells"]}
        if sorted(by_number) != sorted(numbers):
            has = ", ".join(sorted(by_number, key=int))
            problems.append(
                f"JSON: team {team['name']!r} has cells for iterations [{has}], "
                f"the report's iterations are [{', '.join(numbers)}]"
            )
        for number in numbers:
            cell = by_number.get(number)
            if cell is not None:
                cells[(team["name"], number)] = tuple(cell[mark] for mark in MARKS)
    return cells, problems


def compare(shown, expected):
    problems = []
    for key in sorted(expected.keys() - shown.keys()):
        problems.append(f"team {key[0]!r}, iteration {key[1]}: in the JSON, not on the page")
    for key in sorted(shown.keys() - expected.keys()):
        problems.append(f"team {key[0]!r}, iteration {key[1]}: on the page, not in the JSON")
    for key in sorted(shown.keys() & expected.keys()):
        if shown[key] != expected[key]:
            page = " ".join(shown[key])
            data = " ".join(expected[key])
            problems.append(
                f"team {key[0]!r}, iteration {key[1]}: the page shows "
                f"goals/retro/carry {page}, the JSON says {data}"
            )
    return problems


def png_problems(path):
    """Why the file at `path` is not a real screenshot; empty when it is."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        return [f"screenshot {path}: {error.strerror}"]
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return [f"screenshot {path}: not a PNG"]
    width, height = struct.unpack(">II", data[16:24])
    if width < 800 or height < 600:
        return [f"screenshot {path}: {width}×{height} pixels, expected at least 800×600"]
    # The pixels: a blank page compresses to a few kilobytes of one colour.
    chunks, offset = [], 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    try:
        pixels = zlib.decompress(b"".join(chunks))
    except zlib.error:
        return [f"screenshot {path}: its image data does not decompress"]
    if len(set(pixels)) < 32:
        return [f"screenshot {path}: nearly one colour, the page did not render"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dom")
    parser.add_argument("json")
    parser.add_argument("--screenshot")
    args = parser.parse_args()

    with open(args.json, encoding="utf-8") as file:
        report = json.load(file)
    with open(args.dom, encoding="utf-8") as file:
        page = Cells()
        page.feed(file.read())
        page.close()

    expected, problems = expected_cells(report)
    problems += page.problems + compare(page.cells, expected)
    if not expected:
        problems.append("the JSON report has no grid cell: nothing was checked")
    if args.screenshot:
        problems += png_problems(args.screenshot)
    if problems:
        for problem in problems:
            print(f"report-check: {problem}", file=sys.stderr)
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        print(f"report-check: {count}", file=sys.stderr)
        return 1

    summary = (
        f"report-check: {len(report['teams'])} teams × {len(report['iterations'])} "
        f"iterations: {len(expected)} cells match the JSON report"
    )
    if args.screenshot:
        summary += f"; screenshot {args.screenshot}"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
