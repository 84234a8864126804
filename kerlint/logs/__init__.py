"""`kerlint log`: read a Keras training log (console output, CSVLogger CSV, History JSON) and
diagnose what went wrong (codes KER601-KER612), pointing at the source rules to check."""

from .diagnose import Diagnosis, diagnose
from .model import Epoch, Log, Run
from .source import LogReadError, read_log

__all__ = ["Diagnosis", "Epoch", "Log", "LogReadError", "Run", "diagnose", "read_log"]
