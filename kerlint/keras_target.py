"""Which Keras a project is written for, from what it pins: ``target-keras`` in ``[tool.kerlint]``,
else its dependencies (``pyproject.toml``, ``requirements*.txt``, ``setup.cfg``, ``setup.py``).

``tensorflow<2.16``, ``keras<3`` or ``tf_keras`` pin Keras 2 (tf.keras before TensorFlow 2.16 is
Keras 2); the KER4 rules describe Keras 3 and stay silent there where Keras 2 accepts the API.
``keras>=3`` or ``tensorflow>=2.16`` pin Keras 3. Nothing found: None (the file's own imports
decide, as before)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

# A requirement: a name and the version clauses after it ("tensorflow>=2.10,<2.16").
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*((?:[<>=!~]=?\s*[\w.*]+\s*,?\s*)*)")
_CLAUSE = re.compile(r"([<>=!~]=?)\s*([\w.*]+)")
_TF = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos", "tf-nightly", "intel-tensorflow"}
_STRINGS = re.compile(r"""["']([A-Za-z0-9_.\-]+\s*(?:\[[^\]]*\])?\s*[<>=!~][^"']*)["']""")


def _version(text: str) -> tuple:
    parts = []
    for piece in text.split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits.group(0)))
    return tuple(parts)


def _major_of(name: str, clauses: str) -> str | None:
    """"2" or "3" for the Keras a requirement allows, None when it allows both or says nothing.
    The clauses make a range of versions; Keras 2 when all of it is below Keras 3 (keras 3,
    TensorFlow 2.16), Keras 3 when all of it is at or above."""
    name = name.lower().replace("_", "-")
    if name == "tf-keras":
        return "2"
    boundary = (3,) if name == "keras" else (2, 16) if name in _TF else None
    if boundary is None:
        return None
    below = above = False
    for op, text in _CLAUSE.findall(clauses):
        version = _version(text)
        if not version:
            continue
        if op in ("==", "==="):
            below, above = below or version < boundary, above or version >= boundary
        elif op == "~=" and len(version) > 1:  # ~=2.12.0 is >=2.12.0,<2.13
            ceiling = (*version[:-2], version[-2] + 1)
            below = below or ceiling <= boundary
            above = above or version >= boundary
        elif op == "<":
            below = below or version <= boundary
        elif op == "<=":
            below = below or version < boundary
        elif op in (">", ">="):
            above = above or version >= boundary
    if below == above:
        return None  # both (a contradiction) or neither
    return "2" if below else "3"


def _from_requirements(lines) -> str | None:
    found = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        m = _REQUIREMENT.match(line)
        if m:
            major = _major_of(m.group(1), m.group(2) or "")
            if major:
                found.add(major)
    return found.pop() if len(found) == 1 else None


def _tomllib():
    """The TOML parser (None on Python 3.10), imported only for a pyproject.toml to read."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return None
    return tomllib


def _pyproject(root: Path, names) -> tuple[str | None, str | None]:
    """(target-keras, what the dependencies pin) from the root's pyproject.toml."""
    path = root / "pyproject.toml"
    tomllib = _tomllib() if "pyproject.toml" in names else None
    if tomllib is None or not path.is_file():
        return None, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None, None
    target = data.get("tool", {}).get("kerlint", {}).get("target-keras")
    target = str(target) if target is not None else None
    deps = list(data.get("project", {}).get("dependencies", []) or [])
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    if isinstance(poetry, dict):
        deps += [f"{k}{v}" if isinstance(v, str) and v[:1] in "<>=!~" else k for k, v in poetry.items()]
    return target, _from_requirements(d for d in deps if isinstance(d, str))


# What root.glob("requirements*.txt") matches, and how it sorts them: pathlib folds case on
# Windows only.
_WINDOWS = os.name == "nt"
_REQUIREMENTS = re.compile(r"requirements.*\.txt", re.S | (re.I if _WINDOWS else 0))


def _listing(root: Path) -> list:
    try:
        return os.listdir(root)
    except OSError:
        return []


def _requirement_files(root: Path, listing) -> list:
    """``sorted(root.glob("requirements*.txt"))``, from the root's listing."""
    found = [name for name in listing if _REQUIREMENTS.fullmatch(name)]
    return [root / name for name in sorted(found, key=str.lower if _WINDOWS else None)]


@lru_cache(maxsize=64)
def project_target(root: Path) -> str | None:
    """"2", "3" or None for the project at ``root``."""
    from .config import configured_target

    # One listing of the root says which dependency files it may have (lower-cased, as a file
    # system may ignore case: is_file() has the last word).
    listing = _listing(root)
    names = {name.lower() for name in listing}
    target, pinned = _pyproject(root, names)
    target = configured_target(root) or target  # kerlint.toml, .kerlint.toml, `extend` too
    if target in ("2", "3"):
        return target
    if pinned:
        return pinned
    lines = []
    for path in _requirement_files(root, listing):
        try:
            lines += path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
    for name in ("setup.cfg", "setup.py"):
        path = root / name
        try:
            text = path.read_text(encoding="utf-8") if name in names and path.is_file() else ""
        except (OSError, UnicodeDecodeError):
            continue
        lines += [m.group(1) for m in _STRINGS.finditer(text)]
        if name == "setup.cfg":
            lines += [line for line in text.splitlines() if line[:1].isspace()]
    return _from_requirements(lines)
