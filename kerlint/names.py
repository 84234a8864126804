"""Resolve names in a file to canonical Keras paths, with kerlint's own small table.

A canonical path is the Keras 3 public path without the package: ``layers.Dense``,
``models.Sequential``, ``losses.CategoricalCrossentropy``. TensorFlow objects outside
Keras get a ``tf.`` prefix (``tf.nn.softmax``). LibCST's QualifiedNameProvider would do
this too, at several times the cost of the parse.
"""

from __future__ import annotations


import libcst as cst

from .data import record
from .catalog import legacy


@record(frozen=True)
class KerasPath:
    canonical: str  # e.g. "layers.Dense"
    raw: str  # the fully qualified path as written, e.g. "keras.layers.core.Dense"
    legacy_module: str | None = None  # e.g. "layers.core" when an old module path was used

    def __init__(self, canonical, raw, legacy_module=None):
        object.__setattr__(self, "canonical", canonical)
        object.__setattr__(self, "raw", raw)
        object.__setattr__(self, "legacy_module", legacy_module)


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while node.__class__ is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if node.__class__ is cst.Name:
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def canonicalize(qualified: str) -> KerasPath | None:
    """Map a fully qualified dotted path onto the canonical Keras (or tf.) path."""
    for root in legacy.KERAS_ROOTS:
        if qualified == root or qualified.startswith(root + "."):
            rest = qualified[len(root) + 1 :]
            break
    else:
        if qualified == "tensorflow":
            return KerasPath("tf", qualified)
        if qualified.startswith("tensorflow."):
            rest = qualified[len("tensorflow.") :]
            if rest.split(".")[0] in legacy.TF_KERAS_ALIASES:
                path = canonicalize("keras." + rest)
                return KerasPath(path.canonical, qualified, path.legacy_module)
            return KerasPath("tf." + rest, qualified)
        return None
    legacy_module = None
    for old, new in legacy.LEGACY_SUBMODULES.items():
        if rest == old or rest.startswith(old + "."):
            legacy_module = old
            rest = new + rest[len(old) :]
            break
    head, _, tail = rest.partition(".")
    if head in legacy.TOP_LEVEL:
        rest = legacy.TOP_LEVEL[head] + ("." + tail if tail else "")
    return KerasPath(rest, qualified, legacy_module)


def from_keras2(raw: str) -> bool:
    """Whether a fully qualified path is in a Keras 2 package that stays Keras 2 (``tf_keras``,
    ``tensorflow.python.keras``), whatever the rest of the file imports."""
    return any(raw == root or raw.startswith(root + ".") for root in legacy.KERAS2_ROOTS)


def keras2_object(path: KerasPath | None, resolver: Resolver, file_keras2: bool) -> bool:
    """Whether the object at ``path`` is Keras 2, decided by where its name is imported from.

    An object whose origin is not known (``path`` None) or that the file never imports (a
    snippet name) follows the file: ``file_keras2``, true when the file imports tf_keras or
    tensorflow.python.keras and not Keras 3 itself."""
    if resolver.keras_target == "2":
        return True  # the project pins Keras 2 (tensorflow<2.16, keras<3): tf.keras is Keras 2 there
    if path is None or not resolver.imported(path.raw):
        return file_keras2
    if resolver.legacy_tf_keras and path.raw.startswith("tensorflow.keras"):
        return True
    return from_keras2(path.raw)


@record
class ImportRecord:
    node: cst.CSTNode  # the Import / ImportFrom statement
    module: str  # fully qualified module (or object) path imported
    local: str | None  # the name bound, None for star imports

    def __init__(self, node, module, local):
        self.node = node
        self.module = module
        self.local = local


class Resolver:
    """Local name -> fully qualified path, built from the file's import statements."""

    def __init__(self):
        self.bindings: dict[str, str] = {}
        self.imports: list[ImportRecord] = []
        self.keras_target: str | None = None  # "2" / "3" when the project pins a Keras (keras_target)
        # The file sets TF_USE_LEGACY_KERAS=1: TensorFlow's tf.keras is then tf_keras (Keras 2).
        self.legacy_tf_keras = False

    def add(self, node: cst.Import | cst.ImportFrom) -> list[str]:
        """Record an import statement; return the local names it binds."""
        bound = []
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name)
                if full is None:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                    self.bindings[local] = full
                else:
                    local = full.split(".")[0]
                    self.bindings[local] = local
                bound.append(local)
                self.imports.append(ImportRecord(node, full, local))
            return bound
        if node.relative or node.module is None:
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    local = _alias_local(alias)
                    if local:
                        self.bindings.pop(local, None)
                        bound.append(local)
            return bound
        module = dotted_name(node.module)
        if module is None:
            return bound
        if isinstance(node.names, cst.ImportStar):
            self.imports.append(ImportRecord(node, module, None))
            return bound
        for alias in node.names:
            name = dotted_name(alias.name)
            local = _alias_local(alias)
            if name is None or local is None:
                continue
            full = f"{module}.{name}"
            self.bindings[local] = full
            bound.append(local)
            self.imports.append(ImportRecord(node, full, local))
        return bound

    def qualify(self, dotted: str) -> str | None:
        """Fully qualified path of a dotted name used in code, if its root is imported."""
        root, _, rest = dotted.partition(".")
        target = self.bindings.get(root)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def imported(self, qualified: str) -> bool:
        """Whether a fully qualified path is reached through one of the file's imports."""
        return any(qualified == r.module or qualified.startswith(r.module + ".") for r in self.imports)

    def resolve(self, dotted: str) -> KerasPath | None:
        qualified = self.qualify(dotted)
        return canonicalize(qualified) if qualified else None


def _alias_local(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None:
        return alias.asname.name.value if isinstance(alias.asname.name, cst.Name) else None
    name = dotted_name(alias.name)
    return name.split(".")[0] if name else None
