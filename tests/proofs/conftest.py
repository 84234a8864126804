from .proving import COUNTS, MEASURED


def pytest_terminal_summary(terminalreporter):
    if MEASURED:
        terminalreporter.section("proofs: measured with Keras (buggy | fixed)")
        for code, what, buggy, fixed in MEASURED:
            terminalreporter.write_line(f"{code}  {what}: {buggy} | {fixed}")
    if COUNTS:
        terminalreporter.section("shape inference against Keras")
        terminalreporter.write_line(", ".join(f"{k}: {v}" for k, v in COUNTS.items()))
