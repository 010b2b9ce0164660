package dev.quill.model.template.jinja;

import dev.quill.model.template.jinja.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's lexer, configured as transformers configures it: {@code trim_blocks} (a newline right
 * after a statement or comment tag is dropped), {@code lstrip_blocks} (spaces and tabs before a
 * statement or comment tag that starts its line are dropped), {@code -} marks (all whitespace on
 * that side goes) and {@code +} marks (the rules above do not apply), in jinja2's order. Newlines
 * are normalised to \n and one trailing newline is dropped (keep_trailing_newline=False).
 *
 * <p>A tag ends only where its brackets balance, so {@code {{ {'a': {'b': 1}} }}} is one print.
 */
final class Lexer {

    private static final Pattern RAW_BEGIN = Pattern.compile("\\{%([-+]?)\\s*raw\\s*(-%}\\s*|%})");
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(\\+%}|-%}\\s*|%}\\n?)");
    private static final Pattern FLOAT = Pattern.compile(
            "(?<!\\.)(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
    private static final Pattern INTEGER = Pattern.compile("0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[\\da-fA-F])+|(\\d+_)*\\d+");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern STRING = Pattern.compile("'([^'\\\\]*(?:\\\\.[^'\\\\]*)*)'|\"([^\"\\\\]*(?:\\\\.[^\"\\\\]*)*)\"", Pattern.DOTALL);
    private static final String[] OPERATORS = {
        "//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
        ">", "<", "=", ".", ":", "|", ",", ";"};

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** jinja2's line_starting: did the last match end with a newline? */
    private boolean lineStarting = true;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        Lexer lexer = new Lexer(s.endsWith("\n") ? s.substring(0, s.length() - 1) : s);
        lexer.root();
        lexer.tokens.add(new Token(Type.EOF, "", lexer.line));
        return lexer.tokens;
    }

    private void root() {
        while (pos < src.length()) {
            int open = nextTag(pos);
            if (open < 0) {
                text(src.substring(pos), src.length());
                return;
            }
            char kind = src.charAt(open + 1);
            Matcher raw = kind == '%' ? RAW_BEGIN.matcher(src).region(open, src.length()) : null;
            boolean isRaw = raw != null && raw.lookingAt();
            char sign = open + 2 < src.length() ? src.charAt(open + 2) : 0;
            text(leftStrip(src.substring(pos, open), sign, kind != '{'), open);
            if (isRaw) {
                pos = raw.end();
                lineStarting = src.charAt(pos - 1) == '\n';
                countLines(open, pos);
                raw(open);
            } else {
                pos = open + 2 + (sign == '-' || sign == '+' ? 1 : 0);
                lineStarting = false;
                if (kind == '#') {
                    comment(open);
                } else {
                    tag(kind == '{' ? Type.PRINT_BEGIN : Type.BLOCK_BEGIN, open);
                }
            }
        }
    }

    private int nextTag(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char next = src.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    /** The text before a tag, after the tag's '-' mark or lstrip_blocks had their say. */
    private String leftStrip(String text, char sign, boolean block) {
        if (sign == '-') {
            return PyStrings.strip(text, null, false, true);
        }
        if (sign != '+' && block) {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && text.substring(lineStart).chars().allMatch(c -> c == ' ' || c == '\t')) {
                return text.substring(0, lineStart);
            }
        }
        return text;
    }

    /** Emits template text; {@code end} is where the source consumed for it ends (for line counting). */
    private void text(String text, int end) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Type.TEXT, text, line));
        }
        countLines(pos, end);
        pos = end;
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
    }

    private void comment(int open) {
        for (int i = pos; i + 1 < src.length(); i++) {
            char c = src.charAt(i);
            char sign = (c == '-' || c == '+') && src.startsWith("#}", i + 1) ? c : 0;
            if (sign != 0 || src.startsWith("#}", i)) {
                countLines(pos, i);
                pos = i + (sign != 0 ? 3 : 2);
                closeTag(sign);
                return;
            }
        }
        throw PyErrors.syntax("Missing end of comment tag", line(open));
    }

    /** After a statement or comment closes: '-' eats all whitespace, else trim_blocks one newline. */
    private void closeTag(char sign) {
        int start = pos;
        if (sign == '-') {
            while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) {
                pos++;
            }
        } else if (sign != '+' && pos < src.length() && src.charAt(pos) == '\n') {
            pos++;
        }
        lineStarting = pos > start ? src.charAt(pos - 1) == '\n' : lineStarting && false;
        countLines(start, pos);
    }

    private void raw(int open) {
        Matcher end = RAW_END.matcher(src);
        if (!end.find(pos)) {
            throw PyErrors.syntax("Missing end of raw directive", line(open));
        }
        char sign = end.group(1).isEmpty() ? 0 : end.group(1).charAt(0);
        text(leftStrip(src.substring(pos, end.start()), sign, true), end.start());
        countLines(end.start(), end.end());
        pos = end.end();
        lineStarting = src.charAt(pos - 1) == '\n';
    }

    /** The inside of a print or statement tag, as expression tokens, through its end delimiter. */
    private void tag(Type begin, int open) {
        tokens.add(new Token(begin, "", line));
        Deque<Character> brackets = new ArrayDeque<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (PyStrings.isSpace(c)) {
                if (c == '\n') {
                    line++;
                }
                pos++;
                continue;
            }
            if (brackets.isEmpty() && tagEnd(begin)) {
                return;
            }
            if (c == '\'' || c == '"') {
                Matcher m = STRING.matcher(src).region(pos, src.length());
                if (!m.lookingAt()) {
                    throw PyErrors.syntax("unterminated string literal", line);
                }
                String body = m.group().substring(1, m.group().length() - 1);
                tokens.add(new Token(Type.STRING, StringLiteral.unescape(body), line));
                countLines(pos, m.end());
                pos = m.end();
            } else if (match(FLOAT, Type.FLOAT) || match(INTEGER, Type.INTEGER) || match(NAME, Type.NAME)) {
                continue;
            } else {
                operator(brackets);
            }
        }
        throw PyErrors.syntax(begin == Type.PRINT_BEGIN ? "Missing end of print tag '}}'" : "Missing end of statement tag '%}'", line(open));
    }

    private boolean tagEnd(Type begin) {
        if (begin == Type.PRINT_BEGIN) {
            boolean dash = src.startsWith("-}}", pos);
            if (!dash && !src.startsWith("}}", pos)) {
                return false;
            }
            pos += dash ? 3 : 2;
            tokens.add(new Token(Type.PRINT_END, "", line));
            int start = pos;
            if (dash) {
                while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) {
                    pos++;
                }
            }
            lineStarting = pos > start && src.charAt(pos - 1) == '\n';
            countLines(start, pos);
            return true;
        }
        char sign = src.startsWith("-%}", pos) ? '-' : src.startsWith("+%}", pos) ? '+' : 0;
        if (sign == 0 && !src.startsWith("%}", pos)) {
            return false;
        }
        tokens.add(new Token(Type.BLOCK_END, "", line));
        pos += sign == 0 ? 2 : 3;
        lineStarting = false;
        closeTag(sign);
        return true;
    }

    private boolean match(Pattern p, Type type) {
        Matcher m = p.matcher(src).region(pos, src.length());
        m.useTransparentBounds(true).useAnchoringBounds(false);
        if (!m.lookingAt()) {
            return false;
        }
        tokens.add(new Token(type, m.group().replace("_", type == Type.NAME ? "_" : ""), line));
        pos = m.end();
        return true;
    }

    private void operator(Deque<Character> brackets) {
        for (String op : OPERATORS) {
            if (!src.startsWith(op, pos)) {
                continue;
            }
            char c = op.charAt(0);
            if (op.length() == 1 && "([{".indexOf(c) >= 0) {
                brackets.push(c == '(' ? ')' : c == '[' ? ']' : '}');
            } else if (op.length() == 1 && ")]}".indexOf(c) >= 0) {
                if (brackets.isEmpty()) {
                    throw PyErrors.syntax("unexpected '" + c + "'", line);
                }
                char expected = brackets.pop();
                if (expected != c) {
                    throw PyErrors.syntax("unexpected '" + c + "', expected '" + expected + "'", line);
                }
            }
            tokens.add(new Token(Type.OPERATOR, op, line));
            pos += op.length();
            return;
        }
        throw PyErrors.syntax("unexpected char " + PyRepr.repr(String.valueOf(src.charAt(pos))), line);
    }

    private int line(int at) {
        int n = 1;
        for (int i = 0; i < at; i++) {
            if (src.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
