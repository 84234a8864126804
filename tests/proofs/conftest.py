from .proving import MEASURED


def pytest_terminal_summary(terminalreporter):
    if not MEASURED:
        return
    terminalreporter.section("proofs: measured with Keras (buggy | fixed)")
    for code, what, buggy, fixed in MEASURED:
        terminalreporter.write_line(f"{code}  {what}: {buggy} | {fixed}")
