"""The interpreter on its own, with semantics that know nothing of Keras: it follows Python
(scopes, branches, calls, returns) and hands the rest to its hooks."""

from __future__ import annotations

import libcst as cst

from kerlint.interp import NOT_HANDLED, Interpreter, Semantics
from kerlint.interp.values import UNKNOWN, Const, Seq, literal


class Thing:
    """What the recording semantics make of a call to ``make(...)``."""

    def __init__(self, args):
        self.args = args


class Recording(Semantics):
    """``make`` is an external name; calling it makes a Thing; ``t.use(...)`` is recorded."""

    def __init__(self):
        self.made, self.used, self.bound_as = [], [], {}

    def is_external_name(self, name):
        return name == "make"

    def external_name(self, name, node):
        return "make"

    def call(self, callee, node, args, statement):
        if callee == "make":
            thing = Thing([v for _, v in args])
            self.made.append(thing)
            return thing
        return NOT_HANDLED

    def call_method(self, receiver, method, node, args, statement):
        if isinstance(receiver, Thing):
            self.used.append((receiver, method, self.interp.cond))
            return Const(None)
        return NOT_HANDLED

    def bound(self, name, value):
        if isinstance(value, Thing):
            self.bound_as.setdefault(id(value), name)


def run(source: str) -> tuple[Interpreter, Recording]:
    semantics = Recording()
    interp = Interpreter(cst.parse_module(source), semantics)
    semantics.interp = interp
    interp.run()
    return interp, semantics


def test_a_builder_returns_what_it_made_with_the_callers_arguments():
    interp, sem = run(
        "def build(n, scale=2):\n"
        "    return make(n * scale, [n, 1])\n"
        "t = build(3)\n"
        "t.use()\n"
    )
    (thing,) = sem.made
    size, shape = thing.args
    assert isinstance(size, Const) and size.value == 6
    assert isinstance(shape, Seq) and [i.value for i in shape.items] == [3, 1]
    assert sem.used == [(thing, "use", 0)]
    assert sem.bound_as[id(thing)] == "t"
    assert interp.globals.lookup("t")[0] is thing


def test_branches_that_disagree_leave_the_name_unknown_and_calls_inside_are_conditional():
    interp, sem = run(
        "if flag:\n"
        "    t = make(1)\n"
        "    t.use()\n"
        "else:\n"
        "    t = make(2)\n"
        "t.use()\n"
    )
    assert len(sem.made) == 2
    assert [cond for _, _, cond in sem.used] == [1]  # the second use has no known receiver
    assert interp.globals.lookup("t")[0] is UNKNOWN


def test_a_function_never_called_runs_on_its_own_with_unknown_parameters():
    _, sem = run("def main(n):\n    make(n).use()\n")
    (thing,) = sem.made
    assert thing.args == [UNKNOWN]
    assert sem.used == [(thing, "use", 0)]


def test_a_name_the_file_binds_anywhere_is_never_taken_for_an_external_one():
    _, sem = run("make(1)\ndef f():\n    make = 3\n")
    assert sem.made == []  # `make` is bound in f, so the first call is not the external one


def test_recursion_and_call_depth_are_bounded():
    _, sem = run("def f(n):\n    make(n)\n    return f(n)\nf(1)\n")
    assert len(sem.made) == 1


def test_a_loop_that_builds_over_a_known_list_runs_once_per_item_unconditionally():
    _, sem = run("t = make()\nfor n in [64, 32]:\n    t.add(make(n))\nfor i in range(2):\n    t.add(make(i))\n")
    assert [[a.value for a in thing.args] for thing in sem.made[1:]] == [[64], [32], [0], [1]]
    assert [cond for _, method, cond in sem.used] == [0, 0, 0, 0]


def test_loops_that_may_stop_early_or_train_run_once_as_a_branch():
    _, sem = run(
        "t = make()\n"
        "for n in [64, 32]:\n"
        "    if n < 40:\n"
        "        break\n"
        "    t.add(make(n))\n"
        "for n in [1, 2]:\n"
        "    t.add(make(n))\n"
        "    t.fit()\n"
        "for n in range(100):\n"
        "    t.add(make(n))\n"
    )
    assert [[a is UNKNOWN for a in thing.args] for thing in sem.made[1:]] == [[True], [True], [True]]
    assert {cond for _, method, cond in sem.used} == {1}  # each inside its loop, as a branch


def test_a_function_reached_only_past_the_call_depth_still_runs_on_its_own():
    # a -> b -> c -> d -> e: e is past the depth bound from a, so it runs once on its own.
    _, sem = run(
        "def e():\n    make(5).use()\n"
        "def d():\n    e()\n"
        "def c():\n    d()\n"
        "def b():\n    c()\n"
        "def a():\n    b()\n"
        "a()\n"
    )
    assert len(sem.made) == 1 and sem.used == [(sem.made[0], "use", 0)]


# -- classes and their objects -------------------------------------------------------------------
def test_what_one_method_stores_on_self_another_method_uses_for_each_object():
    _, sem = run(
        "class Agent:\n"
        "    def __init__(self, n):\n"
        "        self.net = self._build(n)\n"
        "    def _build(self, n):\n"
        "        return make(n)\n"
        "    def replay(self):\n"
        "        self.net.use()\n"
        "a = Agent(4)\n"
        "a.replay()\n"
    )
    (thing,) = sem.made
    assert [v.value for v in thing.args] == [4]
    assert sem.used == [(thing, "use", 0)]


def test_methods_nothing_calls_run_in_order_on_each_object_or_on_one_of_their_own():
    _, sem = run(
        "class Trainer:\n"
        "    def __init__(self):\n"
        "        self.net = make(1)\n"
        "    def train(self):\n"
        "        self.net.use()\n"
        "class Unused:\n"
        "    def build(self):\n"
        "        self.net = make(2)\n"
        "    def train(self):\n"
        "        self.net.fit()\n"
        "t = Trainer()\n"
    )
    first, second = sem.made
    assert sorted((sem.made.index(thing), method) for thing, method, _ in sem.used) == [(0, "use"), (1, "fit")]


def test_an_attribute_set_differently_in_two_branches_is_unknown():
    interp, sem = run(
        "class Holder:\n"
        "    def __init__(self, flag):\n"
        "        if flag:\n"
        "            self.net = make(1)\n"
        "        else:\n"
        "            self.net = make(2)\n"
        "        self.net.use()\n"
        "h = Holder(flag)\n"
    )
    assert len(sem.made) == 2 and sem.used == []
    assert interp.instances[0].attrs["net"] is UNKNOWN


def test_a_known_condition_runs_only_its_branch():
    _, sem = run(
        "def call(x, training=False):\n"
        "    if training:\n"
        "        make(1)\n"
        "    else:\n"
        "        make(2)\n"
        "call(0)\n"
    )
    assert [t.args[0].value for t in sem.made] == [2]


def test_super_properties_static_methods_and_class_attributes():
    _, sem = run(
        "class Base:\n"
        "    size = 8\n"
        "    def part(self):\n"
        "        return make(self.size)\n"
        "class Child(Base):\n"
        "    def part(self):\n"
        "        return super().part()\n"
        "    @property\n"
        "    def net(self):\n"
        "        return self.part()\n"
        "    @staticmethod\n"
        "    def twice(n):\n"
        "        return n * 2\n"
        "c = Child()\n"
        "c.net.use()\n"
        "make(Child.twice(3))\n"
    )
    first, second = sem.made[0], sem.made[-1]
    assert first.args[0].value == 8 and sem.used[0][0] is first
    assert second.args[0].value == 6


def test_slices_of_a_known_list():
    interp, _ = run("items = [1, 2, 3, 4]\nhead = items[:-1]\ntail = items[1::2]\nodd = items[n:]\n")
    assert [c.value for c in interp.globals.lookup("head")[0].items] == [1, 2, 3]
    assert [c.value for c in interp.globals.lookup("tail")[0].items] == [2, 4]
    assert interp.globals.lookup("odd")[0] is UNKNOWN


def test_literal_values_are_what_python_reads():
    # Plain strings and decimal integers are read without compiling them: every odd case must
    # still give what Python (LibCST's evaluated_value) gives.
    texts = ["''", '""', "''''''", '""""""', "'a'", '"it\'s"', "'''a'b''c'''", '"""x""y"""', "'é中'",
             "'a\\nb'", "'\\\\'", "r'\\d'", "b'x'", "u'x'", "'''a\r\nb'''", "'''a\rb'''", "0", "7", "1_000",
             "0x1f", "12345678901234567890123", "1.5", "1e3", "'a' \"b\"", "'x' r'\\d'", '"""\\\nq"""']
    for text in texts:
        node = cst.parse_expression(text)
        assert literal(node) == node.evaluated_value, text
        assert type(literal(node)) is type(node.evaluated_value), text
