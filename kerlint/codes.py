"""Every code kerlint can print, in one table: KER000 (a file kerlint could not check), the
rules KER1xx-KER5xx, the log codes KER6xx (``kerlint log``) and KER900 (an unused ``# noqa``).

Configuration, ``# noqa``, the reporters, the docs and the log diagnoser read codes here. The
table is light on purpose: code -> name, summary, default or URL imports nothing else, so a run
whose files are all cache hits never imports a rule module (and with it LibCST). A rule's
explanation and examples stay next to its check in its module, and ``explain`` loads them only
for ``kerlint rule``, ``kerlint rules``, the docs and SARIF. The codes no rule module describes
are described in full here. A rule's name, summary and default are only here; ``Rule`` reads them.
"""

from __future__ import annotations

from dataclasses import fields

from .data import record

# A rule's documentation: its section of docs/rules.md in kerlint's repository (the base is
# [project.urls] Documentation in pyproject.toml). KERLINT_DOCS_URL points the links (JSON
# `url`, SARIF `helpUri`, the editor's code link) at another copy, such as a fork's.
DOCS_URL = "https://kerlint.invalid/kerlint/blob/main/docs/rules.md"


def docs_url() -> str:
    import os

    return os.environ.get("KERLINT_DOCS_URL") or DOCS_URL

RULE, META, LOG = "rule", "meta", "log"

UNREADABLE = "KER000"
UNUSED_NOQA = "KER900"

FAMILIES = {
    "KER0": "files kerlint could not check",
    "KER1": "output layer and loss",
    "KER2": "shapes and layers",
    "KER3": "training setup",
    "KER4": "APIs Keras 3 removed or changed",
    "KER5": "speed",
    "KER6": "training logs (`kerlint log`)",
    "KER9": "noqa comments",
}


@record(frozen=True)
class Code:
    code: str
    name: str
    summary: str
    kind: str = RULE
    default: bool = True  # reported when no configuration says otherwise
    selectable: bool = True  # `check`'s select, ignore and noqa know it (rules and KER900)

    def __init__(self, code, name, summary, kind=RULE, default=True, selectable=True):
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "summary", summary)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "default", default)
        object.__setattr__(self, "selectable", selectable)

    @property
    def family(self) -> str:
        """``KER2`` for KER201: the prefix that selects the family."""
        return self.code[:4]

    @property
    def url(self) -> str:
        return f"{docs_url()}#{self.code.lower()}"

    @property
    def severity(self) -> str:
        """``error``, ``warning`` or ``note``: the level SARIF, GitHub, JUnit, JSON, the editor
        and the text output give this code's diagnostics (a report may override it)."""
        return SEVERITIES.get(self.code, ERROR)


ERROR, WARNING, NOTE = "error", "warning", "note"
# Every code is an error unless listed here. An error is a program that raises, or that trains,
# validates or measures wrongly. A warning is code that runs as its author meant but wastes or
# risks something: smells, the opt-in advice, and APIs Keras 3 warns about or ignores but runs.
# A note is a speed hint (KER5). Severity never changes the exit status: any diagnostic gives 1.
SEVERITIES = {
    "KER208": WARNING,  # a Dense that adds parameters and no capacity
    "KER209": WARNING,  # mostly relu after relu, which does nothing
    "KER220": WARNING,  # opt-in
    "KER221": WARNING,  # opt-in
    "KER301": WARNING,  # no validation: nothing is wrong yet, nothing would tell
    "KER302": WARNING,  # opt-in
    "KER303": WARNING,  # opt-in
    "KER306": WARNING,  # opt-in
    "KER402": WARNING,  # Keras 3 warns and ignores decay=
    "KER405": WARNING,  # Keras 3 warns and ignores input_length=
    "KER501": NOTE,
    "KER502": NOTE,
    "KER604": WARNING,  # log: trained past its best epoch
    "KER612": WARNING,  # log: no validation metric
    "KER900": WARNING,  # an unused noqa comment
}


@record(frozen=True)
class Explained(Code):
    """A code with its full text: what ``kerlint rule CODE`` and the docs print."""

    explanation: str = ""
    bad: str = ""  # an example that gets the code
    good: str = ""  # the same example written correctly
    fixed: str = ""  # what `check --fix` makes of `bad` (see kerlint.rules.Rule)
    fix_availability: str = "never"  # "always", "sometimes" or "never": do its reports carry a fix
    fix_applicability: tuple[str, ...] = ()  # "safe" and/or "unsafe"
    causes: str = ""  # a log code: the `kerlint check` rules that usually cause it

    def __init__(self, code, name, summary, kind=RULE, default=True, selectable=True, explanation="",
                 bad="", good="", fixed="", fix_availability="never", fix_applicability=(), causes=""):
        Code.__init__(self, code, name, summary, kind, default, selectable)
        object.__setattr__(self, "explanation", explanation)
        object.__setattr__(self, "bad", bad)
        object.__setattr__(self, "good", good)
        object.__setattr__(self, "fixed", fixed)
        object.__setattr__(self, "fix_availability", fix_availability)
        object.__setattr__(self, "fix_applicability", fix_applicability)
        object.__setattr__(self, "causes", causes)

    @property
    def fix(self) -> str:
        """Availability and applicability in a few words, for listings and JSON: "always (safe)",
        "sometimes (unsafe)", "always (safe or unsafe)", "never"."""
        if self.fix_availability == "never":
            return "never"
        return f"{self.fix_availability} ({' or '.join(self.fix_applicability)})"


def _log(code: str, name: str, summary: str, fires_when: str, causes: str) -> Explained:
    """A ``kerlint log`` code: reported on a training log, so ``check`` does not know it."""
    return Explained(code, name, summary, LOG, selectable=False, explanation=fires_when, causes=causes)


_TABLE = (
    Explained(
        UNREADABLE, "unreadable-file", "The file cannot be read or parsed, so nothing in it was checked",
        META, selectable=False,
        explanation=(
            # The first paragraph is also the SARIF descriptor's description (see report/sarif.py).
            "kerlint reports a file it cannot decode or parse as Python, and lints the rest.\n\n"
            "The message says what stopped it: the file cannot be read (permissions, a broken link, "
            "bytes that do not decode), a syntax error (in a notebook, a code cell that does not "
            "parse on its own, as Jupyter runs each cell alone), or an internal error in kerlint, "
            "a bug to report with the file that caused it. Nothing else in such a file is checked, "
            "and `--fix` leaves it unchanged.\n\n"
            "A file kerlint could not check must not pass for a clean one: KER000 cannot be "
            "selected or ignored, and `# noqa` does not silence it."
        ),
    ),
    Code("KER101", "logits-without-from-logits",
         "Linear output layer trained with a crossentropy loss that expects probabilities"),
    Code("KER102", "probabilities-with-from-logits",
         "Softmax or sigmoid output trained with a loss that expects logits"),
    Code("KER103", "softmax-single-unit", "Softmax over an output of one unit, which is always 1.0"),
    Code("KER104", "sigmoid-multiclass", "Sigmoid output with several units trained as exclusive classes"),
    Code("KER105", "categorical-loss-single-unit",
         "Categorical crossentropy over a one-unit output: the loss is always 0"),
    Code("KER106", "binary-loss-on-softmax", "Binary crossentropy on a softmax output over more than two classes"),
    Code("KER107", "non-probabilistic-output",
         "Crossentropy loss on an output activation that does not give probabilities"),
    Code("KER108", "sparse-loss-single-unit", "Sparse categorical crossentropy over a one-unit output"),
    Code("KER109", "regression-loss-on-classifier", "Mean squared or absolute error used to train a classifier"),
    Code("KER110", "accuracy-on-regression", '"accuracy" reported for a regression model'),
    Code("KER111", "bounded-output-regression",
         "Sigmoid, tanh, relu or softmax output regressing targets outside its range"),
    Code("KER112", "integer-labels-categorical-loss",
         "Categorical crossentropy on integer class ids that are never one-hot encoded"),
    Code("KER113", "accuracy-object-on-classifier",
         "keras.metrics.Accuracy() on a classifier, which counts exact matches with its probabilities"),
    Code("KER201", "dense-on-sequence", "Dense head on a sequence or feature map of a per-sample model"),
    Code("KER202", "rank-mismatch", "Layer receives a tensor of a rank it cannot take"),
    Code("KER203", "noise-shape-mismatch", "Dropout noise_shape that cannot broadcast against the layer's input"),
    Code("KER204", "embedding-input-dim-off-by-one",
         "Embedding input_dim of len(tokenizer.word_index), one row short"),
    Code("KER205", "input-shape-includes-batch", "input_shape written with the batch axis"),
    Code("KER206", "feature-map-collapse", "Conv/pooling chain shrinks a spatial dimension to zero"),
    Code("KER207", "layer-after-output", "Dropout, normalization or a second activation after the output activation"),
    Code("KER208", "stacked-linear-layers", "Two Dense layers in a row with no activation between them"),
    Code("KER209", "duplicate-activation", "Activation layer repeating the previous layer's activation"),
    Code("KER210", "layer-as-argument", "Layer instance passed where a number or a tensor is expected"),
    Code("KER211", "constant-kernel-initializer",
         "Hidden layer with a constant kernel that never trains or whose units stay identical"),
    Code("KER212", "reshape-size-mismatch", "Reshape whose target holds a different number of values than its input"),
    Code("KER213", "duplicate-layer-names", "Two layers of one model given the same name"),
    Code("KER214", "float-layer-size",
         "Layer size (units, filters, kernel or pool size) given as a float or a NumPy number"),
    Code("KER220", "dropout-before-batchnorm",
         "Dropout directly before BatchNormalization, whose statistics then shift at inference", default=False),
    Code("KER221", "bias-before-batchnorm",
         "Dense or convolution bias cancelled by the BatchNormalization right after it", default=False),
    Code("KER301", "fit-without-validation", "Training run on arrays with no validation data"),
    Code("KER302", "validation-on-test-set", "Validation data taken from the test set", default=False),
    Code("KER303", "validation-split-unshuffled",
         "validation_split on arrays that are never shuffled", default=False),
    Code("KER304", "learning-rate-out-of-range",
         "Literal learning rate far outside the range the optimizer trains with"),
    Code("KER305", "accuracy-on-multilabel", "Accuracy metric on a multi-label (sigmoid, binary crossentropy) model"),
    Code("KER306", "fit-without-early-stopping",
         "Long validated training run without an EarlyStopping callback", default=False),
    Code("KER307", "labels-scaled-like-inputs", "Class labels divided by 255 or the images' statistics like the images"),
    Code("KER308", "validation-is-training-data", "Validation data that is the training data itself"),
    Code("KER309", "validation-split-on-dataset",
         "validation_split on a dataset, generator or Sequence, which fit() cannot split"),
    Code("KER310", "predict-without-batch-axis", "One indexed sample given to predict/evaluate without its batch axis"),
    Code("KER401", "optimizer-lr-argument", "`lr=` argument or `optimizer.lr` attribute, removed in Keras 3"),
    Code("KER402", "optimizer-decay-argument", "`decay=` optimizer argument, ignored by Keras 3"),
    Code("KER403", "generator-methods",
         "`fit_generator` / `evaluate_generator` / `predict_generator`, removed in Keras 3"),
    Code("KER404", "predict-classes", "`predict_classes` / `predict_proba`, removed from Keras models"),
    Code("KER405", "embedding-input-length", "`Embedding(input_length=...)`, ignored by Keras 3"),
    Code("KER406", "keras1-arguments",
         "Keras 1 argument names (`nb_epoch`, `init`, `border_mode`, ...) and `Conv2D(n, rows, cols)`"),
    Code("KER407", "removed-layers-and-modules",
         "Layers, modules and functions removed in Keras 3 (`CuDNNLSTM`, `keras.layers.core`, ...)"),
    Code("KER408", "removed-layer-arguments",
         "Layer arguments Keras 3 rejects (`batch_input_shape=`, `batch_size=`, `weights=`, `input_dtype=`)"),
    Code("KER409", "train-step-compiled-loss",
         "`self.compiled_loss` / `self.compiled_metrics` in a custom `train_step`, replaced in Keras 3"),
    Code("KER410", "backend-math-functions",
         "`keras.backend` math and tensor functions Keras 3 removed (`K.sum`, `K.expand_dims`, ...)"),
    Code("KER411", "weights-checkpoint-suffix",
         "Weights or model file path without the suffix Keras 3 requires (`.weights.h5`, `.keras`)"),
    Code("KER412", "tensorflow-op-on-keras-tensor",
         "TensorFlow function applied to a symbolic Keras tensor while building a functional model"),
    Code("KER501", "rnn-without-cudnn", "LSTM/GRU arguments that rule out the fast cuDNN kernel"),
    Code("KER502", "timedistributed-dense",
         "`TimeDistributed(Dense(...))` where `Dense(...)` alone does the same", default=False),
    _log(
        "KER601", "loss-divergence",
        "The training loss jumps or climbs instead of falling",
        (
            "the training loss at least doubles from one epoch to the next (and climbs back to half its "
            "first value, or x10); the running loss inside an epoch rises 3x above its minimum and ends "
            "at twice the previous epoch's loss; or the loss rises at every epoch for 3+ epochs, x2 "
            "overall"
        ),
        "KER304, KER101",
    ),
    _log(
        "KER602", "saturated-probabilities",
        (
            "The loss sits at the float32 clip floor or at multiples of 16.118: the probabilities are "
            "saturated at 0 or 1"
        ),
        (
            "a loss at the float32 clip floor 1.1921e-07 = -log(float32(1 - 1e-7)); loss = (1 - accuracy)"
            " x 16.118 (every mistake costs -log(1e-7) = 16.118); a loss frozen at a multiple of 16.118 "
            "(with the sample count, how many samples sit at the floor: seed 000's 9.4066 = 356/610 x "
            "16.118); a crossentropy above 16.118, which only logits of that size give"
        ),
        "KER101, KER304",
    ),
    _log(
        "KER603", "frozen-metrics",
        "A loss stays the same for 3+ epochs: training has stopped",
        (
            "a loss (training or validation) equal to 4 decimals over 3+ consecutive epochs; the accuracy"
            " frozen alongside is reported with it"
        ),
        "KER304, KER101, KER207",
    ),
    _log(
        "KER604", "overfitting-onset",
        "val_loss rises while the training loss keeps falling: the model overfits from that epoch on",
        (
            "val_loss is lowest at epoch e, then rises (5%+) while the training loss keeps falling (5%+)."
            ' Reports e, val_loss and the val accuracy there, and the `EarlyStopping(monitor="val_loss", '
            "patience=..., restore_best_weights=True)` that keeps epoch e. Silent when the log shows "
            "EarlyStopping restored epoch e, and in runs that diverge or saturate"
        ),
        "KER306",
    ),
    _log(
        "KER605", "accuracy-falls",
        "Training accuracy ends well below its best",
        (
            "training accuracy ends 0.05+ below its best; when accuracy and loss fell together for 3+ "
            "epochs, the loss is not measuring what accuracy counts"
        ),
        "KER101, KER106, KER109 (or KER304, KER101)",
    ),
    _log(
        "KER606", "chance-level",
        "The model does no better than chance: its loss sits at ln C, or its accuracy stays at 1/C",
        (
            "a loss at ln C (C = 2..10, within 0.2%) for 3+ epochs: the model predicts 1/C for every "
            "class; or the training accuracy stays within noise of 1/C, below it, or flat at one class's "
            "share at every epoch (3+ epochs) while the loss never falls below ln C. C comes from "
            "`--classes N`, the output layer in the source (`--source`, a notebook), a `model.summary()`"
            " in the log, binary metric names, or the accuracy itself when its median sits on 1/C "
            "(C <= 5, said in the message)"
        ),
        "KER101, KER107 (accuracy at or below 1/C); KER103 (at one class's share); KER207, KER304 "
        "(loss at ln C)",
    ),
    _log(
        "KER607", "majority-level",
        "Accuracy is frozen while the loss moves: the predicted class never changes",
        (
            "training accuracy identical over 3+ epochs (or validation accuracy from the first epoch on) "
            "while the loss moves: the predicted class never changes"
        ),
        "KER103, KER207",
    ),
    _log(
        "KER608", "non-finite-loss",
        "The loss becomes NaN or inf",
        "NaN or inf in a loss, per epoch or inside one (first batch reported)",
        "KER304, KER207",
    ),
    _log(
        "KER609", "perfect-fit-at-floor",
        (
            "Accuracy 1.0 with the loss at the clip floor: labels leaking into the inputs, or a single "
            "class"
        ),
        "accuracy 1.0000 with the loss at the floor 1.1921e-07: label leakage or a one-class set",
        "",
    ),
    _log(
        "KER610", "early-plateau",
        (
            "Accuracy stays at its first-epoch value while the loss falls: it does not measure what the "
            "model learns"
        ),
        (
            "accuracy within 0.02 of its first-epoch value over 3+ epochs while the loss falls 20%+: e.g."
            " per-label accuracy of a multi-label sigmoid head, inflated by sparse labels (seed 004)"
        ),
        "KER305, KER104",
    ),
    _log(
        "KER611", "zero-loss",
        "The loss is exactly 0 at every epoch: nothing is learned",
        "the loss is exactly 0 at every epoch",
        "KER105",
    ),
    _log(
        "KER612", "no-validation",
        "Several epochs and no validation metric",
        "2+ epochs and no `val_` metric",
        "KER301",
    ),
    _log(
        "KER613", "loss-above-chance",
        "The loss starts several times above ln C, the loss of a uniform guess: it is not reading probabilities",
        (
            "the training loss at epoch 1 is at least 2.5 x ln C (and ln C + 1) yet no more than a "
            "clipped probability gives (16.118 + ln C), and stays at or above ln C for the first 3 "
            "epochs, while the accuracy stays at chance in them and the first val_loss (if any) is "
            "2 ln C or more; C known from `--classes`, the source, a `model.summary()` in the log or "
            "binary metric names (not guessed from the accuracy)"
        ),
        "KER101, KER107",
    ),
    Explained(
        UNUSED_NOQA, "unused-noqa", "A `# noqa` comment names a kerlint code that it does not suppress",
        META, default=False,
        explanation=(
            "A `# noqa: KER101` comment that suppresses nothing hides the next real diagnostic "
            "on its line: when the code changes and the problem comes back, nobody hears of "
            "it. It is also noise for the reader. KER900 reports each code in a `# noqa` "
            "comment that suppressed no diagnostic on that line, that names a rule which is not "
            "enabled, or that is not a kerlint code. Bare `# noqa` and codes of other tools "
            "(`# noqa: E501`) are left alone: they may be meant for another linter.\n\n"
            "The fix removes the unused codes, or the whole directive when none is left. The "
            "rule is off by default: enable it with `--extend-select KER900`."
        ),
        bad='model.add(Dense(10, activation="softmax"))  # noqa: KER101',
        good='model.add(Dense(10, activation="softmax"))',
        fix_availability="always",
        fix_applicability=("safe",),
    ),
)

CODES: dict[str, Code] = {c.code: c for c in _TABLE}
# What `check` lets a user select (and `# noqa` name), and what it selects by default.
SELECTABLE = frozenset(c.code for c in _TABLE if c.selectable)
DEFAULTS = frozenset(c.code for c in _TABLE if c.selectable and c.default)


def of_kind(kind: str) -> list[Code]:
    return [c for c in _TABLE if c.kind == kind]


def matching(prefix: str) -> list[Code]:
    """The codes a prefix names (``KER2``: the family), in order."""
    return [c for c in _TABLE if c.code.startswith(prefix)]


def explain(code: str) -> Explained:
    """The full text of a code. A rule's comes from its module: only here is one imported."""
    entry = CODES[code]
    if isinstance(entry, Explained):
        return entry
    from .rules import all_rules

    rule = all_rules()[code]
    light = {f.name: getattr(entry, f.name) for f in fields(Code)}
    return Explained(**light, explanation=rule.explanation, bad=rule.bad, good=rule.good, fixed=rule.fixed,
                     fix_availability=rule.fix_availability, fix_applicability=rule.fix_applicability)


def explain_all() -> list[Explained]:
    return [explain(c.code) for c in _TABLE]
