"""``kerlint summary``: each model as kerlint sees it, like Keras's ``model.summary()``.

For one source text (parsed once, extracted once, as ``lint`` does) every model gets its
place, style, whether kerlint knows its graph (and why not), its layers with the names Keras
would give them, output shapes and parameter counts (``params.layer_params``), and the
compiles and fits it meets. Every Keras ``compile()`` / ``fit()`` call whose receiver kerlint
cannot follow is listed apart, as an ``unresolved-call``. The entries are plain JSON data (the
schema is in the README and is stable); ``render_text`` prints them as a table.

A model built by a function the interpreter runs several times is one entry per distinct call
site of the builder (``a = build(4)`` and ``b = build(16)`` are two models, which may differ),
not one per interpretation (a builder called in a loop is one). Every compile() and fit() call
appears once: one inside the builder is listed with the first model it ran on. Nothing here
imports TensorFlow or Keras.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .interp.values import UNKNOWN, Const, DictVal, Seq
from .ir import KerasObject, KerasRef, Layer, Model, Tensor
from .params import layer_params

_FIT_METHODS = ("fit", "fit_generator", "train_on_batch")


@dataclass
class Place:
    """Maps a CST node to ``{"row", "column"}`` (1-based), in a notebook to its cell."""

    positions: object  # positions.Positions
    nb: object = None  # notebook.Notebook for a notebook
    elsewhere: object = None  # lint.Elsewhere: positions in the project modules the file imports

    def cell_and_row(self, node):
        r = self.positions.range(node) if node is not None else None
        if r is None:
            return None, None, None
        row, col = r[0], r[1] + 1
        if self.nb is not None:
            cell = self.nb.cell_at_row(row)
            if cell is not None:
                return cell.index, row - cell.row + 1, col
        return None, row, col

    def location(self, node) -> dict | None:
        cell, row, col = self.cell_and_row(node)
        if row is None:
            return self.location_elsewhere(node)
        loc = {"row": row, "column": col}
        if self.nb is not None:
            loc["cell"] = cell
        return loc

    def location_elsewhere(self, node) -> dict | None:
        """``{"row", "column", "filename"}`` of a node in an imported project module."""
        found = self.elsewhere.locate(node) if self.elsewhere is not None and node is not None else None
        if found is None:
            return None
        from .project import display_path

        return {"row": found[1], "column": found[2], "filename": display_path(found[0])}

    def is_here(self, node) -> bool:
        return node is not None and self.positions.range(node) is not None


def to_snake_case(name: str) -> str:
    """Keras's own ``to_snake_case`` (the prefix of a layer's automatic name)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _literal(value):
    return value.value if isinstance(value, Const) else None


class _Namer:
    """The names Keras gives layers: ``name=`` when written, else the class in snake case with
    ``_N`` counting per class in the order the program builds them."""

    def __init__(self, ir, code_for):
        self.names: dict = {}
        counts: dict = {}

        def auto(prefix):
            n = counts.get(prefix, 0)
            counts[prefix] = n + 1
            return prefix if n == 0 else f"{prefix}_{n}"

        for site in ir.calls:  # Input(...) calls, in program order
            if isinstance(site.value, Tensor) and site.value.is_input:
                given = _literal(site.args.value("name")) if site.args is not None else None
                self.names[id(site.value)] = given if isinstance(given, str) else auto("input_layer")
            elif isinstance(site.value, Model) and site.value.block is not None:
                made = [t for t in site.value.inputs if t.node is site.node]  # not an input_tensor=
                for t in made:
                    self.names[id(t)] = auto("input_layer")
        for layer in ir.layers:
            given = _literal(layer.args.value("name"))
            self.names[id(layer)] = given if isinstance(given, str) else auto(to_snake_case(self.cls(layer, code_for)))
        for lc in ir.layer_calls:  # ops on tensors: Keras names them after the op
            if lc.layer.applied_as_function and id(lc.layer) not in self.names:
                self.names[id(lc.layer)] = auto(to_snake_case(lc.layer.kind))
        for model in ir.models:
            if model.instance is not None:  # a subclass: Keras names it after its class
                self.names[id(model)] = auto(to_snake_case(model.instance.cls.node.name.value))
            elif model.style in ("sequential", "functional"):
                self.names[id(model)] = auto(model.style)
            elif model.block is not None and model.block.name is not None:
                self.names[id(model)] = model.block.name

    @staticmethod
    def cls(layer: Layer, code_for) -> str:
        if layer.kind is not None:
            return layer.kind
        if layer.model is not None:
            if layer.model.block is not None:
                return "Functional"  # what keras.applications builds
            return {"sequential": "Sequential", "functional": "Functional"}.get(layer.model.style, "Model")
        func = getattr(layer.node, "func", None)
        if func is not None:
            written = code_for(func)
            return written.rpartition(".")[2] or "Layer"
        return "Layer"

    def name(self, obj) -> str:
        if isinstance(obj, Layer) and obj.model is not None and id(obj) not in self.names:
            return self.names.get(id(obj.model), "model")
        return self.names.get(id(obj), "layer")


def _shape(shape) -> list | None:
    if shape is None:
        return None
    return [d if isinstance(d, int) and not isinstance(d, bool) else None for d in shape]


def _params(layer: Layer, model: Model, in_shapes, out_shapes):
    """(trainable, non_trainable) or None."""
    if layer.applied_as_function:
        return 0, 0  # an op on tensors (``x + y``, ``tf.nn.softmax(x)``): no weights
    count = layer_params(layer, in_shapes, out_shapes)
    if count is None:
        return None
    frozen = layer.trainable is False or model.trainable is False or (
        layer.model is not None and layer.model.trainable is False)
    if frozen:
        return 0, count.total
    return count.trainable, count.non_trainable


# -- the graph ---------------------------------------------------------------------------------


def _style(model: Model) -> str:
    if model.style == "opaque":
        return model.origin or "model"
    return model.style


def _graph(model: Model) -> tuple[str, str | None]:
    """("known" | "partial" | "unknown", why)."""
    if model.block is not None:
        return "known", None  # a backbone whose input, output and weights the catalog gives
    if model.style == "opaque" or (model.style == "subclassed" and model.outputs is None):
        return "unknown", model.why or "kerlint cannot follow how this model is built"
    if model.tampered:
        return "unknown", model.why or "structure changed in a way kerlint cannot follow"
    if model.style == "sequential":
        return _sequential_graph(model)
    return _functional_graph(model)


def _layer_followed(layer: Layer) -> bool:
    if layer.model is not None:
        return _graph(layer.model)[0] == "known"
    return layer.known


def _sequential_graph(model: Model):
    if not model.entries:
        return "unknown", "no layers added that kerlint sees"
    why = []
    if any(e.conditional for e in model.entries):
        why.append("layers added conditionally")
    if not all(_layer_followed(e.layer) for e in model.entries):
        why.append("a layer kerlint cannot read (a custom layer or an unknown value)")
    if not why:
        return "known", None
    last = model.entries[-1]
    head_known = not last.conditional and (last.layer.known or last.layer.model is not None)
    return ("partial" if head_known else "unknown"), "; ".join(why)


def _functional_graph(model: Model):
    if not model.outputs:
        return "unknown", model.why or "outputs kerlint cannot follow"
    why = set()
    seen = set()
    stack = list(model.outputs)
    while stack:
        t = stack.pop()
        if not isinstance(t, Tensor) or id(t) in seen:
            if not isinstance(t, Tensor):
                why.add("a tensor kerlint cannot follow")
            continue
        seen.add(id(t))
        if t.is_input:
            continue
        if t.producer is None:
            why.add("a tensor made by an op kerlint does not follow (a TensorFlow op or an unknown call)")
            continue
        if not _layer_followed(t.producer.layer):
            why.add("a layer kerlint cannot read (a custom layer or an unknown value)")
        stack.extend(t.producer.inputs)
    if not why:
        return "known", None
    heads_known = all(isinstance(t, Tensor) and t.producer is not None and _layer_followed(t.producer.layer)
                      for t in model.outputs)
    return ("partial" if heads_known else "unknown"), "; ".join(sorted(why))


# -- the layer table --------------------------------------------------------------------------


def _rows(model: Model, analysis, ir, namer, place, code_for):
    """[(row dict, (trainable, non_trainable) | None)] for the model's layers."""
    rows = []

    def add(layer, node, in_shapes, out_shape, counted=True):
        params = _params(layer, model, in_shapes, [out_shape]) if counted else (0, 0)
        rows.append(({
            "name": namer.name(layer),
            "class": namer.cls(layer, code_for),
            "output_shape": _shape(out_shape),
            "params": None if params is None else sum(params),
            "location": place.location(node),
        }, params))

    if model.style == "sequential":
        for step in analysis.steps(model):
            add(step.layer, step.layer.node or step.node, [step.in_shape], step.out_shape)
        return rows
    reachable = _reachable_calls(model)
    done = set()
    # A subclassed model's summary has no input layer: its input is whatever call() is given.
    for t in (model.inputs or []) if model.style != "subclassed" else []:
        if isinstance(t, Tensor) and id(t) not in done:
            done.add(id(t))
            rows.append(({"name": namer.name(t), "class": "InputLayer", "output_shape": _shape(t.shape),
                          "params": 0, "location": place.location(t.node)}, (0, 0)))
    for lc in ir.layer_calls:
        if id(lc) not in reachable or id(lc.layer) in done:
            continue  # a shared layer is listed (and counted) once
        done.add(id(lc.layer))
        out = lc.out_shapes[0] if len(lc.out_shapes) == 1 else None
        params = _params(lc.layer, model, lc.in_shapes, lc.out_shapes)
        rows.append(({
            "name": namer.name(lc.layer),
            "class": namer.cls(lc.layer, code_for),
            "output_shape": _shape(out),
            "params": None if params is None else sum(params),
            "location": place.location(lc.layer.node or lc.node),
        }, params))
    return rows


def _reachable_calls(model: Model) -> set:
    seen = set()
    stack = list(model.outputs or [])
    while stack:
        t = stack.pop()
        if not isinstance(t, Tensor) or t.producer is None or id(t.producer) in seen:
            continue
        seen.add(id(t.producer))
        stack.extend(t.producer.inputs)
    return seen


# -- compiles and fits ------------------------------------------------------------------------


def _loss(value, code_for, node):
    from .analysis.losses import loss_info

    if isinstance(value, DictVal):
        return {str(_literal(k)) if isinstance(k, Const) else code_for(getattr(k, "node", None)): _loss(v, code_for, None)
                for k, v in value.items}
    if isinstance(value, Seq) and not value.opaque:
        return [_loss(v, code_for, None) for v in value.items]
    info = loss_info(value)
    if info is not None:
        return info.name
    written = getattr(value, "node", None) or node
    return code_for(written) if written is not None else None


def _from_logits(value):
    from .analysis.losses import loss_info

    items = [v for _, v in value.items] if isinstance(value, DictVal) else (
        list(value.items) if isinstance(value, Seq) and not value.opaque else [value])
    found = set()
    for v in items:
        info = loss_info(v)
        if info is None or info.from_logits is None:
            return None
        found.add(info.from_logits)
    return found.pop() if len(found) == 1 else None


def _optimizer(arg):
    from .catalog import get_catalog

    if arg is None:
        value = Const("rmsprop")  # Keras's default optimizer
    else:
        value = arg.value
    cat = get_catalog()
    if isinstance(value, Const) and isinstance(value.value, str):
        by_lower = {k.lower(): v for k, v in cat.optimizer_classes.items()}
        cls = by_lower.get(value.value.lower())
        if cls is None:
            return value.value, None
        default = cat.signature("optimizers", cls).default("learning_rate")
        return cls, float(default) if isinstance(default, (int, float)) and not isinstance(default, bool) else None
    if isinstance(value, KerasObject) and value.section == "optimizers":
        lr = value.args.value("learning_rate")
        lr = _literal(lr)
        return value.kind, float(lr) if isinstance(lr, (int, float)) and not isinstance(lr, bool) else None
    return None, None


def _metric(value, code_for):
    if isinstance(value, Const):
        return value.value
    if isinstance(value, KerasObject):
        return value.kind
    if isinstance(value, KerasRef):
        return value.canonical.rpartition(".")[2]
    node = getattr(value, "node", None)
    return code_for(node) if node is not None else None


def _metrics(arg, code_for):
    if arg is None:
        return []
    value = arg.value
    if isinstance(value, DictVal):
        return {str(_literal(k)): _metrics_list(v, code_for) for k, v in value.items}
    if isinstance(value, Seq) and not value.opaque:
        return _metrics_list(value, code_for)
    return [code_for(arg.node.value)]


def _metrics_list(value, code_for):
    if isinstance(value, Seq) and not value.opaque:
        return [_metric(v, code_for) for v in value.items]
    return [_metric(value, code_for)]


def _compile(c, place, code_for) -> dict:
    loss_arg = c.args.get("loss")
    optimizer, lr = _optimizer(c.args.get("optimizer"))
    return {
        "location": place.location(c.node),
        "loss": None if loss_arg is None else _loss(loss_arg.value, code_for, loss_arg.node.value),
        "from_logits": None if loss_arg is None else _from_logits(loss_arg.value),
        "optimizer": optimizer,
        "learning_rate": lr,
        "metrics": _metrics(c.args.get("metrics"), code_for),
    }


def _int_arg(args, name):
    v = _literal(args.value(name, UNKNOWN))
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _fit(f, place) -> dict:
    validation = None
    if f.args.has("validation_data"):
        validation = "validation_data"
    elif f.args.has("validation_split"):
        split = _literal(f.args.value("validation_split"))
        if split != 0:
            validation = f"validation_split={split if isinstance(split, (int, float)) else '?'}"
    return {
        "location": place.location(f.node),
        "epochs": _int_arg(f.args, "epochs"),
        "batch_size": _int_arg(f.args, "batch_size"),
        "validation": validation,
    }


# -- unresolved calls -------------------------------------------------------------------------


def _is_keras_call(call, ir) -> bool:
    """Not ``re.compile(...)`` nor ``torch.compile(...)``: a compile() whose receiver is a module
    the file imports (``import re``), or a fit() on anything reached from a non-Keras import
    (``svm.SVC().fit``). A compile() on a name imported from another module (``from models
    import model``) is kept: it may well be a Keras model."""
    import libcst as cst

    from .names import canonicalize, dotted_name

    receiver = call.node.func.value
    dotted = dotted_name(receiver)  # `a` of a receiver written `a` or `a.b.c`, else None
    root = dotted.split(".")[0] if dotted else None
    qualified = ir.resolver.bindings.get(root) if root else None
    if qualified is None or canonicalize(qualified) is not None:
        return True
    if call.name != "compile":
        return False
    return not (isinstance(receiver, cst.Name) and _imported_module(ir, root))


def _imported_module(ir, local: str) -> bool:
    """True when ``local`` is bound by ``import x`` (a module), not ``from x import y``."""
    import libcst as cst

    return any(r.local == local and isinstance(r.node, cst.Import) for r in ir.resolver.imports)


_LAYER_RECEIVER = ("an instance of a custom layer class (a Trainer mixin?): kerlint follows models made by "
                   "Sequential, Model or a Model subclass")


# Libraries whose models kerlint does not read: top-level package -> what to call their models.
_LIBRARIES = {"keras_hub": "a keras_hub", "keras_nlp": "a keras_nlp", "keras_cv": "a keras_cv",
              "transformers": "a Hugging Face transformers", "tensorflow_hub": "a TensorFlow Hub"}
_PRESET_LOADERS = ("from_preset", "from_pretrained")
_CHOSEN = "a model chosen at run time: branches of the program make different models"


def _origin_why(receiver, call, analysis, ir) -> str | None:
    """Where an unresolved receiver comes from, when the file says: a library model made by the
    one assignment of the name, or a name imported from a module kerlint does not follow."""
    import libcst as cst

    from .names import dotted_name

    value = receiver
    if isinstance(receiver, cst.Name):
        if receiver.value in ir.chosen_at_run_time:
            return _CHOSEN
        value = analysis.statements.sole_value(receiver.value, near=call)
        if isinstance(value, cst.IfExp):
            return _CHOSEN
        imported = ir.resolver.bindings.get(receiver.value)
        if value is None and imported is not None and "." in imported:
            module = imported.rsplit(".", 1)[0]
            if receiver.value in ir.project_names:
                return f"imported from {module}, a project module whose value here kerlint does not follow"
            return f"imported from {module}, a module outside the linted project"
    if not isinstance(value, cst.Call):
        return None
    dotted = dotted_name(value.func)
    qualified = ir.resolver.qualify(dotted) if dotted else None
    library = _LIBRARIES.get(qualified.split(".")[0]) if qualified else None
    if library is None:
        return None
    made = "preset" if qualified.rsplit(".", 1)[-1] in _PRESET_LOADERS else "model"
    return f"{library} {made}: kerlint does not read library models"


def _receiver_why(node) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return "the name is not bound to a model kerlint follows (a parameter, a global set elsewhere, or an unknown value)"
    if isinstance(node, cst.Attribute):
        return "an attribute kerlint does not follow"
    if isinstance(node, cst.Call):
        return "the result of a call kerlint does not follow"
    return "an expression kerlint does not follow"


# -- the file ---------------------------------------------------------------------------------


def summarize_module(module, filename: str, nb=None, origin=None) -> list[dict]:
    """The summary entries of a parsed module (a notebook's joined cells when ``nb``);
    ``origin``, its path on disk, lets it follow the project modules it imports."""
    from .analysis import FileAnalysis
    from .extract import extract
    from .lint import Elsewhere, project_imports
    from .positions import Positions

    ir = extract(module, project_imports(origin))
    if not ir.models and not ir.method_calls:
        return []
    analysis = FileAnalysis(ir)
    place = Place(Positions(module), nb, Elsewhere(ir.modules_read))

    def code_for(node):
        return module.code_for_node(node) if node is not None else ""

    namer = _Namer(ir, code_for)
    groups: dict = {}  # (construction node, the builder calls that made it) -> [Model]
    for model in ir.models:
        if not _used_here(model, place):
            continue  # made and used in an imported module: its own summary lists it
        made_at = id(model.node) if model.node is not None else id(model)
        groups.setdefault((made_at, tuple(map(id, model.built_via))), []).append(model)
    claimed = set()  # ids of compile / fit nodes already listed
    entries = []
    for models in groups.values():
        entries.append(_model_entry(models, analysis, ir, namer, place, code_for, filename, claimed))
    for mc in [*ir.method_calls, *getattr(ir, "other_model_calls", ())]:
        if mc.name not in ("compile", *_FIT_METHODS) or id(mc.node) in claimed:
            continue
        if isinstance(mc.receiver, Model) or not _is_keras_call(mc, ir):
            continue
        claimed.add(id(mc.node))
        cell, row, col = place.cell_and_row(mc.node)
        receiver = mc.node.func.value
        why = (_LAYER_RECEIVER if isinstance(mc.receiver, Layer)
               else _origin_why(receiver, mc.node, analysis, ir) or _receiver_why(receiver))
        entries.append({
            "kind": "unresolved-call",
            "call": "compile" if mc.name == "compile" else "fit",
            "filename": filename,
            "cell": cell,
            "location": place.location(mc.node),
            "receiver": code_for(receiver),
            "why": why,
        })
    entries.sort(key=lambda e: (e["cell"] or 0, e["location"]["row"], e["location"]["column"])
                 if e["location"] else (0, 0, 0))
    return entries


def _used_here(model: Model, place) -> bool:
    """A model made in this file, or by a call this file makes into an imported module."""
    return place.is_here(model.node) or any(place.is_here(call) for call in model.built_via)


def _model_location(model: Model, place) -> dict:
    """Where a model is built; for one an imported module builds, the call here that builds it."""
    if place.is_here(model.node):
        return place.location(model.node)
    call = next((c for c in model.built_via if place.is_here(c)), None)
    return place.location(call) or {"row": 1, "column": 1}


def _model_entry(models, analysis, ir, namer, place, code_for, filename, claimed) -> dict:
    model = models[0]
    graph, why = _graph(model)
    rows = _rows(model, analysis, ir, namer, place, code_for) if graph != "unknown" else []
    params = None
    if rows and all(p is not None for _, p in rows):
        trainable = sum(p[0] for _, p in rows)
        non_trainable = sum(p[1] for _, p in rows)
        params = {"total": trainable + non_trainable, "trainable": trainable, "non_trainable": non_trainable}
    compiles, fits = [], []
    for m in models:
        for c in m.compiles:
            if id(c.node) not in claimed:
                claimed.add(id(c.node))
                compiles.append(c)
        for f in m.fits:
            if id(f.node) not in claimed:
                claimed.add(id(f.node))
                fits.append(f)
    location = _model_location(model, place)
    cell = location.get("cell")
    key = _node_order(place)
    return {
        "kind": "model",
        "filename": filename,
        "cell": cell,
        "location": location,
        # where an imported project module builds it (``location`` is then the call here)
        "defined_in": None if place.is_here(model.node) else place.location_elsewhere(model.node),
        "name": model.name,
        "style": _style(model),
        "held_by": model.held_by,
        "graph": graph,
        "why": why,
        "layers": [row for row, _ in rows],
        "params": params,
        "compiles": [_compile(c, place, code_for) for c in sorted(compiles, key=lambda c: key(c.node))],
        "fits": [_fit(f, place) for f in sorted(fits, key=lambda f: key(f.node))],
    }


def _node_order(place):
    def key(node):
        r = place.positions.range(node)
        return (r[0], r[1]) if r else (0, 0)

    return key


# -- one source -------------------------------------------------------------------------------


def summarize_text(code: str, filename: str, nb=None, origin=None) -> tuple[list[dict], str | None]:
    """(entries, notice): the notice says why the program was not summarised."""
    import libcst as cst

    from .lint import DEEP_NESTING, MAX_NESTING, MAX_SOURCE_CHARS, nesting, run_deep

    if len(code) > MAX_SOURCE_CHARS:
        return [], "skipped: the file is bigger than kerlint analyses"
    found = nesting(code)
    if found is not None and not isinstance(found, tuple):
        return [], "skipped: a syntax error (run `kerlint check` for it)"
    depth = found[0] if found else 0
    if depth > MAX_NESTING:
        return [], "skipped: the code nests more deeply than kerlint analyses"
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError:
        return [], "skipped: a syntax error (run `kerlint check` for it)"
    try:
        if depth > DEEP_NESTING:
            return run_deep(summarize_module, module, filename, nb, origin), None
        return summarize_module(module, filename, nb, origin), None
    except RecursionError:
        return [], "skipped: the file nests too deeply for kerlint to analyse it"


def summarize_source(source) -> tuple[list[dict], str | None]:
    """The entries of a ``source.Source`` (a file, a notebook or stdin), and a notice."""
    from .source import NotebookSource, SourceError

    if source.data is None:
        return [], source.unreadable.message
    try:
        program = source.program()
    except SourceError as exc:
        return [], exc.report.message
    if isinstance(source, NotebookSource):
        nb = program.nb
        from .source import may_report

        if not nb.cells or not may_report(nb.masked, source.path):
            return [], None
        return summarize_text(nb.masked, source.name, nb, source.path)
    if not source.may_report():
        return [], None
    return summarize_text(program.code, source.name, origin=source.path)


# -- text -------------------------------------------------------------------------------------


def _where(entry, loc) -> str:
    if loc is None:
        return entry["filename"]
    cell = loc.get("cell", entry.get("cell"))
    if cell is not None:
        return f"{entry['filename']}:cell {cell}:{loc['row']}:{loc['column']}"
    return f"{entry['filename']}:{loc['row']}:{loc['column']}"


def _text_shape(shape) -> str:
    if shape is None:
        return "?"
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _num(n) -> str:
    return "?" if n is None else f"{n:,}"


def _value(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return "?" if v is None else str(v)


def render_text(entries: list[dict]) -> str:
    out = []
    for e in entries:
        if e["kind"] == "unresolved-call":
            out.append(f"{_where(e, e['location'])}: {e['call']}() on `{e['receiver']}`, not followed: {e['why']}")
            continue
        held = f", held by {e['held_by']}" if e.get("held_by") else ""
        if e.get("defined_in"):
            d = e["defined_in"]
            held += f", built in {d['filename']}:{d['row']}:{d['column']}"
        head = f"{_where(e, e['location'])} {e['name'] or '<unnamed>'} ({e['style']}{held}, {e['graph']})"
        out.append(head)
        if e["why"]:
            out.append(f"  why: {e['why']}")
        if e["layers"]:
            table = [("Layer (type)", "Output Shape", "Param #")]
            table += [(f"{r['name']} ({r['class']})", _text_shape(r["output_shape"]), _num(r["params"]))
                      for r in e["layers"]]
            w0 = max(len(r[0]) for r in table) + 2
            w1 = max(len(r[1]) for r in table) + 2
            w2 = max(len(r[2]) for r in table)
            rule = "=" * (w0 + w1 + w2)
            out.append(f"{table[0][0]:<{w0}}{table[0][1]:<{w1}}{table[0][2]:>{w2}}")
            out.append(rule)
            out.extend(f"{a:<{w0}}{b:<{w1}}{c:>{w2}}" for a, b, c in table[1:])
            out.append(rule)
            p = e["params"] or {}
            out.append(f"Total params: {_num(p.get('total'))}")
            out.append(f"Trainable params: {_num(p.get('trainable'))}")
            out.append(f"Non-trainable params: {_num(p.get('non_trainable'))}")
        for c in e["compiles"]:
            opt = _value(c["optimizer"])
            if c["learning_rate"] is not None:
                opt += f" (learning_rate={c['learning_rate']:g})"
            logits = "" if c["from_logits"] is None else f" (from_logits={c['from_logits']})"
            out.append(f"compile at {_where(e, c['location'])}: loss {_value(c['loss'])}{logits}, "
                       f"optimizer {opt}, metrics {_value(c['metrics'])}")
        for f in e["fits"]:
            out.append(f"fit at {_where(e, f['location'])}: epochs {_value(f['epochs'])}, "
                       f"batch_size {_value(f['batch_size'])}, validation {_value(f['validation'])}")
        out.append("")
    return "\n".join(out) + ("\n" if out and out[-1] != "" else "")
