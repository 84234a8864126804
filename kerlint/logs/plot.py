"""`--plot FILE.png`: loss and metrics per epoch with the diagnosed epochs marked.

matplotlib is an optional extra (`pip install kerlint[plot]`); it is imported only here.
"""

from __future__ import annotations

import math

from .diagnose import Diagnosis
from .model import Log, Run, is_accuracy_name, is_loss_name, is_val


class PlotUnavailable(Exception):
    pass


MISSING = ("--plot needs matplotlib, which is not installed: pip install 'kerlint[plot]' "
           "(or pip install matplotlib)")


def load_pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotUnavailable(MISSING) from None
    return plt


def _series(run: Run, name: str) -> tuple[list[int], list[float]]:
    pts = [(e, v) for e, v in run.series(name) if math.isfinite(v)]
    return [e for e, _ in pts], [v for _, v in pts]


def _mark(ax, run: Run, diags: list[Diagnosis]) -> None:
    colours = {}
    palette = ["#d62728", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    for d in diags:
        if d.run != run.index or not d.epochs:
            continue
        colour = colours.setdefault(d.code, palette[len(colours) % len(palette)])
        e0, e1 = d.epochs[0], d.epochs[-1]
        if e1 > e0:
            ax.axvspan(e0 - 0.5, e1 + 0.5, color=colour, alpha=0.08)
        ax.axvline(e0, color=colour, linestyle="--", linewidth=1)
        ax.annotate(d.code, xy=(e0, 1), xycoords=("data", "axes fraction"), xytext=(2, -12),
                    textcoords="offset points", fontsize=8, color=colour, rotation=0)


def render_plot(log: Log, diags: list[Diagnosis], path: str) -> None:
    plt = load_pyplot()
    runs = log.runs[:6]
    traced = [(run, ep) for run in runs for ep in run.epochs
              if ep.trace is not None and any(d.run == run.index and ep.number in d.epochs[:1]
                                              for d in diags)][:2]
    cols = 2 + (1 if traced else 0)
    fig, axes = plt.subplots(len(runs), cols, figsize=(5.2 * cols, 3.6 * len(runs)),
                             squeeze=False)
    for row, run in enumerate(runs):
        ax_loss, ax_acc = axes[row][0], axes[row][1]
        losses = [n for n in run.metric_names() if is_loss_name(n)]
        others = [n for n in run.metric_names() if not is_loss_name(n)]
        for name in losses:
            x, y = _series(run, name)
            ax_loss.plot(x, y, marker="o", markersize=3, label=name,
                         linestyle="--" if is_val(name) else "-")
        ys = [v for n in losses for v in _series(run, n)[1]]
        if ys and min(ys) > 0 and max(ys) / min(ys) > 50:
            ax_loss.set_yscale("log")
        ax_loss.set_title(f"run {run.index}: loss")
        ax_loss.set_xlabel("epoch")
        for name in others:
            x, y = _series(run, name)
            ax_acc.plot(x, y, marker="o", markersize=3, label=name,
                        linestyle="--" if is_val(name) else "-")
        if any(is_accuracy_name(n) for n in others):
            ax_acc.set_ylim(-0.02, 1.02)
        ax_acc.set_title(f"run {run.index}: metrics")
        ax_acc.set_xlabel("epoch")
        for ax in (ax_loss, ax_acc):
            _mark(ax, run, diags)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8, loc="best")
            ax.grid(alpha=0.3)
        if traced:
            ax_t = axes[row][2]
            mine = [ep for r, ep in traced if r is run]
            for ep in mine:
                pts = [(s, v) for s, v, _ in ep.trace.series() if math.isfinite(v)]
                ax_t.plot([s for s, _ in pts], [v for _, v in pts], label=f"epoch {ep.number}")
            if mine:
                ax_t.set_title(f"run {run.index}: running loss inside the epoch")
                ax_t.set_xlabel("progress (steps or samples)")
                ax_t.legend(fontsize=8)
                ax_t.grid(alpha=0.3)
            else:
                ax_t.axis("off")
    fig.suptitle(f"kerlint log: {log.source}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
