"""`vigie lsp` driven by pytest-lsp, a third-party client, on the French
pack (rules/fr, copied to a temporary folder so that edits stay there)."""

import os
import pathlib
import re
import shutil
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[2]
VIGIE = os.environ.get("VIGIE_BIN", str(ROOT / "target" / "debug" / "vigie"))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[VIGIE, "lsp"]))
async def client(lsp_client: LanguageClient):
    # The server asks to watch *.vigie files (VS Code's capabilities say it
    # may): accept, as VS Code does.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        return None

    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code")
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def pack(tmp_path):
    """A copy of the French pack."""
    dest = tmp_path / "fr"
    shutil.copytree(ROOT / "rules" / "fr", dest)
    return dest


def position(text: str, needle: str, delta: int = 0) -> types.Position:
    """The LSP position (UTF-16 column) of `needle` in `text`, plus `delta`
    characters."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    prefix = text[line_start:offset] + needle[:delta]
    return types.Position(line=line, character=len(prefix.encode("utf-16-le")) // 2)


async def open_file(client: LanguageClient, path: pathlib.Path) -> str:
    text = path.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="vigie", version=1, text=text
            )
        )
    )
    await wait_diagnostics(client, path.as_uri())
    return text


async def wait_diagnostics(client: LanguageClient, uri: str):
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


def doc_position(path, pos):
    return types.TextDocumentPositionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=pos
    )


def apply_edits(text: str, edits) -> str:
    """Applies LSP text edits (UTF-16 positions) to `text`."""
    lines = text.split("\n")

    def offset(pos):
        before = sum(len(l) + 1 for l in lines[: pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        units, chars = 0, 0
        for ch in line:
            if units >= pos.character:
                break
            units += len(ch.encode("utf-16-le")) // 2
            chars += 1
        return before + chars

    spans = sorted(
        ((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def test_diagnostics_on_open_and_on_a_broken_edit(client: LanguageClient, pack):
    regles = pack / "regles.vigie"
    text = await open_file(client, regles)
    errors = [
        d
        for d in client.diagnostics[regles.as_uri()]
        if d.severity == types.DiagnosticSeverity.Error
    ]
    assert errors == []
    # Every file of the pack gets its diagnostics, open or not.
    for name in ["lexiques.vigie", "pack.vigie", "tests.vigie"]:
        await wait_diagnostics(client, (pack / name).as_uri())

    # A misspelt lexicon: an error with the code, the explanation link and
    # a "did you mean".
    start = position(text, "has euphemismes", 4)
    end = position(text, "has euphemismes", 15)
    del client.diagnostics[regles.as_uri()]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=regles.as_uri(), version=2
            ),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=start, end=end), text="euphemisms"
                )
            ],
        )
    )
    diags = await wait_diagnostics(client, regles.as_uri())
    unknown = [d for d in diags if d.code == "E0102"]
    assert unknown, diags
    assert unknown[0].range.start == start
    assert "did you mean `euphemismes`" in unknown[0].message
    assert unknown[0].code_description.href == "vigie-explain:E0102"
    assert unknown[0].data["explanation"]


async def test_hover_on_a_lexicon_shows_its_terms(client: LanguageClient, pack):
    regles = pack / "regles.vigie"
    text = await open_file(client, regles)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=regles.as_uri()),
            position=position(text, "has euphemismes", 6),
        )
    )
    value = hover.contents.value
    assert "lexicon euphemismes fold(case, accents, leet, spacing)" in value
    assert "`moment d'évasion`" in value
    assert " terms: " in value


async def test_completion_after_ad_dot_lists_the_fields(client: LanguageClient, pack):
    pack_file = pack / "pack.vigie"
    text = await open_file(client, pack_file)
    pos = position(text, "ad.title", 3)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=pack_file.as_uri()),
            position=pos,
            context=types.CompletionContext(
                trigger_kind=types.CompletionTriggerKind.TriggerCharacter,
                trigger_character=".",
            ),
        )
    )
    items = result if isinstance(result, list) else result.items
    labels = [i.label for i in items]
    assert labels == [
        "id", "title", "body", "category", "city", "phone", "price", "posted_at", "boosted",
    ]
    assert all(i.kind == types.CompletionItemKind.Field for i in items)


def uses_of(name: str, pack: pathlib.Path) -> dict:
    """Uses of `name` per file of the pack: outside comments, not its declaration."""
    word = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
    uses = {}
    for path in sorted(pack.glob("*.vigie")):
        count = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            if code.lstrip().startswith("lexicon "):
                continue
            count += len(word.findall(code))
        if count:
            uses[path] = count
    return uses


async def test_definition_and_references_across_files(client: LanguageClient, pack):
    regles = pack / "regles.vigie"
    text = await open_file(client, regles)
    pos = position(text, "has euphemismes", 6)
    definition = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=regles.as_uri()),
            position=pos,
        )
    )
    lexiques = pack / "lexiques.vigie"
    lex_text = lexiques.read_text(encoding="utf-8")
    assert definition.uri == lexiques.as_uri()
    assert definition.range.start == position(lex_text, "lexicon euphemismes", 8)

    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=regles.as_uri()),
            position=pos,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    # Every use in the pack's files (the lexicon's name outside comments,
    # its declaration excepted), whichever file holds it.
    uses = uses_of("euphemismes", pack)
    assert len(refs) == 1 + sum(uses.values())
    assert refs[0].uri == lexiques.as_uri()
    assert {r.uri for r in refs[1:]} == {path.as_uri() for path in uses}


async def test_rename_a_lexicon_across_files(client: LanguageClient, pack):
    regles = pack / "regles.vigie"
    text = await open_file(client, regles)
    pos = position(text, "has euphemismes", 6)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(
            text_document=types.TextDocumentIdentifier(uri=regles.as_uri()),
            position=pos,
        )
    )
    assert prepared.placeholder == "euphemismes"
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=regles.as_uri()),
            position=pos,
            new_name="sous_entendus",
        )
    )
    lexiques = pack / "lexiques.vigie"
    assert set(edit.changes) == {lexiques.as_uri()} | {p.as_uri() for p in uses_of("euphemismes", pack)}
    for uri, edits in edit.changes.items():
        path = pathlib.Path(uri.removeprefix("file://"))
        path.write_text(apply_edits(path.read_text(encoding="utf-8"), edits), encoding="utf-8")
    # The renamed pack checks and its tests pass: every use was renamed.
    for command in ["check", "test"]:
        run = subprocess.run([VIGIE, command, str(pack)], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
    assert "euphemismes" not in "".join(p.read_text(encoding="utf-8") for p in pack.glob("*.vigie"))

    # A reserved word or an existing name is refused.
    for bad in ["has", "detente"]:
        with pytest.raises(Exception):
            await client.text_document_rename_async(
                types.RenameParams(
                    text_document=types.TextDocumentIdentifier(uri=regles.as_uri()),
                    position=pos,
                    new_name=bad,
                )
            )


async def test_formatting_is_vigie_fmt(client: LanguageClient, pack):
    regles = pack / "regles.vigie"
    original = regles.read_text(encoding="utf-8")
    # Make a mess of the layout: no indentation, doubled spaces.
    messy = "\n".join(line.strip().replace(" and ", "  and  ") for line in original.split("\n"))
    regles.write_text(messy, encoding="utf-8")
    await open_file(client, regles)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=regles.as_uri()),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert edits
    formatted = apply_edits(messy, edits)
    assert formatted == original
    # The same as `vigie fmt` writes.
    run = subprocess.run([VIGIE, "fmt", str(regles)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert regles.read_text(encoding="utf-8") == formatted
