// The Vigie extension: starts `vigie lsp` and connects VS Code to it.
// Everything (diagnostics, hover, completion, rename, formatting, the
// test lenses) comes from the server; this file only starts it, and shows
// the `vigie explain` page behind a diagnostic's code link.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("vigie").get("path") || "vigie";
  const serverOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "vigie" },
      { scheme: "untitled", language: "vigie" },
    ],
    synchronize: {
      // Files of a pack that are not open still count: tell the server.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.vigie"),
    },
  };
  client = new LanguageClient("vigie", "Vigie", serverOptions, clientOptions);

  // A diagnostic's code links to `vigie-explain:E0102`: show that page.
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider("vigie-explain", {
      async provideTextDocumentContent(uri) {
        const page = await client.sendRequest("workspace/executeCommand", {
          command: "vigie.explain",
          arguments: [uri.path],
        });
        return `${page.code}: ${page.title}\n\n${page.explanation}\n`;
      },
    })
  );
  context.subscriptions.push(
    vscode.commands.registerCommand("vigie.restartServer", () => client.restart())
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
