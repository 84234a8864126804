"""What ``fit()`` is given: labels the file made one-hot, label arrays whose shape the file
writes, validation data, and what holds for the arrays a fit trains on (one-hot, real-valued,
synthetic, one sample), followed back from that fit alone."""

from __future__ import annotations

import re

import libcst as cst

from ..ir import Const, Fit
from ..names import dotted_name
from ..interp.tree import code_children, code_walk
from .flow import Binding, Site, assignments

_ONE_HOT = ("to_categorical", "one_hot")

# NumPy-style array makers whose shape argument kerlint can read: name -> where the shape is.
_ARRAY_MAKERS = {
    "ones": 0, "zeros": 0, "empty": 0, "full": 0, "random": 0, "random_sample": 0,
    "randint": 2, "integers": 2, "uniform": 2, "normal": 2, "binomial": 2, "choice": 1,
}


# -- one-hot labels ----------------------------------------------------------------------------
class OneHotCalls(set):
    """The ids of a file's ``to_categorical(...)`` / ``one_hot(...)`` call nodes, with the file
    they are in: a fit's labels are followed back to them through the assignments that reach
    that fit, so that one model's one-hot labels say nothing about another model's."""

    def __init__(self, ids, ir):
        super().__init__(ids)
        self._ir = ir

    @property
    def flow(self) -> ArrayFlow:
        return array_flow(self._ir)


def one_hot_calls(ir) -> OneHotCalls:
    """The ids of the file's ``to_categorical(...)`` / ``one_hot(...)`` call nodes."""
    return OneHotCalls((id(site.node) for site in ir.calls if site.ref.canonical.rsplit(".", 1)[-1] in _ONE_HOT), ir)


def contains(node: cst.CSTNode, ids: set) -> bool:
    """Whether ``node`` or a node below it has its id in ``ids``."""
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in ids:
            return True
        stack.extend(code_children(n))
    return False


def _target_names(target):
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            yield from _target_names(el.value)


def names_assigned_from(assigns, calls: set) -> set:
    """Names that an assignment among ``assigns`` binds to an expression holding one of ``calls``."""
    names = set()
    for assign in assigns:
        if contains(assign.value, calls):
            for target in assign.targets:
                names.update(_target_names(target.target))
    return names


def fit_on_one_hot(fit: Fit, calls: OneHotCalls, names: set) -> bool:
    """``fit()``'s labels are a one-hot call, or an array that every assignment reaching this
    fit makes one-hot (``names``: the names the file assigns from a one-hot call anywhere)."""
    y = fit.args.get("y")
    if y is None:
        return False
    if contains(y.node.value, calls):
        return True
    if not names:
        return False  # no assignment in the file holds a one-hot call
    return ONE_HOT in calls.flow.facts(y.node.value, fit.node)


def fit_on_class_ids(fit: Fit, flow: ArrayFlow) -> bool:
    """``fit()`` trains on labels that are integer class ids on every path the file gives them,
    never one-hot: its ``y`` array, or the labels of the dataset it is given as ``x``."""
    y = fit.args.get("y")
    if y is not None and not (isinstance(y.value, Const) and y.value.value is None):
        facts = flow.facts(y.node.value, fit.node)
        return CLASS_IDS in facts and ONE_HOT not in facts
    x = fit.args.get("x")
    return x is not None and DATASET_OF_CLASS_IDS in flow.facts(x.node.value, fit.node)


# -- label arrays written in the file -------------------------------------------------------------
def _int(node: cst.Integer):
    try:
        return node.evaluated_value
    except (ValueError, SyntaxError):  # past Python's 4,300-digit limit for int()
        return None


def literal_array_shape(node) -> tuple | None:
    """The shape of ``np.zeros((n, t))``-like label arrays written in the file, or None."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return None
    where = _ARRAY_MAKERS.get(node.func.attr.value)
    if where is None:
        return None
    shape = None
    for i, arg in enumerate(node.args):
        if arg.keyword is not None and arg.keyword.value in ("size", "shape"):
            shape = arg.value
        elif arg.keyword is None and not arg.star and i == where:
            shape = arg.value
    if isinstance(shape, cst.Integer):
        return (_int(shape),)
    if isinstance(shape, (cst.Tuple, cst.List)):
        return tuple(_int(el.value) if isinstance(el.value, cst.Integer) else None for el in shape.elements)
    return None


# -- validation data ----------------------------------------------------------------------------------
def fit_is_validated(fit: Fit) -> bool:
    """True when ``fit()`` is given validation data (a split of 0 or ``None`` is none)."""
    for name in ("validation_data", "validation_split"):
        arg = fit.args.get(name)
        if arg is None:
            continue
        v = arg.value
        if isinstance(v, Const) and (v.value is None or v.value == 0):
            continue
        return True
    return False


# -- where the arrays a fit is given come from -------------------------------------------------
# Label evidence belongs to its fit: what the file shows about an array counts only where the
# array reaches. A name is followed back through the assignments that reach its use, in the
# use's own function (or at module level), and a fact holds only when it holds on every one
# of them.
ONE_HOT = "one-hot"  # made by to_categorical / one_hot
REAL = "real-valued"  # floats that are not class ids: a regression loader, float arithmetic, a scaler
SYNTHETIC = "synthetic"  # made up in the file: random draws, sklearn make_*, constant or literal arrays
# One integer class index per sample where a one-hot row would be (the class axis missing or of
# size 1): ``np.argmax(p, axis=1)``, ``randint(0, 10, size=n)``, a Keras dataset loader's labels,
# ``LabelEncoder().fit_transform``, an integer label column.
CLASS_IDS = "class ids"
# A tf.data dataset or batch iterator whose labels are class ids (``image_dataset_from_directory``
# with its default ``label_mode="int"``, ``Dataset.from_tensor_slices((x, ids))``).
DATASET_OF_CLASS_IDS = "dataset of class ids"
_RNG = "random generator"  # np.random.default_rng(...): an object that draws, not an array
_SCALER = "scaler"  # a sklearn scaler: what it transforms is real-valued
_ENCODER = "label encoder"  # sklearn's LabelEncoder: what it transforms becomes class ids
_FRAME = "data frame"  # pandas read_csv / DataFrame: a string key picks one column
_COLUMN = "column"  # one column of a data frame: one value per sample
_IMAGE_GENERATOR = "image generator"  # ImageDataGenerator: flow() passes the labels it is given
_PRIVATE = frozenset({_RNG, _SCALER, _ENCODER, _FRAME, _COLUMN, _IMAGE_GENERATOR})
_NOTHING: frozenset = frozenset()
_MAX_DEPTH = 24  # deeper than any real chain of assignments between a loader and a fit

_ALIASES = {"np": "numpy", "tf": "tensorflow"}  # for snippets that use them without importing
_SNIPPET_MODULES = {"keras", "tensorflow", "numpy", "sklearn", "datasets", "boston_housing", "california_housing"}
_RANDOM_MODULES = {"numpy.random", "tensorflow.random", "keras.random", "jax.random", "tensorflow.keras.random"}
_RANDOM_FLOATS = {
    "rand", "randn", "random", "random_sample", "ranf", "sample", "normal", "uniform", "standard_normal",
    "lognormal", "exponential", "beta", "gamma", "laplace", "logistic", "gumbel", "standard_t",
    "multivariate_normal", "truncated_normal", "stateless_normal", "stateless_uniform",
    "stateless_truncated_normal",
}
_RANDOM_INTEGERS = {"randint", "integers", "binomial", "poisson", "random_integers", "geometric",
                    "multinomial", "categorical", "stateless_categorical"}
_RNG_MAKERS = {"default_rng", "RandomState", "Generator", "from_seed", "SeedGenerator"}
_CONSTANT_MAKERS = {"zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like", "empty_like",
                    "eye", "identity", "fill", "arange", "range"}
_ARRAY_MODULES = {"numpy", "tensorflow", "keras.ops", "tensorflow.math", "pandas", "jax.numpy"}
_FLOAT_MAKERS = {"linspace", "logspace"}
_FLOAT_FUNCTIONS = {"sin", "cos", "tan", "exp", "log", "log1p", "log2", "log10", "sqrt", "tanh", "sinh",
                    "cosh", "arctan", "arcsin", "arccos", "expm1", "cbrt", "sinc"}
# Functions whose result holds what their first argument holds (a copy, a view, a container).
_SAME_VALUES = {"array", "asarray", "asanyarray", "ascontiguousarray", "float32", "float64", "reshape",
                "expand_dims", "squeeze", "ravel", "transpose", "copy", "constant", "convert_to_tensor",
                "cast", "Series", "DataFrame", "stack", "vstack", "hstack", "concatenate", "atleast_2d",
                "clip", "tile", "repeat"}
# Functions and methods that turn floats into class ids or indices.
_TO_CLASSES = {"round", "rint", "around", "floor", "ceil", "trunc", "fix", "argmax", "argmin", "sign",
               "where", "digitize", "searchsorted", "unique", "bincount"}
_SAME_VALUE_METHODS = {"reshape", "copy", "flatten", "ravel", "squeeze", "to_numpy", "numpy", "transpose",
                       "sum", "mean", "std", "dot", "cumsum", "clip", "max", "min", "repeat", "take", "pop"}
_SCALERS = {"QuantileTransformer", "PowerTransformer"}  # and every ``*Scaler``
_SKLEARN_REAL_MAKERS = {"make_regression", "make_friedman1", "make_friedman2", "make_friedman3",
                        "make_sparse_uncorrelated", "make_s_curve", "make_swiss_roll", "make_low_rank_matrix"}
_SKLEARN_MAKERS = {"make_classification", "make_blobs", "make_moons", "make_circles", "make_gaussian_quantiles",
                   "make_hastie_10_2", "make_multilabel_classification", "make_biclusters", "make_checkerboard"}
_SKLEARN_REGRESSION_LOADERS = {"fetch_california_housing", "load_boston", "load_diabetes", "load_linnerud"}
_KERAS_REGRESSION_LOADERS = ("boston_housing.load_data", "california_housing.load_data")
_SPLITS = {"train_test_split"}  # returns a train and a test part of each array, in order
# Keras's classification datasets: ``(x_train, y_train), (x_test, y_test) = mnist.load_data()``
# gives integer class ids as the second array of each pair.
_KERAS_CLASSIFICATION_LOADERS = {"mnist", "fashion_mnist", "cifar10", "cifar100", "reuters", "imdb"}
# Keras helpers that make a labelled tf.data dataset, with label_mode="int" by default.
_KERAS_DATASET_MAKERS = {"image_dataset_from_directory", "text_dataset_from_directory",
                         "audio_dataset_from_directory"}
# tf.data methods whose dataset has the labels of the one they are called on.
_DATASET_KEEPS = {"batch", "unbatch", "rebatch", "padded_batch", "prefetch", "shuffle", "cache", "repeat",
                  "take", "skip", "filter", "with_options", "shard"}
# Methods of _SAME_VALUE_METHODS that compute something else than the values (a total, a product).
_REDUCTIONS = {"sum", "mean", "std", "dot", "cumsum", "max", "min"}
_FRAME_MAKERS = {"read_csv", "read_excel", "read_json", "read_parquet", "read_table", "read_feather",
                 "read_pickle", "DataFrame"}
# Data frame methods that give a data frame with the same columns.
_FRAME_KEEPS = {"dropna", "fillna", "copy", "sample", "reset_index", "sort_values", "drop_duplicates", "head",
                "tail", "query", "drop"}
_INTEGER_DTYPE = re.compile(r"^(u?int\d*|bool_?|long)$")

def _numbers_only(node) -> bool:
    """A literal list/tuple of numbers, nested at any depth (``[[0, 0], [0, 1]]``)."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.UnaryOperation):
        return _numbers_only(node.expression)
    if isinstance(node, (cst.List, cst.Tuple)):
        return bool(node.elements) and all(
            isinstance(el, cst.Element) and _numbers_only(el.value) for el in node.elements)
    return False


def _is_literal(node) -> bool:
    return isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)) or (
        isinstance(node, cst.UnaryOperation) and _is_literal(node.expression))


def _positional(call: cst.Call) -> list:
    return [a.value for a in call.args if a.keyword is None and not a.star]


def _keyword(call: cst.Call, name: str):
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a.value
    return None


def _both(a, b):
    """What holds on both of two paths (None, a constant, holds nothing of its own)."""
    if a is None:
        return b
    if b is None:
        return a
    return a & b


class ArrayFlow:
    """What holds for an array written at a call (a ``fit()``): one-hot, real-valued, synthetic,
    one sample. It follows the array back through the module's bindings (``flow.Assignments``,
    the walk the scaling analysis shares)."""

    def __init__(self, ir):
        self._ir = ir
        self._resolver = ir.resolver
        self._one_hot = {id(site.node) for site in ir.calls
                         if site.ref.canonical.rsplit(".", 1)[-1] in _ONE_HOT}
        self._flow = assignments(ir)
        self._reaching = self._flow.reaching

    # -- facts -------------------------------------------------------------------------------------
    def facts(self, expr: cst.CSTNode, at: cst.Call) -> frozenset:
        """What holds for the array ``expr`` written in the call ``at`` on every path the file
        gives it: a set of ONE_HOT, REAL, SYNTHETIC (empty when nothing is known)."""
        site = self._flow.site_of(at)
        if site is None:
            return _NOTHING  # a call in another module, or not in a statement kerlint indexed
        found = self._facts(expr, site, 0) or _NOTHING
        if contains(expr, self._one_hot):
            found |= {ONE_HOT}
        return found - _PRIVATE

    def _facts(self, expr, site: Site, depth: int):
        """frozenset of facts, or None for a constant (which changes nothing in arithmetic)."""
        if depth > _MAX_DEPTH:
            return _NOTHING
        d = depth + 1
        if _is_literal(expr):
            return None
        if isinstance(expr, cst.UnaryOperation):
            return self._facts(expr.expression, site, d)
        if isinstance(expr, cst.Name):
            return self._name_facts(expr.value, site, d)
        if isinstance(expr, cst.Subscript):
            return self._subscript_facts(expr, site, d)
        if isinstance(expr, cst.Attribute):
            return self._attribute_facts(expr, site, d)
        if isinstance(expr, cst.BinaryOperation):
            return self._arithmetic(expr.operator, (expr.left, expr.right), site, d)
        if isinstance(expr, cst.Comparison):
            return self._classes_of([expr.left, *(c.comparator for c in expr.comparisons)], site, d)
        if isinstance(expr, cst.IfExp):
            return _both(self._facts(expr.body, site, d), self._facts(expr.orelse, site, d)) or _NOTHING
        if isinstance(expr, (cst.List, cst.Tuple)):
            if _numbers_only(expr):
                return frozenset({SYNTHETIC})  # numbers written in the file (an XOR table)
            return self._all_of([el.value for el in expr.elements if isinstance(el, cst.Element)], site, d)
        if isinstance(expr, cst.Call):
            return self._call_facts(expr, site, d)
        return _NOTHING

    def _subscript_facts(self, expr: cst.Subscript, site: Site, depth: int):
        """Part of an array holds what the array holds; one column of a data frame is one value
        per sample (``df["label"]``, ``df.iloc[:, -1]``, ``df.loc[:, "label"]``)."""
        value = expr.value
        if isinstance(value, cst.Attribute) and value.attr.value in ("iloc", "loc"):
            frame = self._facts(value.value, site, depth) or _NOTHING
            if _FRAME in frame:
                kept = frame - _PRIVATE
                return kept | {_COLUMN} if _picks_one_column(expr, positional=True) else kept
        held = self._facts(value, site, depth) or _NOTHING
        if _FRAME in held:
            kept = held - _PRIVATE  # what holds for every value of the frame (synthetic, real)
            return kept | {_COLUMN} if _picks_one_column(expr, positional=False) else kept
        return held

    def _attribute_facts(self, expr: cst.Attribute, site: Site, depth: int):
        """``.values``, ``.T``: what the array holds; ``column.cat.codes``: class ids."""
        value = expr.value
        if expr.attr.value == "codes" and isinstance(value, cst.Attribute) and value.attr.value == "cat":
            if _COLUMN in (self._facts(value.value, site, depth) or _NOTHING):
                return frozenset({CLASS_IDS})
        return self._facts(value, site, depth) or _NOTHING

    def _name_facts(self, name: str, site: Site, depth: int):
        bindings = self._reaching(name, site)
        if not bindings:
            return _NOTHING
        found = None
        for b in bindings:
            facts = self._binding_facts(b, depth)
            if facts is not None and SYNTHETIC in facts and self._filled(b):
                facts -= {SYNTHETIC}  # ``x = np.zeros(...)`` then ``x[i] = ...``: filled with data
            found = _both(found, facts)
        if found and name in self._flow.globals:
            # A function may re-encode it (``global y; y = to_categorical(y)``) before the use.
            found = found - {CLASS_IDS, DATASET_OF_CLASS_IDS}
        return found

    def _filled(self, b: Binding) -> bool:
        """The array ``b`` binds is written into element by element later: in its own scope
        before the name is bound again, or in a function that reads it as a free name."""
        flow = self._flow
        later = [o.site.seq for o in flow.bindings(b.site.scope, b.name) if o.site.seq > b.site.seq]
        until = min(later, default=None)
        for fill in flow.written_into(b.name):
            if fill.scope is b.site.scope:
                if fill.seq > b.site.seq and (until is None or fill.seq < until):
                    return True
            elif not flow.bindings(fill.scope, b.name):
                return True
        return False

    def _binding_facts(self, b: Binding, depth: int):
        source = b.source
        if source is None:
            return _NOTHING
        if isinstance(source, cst.AugAssign):
            before = self._name_facts(b.name, b.site, depth)
            return self._arithmetic(source.operator, (before, source.value), b.site, depth, known=(0,))
        found = self._unpacked(source, b.path, b.site, depth) if b.path else self._facts(source, b.site, depth)
        if contains(source, self._one_hot):
            found = (found or _NOTHING) | {ONE_HOT}
        return found

    def _unpacked(self, source, path: tuple, site: Site, depth: int):
        """What holds for one element of an unpacked value."""
        if isinstance(source, cst.Call) and self._function(source).rsplit(".", 1)[-1] in _SPLITS:
            arrays = _positional(source)
            i = path[0] // 2  # (a_train, a_test, b_train, b_test, ...)
            if i >= len(arrays):
                return _NOTHING
            return self._facts(arrays[i], site, depth) or _NOTHING
        if isinstance(source, cst.Call) and self._classification_loader(source):
            # ((x_train, y_train), (x_test, y_test)): the labels are the second of each pair
            return frozenset({CLASS_IDS}) if len(path) == 2 and path[1] == 1 else _NOTHING
        return self._facts(source, site, depth) or _NOTHING  # a loader, random draws: every part alike

    def _classification_loader(self, call: cst.Call) -> bool:
        """``keras.datasets.mnist.load_data()`` and the other Keras classification datasets."""
        parts = self._function(call).rsplit(".", 2)
        return len(parts) == 3 and parts[2] == "load_data" and parts[1] in _KERAS_CLASSIFICATION_LOADERS

    def _all_of(self, exprs, site: Site, depth: int):
        found = None
        for e in exprs:
            found = _both(found, self._facts(e, site, depth))
        return found if found is not None else _NOTHING

    def _arithmetic(self, operator, operands, site: Site, depth: int, known=()):
        """Arithmetic: synthetic when every array in it is, real-valued when one is or it divides,
        one-hot when one is (label smoothing). ``known``: operands already given as facts."""
        facts = [o if i in known else self._facts(o, site, depth) for i, o in enumerate(operands)]
        arrays = [f for f in facts if f is not None]
        if not arrays:
            return None
        found = set()
        if all(SYNTHETIC in f for f in arrays):
            found.add(SYNTHETIC)
        if any(REAL in f for f in arrays) or isinstance(operator, (cst.Divide, cst.DivideAssign)):
            found.add(REAL)
        if any(ONE_HOT in f for f in arrays):
            found.add(ONE_HOT)
        return frozenset(found)

    def _classes_of(self, exprs, site: Site, depth: int):
        """A comparison or rounding: class ids or flags, synthetic when what it reads is."""
        found = self._all_of(exprs, site, depth)
        return found & {SYNTHETIC}

    # -- calls -----------------------------------------------------------------------------------
    def _module_function(self, func) -> str | None:
        """``numpy.random.rand`` for ``np.random.rand`` when the root is an imported module (or a
        snippet's ``np``/``tf``), ``sklearn.datasets.make_moons`` for an imported name; None for
        a method of a value."""
        dotted = dotted_name(func)
        if dotted is None:
            return None
        root, _, rest = dotted.partition(".")
        qualified = self._resolver.qualify(dotted)
        if qualified is not None:
            return qualified
        if root in self._ir.bound_names:  # a walk of the module, made when first asked
            return None
        if root in _ALIASES:
            return _ALIASES[root] + ("." + rest if rest else "")
        if not rest or root in _SNIPPET_MODULES:
            return dotted  # a snippet's unbound function or module: taken as written
        return None  # a method of a value the snippet does not bind (``img.reshape``)

    def _function(self, call: cst.Call) -> str:
        return self._module_function(call.func) or ""

    def _call_facts(self, call: cst.Call, site: Site, depth: int):
        if id(call) in self._one_hot:
            return frozenset({ONE_HOT})
        function = self._module_function(call.func)
        if function is not None:
            return self._function_facts(function, call, site, depth)
        if isinstance(call.func, cst.Attribute):
            return self._method_facts(call.func.attr.value, call.func.value, call, site, depth)
        return _NOTHING

    def _function_facts(self, function: str, call: cst.Call, site: Site, depth: int):
        module, _, name = function.rpartition(".")
        if module in _RANDOM_MODULES:
            return self._draw(name, call, site, depth, shape_first=module == "keras.random")
        if function.endswith(_KERAS_REGRESSION_LOADERS) or self._sklearn(module, name, _SKLEARN_REGRESSION_LOADERS):
            return frozenset({REAL})
        if self._sklearn(module, name, _SKLEARN_REAL_MAKERS):
            return frozenset({SYNTHETIC, REAL})
        if self._sklearn(module, name, _SKLEARN_MAKERS):
            return frozenset({SYNTHETIC})
        if name.endswith("Scaler") or name in _SCALERS:
            return frozenset({_SCALER})
        if name == "LabelEncoder" and (module.startswith("sklearn") or not module):
            return frozenset({_ENCODER})
        if module == "" or {"keras", "tf_keras"} & set(module.split(".")):
            made = self._keras_data(name, call, site, depth)
            if made is not None:
                return made
        if module.endswith("data.Dataset") and name in ("from_tensor_slices", "from_tensors"):
            return self._dataset_of(call, site, depth)
        if module not in _ARRAY_MODULES:
            return _NOTHING
        if module == "pandas" and name in _FRAME_MAKERS:
            args = _positional(call)
            first = self._facts(args[0], site, depth) if args and name == "DataFrame" else None
            return (first or _NOTHING) | {_FRAME}
        if name in _CONSTANT_MAKERS:
            return frozenset({SYNTHETIC})
        if name in _FLOAT_MAKERS:
            return frozenset({SYNTHETIC, REAL})
        args = _positional(call)
        if not args:
            return _NOTHING
        first = self._facts(args[0], site, depth)
        if name in _FLOAT_FUNCTIONS:
            return (first or _NOTHING) & {SYNTHETIC} | {REAL}
        if name in _TO_CLASSES:
            ids = {CLASS_IDS} if name in ("argmax", "argmin") and _class_axis(call, 1) else set()
            return (first or _NOTHING) & {SYNTHETIC} | ids
        if name in _SAME_VALUES:
            return first if first is not None else _NOTHING
        return _NOTHING

    def _sklearn(self, module: str, name: str, names: set) -> bool:
        return name in names and (module.startswith("sklearn") or module in ("", "datasets"))

    def _keras_data(self, name: str, call: cst.Call, site: Site, depth: int):
        """A Keras helper that makes data with integer labels: ``image_dataset_from_directory``
        (and the text and audio ones) with the default ``label_mode="int"``, an
        ``ImageDataGenerator``. None for anything else."""
        if name == "ImageDataGenerator":
            return frozenset({_IMAGE_GENERATOR})
        if name not in _KERAS_DATASET_MAKERS:
            return None
        args = _positional(call)
        labels = args[1] if len(args) > 1 else _keyword(call, "labels")
        mode = args[2] if len(args) > 2 else _keyword(call, "label_mode")
        inferred = labels is None or _string_is(labels, "inferred")
        if inferred and (mode is None or _string_is(mode, "int")):
            return frozenset({DATASET_OF_CLASS_IDS})
        return _NOTHING

    def _dataset_of(self, call: cst.Call, site: Site, depth: int):
        """``Dataset.from_tensor_slices((x, y))``: a dataset of class ids when ``y`` is class ids."""
        args = _positional(call)
        pair = args[0] if args else _keyword(call, "tensors")
        if not isinstance(pair, (cst.Tuple, cst.List)) or len(pair.elements) < 2:
            return _NOTHING
        labels = pair.elements[1]
        if not isinstance(labels, cst.Element):
            return _NOTHING
        facts = self._facts(labels.value, site, depth) or _NOTHING
        return frozenset({DATASET_OF_CLASS_IDS}) if CLASS_IDS in facts and ONE_HOT not in facts else _NOTHING

    def _draw(self, name: str, call: cst.Call, site: Site, depth: int, shape_first: bool = False):
        args = _positional(call)
        if name in _RANDOM_FLOATS:
            return frozenset({SYNTHETIC, REAL})
        if name in _RANDOM_INTEGERS:
            ids = name in ("randint", "integers") and self._one_per_sample(_size(call, 0 if shape_first else 2), site)
            return frozenset({SYNTHETIC, CLASS_IDS} if ids else {SYNTHETIC})
        if name in _RNG_MAKERS:
            return frozenset({_RNG})
        if name == "choice" and args:
            # choice(10, n) draws numbers; choice(data, n) samples the data
            if _is_literal(args[0]):
                ids = isinstance(args[0], cst.Integer) and self._one_per_sample(_size(call, 1), site)
                return frozenset({SYNTHETIC, CLASS_IDS} if ids else {SYNTHETIC})
            return self._facts(args[0], site, depth) or _NOTHING
        return _NOTHING

    def _one_per_sample(self, size, site: Site) -> bool:
        """A size of random draws that gives one value per sample: ``n``, ``(n,)``, ``(n, 1)``,
        ``len(x)``, ``x.shape[0]``, a name bound only to an integer."""
        if size is None:
            return False
        if isinstance(size, (cst.Tuple, cst.List)):
            elements = [el.value for el in size.elements if isinstance(el, cst.Element)]
            if len(elements) != len(size.elements) or not elements:
                return False
            return len(elements) == 1 or (isinstance(elements[-1], cst.Integer) and elements[-1].value == "1")
        return self._an_integer(size, site)

    def _an_integer(self, node, site: Site) -> bool:
        if isinstance(node, cst.Integer):
            return True
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len":
            return True
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute):
            index = node.slice[0].slice if len(node.slice) == 1 else None
            return node.value.attr.value == "shape" and isinstance(index, cst.Index) and isinstance(
                index.value, cst.Integer)
        if isinstance(node, cst.Name):
            bindings = self._reaching(node.value, site)
            return bool(bindings) and all(isinstance(b.source, cst.Integer) and not b.path for b in bindings)
        return False

    def _method_facts(self, method: str, receiver, call: cst.Call, site: Site, depth: int):
        held = self._facts(receiver, site, depth) or _NOTHING
        args = _positional(call)
        if DATASET_OF_CLASS_IDS in held:
            keeps = method in _DATASET_KEEPS or (method == "map" and self._keeps_labels(call))
            return held if keeps else _NOTHING
        if _RNG in held:
            return self._draw(method, call, site, depth)
        if _SCALER in held and method in ("fit_transform", "transform", "inverse_transform"):
            first = self._facts(args[0], site, depth) if args else None
            return (first or _NOTHING) & {SYNTHETIC} | {REAL}
        if _ENCODER in held and method in ("fit_transform", "transform"):
            return frozenset({CLASS_IDS})  # LabelEncoder takes one column and numbers its classes
        if _IMAGE_GENERATOR in held:
            return self._generator_flow(method, call, site, depth)
        if _FRAME in held:
            if method == "pop" and args and isinstance(args[0], cst.SimpleString):
                return held - _PRIVATE | {_COLUMN}
            if method in _FRAME_KEEPS:
                return self._array_method(method, held, call) | {_FRAME}
        if _COLUMN in held and method == "map" and args and _integer_values(args[0]):
            return frozenset({CLASS_IDS})  # df["species"].map({"setosa": 0, ...})
        return self._array_method(method, held, call)

    def _array_method(self, method: str, held: frozenset, call: cst.Call):
        """What holds for the result of a method of an array that holds ``held``."""
        args = _positional(call)
        if method == "astype":
            dtype = args[0] if args else _keyword(call, "dtype")
            if not _integer_dtype(dtype):
                return held
            ids = CLASS_IDS in held or _COLUMN in held  # an integer label column
            return held & {SYNTHETIC} | ({CLASS_IDS} if ids else set())
        if method in ("argmax", "argmin") and _class_axis(call, 0):
            return held & {SYNTHETIC} | {CLASS_IDS}
        if method in _SAME_VALUE_METHODS:
            return held - {CLASS_IDS} if method in _REDUCTIONS else held
        return held & {SYNTHETIC}

    def _generator_flow(self, method: str, call: cst.Call, site: Site, depth: int):
        """``ImageDataGenerator.flow(x, y)`` yields the labels it is given;
        ``flow_from_directory(..., class_mode="sparse")`` yields class ids."""
        if method == "flow":
            args = _positional(call)
            labels = args[1] if len(args) > 1 else _keyword(call, "y")
            facts = (self._facts(labels, site, depth) or _NOTHING) if labels is not None else _NOTHING
            ids = CLASS_IDS in facts and ONE_HOT not in facts
            return frozenset({DATASET_OF_CLASS_IDS}) if ids else _NOTHING
        if method in ("flow_from_directory", "flow_from_dataframe"):
            mode = _keyword(call, "class_mode")
            return frozenset({DATASET_OF_CLASS_IDS}) if mode is not None and _string_is(mode, "sparse") else _NOTHING
        return _NOTHING

    def _keeps_labels(self, call: cst.Call) -> bool:
        """``ds.map(fn)`` where ``fn`` returns its second argument unchanged as the labels:
        ``lambda x, y: (resize(x), y)``, or a function of the file that does so on every return."""
        args = _positional(call)
        fn = args[0] if args else _keyword(call, "map_func")
        if isinstance(fn, cst.Lambda):
            params = fn.params.params
            return len(params) >= 2 and _returns_name(fn.body, params[1].name.value)
        if isinstance(fn, cst.Name):
            defs = self._flow.functions.get(fn.value, [])
            return len(defs) == 1 and _passes_labels(defs[0])
        return False

    # -- one-hot calls behind an array -------------------------------------------------------------
    def one_hot_reaching(self, expr: cst.CSTNode, at: cst.Call) -> set:
        """The ids of the one-hot calls whose result may flow into ``expr`` (written in the call
        ``at``) on some path: in it, or behind a name it reads."""
        site = self._flow.site_of(at)
        found: set = set()
        if site is not None:
            self._collect_one_hot(expr, site, found, set())
        return found

    def _collect_one_hot(self, expr, site: Site, found: set, seen: set) -> None:
        stack = [expr]
        while stack:
            node = stack.pop()
            if id(node) in self._one_hot:
                found.add(id(node))
            if isinstance(node, cst.Name):
                for b in self._reaching(node.value, site) or ():
                    if b.source is not None and id(b.source) not in seen:
                        seen.add(id(b.source))
                        self._collect_one_hot(b.source, b.site, found, seen)
            stack.extend(code_children(node))

    # -- one sample --------------------------------------------------------------------------------
    def one_sample(self, expr: cst.CSTNode, at: cst.Call) -> bool:
        """``expr``, written in the call ``at``, is one sample given a batch axis:
        ``img[None]``, ``x[i:i + 1]``, ``np.expand_dims(img, 0)``, ``img.reshape((1,) + img.shape)``,
        ``np.array([img])``."""
        site = self._flow.site_of(at)
        return site is not None and self._one_sample(expr, site, 0)

    def _one_sample(self, expr, site: Site, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        d = depth + 1
        if isinstance(expr, cst.Name):
            bindings = self._reaching(expr.value, site)
            return bool(bindings) and all(
                b.source is not None and not b.path and not isinstance(b.source, cst.AugAssign)
                and self._one_sample(b.source, b.site, d) for b in bindings)
        if isinstance(expr, cst.Subscript):
            return _batch_of_one(expr)
        if isinstance(expr, cst.BinaryOperation):
            # ``img[None] / 255.0``: the array operand keeps its shape
            arrays = [o for o in (expr.left, expr.right) if not _is_literal(o)]
            return len(arrays) == 1 and self._one_sample(arrays[0], site, d)
        if not isinstance(expr, cst.Call):
            return False
        args = _positional(expr)
        function = self._module_function(expr.func)
        name = (function or dotted_name(expr.func) or "").rsplit(".", 1)[-1]
        if function is None and isinstance(expr.func, cst.Attribute):
            if name == "reshape":
                return _leading_one(args[0] if args else None, args)
            if name in ("astype", "copy"):
                return self._one_sample(expr.func.value, site, d)
            return False
        if name == "expand_dims":
            axis = args[1] if len(args) > 1 else _keyword(expr, "axis")
            return isinstance(axis, cst.Integer) and axis.value == "0"
        if name == "reshape" and len(args) > 1:
            return _leading_one(args[1], args[1:])
        if name in ("array", "asarray", "stack") and args and isinstance(args[0], cst.List):
            elements = args[0].elements
            return len(elements) == 1 and isinstance(elements[0], cst.Element) and not _numbers_only(elements[0].value)
        return False


def _string_is(node, text: str) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value == text


def _size(call: cst.Call, position: int):
    """The ``size=`` (or ``shape=``) argument of a random draw, by keyword or at ``position``."""
    for name in ("size", "shape"):
        value = _keyword(call, name)
        if value is not None:
            return value
    args = _positional(call)
    return args[position] if len(args) > position else None


def _class_axis(call: cst.Call, position: int) -> bool:
    """``argmax`` over a literal axis other than 0 (``axis=1``, ``axis=-1``): one id per row."""
    args = _positional(call)
    axis = _keyword(call, "axis")
    if axis is None and len(args) > position:
        axis = args[position]
    if isinstance(axis, cst.UnaryOperation) and isinstance(axis.operator, cst.Minus):
        return isinstance(axis.expression, cst.Integer)
    return isinstance(axis, cst.Integer) and axis.value not in ("0", "00")


def _picks_one_column(subscript: cst.Subscript, positional: bool) -> bool:
    """``df["label"]`` (``positional`` False), ``df.iloc[:, -1]`` / ``df.loc[:, "label"]``
    (``positional`` True): one column of a data frame."""
    parts = [el.slice for el in subscript.slice]
    if not all(isinstance(p, (cst.Index, cst.Slice)) for p in parts):
        return False
    if not positional:
        return len(parts) == 1 and isinstance(parts[0], cst.Index) and isinstance(parts[0].value, cst.SimpleString)
    if len(parts) != 2 or not isinstance(parts[0], cst.Slice) or not isinstance(parts[1], cst.Index):
        return False
    rows, column = parts[0], parts[1].value
    if rows.lower is not None or rows.upper is not None or rows.step is not None:
        return False
    return isinstance(column, (cst.SimpleString, cst.Integer)) or (
        isinstance(column, cst.UnaryOperation) and isinstance(column.expression, cst.Integer))


def _integer_values(node) -> bool:
    """A literal dict whose values are all integers: ``{"cat": 0, "dog": 1}``."""
    return isinstance(node, cst.Dict) and bool(node.elements) and all(
        isinstance(el, cst.DictElement) and isinstance(el.value, cst.Integer) for el in node.elements)


def _returns_name(expr, name: str) -> bool:
    """A tuple whose second element is the name ``name``: ``(x, y)``, ``(x, y, weights)``."""
    if not isinstance(expr, cst.Tuple) or len(expr.elements) < 2:
        return False
    second = expr.elements[1]
    return isinstance(second, cst.Element) and isinstance(second.value, cst.Name) and second.value.value == name


def _passes_labels(function: cst.FunctionDef) -> bool:
    """Every ``return`` of ``function`` gives back its second parameter, never rebound, as the
    labels: ``def preprocess(image, label): ...; return image, label``."""
    params = function.params.params
    if len(params) < 2:
        return False
    label = params[1].name.value
    returns = []
    stack = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.Return):
            returns.append(node)
        elif isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            target = node.target
            if any(isinstance(n, cst.Name) and n.value == label for n in code_walk(target)):
                return False
        stack.extend(code_children(node))
    return bool(returns) and all(r.value is not None and _returns_name(r.value, label) for r in returns)


def _integer_dtype(node) -> bool:
    if node is None:
        return False
    if isinstance(node, cst.SimpleString):
        return bool(_INTEGER_DTYPE.match(node.evaluated_value))
    dotted = dotted_name(node)
    return dotted is not None and bool(_INTEGER_DTYPE.match(dotted.rsplit(".", 1)[-1]))


def _leading_one(shape, args) -> bool:
    """A reshape target whose first axis is 1: ``reshape(1, 28, 28)``, ``reshape((1, 28))``,
    ``reshape((1,) + x.shape)``."""
    if shape is None:
        return False
    if isinstance(shape, cst.Integer):
        return shape.value == "1" and len(args) > 1
    if isinstance(shape, cst.BinaryOperation) and isinstance(shape.operator, cst.Add):
        return _leading_one(shape.left, [shape.left, shape])
    if isinstance(shape, (cst.Tuple, cst.List)) and shape.elements:
        first = shape.elements[0]
        return isinstance(first, cst.Element) and isinstance(first.value, cst.Integer) and first.value.value == "1"
    return False


def _batch_of_one(subscript: cst.Subscript) -> bool:
    """``x[None]``, ``x[np.newaxis, ...]``, ``x[0:1]``, ``x[:1]``, ``x[i:i + 1]``, ``x[[i]]``."""
    first = subscript.slice[0].slice
    if isinstance(first, cst.Index):
        value = first.value
        if isinstance(value, cst.Name) and value.value == "None":
            return True
        if isinstance(value, cst.Attribute) and value.attr.value == "newaxis":
            return True
        return isinstance(value, cst.List) and len(value.elements) == 1
    if isinstance(first, cst.Slice) and first.step is None and first.upper is not None:
        lower, upper = first.lower, first.upper
        if isinstance(upper, cst.Integer) and (lower is None or isinstance(lower, cst.Integer)):
            start = _int(lower) if lower is not None else 0
            return start is not None and _int(upper) == start + 1
        if isinstance(upper, cst.BinaryOperation) and isinstance(upper.operator, cst.Add) and lower is not None:
            one = upper.right
            same = cst.Module([]).code_for_node(upper.left) == cst.Module([]).code_for_node(lower)
            return same and isinstance(one, cst.Integer) and one.value == "1"
    return False


def array_flow(ir) -> ArrayFlow:
    """The ``ArrayFlow`` of ``ir``'s module, made once per file: the rules that ask (KER109/KER110
    through the one-hot labels, KER301) share one walk."""
    return ir.analysis(ArrayFlow, lambda: ArrayFlow(ir))
