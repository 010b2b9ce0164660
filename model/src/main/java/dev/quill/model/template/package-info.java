/**
 * Chat templates: HuggingFace's Jinja2 {@code chat_template}, rendered in Java byte for byte as
 * transformers' {@code apply_chat_template} renders it with Python's jinja2, and cut into content
 * and markup segments for the tokenizer. Entry points: {@link dev.quill.model.template.ChatTemplate},
 * {@link dev.quill.model.template.ChatTemplateFiles} (where a model folder keeps its template),
 * {@link dev.quill.model.template.ChatMessage}, {@link dev.quill.model.template.RenderedPrompt}.
 *
 * <h2>How</h2>
 * {@code jinja} is a small interpreter for the Jinja that chat templates use, with Python's value
 * semantics by construction (as llama.cpp's minja and {@code @huggingface/jinja} do), read in this order:
 * <ul>
 *   <li>{@code Lexer}, {@code Token}: jinja2's lexer with transformers' trim_blocks and lstrip_blocks
 *       and the {@code -}/{@code +} marks, {@code raw} blocks, comments.</li>
 *   <li>{@code ExprParser}, {@code Parser} to the AST in {@code Expr} and {@code Node}: jinja2's grammar
 *       and precedence; if/elif/else, for (with {@code if}, {@code else}, {@code recursive}), set and
 *       block set, macro, call, filter, with, generation, break/continue.</li>
 *   <li>{@code Evaluator}, {@code Interpreter}, {@code Scope}, {@code LoopContext}, {@code Macro}: the
 *       evaluation, with jinja2's scoping (a loop iteration's {@code set} dies with it; namespace()
 *       survives).</li>
 *   <li>Values: None ({@code PyNone}), bool, int (Long), float (Double), str, list, {@code PyTuple}, dict,
 *       {@code Undefined}, {@code Namespace}, {@code Markup}; their semantics in {@code Py} (truthiness,
 *       ==, ordering, in, len, iteration), {@code PyOps} (arithmetic, Python's TypeErrors),
 *       {@code PyRepr} (str() and repr()), {@code PercentFormat}, {@code StrFormat}.</li>
 *   <li>Builtins: {@code Filters}, {@code SequenceFilters}, {@code Tests}, {@code Methods} and
 *       {@code StrMethods}, {@code Globals}, {@code Json} (tojson = json.dumps), {@code Strftime}
 *       (C locale).</li>
 * </ul>
 *
 * <h2>Sandbox</h2>
 * As in jinja2's ImmutableSandboxedEnvironment: values have no attributes but their safe methods;
 * dunder names and mutating methods ({@code list.append}, {@code dict.update}) are refused; the
 * caller's objects are copied in ({@code JavaValues}), so a template can change nothing outside its
 * render; only the template source is ever parsed, never a value, so message text cannot run.
 *
 * <h2>Errors</h2>
 * A template that does not parse is a {@link dev.quill.model.template.TemplateException} of kind
 * SYNTAX; {@code raise_exception} gives kind RAISED; where jinja2 raises while rendering (a TypeError
 * for {@code 'a' + None}, an UndefinedError, ...) kind RENDER carries Python's exception type and
 * message. The server answers all three with a 400.
 *
 * <h2>Known differences from jinja2</h2>
 * map/select/reject/reverse return lists, not generators (the same once joined, counted or looped
 * over; printed directly they differ); {@code dict.items()/keys()/values()} print as lists; ints are
 * 64-bit (overflow is an OverflowError); unknown filters and tests fail when used, not when parsed;
 * groupby, batch, slice, wordwrap, urlize, xmlattr and include/import/extends are not provided.
 */
package dev.quill.model.template;
