/**
 * Chat templates: HuggingFace's Jinja2 {@code chat_template}, rendered in Java byte for byte as
 * transformers' {@code apply_chat_template} renders it with Python's jinja2, and cut into content
 * and markup segments for the tokenizer. Entry points: {@link dev.quill.model.template.ChatTemplate},
 * {@link dev.quill.model.template.ChatMessage}, {@link dev.quill.model.template.RenderedPrompt}.
 *
 * <h2>How</h2>
 * Jinjava 2.8.4 renders, but alone it agrees with jinja2 on only about a third of the golden cases
 * (see PlainJinjavaBaselineTest). The gap is closed by shims:
 * <ul>
 *   <li>{@code TemplateLexer}/{@code TemplateRewriter}: jinja2's own lexing (brackets balance inside
 *       tags, newline normalisation, keep_trailing_newline=False) and its whitespace rules
 *       (trim_blocks, lstrip_blocks, {@code -} and {@code +} marks) applied to the text, so Jinjava's
 *       differing whitespace handling never runs; {@code {% for x in xs if cond %}},
 *       {@code {% for %}...{% else %}}, {@code {% generation %}}, {@code {% raw %}}; blocks checked at
 *       compile time with line numbers.</li>
 *   <li>{@code ExpressionRewriter}: Python string literals and escapes, {@code none} as a real None,
 *       subscripts and slices with steps ({@code messages[::-1]}, {@code 'abc'[0]}), jinja2's
 *       precedence for {@code not} ({@code not x|length == 1}) and keyword arguments
 *       ({@code namespace(n=messages|length - 1)}), nested braces ({@code {{ {'a': {'b': 1}} }}}).</li>
 *   <li>{@code PyStr}: every {@code {{ }}} prints Python's str(): True, None, 1e-05, ['a', 'b'].</li>
 *   <li>{@code PythonTypeConverter}, {@code __quill_truth}: Python truthiness (Jinjava counts the
 *       string "false" as false) and Python str() for {@code ~}.</li>
 *   <li>{@code PythonResolver}/{@code PyStrings}/{@code PyFormat}: str methods (startswith, endswith,
 *       strip/lstrip/rstrip, split/rsplit/splitlines, upper, lower, title, capitalize, replace,
 *       join, find, count, format, is*), {@code dict.get/items/keys/values}; list and dict mutators
 *       refused as in the immutable sandbox.</li>
 *   <li>{@code PythonFilters}: tojson (json.dumps: ensure_ascii, indent, separators, sort_keys),
 *       items, trim, length, upper, lower, capitalize, title, join, string, list, default, reverse,
 *       sum, min, max.</li>
 *   <li>{@code PythonTests}: none, defined, undefined, string, mapping, iterable, sequence, number,
 *       integer, float, boolean, true, false, lower, upper.</li>
 *   <li>Globals: {@code raise_exception} (a {@link dev.quill.model.template.TemplateException} of
 *       kind RAISED), {@code strftime_now} (C-locale strftime on an injectable clock), both also
 *       defined as variables. Jinjava's re-rendering of output that looks like a template, its
 *       {@code render} filter and template loading are turned off, so message text is never run.</li>
 * </ul>
 *
 * <h2>Known differences from jinja2</h2>
 * Not supported (compile error): {@code with}, {@code filter}, {@code block}/{@code extends},
 * {@code include}/{@code import}, {@code do}, recursive loops. Rendered differently: {@code a and b}
 * gives a boolean, not an operand; {@code %} truncates rather than floors for negative
 * operands; string repetition ({@code '-' * 3}) and {@code '%s' % x} formatting fail; tuples print as
 * lists; {@code '1' == 1} is true; {@code loop.previtem}/{@code nextitem} are undefined.
 */
package dev.quill.model.template;
