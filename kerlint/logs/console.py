"""Streaming parser for Keras console output (fit() with verbose=1 or 2, Keras 1/2/3 formats).

The text is cut into segments: at hard separators (newline, carriage return, backspace runs: the
redraws of a progress bar) and before each token that starts a new record (an `Epoch k/N` header,
a `12/345 [====` or `12/345 ━━━` progress bar, `Train on N samples`, callback messages). Logs
pasted from a web page put a whole training run on one line; this split recovers the records.
Memory stays bounded by the number of epochs, not by the size of the log.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO
from collections.abc import Iterable, Iterator

from .model import Epoch, Run, Trace, is_accuracy_name, is_loss_name, is_val

CHUNK = 1 << 20
# a segment longer than this with no boundary in it is not a Keras record (binary junk, minified
# data): it is dropped instead of buffered
MAX_SEGMENT = 1 << 20

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
ANSI_PARTIAL = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*)?$")
START = re.compile(
    r"Epoch \d+/\d+"
    r"|(?<![\d/.])\d+/(?:\d+|Unknown)\s*(?:\[|\u2501|-\s)"
    r"|Train (?:on|for) \d+"
    r"|Restoring model weights"
    r"|Epoch \d+: "
)
# hard separators (newline, carriage return, backspace redraws), or the start of a record
SPLIT = re.compile(r"[\r\n\b\x00]+|(?=[ERT0-9])(?=" + START.pattern + ")")
HEADER = re.compile(r"Epoch (\d+)/(\d+)")
PROGRESS = re.compile(r"(\d+)/(\d+|Unknown)\s*(?:\[[=>.]*\]|\u2501+)?")
TRAIN_ON = re.compile(
    r"Train (on|for) (\d+) (samples|steps)(?:, validate (?:on|for) (\d+) (?:samples|steps))?")
RESTORE = re.compile(r"Restoring model weights from the end of the best epoch(?:: (\d+))?")
EARLY_STOP = re.compile(r"Epoch (\d+): early stopping")
# model.summary(): its header row, a layer's output shape (Keras 1-3, `[(None, 20)]` for Keras 2's
# InputLayer), and the line after the table. The last layer row's shape is the model's output.
SUMMARY_HEADER = re.compile(r"Layer \(type\)\W+Output Shape")
SUMMARY_SHAPE = re.compile(r"(?:^|[\s\u2502\u2503|])\[?\((None(?:, (?:None|\d+))*)\)\]?(?=[\s\u2502\u2503|]|$)")
SUMMARY_END = re.compile(r"Total params: ")
NOISE = re.compile(
    r"[IWEF]\d{4} \d\d:\d\d:\d\d"
    r"|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d"
    r"|(?:WARNING|INFO|ERROR|DEBUG):(?:tensorflow|absl|root)"
    r"|WARNING: All log messages"
)
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|NaN|inf|Inf|Infinity)"
PAIR_SEARCH = re.compile(r"(?:(?<=\s)|^)([A-Za-z_][\w.]*(?:/[\w.]+)*): (" + _NUM + r")(?=\s|$)")
PAIR_NEXT = re.compile(r"\s*-\s*([A-Za-z_][\w.]*(?:/[\w.]+)*): (" + _NUM + r")(?=\s|$)")
# timing tokens that may surround metrics: "- 23s", "4ms/sample", "49s/epoch", "- ETA: 1:02"
TIMING = re.compile(r"\s*-?\s*(?:ETA: \S+|\d+(?:\.\d+)?(?:s|ms|us|\u00b5s|m|h)(?:/\w+)?)")
NOT_METRICS = {"ETA"}


def iter_text(stream: BinaryIO) -> Iterator[str]:
    """Decode a byte stream in chunks; undecodable bytes become U+FFFD, never an error."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while True:
        data = stream.read(CHUNK)
        if not data:
            break
        yield decoder.decode(data)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def iter_segments(chunks: Iterable[str]) -> Iterator[str]:
    buf = ""
    for chunk in chunks:
        buf += chunk
        hold = ""
        m = ANSI_PARTIAL.search(buf, max(0, len(buf) - 64))
        if m:
            buf, hold = buf[: m.start()], buf[m.start():]
        if "\x1b" in buf:
            buf = ANSI.sub("", buf)
        # the last piece may continue in the next chunk: keep it
        pieces = SPLIT.split(buf)
        buf = pieces.pop()
        for seg in pieces:
            seg = seg.strip()
            if seg:
                yield seg[:MAX_SEGMENT]
        if len(buf) > MAX_SEGMENT:
            buf = ""  # no record boundary in 1 MB: not a Keras log line
        buf += hold
    for seg in SPLIT.split(ANSI.sub("", buf)):
        seg = seg.strip()
        if seg:
            yield seg[:MAX_SEGMENT]


def _to_float(text: str) -> float:
    return float(text)


def parse_pairs(seg: str, pos: int) -> tuple[dict[str, float], int]:
    """Metrics written as `name: value` pairs joined by ` - `, from the first pair at or after pos.

    Reading stops at the first thing that is not a pair, so prose after a log line is ignored.
    """
    metrics: dict[str, float] = {}
    m = PAIR_SEARCH.search(seg, pos)
    while m is not None and m.group(1) in NOT_METRICS:
        m = PAIR_SEARCH.search(seg, m.end())
    if m is None:
        return metrics, pos
    metrics[m.group(1)] = _to_float(m.group(2))
    end = m.end()
    while True:
        n = PAIR_NEXT.match(seg, end)
        if n is None:
            break
        if n.group(1) not in NOT_METRICS:
            metrics[n.group(1)] = _to_float(n.group(2))
        end = n.end()
    return metrics, end


def _skip_timing(text: str, pos: int) -> int:
    while True:
        m = TIMING.match(text, pos)
        if m is None or m.end() == pos:
            return pos
        pos = m.end()


def parse_metrics_only(text: str) -> dict[str, float] | None:
    """A line that holds only metrics and timings (seed 001's `loss: 0.9452 - acc: 0.5781`, the
    Keras 2.2 verbose=2 ` - 23s - loss: ...`). Anything else (prose, TF messages) gives None."""
    pos = _skip_timing(text, 0)
    first = PAIR_SEARCH.search(text, pos)
    if first is None or text[pos: first.start()].strip(" -"):
        return None
    metrics, end = parse_pairs(text, pos)
    if text[_skip_timing(text, end):].strip(" -"):
        return None
    if not any(is_loss_name(k) or is_accuracy_name(k) for k in metrics):
        return None
    return metrics


def _value_after(seg: str, pat: str, pos: int) -> float | None:
    i = seg.find(pat, pos)
    if i < 0:
        return None
    j = i + len(pat)
    k = seg.find(" ", j)
    try:
        return float(seg[j:] if k < 0 else seg[j:k])
    except ValueError:
        return None


class _EpochBuilder:
    __slots__ = ("number", "final", "last", "last_raw", "total", "trace", "closed", "loss_key",
                 "acc_key", "loss_pat", "acc_pat")

    def __init__(self, number: int | None) -> None:
        self.number = number
        self.final: dict[str, float] | None = None
        self.last: dict[str, float] | None = None
        self.total: int | None = None
        self.trace: Trace | None = None
        # after the final line: later progress bars are evaluate()/predict() output
        self.closed = False
        self.loss_key: str | None = None
        self.acc_key: str | None = None
        # the latest progress line read by the fast path, parsed only if no final line follows
        self.last_raw: str | None = None
        self.loss_pat: str | None = None
        self.acc_pat: str | None = None

    def has_data(self) -> bool:
        return self.final is not None or self.last is not None or self.last_raw is not None

    def fast_update(self, seg: str, step: int, pos: int) -> bool:
        """Trace a mid-epoch redraw by finding its loss and accuracy directly; a big log is
        nearly all such lines. False when the line does not have the expected shape."""
        if self.loss_pat is None or self.trace is None:
            return False
        loss = _value_after(seg, self.loss_pat, pos)
        if loss is None:
            return False
        acc = _value_after(seg, self.acc_pat, pos) if self.acc_pat else None
        self.trace.add(step, loss, acc)
        self.last_raw = seg
        return True

    def add_progress(self, step: int, total: int | None, metrics: dict[str, float],
                     is_final: bool) -> None:
        if total is not None:
            self.total = total
        if metrics:
            self._trace(step, metrics)
            self.last = metrics
            self.last_raw = None
        if is_final:
            if self.final is None:
                self.final = dict(metrics)
            else:
                self.final.update(metrics)
            self.closed = True

    def _trace(self, step: int, metrics: dict[str, float]) -> None:
        if self.loss_key is None:
            self.loss_key = "loss" if "loss" in metrics else next(
                (k for k in metrics if is_loss_name(k) and not is_val(k)), None)
            self.acc_key = next(
                (k for k in metrics if is_accuracy_name(k) and not is_val(k)), None)
            if self.loss_key is not None:
                self.loss_pat = f" {self.loss_key}: "
                self.acc_pat = f" {self.acc_key}: " if self.acc_key else None
        if self.loss_key is None or self.loss_key not in metrics:
            return
        if self.trace is None:
            self.trace = Trace()
        acc = metrics.get(self.acc_key) if self.acc_key else None
        self.trace.add(step, metrics[self.loss_key], acc)

    def build(self, number: int) -> Epoch | None:
        if self.final is None and self.last_raw is not None:
            m = PROGRESS.match(self.last_raw)
            if m:
                self.last = parse_pairs(self.last_raw, m.end())[0] or self.last
        metrics = self.final if self.final is not None else self.last
        if not metrics:
            return None
        trace = self.trace if self.trace is not None and self.trace.n > 1 else None
        return Epoch(number=number, metrics=dict(metrics), partial=self.final is None,
                     total_steps=self.total, trace=trace)


class ConsoleParser:
    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.run: Run | None = None
        self.epoch: _EpochBuilder | None = None
        self.pending: _EpochBuilder | None = None
        # epochs of a log with no `Epoch k/N` headers at all
        self.headerless: list[Epoch] = []
        self.saw_header = False
        self.samples: tuple[int, int | None, str] | None = None
        self.new_run_due = False
        # model.summary(): inside its table, the last layer's shape, and the finished summary's
        # last dimension (the class count of a classifier), given to the runs that follow it
        self.in_summary = False
        self.summary_shape: tuple[int | None, ...] | None = None
        self.summary_units: int | None = None

    def carry_summary(self, units: int | None) -> None:
        """A notebook's summary printed in an earlier cell holds for this cell's runs."""
        self.summary_units = units

    # -- records ---------------------------------------------------------------------------
    def feed(self, seg: str) -> None:
        # progress updates are nearly all of a big log: try them first
        if seg[0].isdigit():
            m = PROGRESS.match(seg)
            if m and (m.end() == len(seg) or seg[m.end()] in " -"):
                step = int(m.group(1))
                total = None if m.group(2) == "Unknown" else int(m.group(2))
                eta = "ETA" in seg[m.end(): m.end() + 40]
                is_final = total is not None and step >= total and not eta
                ep = self.epoch
                if (not is_final and ep is not None and not ep.closed and total == ep.total
                        and ep.fast_update(seg, step, m.end())):
                    return
                metrics, _ = parse_pairs(seg, m.end())
                self._progress(step, total, metrics, is_final)
                return
        if NOISE.match(seg):
            return
        if self.in_summary or "Layer (type)" in seg:
            if self._summary_row(seg):
                return
        m = HEADER.match(seg)
        if m:
            self._header(int(m.group(1)), int(m.group(2)))
            rest = seg[m.end():].strip()
            if rest:
                metrics = parse_metrics_only(rest)
                if metrics:
                    self._summary(metrics)
            return
        m = TRAIN_ON.match(seg)
        if m:
            unit = m.group(3)
            self.samples = (int(m.group(2)), int(m.group(4)) if m.group(4) else None, unit)
            if self.run is not None and (self.run.epochs or self.epoch is not None):
                self.new_run_due = True
            return
        m = RESTORE.match(seg)
        if m:
            run = self.run
            if run is not None:
                run.restored_best = True
                if m.group(1):
                    run.restored_best_epoch = int(m.group(1))
            return
        m = EARLY_STOP.match(seg)
        if m:
            if self.run is not None:
                self.run.early_stopped_epoch = int(m.group(1))
            return
        metrics = parse_metrics_only(seg)
        if metrics:
            self._summary(metrics)

    def _summary_row(self, seg: str) -> bool:
        """Follow a model.summary() table; True when the segment belonged to it."""
        if SUMMARY_HEADER.search(seg):
            self.in_summary, self.summary_shape = True, None
            return True
        if SUMMARY_END.search(seg):
            shape = self.summary_shape
            # (None, C): a classifier's C (or a 1-unit head); other ranks tell nothing here
            self.summary_units = shape[1] if shape is not None and len(shape) == 2 else None
            self.in_summary, self.summary_shape = False, None
            return True
        m = SUMMARY_SHAPE.search(seg)
        if m:
            dims = m.group(1).split(", ")
            self.summary_shape = tuple(None if d == "None" else int(d) for d in dims)
            return True
        if HEADER.match(seg) or TRAIN_ON.match(seg) or PAIR_SEARCH.search(seg):
            self.in_summary = False  # a table cut short: the log goes on
            return False
        return True

    def _header(self, k: int, total: int) -> None:
        self.saw_header = True
        self._close_epoch()
        run = self.run
        if (run is None or self.new_run_due or (run.epochs and k <= run.epochs[-1].number)
                or (run.declared_epochs is not None and total != run.declared_epochs)):
            run = self._new_run(total)
        pending = self.pending
        self.pending = None
        if pending is not None and pending.has_data() and k > 1 and not run.epochs:
            # the log starts inside the epoch before this header (seed 003)
            ep = pending.build(k - 1)
            if ep is not None:
                run.epochs.append(ep)
        self.epoch = _EpochBuilder(k)

    def _new_run(self, total: int | None) -> Run:
        self._close_run()
        run = Run(index=len(self.runs) + 1, declared_epochs=total, summary_units=self.summary_units)
        if self.samples is not None:
            run.train_samples, run.val_samples, run.samples_unit = self.samples
            self.samples = None
        self.runs.append(run)
        self.run = run
        self.new_run_due = False
        return run

    def _progress(self, step: int, total: int | None, metrics: dict[str, float],
                  is_final: bool) -> None:
        ep = self.epoch
        if ep is not None:
            if ep.closed:
                # Keras 3 under a terminal may print the final line twice, the second time with
                # the val_ metrics; evaluate() output after the last epoch only adds nothing
                if is_final and total == ep.total and ep.final is not None:
                    for k, v in metrics.items():
                        ep.final.setdefault(k, v)
                return
            ep.add_progress(step, total, metrics, is_final)
            return
        if self.pending is not None and self.pending.closed:
            if self.saw_header:
                # output after the last epoch (evaluate, predict) or before the next run
                self.pending = _EpochBuilder(None)
            else:
                self._push_headerless()
        if self.pending is None:
            self.pending = _EpochBuilder(None)
        self.pending.add_progress(step, total, metrics, is_final)

    def _summary(self, metrics: dict[str, float]) -> None:
        ep = self.epoch
        if ep is not None:
            if ep.final is None:
                ep.final = dict(metrics)
                ep.closed = True
            return
        if not self.saw_header:
            if self.pending is not None and self.pending.has_data():
                if self.pending.final is None:
                    self.pending.final = dict(metrics)
                    self.pending.closed = True
                    return
                self._push_headerless()
            self.pending = _EpochBuilder(None)
            self.pending.final = dict(metrics)
            self.pending.closed = True

    def _push_headerless(self) -> None:
        if self.pending is not None:
            ep = self.pending.build(len(self.headerless) + 1)
            if ep is not None:
                self.headerless.append(ep)
        self.pending = None

    def _close_epoch(self) -> None:
        ep, self.epoch = self.epoch, None
        if ep is None or self.run is None:
            return
        built = ep.build(ep.number)
        if built is not None:
            self.run.epochs.append(built)
        else:
            self.run.truncated_at = ep.number

    def _close_run(self) -> None:
        self._close_epoch()
        if self.run is not None and not self.run.epochs:
            self.runs.remove(self.run)
            for i, r in enumerate(self.runs):
                r.index = i + 1
        self.run = None

    def finish(self) -> list[Run]:
        self._close_run()
        if not self.saw_header:
            self._push_headerless()
            if self.headerless:
                run = Run(index=1, epochs=self.headerless, summary_units=self.summary_units)
                if self.samples is not None:
                    run.train_samples, run.val_samples, run.samples_unit = self.samples
                self.runs = [run]
        return self.runs


def parse_console(stream: BinaryIO) -> list[Run]:
    parser = ConsoleParser()
    for seg in iter_segments(iter_text(stream)):
        parser.feed(seg)
    return parser.finish()


def parse_console_text(text: str, summary_units: int | None = None) -> tuple[list[Run], int | None]:
    """Runs in already-decoded text (a notebook cell's output), and the last summary's units,
    for the next cell."""
    parser = ConsoleParser()
    parser.carry_summary(summary_units)
    for seg in iter_segments([text]):
        parser.feed(seg)
    return parser.finish(), parser.summary_units
