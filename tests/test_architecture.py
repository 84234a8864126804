"""The layers import downward only (docs/architecture.md draws them).

Every import of a kerlint module by another, at module level or inside a function, is an
arrow; an arrow that runs the wrong way fails here with the file and line that draws it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kerlint

PACKAGE = Path(kerlint.__file__).parent

# What each part of the engine may import (besides itself). The parts above the engine (the
# pipeline, reporters, the command line) may import any of these, and are checked apart.
ENGINE = {
    "interp": set(),  # a Python interpreter that knows no Keras
    "catalog": set(),
    "names": {"catalog"},
    "diagnostics": set(),
    "ir": {"interp", "names", "catalog"},
    "shapes": {"ir", "catalog", "interp"},
    "params": {"ir", "catalog", "shapes", "interp"},
    "semantics": {"interp", "ir", "names", "catalog", "shapes"},
    "extract": {"interp", "semantics", "ir", "names"},
    "analysis": {"ir", "interp", "shapes", "catalog", "names"},
    "edits": {"diagnostics", "names", "catalog"},
    "fixes": {"analysis", "ir", "interp", "diagnostics", "edits", "catalog", "names"},
    "rules": {"codes"},  # the package: the Rule class (named in the registry) and the loader
    "rule": {"rules", "codes", "analysis", "ir", "interp", "diagnostics", "edits", "fixes", "catalog", "shapes", "names"},
}
# Reporters and the log reader know codes through the registry, never through rule modules.
READERS_OF_THE_REGISTRY = {
    "report": {"codes", "files", "diagnostics"},
    "logs": {"codes"},
    "codes": set(),
}
# Below everything: any module may import these, and they import nothing of kerlint.
FOUNDATION = {"data"}
# Upward arrows kept on purpose, each with its reason.
EXCEPTIONS = {
    # `kerlint rule CODE` shows a rule's explanation and examples, which live in its module;
    # imported inside the function, so light lookups never load a rule.
    ("codes", "rules"),
    # `python -m kerlint` is the command line.
    ("__main__", "cli"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _part(module: str) -> str:
    """The architectural part of a kerlint module: ``rule`` for one rule module."""
    parts = module.split(".")[1:] or ["kerlint"]
    if parts[0] == "rules" and len(parts) > 1:
        return "rule"
    return parts[0]


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").exists() or (PACKAGE.parent / rel / "__init__.py").exists()


def _targets(node, module: str, is_package: bool):
    """The kerlint modules an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("kerlint")]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("kerlint"):
        return []
    names = [f"{target}.{a.name}" for a in node.names]
    submodules = [n for n in names if _is_module(n)]
    return submodules if submodules and not node.module else [target] + submodules


def arrows():
    """``(importer, imported, file, line)`` for every import between kerlint modules."""
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for target in _targets(node, module, path.name == "__init__.py"):
                if _is_module(target) and target != "kerlint":
                    yield module, target, path.relative_to(PACKAGE.parent), node.lineno


def _wrong_way(importer: str, imported: str) -> str | None:
    src, dst = _part(importer), _part(imported)
    if (src, dst) in EXCEPTIONS:
        return None
    if src in FOUNDATION and src != dst:
        return "the foundation imports nothing of kerlint"
    if dst in FOUNDATION:
        return None
    if src == "rule" and dst == "rule" and importer != imported:
        return "a rule imports another rule: move what they share into kerlint/analysis"
    if src == dst:
        return None
    allowed = ENGINE.get(src, READERS_OF_THE_REGISTRY.get(src))
    if allowed is not None and dst not in allowed:
        return f"{src} may import only {sorted(allowed) or 'nothing of kerlint'}"
    if dst in ("cli", "__main__", "flake8_plugin"):
        return "nothing imports the command line or the flake8 entry point"
    return None


def test_layers_import_downward_only():
    wrong = [
        f"{file}:{line}: {importer} -> {imported}: {why}"
        for importer, imported, file, line in arrows()
        if (why := _wrong_way(importer, imported))
    ]
    assert not wrong, "imports that run the wrong way:\n" + "\n".join(wrong)


def test_the_check_sees_the_arrows_it_judges():
    # A walker that found no arrows would pass everything.
    found = {(_part(a), _part(b)) for a, b, _, _ in arrows()}
    assert ("extract", "semantics") in found and ("semantics", "interp") in found
    assert ("rule", "analysis") in found and ("rule", "rules") in found
    assert _wrong_way("kerlint.interp.expressions", "kerlint.ir")
    assert _wrong_way("kerlint.rules.ker110_accuracy_on_regression", "kerlint.rules.ker109_regression_loss_on_classifier")
    assert _wrong_way("kerlint.codes", "kerlint.rules") is None  # an exception
    assert _wrong_way("kerlint.report.sarif", "kerlint.rules")
    assert _wrong_way("kerlint.report.json_", "kerlint.rules.ker101_logits_without_from_logits")
    assert _wrong_way("kerlint.report.text", "kerlint.lint")
    assert _wrong_way("kerlint.analysis.heads", "kerlint.rules")
    assert _wrong_way("kerlint.interp.values", "kerlint.data") is None  # the foundation
    assert _wrong_way("kerlint.data", "kerlint.interp")
