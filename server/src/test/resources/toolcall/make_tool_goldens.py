#!/usr/bin/env python3
"""Renders hermes.jinja with request.json as transformers' apply_chat_template would be called by
an OpenAI-compatible server: tools= the request's tools, messages with their tool_calls'
function.arguments parsed from JSON text into dicts, text parts joined into one string. The
environment is transformers' (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
loopcontrols, tojson as json.dumps(ensure_ascii=False)). Writes hermes.golden.txt.

Run once, from this folder: python3 make_tool_goldens.py   (Debian's python3-jinja2 3.1.6 made it)
"""
import json
import pathlib

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

here = pathlib.Path(__file__).parent
request = json.loads((here / "request.json").read_text(encoding="utf-8"))
messages = []
for m in request["messages"]:
    m = dict(m)
    if isinstance(m.get("content"), list):
        m["content"] = "".join(part["text"] for part in m["content"])
    for call in m.get("tool_calls") or []:
        call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    messages.append(m)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(
    x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
template = env.from_string((here / "hermes.jinja").read_text(encoding="utf-8"))
text = template.render(messages=messages, tools=request["tools"], documents=None, add_generation_prompt=True)
(here / "hermes.golden.txt").write_text(text, encoding="utf-8")
