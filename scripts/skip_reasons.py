#!/usr/bin/env python3
"""Prints why tests were skipped, one line per reason, from ctest's JUnit files (--output-junit):
ctest itself shows only that they were. A GoogleTest skip gives its reason on the line after
"...: Skipped"; a script that exits 77 gives it on its last line of output."""
import collections
import sys
import xml.etree.ElementTree as ElementTree


def reason(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for i, line in enumerate(lines[:-1]):
        if line.endswith(": Skipped"):
            return lines[i + 1]
    return lines[-1] if lines else "(no output)"


def main(paths: list[str]) -> None:
    tests = collections.defaultdict(list)
    for path in paths:
        for case in ElementTree.parse(path).getroot().iter("testcase"):
            if case.find("skipped") is not None:
                tests[reason(case.findtext("system-out") or "")].append(case.get("name"))
    for why, names in tests.items():
        print(f"skipped {len(names)} test(s), e.g. {names[0].split()[0]}: {why}")


if __name__ == "__main__":
    main(sys.argv[1:])
