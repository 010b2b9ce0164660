#!/usr/bin/env python3
"""Renders every template of manifest.json with every conversation of conversations.json, as
transformers' apply_chat_template renders them, into expected/<template>.<conversation>.txt, or
expected/<template>.<conversation>.error.txt ("<Python exception type>: <message>") where jinja2 raises.

The environment copies transformers (utils/chat_template_utils.py, _compile_jinja_template):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with the loopcontrols extension and
a pass-through {% generation %} tag (transformers' AssistantTracker, which only records spans), tojson as
json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False), and the globals
raise_exception and strftime_now (on the fixed clock "now", so the goldens do not change day to day).
render() gets messages, tools (None without tools), documents=None, add_generation_prompt, the special
tokens the tokenizer has, and the template's kwargs from the manifest.

Run once, from anywhere: python3 make_corpus_goldens.py   (Debian's python3-jinja2; 3.1.6 made these)
"""
import json
import pathlib
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = pathlib.Path(__file__).resolve().parent


class Generation(Extension):
    """transformers' AssistantTracker without the tracking: {% generation %} renders its body."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def make_env(now):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return now.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[Generation, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    doc = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))
    env = make_env(datetime.fromisoformat(doc["now"]))
    out = HERE / "expected"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    counts = {"rendered": 0, "raised": 0}
    for spec in manifest["templates"]:
        template = env.from_string((HERE / spec["file"]).read_text(encoding="utf-8"))
        for conv in doc["conversations"]:
            variables = {"messages": conv["messages"], "tools": doc["tools"] if conv.get("tools") else None,
                         "documents": None, "add_generation_prompt": conv["add_generation_prompt"]}
            for name in ("bos_token", "eos_token"):
                if spec[name] is not None:
                    variables[name] = spec[name]
            variables.update(spec.get("kwargs", {}))
            try:
                text, suffix = template.render(**variables), ".txt"
                counts["rendered"] += 1
            except Exception as e:  # jinja2's errors and Python's (TypeError, ...) alike
                text, suffix = f"{type(e).__name__}: {e}", ".error.txt"
                counts["raised"] += 1
            with open(out / f"{spec['name']}.{conv['id']}{suffix}", "w", encoding="utf-8", newline="") as f:
                f.write(text)
    print(f"{counts['rendered']} renders and {counts['raised']} errors written to {out}")


if __name__ == "__main__":
    main()
