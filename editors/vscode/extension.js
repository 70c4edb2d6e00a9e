// Starts `hungary56 lsp` for the YAML files of a story folder (story/*.yaml, scenes/*.yaml).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("hungary56").get("command");
  client = new LanguageClient(
    "hungary56",
    "hungary56",
    { command, args },
    {
      documentSelector: [
        { scheme: "file", language: "yaml", pattern: "**/story/*.{yaml,yml}" },
        { scheme: "file", language: "yaml", pattern: "**/scenes/*.{yaml,yml}" },
      ],
    },
  );
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
