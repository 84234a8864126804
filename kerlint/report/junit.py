"""``junit``: JUnit XML, one test suite per file and one failed test case per diagnostic (the
shape ruff writes), for CI systems that show test reports."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from . import file_rows, severity


def render(results, out):
    total = sum(len(r.reports) for r in results)
    root = ET.Element("testsuites", name="kerlint", tests=str(max(total, 1)), failures=str(total), errors="0")
    for result in results:
        if not result.reports:
            continue
        suite = ET.SubElement(
            root, "testsuite", name=result.path, tests=str(len(result.reports)), disabled="0", errors="0",
            failures=str(len(result.reports)), package="org.kerlint",
        )
        classname = result.path.rsplit(".", 1)[0].replace("\\", "/").replace("/", ".")
        for r in result.reports:
            where = f"cell {r.cell}, line {r.cell_row}" if r.cell is not None else f"line {r.row}"
            case = ET.SubElement(
                suite, "testcase", name=f"org.kerlint.{r.code}", classname=classname, line=str(file_rows(r)[0]),
                column=str(r.column),
            )
            failure = ET.SubElement(case, "failure", message=r.message, type=severity(r))  # error, warning, note
            failure.text = f"{where}, col {r.column}, {r.message}"
    if not total:
        suite = ET.SubElement(root, "testsuite", name="kerlint", tests="1", disabled="0", errors="0", failures="0",
                              package="org.kerlint")
        ET.SubElement(suite, "testcase", name="No errors found", classname="kerlint")
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
