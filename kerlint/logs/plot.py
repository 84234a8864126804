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
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise PlotUnavailable(MISSING) from None
    return plt, MaxNLocator


def _series(run: Run, name: str) -> tuple[list[int], list[float]]:
    pts = [(e, v) for e, v in run.series(name) if math.isfinite(v)]
    return [e for e, _ in pts], [v for _, v in pts]


SPANNED = {"KER603", "KER604", "KER606", "KER607", "KER613"}  # diagnoses about a stretch of epochs


def _mark(ax, run: Run, diags: list[Diagnosis]) -> None:
    colours: dict[str, str] = {}
    # darker than matplotlib's default cycle, so a marker never takes a curve's colour
    palette = ["#b03a2e", "#6c3483", "#9a7d0a", "#117864", "#6e2c00", "#515a5a"]
    mine = [d for d in diags if d.run == run.index and d.epochs]
    for i, d in enumerate(mine):
        colour = colours.setdefault(d.code, palette[len(colours) % len(palette)])
        e0, e1 = d.epochs[0], d.epochs[-1]
        if e1 > e0 and d.code in SPANNED:
            ax.axvspan(e0 - 0.3, e1 + 0.3, color=colour, alpha=0.07)
        ax.axvline(e0, color=colour, linestyle="--", linewidth=1)
        # one label per row so that codes on nearby epochs stay readable
        ax.annotate(d.code, xy=(e0, 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -11 - 10 * i), textcoords="offset points", fontsize=7,
                    color=colour, bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none",
                                            alpha=0.8))  # readable over a curve


def render_plot(log: Log, diags: list[Diagnosis], path: str) -> None:
    plt, MaxNLocator = load_pyplot()
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
        title = f"run {run.index}" + (f" (cell {run.cell})" if run.cell is not None else "")
        ax_loss.set_title(f"{title}: loss")
        ax_loss.set_xlabel("epoch")
        for name in others:
            x, y = _series(run, name)
            ax_acc.plot(x, y, marker="o", markersize=3, label=name,
                        linestyle="--" if is_val(name) else "-")
        if any(is_accuracy_name(n) for n in others):
            ax_acc.set_ylim(-0.02, 1.02)
        ax_acc.set_title(f"{title}: metrics")
        ax_acc.set_xlabel("epoch")
        numbers = [ep.number for ep in run.epochs]
        for ax in (ax_loss, ax_acc):
            ax.set_xlim(min(numbers) - 0.5, max(numbers) + 0.9)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            _mark(ax, run, diags)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8, loc="best")
            ax.grid(alpha=0.3)
        if traced:
            ax_t = axes[row][2]
            mine = [ep for r, ep in traced if r is run]
            values = []
            for ep in mine:
                pts = [(s, v) for s, v, _ in ep.trace.series() if math.isfinite(v)]
                ax_t.plot([s for s, _ in pts], [v for _, v in pts], label=f"epoch {ep.number}")
                values += [v for _, v in pts]
            if values and min(values) > 0 and max(values) / min(values) > 50:
                ax_t.set_yscale("log")  # shows a loss leaving the 1.1921e-07 floor
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
