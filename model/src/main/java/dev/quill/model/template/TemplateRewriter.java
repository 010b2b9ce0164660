package dev.quill.model.template;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import dev.quill.model.template.ExpressionRewriter.Tok;
import dev.quill.model.template.SourceToken.Kind;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jinjava.de.odysseus.el.tree.TreeBuilderException;
import jinjava.de.odysseus.el.tree.impl.Builder.Feature;

/**
 * Turns jinja2 source into Jinjava source that renders the same bytes.
 *
 * <p>Whitespace is settled here, not by Jinjava: trim_blocks, lstrip_blocks and the {@code -} /
 * {@code +} marks are applied to the text exactly as jinja2's lexer applies them, and the tags
 * handed on carry no marks. Every {@code {{ x }}} prints through Python's {@code str()}. Loops get
 * what Jinjava lacks: {@code {% for x in xs if cond %}} and {@code {% for %}...{% else %}}.
 * Blocks are checked to nest, so a broken template fails when it is compiled, with a line number.
 */
final class TemplateRewriter {

    private static final Set<String> BLOCKS = Set.of("for", "if", "macro", "call", "generation", "raw");
    /** jinja2 tags Jinjava cannot run (or that need a template loader, which chat templates lack). */
    private static final Set<String> UNSUPPORTED = Set.of(
            "with", "filter", "block", "autoescape", "extends", "include", "import", "from", "do", "trans");
    private static final Set<String> SIMPLE = Set.of("elif", "else", "set", "break", "continue");

    private final List<SourceToken> tokens;
    private final String[] texts;
    /** For each {@code for} with an {@code else}: the loop's number; also keyed by its else and endfor. */
    private final Map<Integer, Integer> loopsWithElse = new HashMap<>();
    private final StringBuilder out = new StringBuilder();

    private TemplateRewriter(List<SourceToken> tokens) {
        this.tokens = tokens;
        this.texts = new String[tokens.size()];
    }

    /**
     * @throws TemplateException of kind SYNTAX, with the source line, for anything jinja2 would
     *     reject when compiling: unbalanced blocks or brackets, unknown tags, malformed expressions
     */
    static String rewrite(String jinjaSource) {
        TemplateRewriter rewriter = new TemplateRewriter(TemplateLexer.lex(jinjaSource));
        rewriter.checkBlocks();
        rewriter.applyWhitespaceControl();
        rewriter.emit();
        return rewriter.out.toString();
    }

    /** Blocks must nest; also notes which loops have an {@code else}. */
    private void checkBlocks() {
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            SourceToken t = tokens.get(i);
            String keyword = t.keyword();
            if (t.kind() != Kind.STATEMENT) {
                continue;
            }
            if (keyword.isEmpty()) {
                throw syntax("Expected a statement name in '{% " + t.body().strip() + " %}'", t);
            }
            if (BLOCKS.contains(keyword) || keyword.equals("set") && isBlockSet(t)) {
                open.push(i);
            } else if (keyword.startsWith("end")) {
                String name = keyword.substring(3);
                if (open.isEmpty() || !tokens.get(open.peek()).keyword().equals(name)) {
                    throw syntax("Encountered '" + keyword + "'" + (open.isEmpty() ? " with no open block"
                            : " but the innermost open block is '" + tokens.get(open.peek()).keyword()
                            + "' from line " + tokens.get(open.peek()).line()), t);
                }
                int start = open.pop();
                if (loopsWithElse.containsKey(start)) {
                    loopsWithElse.put(i, start);
                }
            } else if (keyword.equals("elif") || keyword.equals("else")) {
                String inner = open.isEmpty() ? "" : tokens.get(open.peek()).keyword();
                if (!inner.equals("if") && !(keyword.equals("else") && inner.equals("for"))) {
                    throw syntax("Encountered '" + keyword + "' outside an 'if'" + (keyword.equals("else") ? " or 'for'" : ""), t);
                }
                if (inner.equals("for")) {
                    loopsWithElse.put(open.peek(), open.peek());
                    loopsWithElse.put(i, open.peek());
                }
            } else if (UNSUPPORTED.contains(keyword) || UNSUPPORTED.contains(keyword.replaceFirst("^end", ""))) {
                throw syntax("The '" + keyword + "' tag is not supported in chat templates", t);
            } else if (!SIMPLE.contains(keyword)) {
                throw syntax("Encountered unknown tag '" + keyword + "'", t);
            }
        }
        if (!open.isEmpty()) {
            SourceToken t = tokens.get(open.peek());
            throw syntax("Unexpected end of template: the '" + t.keyword() + "' block is never closed", t);
        }
    }

    /** {@code {% set x %}...{% endset %}} captures a block; {@code {% set x = 1 %}} does not. */
    private static boolean isBlockSet(SourceToken t) {
        List<Tok> toks = ExpressionRewriter.tokenize(t.arguments(), t.line());
        return ExpressionRewriter.topLevel(toks, 0, toks.size(), "=").isEmpty();
    }

    /**
     * jinja2's lexer rules, in its order: a tag's right side eats from the text after it (all
     * whitespace for '-', one newline for trim_blocks), then the next tag's left side eats from the
     * end of that text (all whitespace for '-'; for lstrip_blocks, the spaces before a block tag
     * that starts its line).
     */
    private void applyWhitespaceControl() {
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).isTag()) {
                texts[i] = tokens.get(i).body();
            }
        }
        boolean lineStarting = true; // did the previous tag's match end with a newline?
        for (int i = 0; i < tokens.size(); i++) {
            SourceToken tag = tokens.get(i);
            if (!tag.isTag()) {
                continue;
            }
            if (i > 0 && texts[i - 1] != null) {
                texts[i - 1] = stripLeftOf(tag, texts[i - 1], lineStarting);
            }
            String eaten = "";
            if (i + 1 < tokens.size() && texts[i + 1] != null) {
                String text = texts[i + 1];
                if (tag.right() == '-') {
                    eaten = text.substring(0, text.length() - PyStrings.strip(text, null, true, false).length());
                } else if (tag.kind() != Kind.PRINT && tag.right() != '+' && !isRawStart(tag) && text.startsWith("\n")) {
                    eaten = "\n"; // trim_blocks
                }
                texts[i + 1] = text.substring(eaten.length());
            }
            lineStarting = eaten.endsWith("\n");
        }
    }

    private static String stripLeftOf(SourceToken tag, String text, boolean lineStarting) {
        if (tag.left() == '-') {
            return PyStrings.strip(text, null, false, true);
        }
        if (tag.left() == '+' || tag.kind() == Kind.PRINT) {
            return text;
        }
        int lineStart = text.lastIndexOf('\n') + 1; // lstrip_blocks
        String indent = text.substring(lineStart);
        if ((lineStart > 0 || lineStarting) && !indent.isEmpty() && indent.codePoints().allMatch(PyStrings::isSpace)) {
            return text.substring(0, lineStart);
        }
        return text;
    }

    /** jinja2 does not apply trim_blocks after {% raw %}, only after {% endraw %}. */
    private static boolean isRawStart(SourceToken tag) {
        return tag.keyword().equals("raw");
    }

    private void emit() {
        for (int i = 0; i < tokens.size(); i++) {
            SourceToken t = tokens.get(i);
            switch (t.kind()) {
                case TEXT -> text(texts[i]);
                case RAW -> out.append("{{ ").append(PyLiteral.forJinjava(texts[i])).append(" }}");
                case PRINT -> {
                    if (t.body().isBlank()) {
                        throw syntax("Expected an expression in '{{ }}'", t);
                    }
                    out.append("{{ __quill_str(").append(expression(t.body(), t.line())).append(") }}");
                }
                case STATEMENT -> statement(i, t);
                case COMMENT -> { }
            }
        }
    }

    /** Text goes through as is, except that a '{' right before a tag would open a new one in Jinjava. */
    private void text(String text) {
        if (text.endsWith("{")) {
            out.append(text, 0, text.length() - 1).append("{{ '{' }}");
        } else {
            out.append(text);
        }
    }

    private void statement(int i, SourceToken t) {
        String keyword = t.keyword();
        String args = t.arguments();
        switch (keyword) {
            case "raw", "endraw" -> { }
            case "generation" -> out.append("{% if true %}"); // transformers' assistant-mask marker: no output of its own
            case "endgeneration" -> out.append("{% endif %}");
            case "for" -> loop(i, t);
            case "else" -> out.append(loopsWithElse.containsKey(i)
                    ? "{% endfor %}{% if not __quill_seq" + loopsWithElse.get(i) + " %}" : "{% else %}");
            case "endfor" -> out.append(loopsWithElse.containsKey(i) ? "{% endif %}" : "{% endfor %}");
            case "set" -> {
                List<Tok> toks = ExpressionRewriter.tokenize(args, t.line());
                List<Integer> eq = ExpressionRewriter.topLevel(toks, 0, toks.size(), "=");
                if (!eq.isEmpty() && ExpressionRewriter.topLevel(toks, eq.get(0) + 1, toks.size(), ",").isEmpty()) {
                    check(ExpressionRewriter.rewrite(toks, eq.get(0) + 1, toks.size(), t.line()),
                            ExpressionRewriter.text(toks, eq.get(0) + 1, toks.size()), t.line());
                }
                out.append("{% set ").append(ExpressionRewriter.rewrite(args, t.line())).append(" %}");
            }
            // Python truthiness: Jinjava's {% if %} would count the string "false" as false.
            case "if", "elif" -> out.append("{% ").append(keyword).append(" __quill_truth(")
                    .append(expression(args, t.line())).append(") %}");
            // macro and call declare parameters: 'b=none' there is a default, not an argument.
            default -> out.append("{% ").append(keyword).append(args.isEmpty() ? "" : " ")
                    .append(ExpressionRewriter.rewrite(args, t.line(), !keyword.equals("macro") && !keyword.equals("call")))
                    .append(" %}");
        }
    }

    /** {@code for TARGETS in ITER [if COND]}, with the filter and the else done in plain Jinjava. */
    private void loop(int i, SourceToken t) {
        List<Tok> toks = ExpressionRewriter.tokenize(t.arguments(), t.line());
        List<Integer> in = ExpressionRewriter.topLevel(toks, 0, toks.size(), "in");
        if (in.isEmpty()) {
            throw syntax("Expected 'in' in '{% for " + t.arguments() + " %}'", t);
        }
        String targets = ExpressionRewriter.text(toks, 0, in.get(0)).strip();
        List<Integer> ifs = ExpressionRewriter.topLevel(toks, in.get(0) + 1, toks.size(), "if");
        int iterEnd = ifs.isEmpty() ? toks.size() : ifs.get(0);
        if (!ExpressionRewriter.topLevel(toks, in.get(0) + 1, toks.size(), "recursive").isEmpty()) {
            throw syntax("Recursive loops are not supported", t);
        }
        String iter = check(ExpressionRewriter.rewrite(toks, in.get(0) + 1, iterEnd, t.line()),
                ExpressionRewriter.text(toks, in.get(0) + 1, iterEnd), t.line());
        if (!ifs.isEmpty()) {
            String kept = "__quill_kept" + i;
            String cond = check(ExpressionRewriter.rewrite(toks, ifs.get(0) + 1, toks.size(), t.line()),
                    ExpressionRewriter.text(toks, ifs.get(0) + 1, toks.size()), t.line());
            String names = targets.startsWith("(") ? targets.substring(1, targets.length() - 1) : targets;
            String item = names.contains(",") ? "[" + names + "]" : names;
            out.append("{% set ").append(kept).append(" = namespace(items=[]) %}")
                    .append("{% for ").append(targets).append(" in ").append(iter).append(" %}")
                    .append("{% if __quill_truth(").append(cond).append(") %}")
                    .append("{% set ").append(kept).append(".items = ").append(kept).append(".items + [").append(item).append("] %}")
                    .append("{% endif %}{% endfor %}");
            iter = kept + ".items";
        }
        if (loopsWithElse.containsKey(i)) {
            out.append("{% set __quill_seq").append(i).append(" = ").append(iter).append(" %}");
            iter = "__quill_seq" + i;
        }
        out.append("{% for ").append(targets).append(" in ").append(iter).append(" %}");
    }

    private String expression(String source, int line) {
        return check(ExpressionRewriter.rewrite(source, line), source, line);
    }

    /**
     * Parses a rewritten expression as Jinjava will, so that a typo fails when the template is
     * compiled rather than on the request that reaches that branch.
     */
    private static String check(String expression, String source, int line) {
        try {
            new ExtendedSyntaxBuilder(Feature.METHOD_INVOCATIONS, Feature.VARARGS).build("#{" + expression + "}");
        } catch (TreeBuilderException e) {
            String reason = e.getMessage().replaceFirst("^Error parsing '#\\{.*?\\}': ", "").replaceFirst(" at position \\d+", "");
            throw ExpressionRewriter.syntax("Invalid expression '" + source.strip() + "': " + reason, line);
        }
        return expression;
    }

    private static TemplateException syntax(String message, SourceToken t) {
        return ExpressionRewriter.syntax(message, t.line());
    }
}
