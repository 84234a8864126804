"""`kerlint server` end to end: a real LSP client (pytest-lsp) drives the server process over
stdio, as an editor would: open a buggy file, get KER101 at its range, ask for the fix, hover a
layer for its shape, fix the text and see the diagnostics go; and a notebook document."""

from __future__ import annotations

import sys
import textwrap

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="the language server tests need the test extra")
from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

BUGGY = textwrap.dedent("""\
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(20,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(5),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
""")
FIXED = BUGGY.replace("layers.Dense(5),", 'layers.Dense(5, activation="softmax"),')


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "kerlint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kerlint]\n")
    params = lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=tmp_path.as_uri())
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def _open(client, uri, text):
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


@pytest.mark.asyncio
async def test_diagnostics_fix_hover_and_a_change_that_fixes_it(client: LanguageClient, tmp_path):
    path = tmp_path / "train.py"
    path.write_text(BUGGY)
    uri = path.as_uri()
    diagnostics = await _open(client, uri, BUGGY)
    assert [(d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
            for d in diagnostics] == [("KER101", 6, 4, 6, 19)]
    [diag] = diagnostics
    assert diag.severity == lsp.DiagnosticSeverity.Error and diag.source == "kerlint"
    assert diag.code_description.href.endswith("docs/rules.md#ker101")

    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=diag.range,
        context=lsp.CodeActionContext(diagnostics=[diag])))
    titles = [a.title for a in actions]
    assert titles == ['KER101: Give the output layer activation="softmax" (safe fix)',
                      "KER101: add `# noqa: KER101`", "kerlint: fix all safe problems in this file"]
    [edit] = actions[0].edit.changes[uri]
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character, edit.new_text) == (
        6, 4, 19, 'layers.Dense(5, activation="softmax")')
    [noqa] = actions[1].edit.changes[uri]
    assert (noqa.range.start.line, noqa.range.start.character, noqa.new_text) == (6, 20, "  # noqa: KER101")
    [whole] = actions[2].edit.changes[uri]
    assert whole.new_text == FIXED

    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(5, 12)))
    assert "**dense** (Dense) in model `model`: output shape (None, 64), 1,344 parameters" in hover.contents.value
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(6, 8)))
    assert "output shape (None, 5), 325 parameters" in hover.contents.value
    assert "**KER101 logits-without-from-logits**" in hover.contents.value

    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=FIXED)]))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[uri]) == []



@pytest.mark.asyncio
async def test_severities_are_the_ones_every_output_format_gives(client: LanguageClient, tmp_path):
    # KER501 is a note (Information to the editor), KER301 a warning, KER101 an error.
    text = textwrap.dedent("""\
        import numpy as np
        import keras
        from keras import layers

        x, y = np.load("x.npy"), np.load("y.npy")
        model = keras.Sequential([
            keras.Input(shape=(40, 8)),
            layers.LSTM(64, recurrent_dropout=0.2),
            layers.Dense(5),
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        model.fit(x, y, epochs=10)
    """)
    path = tmp_path / "levels.py"
    path.write_text(text)
    diagnostics = await _open(client, path.as_uri(), text)
    assert {d.code: d.severity for d in diagnostics} == {
        "KER501": lsp.DiagnosticSeverity.Information, "KER101": lsp.DiagnosticSeverity.Error,
        "KER301": lsp.DiagnosticSeverity.Warning}


@pytest.mark.asyncio
async def test_a_file_that_does_not_parse_shows_why_and_the_server_goes_on(client: LanguageClient, tmp_path):
    uri = (tmp_path / "broken.py").as_uri()
    diagnostics = await _open(client, uri, "import keras\nmodel = keras.Sequential([\n")
    assert [d.code for d in diagnostics] == ["KER000"]
    assert "syntax error" in diagnostics[0].message
    diagnostics = await _open(client, (tmp_path / "other.py").as_uri(), BUGGY)
    assert [d.code for d in diagnostics] == ["KER101"]


@pytest.mark.asyncio
async def test_an_unsaved_module_wins_over_the_disk_for_the_file_importing_it(client: LanguageClient, tmp_path):
    (tmp_path / "nets.py").write_text(FIXED.split("model = ")[0] + "def build():\n    return keras.Sequential([\n"
                                      "        keras.Input(shape=(20,)),\n        layers.Dense(5),\n    ])\n")
    train = tmp_path / "train.py"
    train.write_text("from nets import build\n\nmodel = build()\nmodel.compile(loss='categorical_crossentropy')\n")
    diagnostics = await _open(client, train.as_uri(), train.read_text())
    assert [d.code for d in diagnostics] == ["KER101"]
    assert diagnostics[0].related_information[0].location.uri == (tmp_path / "nets.py").as_uri()
    # The module opened and fixed in the editor, not saved: the training script is clean.
    fixed = (tmp_path / "nets.py").read_text().replace("layers.Dense(5)", 'layers.Dense(5, activation="softmax")')
    await _open(client, (tmp_path / "nets.py").as_uri(), fixed)
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=train.as_uri())))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[train.as_uri()]) == []


@pytest.mark.asyncio
async def test_a_notebook_gets_diagnostics_on_the_right_cell_and_line(client: LanguageClient, tmp_path):
    nb_uri = (tmp_path / "explore.ipynb").as_uri()
    cells = [
        ("code", "import keras\nfrom keras import layers\n"),
        ("markdown", "# The model"),
        ("code", "model = keras.Sequential([\n    keras.Input(shape=(20,)),\n    layers.Dense(5),\n])\n"),
        ("code", "model.compile(loss='categorical_crossentropy', optimizer='adam')"),
    ]
    cell_uris = [f"{nb_uri}#cell{i}" for i in range(len(cells))]
    client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
        notebook_document=lsp.NotebookDocument(
            uri=nb_uri, notebook_type="jupyter-notebook", version=1,
            cells=[lsp.NotebookCell(kind=lsp.NotebookCellKind.Code if kind == "code" else lsp.NotebookCellKind.Markup,
                                    document=cell_uri) for (kind, _), cell_uri in zip(cells, cell_uris)]),
        cell_text_documents=[lsp.TextDocumentItem(uri=cell_uri, language_id="python" if kind == "code" else "markdown",
                                                  version=1, text=text)
                             for (kind, text), cell_uri in zip(cells, cell_uris)]))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    for _ in range(len(cells) - 1):
        if cell_uris[2] in client.diagnostics:
            break
        await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [diag] = client.diagnostics[cell_uris[2]]
    assert (diag.code, diag.range.start.line, diag.range.start.character) == ("KER101", 2, 4)
    assert list(client.diagnostics.get(cell_uris[0], [])) == []
    # The fix edits the cell the layer is in, at the cell's own line.
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=cell_uris[2]), range=diag.range,
        context=lsp.CodeActionContext(diagnostics=[diag])))
    [edit] = actions[0].edit.changes[cell_uris[2]]
    assert (edit.range.start.line, edit.range.start.character, edit.new_text) == (
        2, 4, "layers.Dense(5, activation='softmax')")  # in the notebook's own quotes


def test_the_server_imports_neither_tensorflow_nor_keras():
    import subprocess

    code = "import sys, kerlint.server, kerlint.editor; print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
