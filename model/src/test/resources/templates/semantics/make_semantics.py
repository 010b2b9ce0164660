#!/usr/bin/env python3
"""Where Java and Python values differ: expressions rendered (or failing) in jinja2 set up as transformers
sets it up, written to semantics.json for ValueSemanticsTest. Run once: python3 make_semantics.py"""
import jinja2, json
from jinja2.sandbox import ImmutableSandboxedEnvironment
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
cases = [
 "{{ 'false' is true }}|{{ not 'false' }}|{{ not '' }}|{{ not 0.0 }}|{{ not [] }}|{{ not {} }}|{{ not none }}|{{ not undefined_name }}|{{ not ' ' }}",
 "{{ '1' == 1 }}|{{ 1 == 1.0 }}|{{ true == 1 }}|{{ [1, 2] == [1, 2] }}|{{ (1, 2) == [1, 2] }}|{{ {'a': 1} == {'a': 1.0} }}|{{ none == none }}|{{ none == 0 }}",
 "{{ 7 / 2 }}|{{ 4 / 2 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7.0 // 2 }}|{{ -7 % 3 }}|{{ 7 % -3 }}|{{ -7.5 % 2 }}|{{ 2 ** 10 }}|{{ 2 ** -1 }}",
 "{{ '-' * 3 }}|{{ 3 * 'ab' }}|{{ [1] * 2 }}|{{ 'x' * 0 }}|{{ (1,) * 2 }}",
 "{{ 0.1 + 0.2 }}|{{ 1e16 }}|{{ 1e-5 }}|{{ 1.0 }}|{{ 100.0 / 3 }}|{{ -0.0 }}|{{ 2.5e-300 }}",
 "{{ {'a': 1, 'b': [none, true, 'x']} }}|{{ (1,) }}|{{ (1, 'a') }}|{{ () }}|{{ {'k': (1, 2)} }}|{{ [1.5, 'it\\'s'] }}",
 "{{ 'a' and 'b' }}|{{ '' and 'b' }}|{{ 0 or 'x' }}|{{ [] or none }}|{{ 1 and 0 }}",
 "{{ '%s and %d' % ('a', 3) }}|{{ '%05.2f' % 3.14159 }}|{{ '%-5s|' % 'ab' }}|{{ '%r' % 'x' }}|{{ '%x' % 255 }}|{{ '%(n)s=%(v)d' % {'n': 'a', 'v': 1} }}|{{ '%s' % [1, 2] }}|{{ '100%%' % () }}",
 "{% for x in [1, 2, 3] %}{{ loop.previtem ~ '>' ~ x ~ '>' ~ loop.nextitem }}{{ loop.cycle('a', 'b') }},{% endfor %}",
 "{{ 'abc'[::-1] }}|{{ [1, 2, 3][-2:] }}|{{ 'héllo'[1:3] }}|{{ (1, 2, 3)[1:] }}",
 "{{ 'a' | safe + '<b>' }}|{{ '<b>' + ('a' | safe) }}|{{ ('x' | safe) ~ '<b>' }}|{{ '%s' | safe % '<i>' }}",
 "{{ [3, 1, 2] | sort | join(',') }}|{{ ['b', 'A', 'c'] | sort | join }}|{{ {'b': 1, 'a': 2} | dictsort }}|{{ [1, 2, 2, 3] | unique | list }}|{{ [1, 5, 3] | max }}|{{ ['a', 'B'] | min }}",
 "{{ 'hello world' | title }}|{{ 'x' | center(5) }}|{{ 'a\nb\n' | indent(2) }}|{{ 'a\n\nb' | indent(2, true, true) }}|{{ 2.5 | round }}|{{ 3.5 | round }}|{{ 2.675 | round(2) }}|{{ 7 | float }}|{{ '3.9' | int }}",
 "{{ 'a,b,,c'.split(',') }}|{{ ' a b '.split() }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ 'Hello'.startswith(('x', 'He')) }}|{{ 'abc'.find('c') }}|{{ 'a b'.partition(' ') }}|{{ '{} {x}'.format(1, x=2) }}",
 "{{ 'Grüße 👋 °C' | tojson(ensure_ascii=true) }}|{{ {'b': [1, 2], 'a': 'é'} | tojson(sort_keys=true, separators=(',', ':')) }}|{{ [1, {'k': none}] | tojson(indent=2) }}|{{ '%s = %r' % ('x', none) }}",
 "{% set ns = namespace(n=0) %}{% for i in range(5) if i is odd %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}|{% for x in [] %}x{% else %}empty{% endfor %}",
]
errors = [
 "{{ 'a' + none }}", "{% for x in none %}{% endfor %}", "{{ 'x' in none }}", "{{ 'a' + {'x': 1} }}", "{{ 1 + 'a' }}",
 "{{ none < 1 }}", "{{ [1] + 'a' }}", "{{ undefined_name.attr }}", "{{ {'a': 1}.b.c }}", "{{ 1 / 0 }}", "{{ messages.append(1) }}",
 "{{ 'x'.shout() }}", "{% set a, b = [1] %}", "{{ [1, 2] | join(1) }}", "{{ ', '.join([1]) }}",
]
out = {"renders": [], "errors": []}
for c in cases:
    out["renders"].append([c, env.from_string(c).render(messages=[])])
for c in errors:
    try:
        env.from_string(c).render(messages=[]); out["errors"].append([c, "no error"])
    except Exception as e:
        out["errors"].append([c, f"{type(e).__name__}: {e}"])
import pathlib
(pathlib.Path(__file__).resolve().parent / "semantics.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
