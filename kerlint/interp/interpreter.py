"""A small abstract interpreter of Python modules, with no knowledge of Keras.

It keeps a scope of what each name holds (a literal, a list, a function, a class, or
whatever the semantics make of an import, else UNKNOWN), follows the program in order,
and hands everything that is not plain Python to its ``Semantics`` (``interp.hooks``).

- A function called in the module is interpreted at its call site with its arguments
  bound (so the value a builder returns reaches its caller); a function never called is
  interpreted on its own with UNKNOWN parameters, so what it builds is still seen.
- Recursion, call depth and the number of function runs are bounded.
"""

from __future__ import annotations

from functools import cached_property

import libcst as cst

from . import bound_names
from .expressions import Expressions
from .hooks import Semantics
from .objects import Objects
from .scope import Env, Frame, Return
from .statements import Statements
from .values import UNKNOWN, FunctionVal, ModuleVal

MAX_CALL_DEPTH = 4
MAX_IMPORT_DEPTH = 3  # a module importing a module importing a module: deeper is not read
MAX_FUNCTION_RUNS = 400


class Interpreter(Statements, Expressions, Objects):
    def __init__(self, module: cst.Module, semantics: Semantics):
        self.module = module
        self.semantics = semantics
        self.seq = 0  # calls so far, in program order
        self.cond = 0  # how deep in branches, loops and comprehensions
        self.runs = 0  # function interpretations so far
        self.frames: list[Frame] = []
        self.functions: list[FunctionVal] = []
        self.instances: list = []  # objects of the file's classes, in the order they were made
        self.globals = Env()
        self.modules: dict = {}  # key -> ModuleVal: the project's modules imported so far
        self.loading: list = []  # keys of the modules whose bodies are running, outermost first

    def call_path(self) -> tuple:
        """The calls (cst.Call nodes) of the functions being interpreted, outermost first."""
        return tuple(frame.call for frame in self.frames)

    @cached_property
    def bound_names(self) -> set[str]:
        """Every name the module binds, in any scope (computed only when asked)."""
        return bound_names.collect(self.module)

    def run(self) -> None:
        self.exec_block(self.module.body, self.globals)
        self.semantics.settle()
        self._run_uncalled()

    def _run_uncalled(self):
        seen = set()

        def pending(f) -> bool:
            return f.calls == 0 and id(f) not in seen

        # Functions defined so far, in order, and the methods of each class. A function once
        # called or run is never pending again, so each list is only trimmed, and what the
        # runs define is added at the end.
        waiting, methods, known = [], {}, 0
        while True:
            new = self.functions[known:]
            known += len(new)
            waiting += new
            for f in new:
                if f.cls is not None:
                    methods.setdefault(id(f.cls), []).append(f)
            while waiting and not pending(waiting[-1]):
                waiting.pop()
            if not waiting or self.runs > MAX_FUNCTION_RUNS:
                return
            # Callers are usually defined after the functions they call: starting from
            # the last one lets a ``main()`` carry its builders' values. The methods of a
            # class run in the order they are written (build, compile, train).
            f = waiting[-1]
            if f.cls is not None:
                f = next(m for m in methods[id(f.cls)] if pending(m))
            seen.add(id(f))
            receivers = self.standalone_receivers(f) if f.cls is not None and f.binding == "method" else []
            if f.foreign and not receivers:
                continue  # another module's function: it runs when that module is linted
            for receiver in receivers or [None]:
                if f.calls == 0 or receiver is not None:
                    self.call_function(f, [], {}, standalone=True, receiver=receiver)
            self.semantics.settle()

    def load_module(self, key, module: cst.Module):
        """Run another module's body once (as Python runs an import) and return its ModuleVal;
        UNKNOWN past the import depth. A module imported while it runs (a cycle) is what it has
        bound so far."""
        if key in self.modules:
            return self.modules[key]
        if len(self.loading) >= MAX_IMPORT_DEPTH:
            return UNKNOWN
        loaded = ModuleVal(key, Env())
        self.modules[key] = loaded
        frames, cond = self.frames, self.cond
        self.frames, self.cond = [], 0
        self.loading.append(key)
        try:
            self.exec_block(module.body, loaded.env)
        except RecursionError:
            pass
        finally:
            self.loading.pop()
            self.frames, self.cond = frames, cond
            loaded.loading = False
        return loaded

    def call_function(self, f: FunctionVal, pos, kw, star=False, standalone=False, call=None, receiver=None):
        if any(frame.function is f for frame in self.frames):
            f.calls += 1  # recursion: the outer call interprets it
            return UNKNOWN
        if len(self.frames) >= MAX_CALL_DEPTH or self.runs > MAX_FUNCTION_RUNS:
            return UNKNOWN  # not interpreted here: left for a run on its own (``_run_uncalled``)
        f.calls += 1
        self.runs += 1
        local = Env(f.closure or self.globals)
        self._bind_params(f.node.params, local, pos, kw, unknown=standalone or star)
        if f.cls is not None and f.binding == "method":
            receiver = self._bind_receiver(f.node.params, local, receiver)
        frame = Frame(f, self.cond, call, receiver)
        self.frames.append(frame)
        try:
            self.exec_block(f.node.body, local)
        except (Return, RecursionError):
            pass
        finally:
            self.cond = frame.cond
            self.frames.pop()
        return _returned(frame.returns)

    def _bind_params(self, params: cst.Parameters, local: Env, pos, kw, unknown: bool):
        """Bind the call's arguments (all UNKNOWN when ``unknown``), defaults where absent."""
        for i, p in enumerate([*params.posonly_params, *params.params]):
            if unknown:
                value = UNKNOWN
            elif i < len(pos):
                value = pos[i]
            else:
                value = self._keyword_or_default(p, local, kw)
            local.vars[p.name.value] = value
        for p in params.kwonly_params:
            local.vars[p.name.value] = UNKNOWN if unknown else self._keyword_or_default(p, local, kw)
        for p in (params.star_arg, params.star_kwarg):
            if p.__class__ is cst.Param:
                local.vars[p.name.value] = UNKNOWN

    @staticmethod
    def _bind_receiver(params: cst.Parameters, local: Env, receiver):
        """``self`` of a method: the receiver it runs on, else what the call passed first."""
        first = [*params.posonly_params, *params.params][:1]
        if not first:
            return None
        name = first[0].name.value
        if receiver is not None:
            local.vars[name] = receiver
        value = local.vars.get(name, UNKNOWN)
        return value if value is not UNKNOWN else None

    def _keyword_or_default(self, p: cst.Param, local: Env, kw):
        if p.name.value in kw:
            return kw[p.name.value]
        if p.default is not None:
            return self.eval(p.default, local)
        return UNKNOWN


def _returned(returns: list):
    """The value a call returns: the one value all its ``return`` statements agree on."""
    if returns and all(r is returns[0] for r in returns):
        return returns[0]
    return UNKNOWN
