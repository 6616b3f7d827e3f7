#!/usr/bin/env python3
"""Checks by hand that an editor completes handbook-lint.yaml from its schema.

Speaks the Language Server Protocol over stdio to yaml-language-server (the
server behind VS Code's YAML extension, Neovim's yamlls, Helix, Zed), opens a
config whose first line names the schema, and prints what the server offers:
the keys it completes at the top level, inside `teams.<name>:` and inside a
team's `pages:`, the values of a severity, and the mistakes it marks in a
config with a misspelt key and a wrong type. Not run by CI (it needs node).

    npm install --prefix /tmp/yls yaml-language-server
    python3 tools/yls_check.py [--server /tmp/yls/node_modules/.bin/yaml-language-server]
                               [--schema schema/handbook-lint.schema.json]

Exits 1 when a key the schema describes is not offered, or the mistakes are
not marked.
"""

import argparse
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


class Server:
    """One yaml-language-server process and the messages to and from it."""

    def __init__(self, command):
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.next_id = 0
        self.diagnostics = {}

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        """Sends a request; answers the server's own requests and keeps its
        diagnostics until the answer comes."""
        self.next_id += 1
        wanted = self.next_id
        self.send({"jsonrpc": "2.0", "id": wanted, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")
            self.handle(message)

    def handle(self, message):
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.diagnostics[params["uri"]] = params["diagnostics"]
        elif "id" in message and method is not None:
            # The server asks for its settings (one per item asked) or to
            # register capabilities: settings as a user would have them.
            result = None
            if method == "workspace/configuration":
                result = [SETTINGS["yaml"] if i.get("section") == "yaml" else None
                          for i in message["params"]["items"]]
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def wait_for_diagnostics(self, uri):
        while uri not in self.diagnostics:
            self.handle(self.receive())
        return self.diagnostics[uri]

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=10)


RIGHT = """\
page-extensions: [md, markdown, mdx]
goals-content:
  progress: ["(?i)estimated completion"]
  goal: "(?i)^okrs?$"
severity: { HB301: off, HB303: warning }
overrides:
  - paths: ["content/archive/**"]
    severity: { HB202: off }
pages:
  retrospectives: off
  iteration-execution: { external: "https://notion.so/acme/retros" }
people:
  bob: { name: Bob, handles: ["@bob"] }
  carol:
teams:
  search:
    dir: content/engineering/search
    pm: none
    em: [bob, carol]
    since: 2026-03-02
    pages:
      retrospectives: { external: "https://docs.google.com/..." }
      goals: off
"""

SETTINGS = {"yaml": {"validate": True, "completion": True, "hover": True, "schemas": {}}}


def labels(result):
    items = result.get("items", []) if isinstance(result, dict) else (result or [])
    return sorted({item["label"] for item in items})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="/tmp/yls/node_modules/.bin/yaml-language-server")
    parser.add_argument("--schema", default=str(ROOT / "schema/handbook-lint.schema.json"))
    args = parser.parse_args()
    schema_path = pathlib.Path(args.schema).resolve()
    schema = json.loads(schema_path.read_text())
    modeline = f"# yaml-language-server: $schema={schema_path.as_uri()}\n"

    server = Server([args.server, "--stdio"])
    server.request("initialize", {
        "processId": None,
        "rootUri": ROOT.as_uri(),
        "capabilities": {"textDocument": {"completion": {"completionItem": {"snippetSupport": False}}}},
    })
    server.notify("initialized", {})
    server.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})

    # The cursor is on the empty lines: (line, character).
    config = modeline + (
        "iterations: { length: 14d }\n"     # 1
        "\n"                                # 2: top level
        "teams:\n"                          # 3
        "  search:\n"                       # 4
        "    dir: content/search\n"         # 5
        "    \n"                            # 6: inside teams.search
        "    pages:\n"                      # 7
        "      \n"                          # 8: inside teams.search.pages
        "severity:\n"                       # 9
        "  HB301: \n"                       # 10: a severity's value
    )
    uri = (ROOT / "target/yls-check/handbook-lint.yaml").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": config}})
    places = {
        "top level": (2, 0),
        "teams.search": (6, 4),
        "teams.search.pages": (8, 6),
        "severity.HB301 (values)": (10, 9),
    }
    offered = {}
    for name, (line, character) in places.items():
        result = server.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        offered[name] = labels(result)
        print(f"{name}: {', '.join(offered[name])}")

    # The opt-outs, unquoted as people write them: nothing to mark.
    right_uri = (ROOT / "target/yls-check/right/handbook-lint.yaml").as_uri()
    right = modeline + RIGHT
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": right_uri, "languageId": "yaml", "version": 1, "text": right}})
    unmarked = server.wait_for_diagnostics(right_uri)
    for diagnostic in unmarked:
        start = diagnostic["range"]["start"]
        print(f"marked in a right config, line {start['line']}: {diagnostic['message']}")
    print(f"a right config with every opt-out: {len(unmarked)} marked")

    wrong_uri = (ROOT / "target/yls-check/wrong/handbook-lint.yaml").as_uri()
    wrong = modeline + "iterations: { lenght: 14d }\nignore: content/archive/**\n"
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": wrong_uri, "languageId": "yaml", "version": 1, "text": wrong}})
    marked = server.wait_for_diagnostics(wrong_uri)
    for diagnostic in marked:
        start = diagnostic["range"]["start"]
        print(f"marked line {start['line']}: {diagnostic['message']}")
    server.close()

    team = schema["properties"]["teams"]["additionalProperties"]["properties"]
    expected = {
        "top level": set(schema["properties"]) - {"iterations", "teams", "severity"},
        "teams.search": set(team) - {"dir", "pages"},
        "teams.search.pages": {"goals", "retrospectives", "iteration-planning"},
        "severity.HB301 (values)": {"error", "warning", "off"},
    }
    # A value that is a YAML 1.1 boolean word is offered quoted (`"off"`).
    offered = {name: {label.strip('"') for label in labels} for name, labels in offered.items()}
    missing = {name: sorted(keys - offered[name]) for name, keys in expected.items()}
    missing = {name: keys for name, keys in missing.items() if keys}
    if missing:
        print(f"not offered: {missing}")
    if len(marked) < 2:
        print("the misspelt key and the wrong type were not both marked")
    return 1 if missing or len(marked) < 2 or unmarked else 0


if __name__ == "__main__":
    sys.exit(main())
