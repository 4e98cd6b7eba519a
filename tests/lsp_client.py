"""A minimal JSON-RPC client for a language server over stdio (LSP base protocol).

Enough to open documents, read the diagnostics the server publishes, and ask for completion and
hover; requests the server sends to the client (workspace/configuration, …) are answered simply.
"""
from __future__ import annotations

import json
import queue
import subprocess
import threading
import time


class LanguageServer:
    def __init__(self, command: list[str], root_uri: str, settings: dict, cwd=None):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd)
        self.settings = settings
        self._next_id = 0
        self._responses: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.diagnostics: dict[str, list] = {}
        self._diagnostics_seen = threading.Condition()
        self._versions: dict[str, int] = {}
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root_uri, "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True,
                                                               "documentationFormat": ["markdown", "plaintext"]}},
                             "hover": {"contentFormat": ["markdown", "plaintext"]},
                             "publishDiagnostics": {}},
            "workspace": {"configuration": True}}, "workspaceFolders": [{"uri": root_uri, "name": "root"}]})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    # ------------------------------------------------------------------ protocol
    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        with self._lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": self._answer(message)})
            elif "id" in message:
                self._responses.setdefault(message["id"], queue.Queue()).put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                with self._diagnostics_seen:
                    params = message["params"]
                    self.diagnostics[params["uri"]] = (params.get("version"), params["diagnostics"])
                    self._diagnostics_seen.notify_all()

    def _answer(self, message: dict):
        if message["method"] == "workspace/configuration":
            return [self._section(item.get("section")) for item in message["params"]["items"]]
        return None

    def _section(self, section):
        node = self.settings
        for part in (section or "").split(".") if section else []:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return node

    def request(self, method: str, params: dict, timeout: float = 30):
        self._next_id += 1
        number = self._next_id
        answers = self._responses.setdefault(number, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        message = answers.get(timeout=timeout)
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return message.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    # ------------------------------------------------------------------ documents
    def open(self, uri: str, text: str) -> list:
        """Open (or replace) a document and wait for its diagnostics."""
        version = self._versions.get(uri, 0) + 1
        self._versions[uri] = version
        with self._diagnostics_seen:
            self.diagnostics.pop(uri, None)  # the next publication is about this text
        if version == 1:
            self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml",
                                                                  "version": version, "text": text}})
        else:
            self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                   "contentChanges": [{"text": text}]})
        return self.wait_diagnostics(uri, version)

    def wait_diagnostics(self, uri: str, version: int, timeout: float = 30) -> list:
        deadline = time.monotonic() + timeout
        with self._diagnostics_seen:
            while True:
                seen = self.diagnostics.get(uri)
                if seen is not None and (seen[0] is None or seen[0] >= version):
                    return seen[1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no diagnostics for {uri} version {version}")
                self._diagnostics_seen.wait(left)

    def completion(self, uri: str, line: int, character: int) -> list:
        result = self.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                          "position": {"line": line, "character": character}})
        return result.get("items", []) if isinstance(result, dict) else (result or [])

    def hover(self, uri: str, line: int, character: int):
        return self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                   "position": {"line": line, "character": character}})

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()
