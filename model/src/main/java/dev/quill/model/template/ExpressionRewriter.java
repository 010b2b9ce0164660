package dev.quill.model.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites one jinja2 expression into one Jinjava evaluates the Python way:
 * <ul>
 *   <li>string literals are decoded with Python's escapes and re-quoted for Jinjava (adjacent
 *       literals concatenate, as in Python);</li>
 *   <li>{@code none}/{@code None} becomes the {@link PyNone} value, so it equals None from data;</li>
 *   <li>subscripts {@code x[k]} and slices {@code x[a:b:c]} become calls Python semantics answer
 *       ({@code .__quill_item(k)}, {@code .__quill_slice(a, b, c)}), since Jinjava has no step and
 *       cannot index strings;</li>
 *   <li>consecutive braces get a space, or Jinjava would end the tag at a nested {@code }}}.</li>
 * </ul>
 */
final class ExpressionRewriter {

    enum Type { NAME, NUMBER, STRING, OP, SPACE }

    /** A lexical token; {@code value} is the decoded text of a string literal. */
    record Tok(Type type, String text, String value) {
        boolean is(String s) {
            return (type == Type.OP || type == Type.NAME) && text.equals(s);
        }
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "if", "else", "for", "recursive");
    private static final List<String> TWO_CHAR_OPS = List.of("//", "**", "==", "!=", "<=", ">=");

    private final int line;
    private final boolean callArguments;
    private final StringBuilder out = new StringBuilder();

    private ExpressionRewriter(int line, boolean callArguments) {
        this.line = line;
        this.callArguments = callArguments;
    }

    private String emit(List<Tok> toks, int from, int to) {
        emitRange(toks, from, to);
        return out.toString();
    }

    static String rewrite(String expression, int line) {
        return rewrite(expression, line, true);
    }

    /** @param callArguments whether {@code name=value} in parentheses are call arguments (not macro parameters) */
    static String rewrite(String expression, int line, boolean callArguments) {
        List<Tok> toks = tokenize(expression, line);
        return new ExpressionRewriter(line, callArguments).emit(toks, 0, toks.size());
    }

    static String rewrite(List<Tok> toks, int from, int to, int line) {
        return new ExpressionRewriter(line, true).emit(toks, from, to);
    }

    static List<Tok> tokenize(String s, int line) {
        List<Tok> toks = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int j = i + 1;
            if (Character.isWhitespace(c)) {
                while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                toks.add(new Tok(Type.SPACE, s.substring(i, j), null));
            } else if (c == '\'' || c == '"') {
                while (j < s.length() && s.charAt(j) != c) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                if (j >= s.length()) {
                    throw syntax("unterminated string literal", line);
                }
                j++;
                toks.add(new Tok(Type.STRING, s.substring(i, j), PyLiteral.unescape(s.substring(i + 1, j - 1))));
            } else if (Character.isLetter(c) || c == '_') {
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                toks.add(new Tok(Type.NAME, s.substring(i, j), null));
            } else if (Character.isDigit(c)) {
                j = PyLiteral.endOfNumber(s, i);
                toks.add(new Tok(Type.NUMBER, s.substring(i, j).replace("_", ""), null));
            } else {
                String two = i + 2 <= s.length() ? s.substring(i, i + 2) : "";
                j = TWO_CHAR_OPS.contains(two) ? i + 2 : i + 1;
                toks.add(new Tok(Type.OP, s.substring(i, j), null));
            }
            i = j;
        }
        return toks;
    }

    private void emitRange(List<Tok> toks, int from, int to) {
        Tok previous = null;       // the last token that was not whitespace
        Tok beforePrevious = null;
        for (int i = from; i < to; i++) {
            Tok t = toks.get(i);
            switch (t.type()) {
                case SPACE -> out.append(t.text());
                case STRING -> {
                    StringBuilder value = new StringBuilder(t.value());
                    int last = i;
                    for (int k = i + 1; k < to && toks.get(k).type() != Type.OP && toks.get(k).type() != Type.NAME
                            && toks.get(k).type() != Type.NUMBER; k++) {
                        if (toks.get(k).type() == Type.STRING) {
                            value.append(toks.get(k).value());
                            last = k;
                        }
                    }
                    out.append(PyLiteral.forJinjava(value.toString()));
                    i = last;
                    t = toks.get(last);
                }
                case NAME -> {
                    int next = nextSignificant(toks, i + 1, to);
                    if (t.is("not") && !isOperand(previous) && !(previous != null && previous.is("is"))
                            && !(next < to && toks.get(next).is("in"))) {
                        // jinja2's 'not' binds looser than comparisons and tests, EL's tighter:
                        // 'not x|length == 1' must be 'not (x|length == 1)'.
                        int end = operandEnd(toks, i + 1, to);
                        out.append("not (");
                        emitRange(toks, i + 1, end);
                        out.append(')');
                        i = end - 1;
                    } else if (callArguments && next < to && toks.get(next).is("=") && previous != null
                            && (previous.is("(") || previous.is(","))) {
                        // A keyword argument's value in parentheses: EL would read
                        // 'n=messages|length - 1' as '(n=messages|length) - 1'.
                        int end = operandEnd(toks, next + 1, to);
                        out.append(t.text()).append('=').append('(');
                        emitRange(toks, next + 1, end);
                        out.append(')');
                        i = end - 1;
                    } else {
                        boolean literalNone = (t.text().equals("none") || t.text().equals("None"))
                                && !(previous != null && (previous.is(".") || previous.is("is")
                                        || previous.is("not") && beforePrevious != null && beforePrevious.is("is")));
                        out.append(literalNone ? "__quill_none" : t.text());
                    }
                }
                case OP -> {
                    if (t.is("[")) {
                        int close = matching(toks, i, to, line);
                        if (isOperand(previous)) {
                            subscript(toks, i + 1, close);
                        } else {
                            out.append('[');
                            emitRange(toks, i + 1, close);
                            out.append(']');
                        }
                        i = close;
                        t = toks.get(close);
                    } else {
                        char last = out.length() == 0 ? 0 : out.charAt(out.length() - 1);
                        if ((t.is("}") && last == '}') || (t.is("{") && last == '{')) {
                            out.append(' ');
                        }
                        out.append(t.text());
                    }
                }
                default -> out.append(t.text());
            }
            if (t.type() != Type.SPACE) {
                beforePrevious = previous;
                previous = t;
            }
        }
    }

    private static int nextSignificant(List<Tok> toks, int from, int to) {
        int i = from;
        while (i < to && toks.get(i).type() == Type.SPACE) {
            i++;
        }
        return i;
    }

    /**
     * Where an operand of 'not' or a keyword argument's value ends: at the first 'and', 'or',
     * 'if', 'else', ',' or ':' outside brackets, or at a bracket that closes an enclosing one.
     */
    private static int operandEnd(List<Tok> toks, int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Tok t = toks.get(i);
            if (t.is("[") || t.is("(") || t.is("{")) {
                depth++;
            } else if (t.is("]") || t.is(")") || t.is("}")) {
                if (--depth < 0) {
                    return i;
                }
            } else if (depth == 0 && (t.is("and") || t.is("or") || t.is("if") || t.is("else") || t.is(",") || t.is(":"))) {
                return i;
            }
        }
        return to;
    }

    /** {@code [k]} -> {@code .__quill_item(k)}; {@code [a:b:c]} -> {@code .__quill_slice(a, b, c)}. */
    private void subscript(List<Tok> toks, int from, int to) {
        List<Integer> colons = topLevel(toks, from, to, ":");
        if (colons.isEmpty()) {
            out.append(".__quill_item(");
            emitRange(toks, from, to);
            out.append(')');
            return;
        }
        if (colons.size() > 2) {
            throw syntax("a slice has at most two ':'", line);
        }
        List<Integer> bounds = new ArrayList<>(colons);
        bounds.add(0, from - 1);
        bounds.add(to);
        out.append(".__quill_slice(");
        for (int part = 0; part < 3; part++) {
            if (part > 0) {
                out.append(", ");
            }
            int start = part + 1 < bounds.size() ? bounds.get(part) + 1 : to;
            int end = part + 1 < bounds.size() ? bounds.get(part + 1) : to;
            if (isBlank(toks, start, end)) {
                out.append("__quill_none");
            } else {
                emitRange(toks, start, end);
            }
        }
        out.append(')');
    }

    /** Whether a '[' after this token subscripts it (rather than starting a list literal). */
    private static boolean isOperand(Tok previous) {
        if (previous == null) {
            return false;
        }
        return switch (previous.type()) {
            case NAME -> !KEYWORDS.contains(previous.text());
            case STRING -> true;
            case OP -> previous.is(")") || previous.is("]") || previous.is("}");
            default -> false;
        };
    }

    static int matching(List<Tok> toks, int open, int to, int line) {
        int depth = 0;
        for (int i = open; i < to; i++) {
            Tok t = toks.get(i);
            if (t.is("[") || t.is("(") || t.is("{")) {
                depth++;
            } else if (t.is("]") || t.is(")") || t.is("}")) {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        throw syntax("unclosed '" + toks.get(open).text() + "'", line);
    }

    /** Positions of {@code op} (an operator or a name like {@code in}) outside any brackets. */
    static List<Integer> topLevel(List<Tok> toks, int from, int to, String op) {
        List<Integer> found = new ArrayList<>();
        int depth = 0;
        for (int i = from; i < to; i++) {
            Tok t = toks.get(i);
            if (t.is("[") || t.is("(") || t.is("{")) {
                depth++;
            } else if (t.is("]") || t.is(")") || t.is("}")) {
                depth--;
            } else if (depth == 0 && t.is(op)) {
                found.add(i);
            }
        }
        return found;
    }

    static String text(List<Tok> toks, int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            out.append(toks.get(i).text());
        }
        return out.toString();
    }

    private static boolean isBlank(List<Tok> toks, int from, int to) {
        for (int i = from; i < to; i++) {
            if (toks.get(i).type() != Type.SPACE) {
                return false;
            }
        }
        return true;
    }

    static TemplateException syntax(String message, int line) {
        return new TemplateException(TemplateException.Kind.SYNTAX, message + " (line " + line + ")");
    }
}
