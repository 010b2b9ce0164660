#!/usr/bin/env python3
"""Writes golden/<case id>.txt (or .error.txt) for every case in cases.json.

The environment copies the one transformers builds in apply_chat_template
(transformers/utils/chat_template_utils.py): an ImmutableSandboxedEnvironment with
trim_blocks, lstrip_blocks and the loopcontrols extension, a tojson filter that is
json.dumps (so no HTML escaping, ensure_ascii=False), and the globals raise_exception
and strftime_now. strftime_now reads a fixed clock ("now" in cases.json) so the goldens
do not change from day to day; the Java test injects the same instant.

Run from anywhere: python3 make_goldens.py   (needs jinja2 >= 3.1; 3.1.6 made the goldens)
"""
import json
import pathlib
from datetime import datetime

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = pathlib.Path(__file__).resolve().parent


def make_env(now):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return now.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    doc = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
    env = make_env(datetime.fromisoformat(doc["now"]))
    out = HERE / "golden"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    for case in doc["cases"]:
        spec = doc["templates"][case["template"]]
        template = env.from_string((HERE / spec["file"]).read_text(encoding="utf-8"))
        variables = {"messages": case["messages"], "tools": case.get("tools"),
                     "add_generation_prompt": case["add_generation_prompt"]}
        # Like transformers, a special token the tokenizer does not have is not defined at all.
        for name in ("bos_token", "eos_token"):
            if spec[name] is not None:
                variables[name] = spec[name]
        variables.update(case.get("kwargs", {}))
        try:
            text, suffix = template.render(**variables), ".txt"
        except jinja2.exceptions.TemplateError as e:
            text, suffix = str(e), ".error.txt"
        # newline="" so the bytes on disk are exactly the rendered string.
        with open(out / (case["id"] + suffix), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    print(f"{len(doc['cases'])} goldens written to {out}")


if __name__ == "__main__":
    main()
