package dev.quill.model.template;

import dev.quill.model.template.SourceToken.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts jinja2 source into {@link SourceToken}s the way jinja2's own lexer does, so that what
 * follows sees the same tags: a tag ends only where its brackets balance
 * ({@code {{ {'a': {'b': 1}} }}} is one print), string literals may hold delimiters, and
 * {@code raw} blocks are taken verbatim. Newlines are normalised to \n and one trailing newline
 * is dropped first, as jinja2 does with keep_trailing_newline=False.
 */
final class TemplateLexer {

    private static final Pattern END_RAW = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");

    private final String src;
    private final List<SourceToken> tokens = new ArrayList<>();
    private int pos;

    private TemplateLexer(String src) {
        this.src = src;
    }

    static List<SourceToken> lex(String source) {
        TemplateLexer lexer = new TemplateLexer(normalizeNewlines(source));
        lexer.run();
        return lexer.tokens;
    }

    /** jinja2 splits on \r\n, \r and \n, drops one empty last line, and joins with \n. */
    static String normalizeNewlines(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private void run() {
        while (pos < src.length()) {
            int open = nextTagStart(pos);
            if (open < 0) {
                tokens.add(SourceToken.text(Kind.TEXT, src.substring(pos), line(pos)));
                return;
            }
            if (open > pos) {
                tokens.add(SourceToken.text(Kind.TEXT, src.substring(pos, open), line(pos)));
            }
            char type = src.charAt(open + 1);
            pos = open + 2;
            char left = mark(pos);
            if (left != 0) {
                pos++;
            }
            if (type == '#') {
                comment(open, left);
            } else {
                tag(open, type == '{' ? Kind.PRINT : Kind.STATEMENT, left);
            }
        }
    }

    private int nextTagStart(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char next = src.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    private char mark(int at) {
        return at < src.length() && (src.charAt(at) == '-' || src.charAt(at) == '+') ? src.charAt(at) : 0;
    }

    private void comment(int open, char left) {
        int close = src.indexOf("#}", pos);
        if (close < 0) {
            throw error(open, "Missing end of comment tag");
        }
        char right = close > pos ? mark(close - 1) : 0;
        tokens.add(new SourceToken(Kind.COMMENT, src.substring(pos, right != 0 ? close - 1 : close), left, right, line(open)));
        pos = close + 2;
    }

    /** Scans a print or statement up to its closing delimiter at bracket depth zero. */
    private void tag(int open, Kind kind, char left) {
        Deque<Character> brackets = new ArrayDeque<>();
        int start = pos;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (brackets.isEmpty()) {
                int end = closing(kind);
                if (end >= 0) {
                    char right = end > pos ? src.charAt(pos) : 0;
                    SourceToken token = new SourceToken(kind, src.substring(start, pos), left, right, line(open));
                    tokens.add(token);
                    pos = end;
                    if (kind == Kind.STATEMENT && token.keyword().equals("raw") && token.arguments().isEmpty()) {
                        raw(open);
                    }
                    return;
                }
            }
            if (c == '\'' || c == '"') {
                pos = endOfString(pos);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                brackets.push(c == '(' ? ')' : c == '[' ? ']' : '}');
            } else if (c == ')' || c == ']' || c == '}') {
                if (brackets.isEmpty()) {
                    throw error(pos, "unexpected '" + c + "'");
                }
                char expected = brackets.pop();
                if (expected != c) {
                    throw error(pos, "unexpected '" + c + "', expected '" + expected + "'");
                }
            }
            pos++;
        }
        throw error(open, kind == Kind.PRINT ? "Missing end of print tag '}}'" : "Missing end of statement tag '%}'");
    }

    /** If the tag closes at pos (with an optional mark), the index just after it; else -1. */
    private int closing(Kind kind) {
        String close = kind == Kind.PRINT ? "}}" : "%}";
        if (src.startsWith(close, pos)) {
            return pos + 2;
        }
        char m = mark(pos);
        // jinja2 accepts '+' before '%}' only; in a print "+}}" is a plus sign then the end.
        boolean allowed = m == '-' || (m == '+' && kind == Kind.STATEMENT);
        return allowed && src.startsWith(close, pos + 1) ? pos + 3 : -1;
    }

    private int endOfString(int quoteAt) {
        char quote = src.charAt(quoteAt);
        for (int i = quoteAt + 1; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        throw error(quoteAt, "unterminated string literal");
    }

    /** After {% raw %}: everything up to {% endraw %} is text, whatever it looks like. */
    private void raw(int open) {
        Matcher m = END_RAW.matcher(src);
        if (!m.find(pos)) {
            throw error(open, "Missing end of raw directive");
        }
        tokens.add(SourceToken.text(Kind.RAW, src.substring(pos, m.start()), line(pos)));
        char left = m.group(1).isEmpty() ? 0 : m.group(1).charAt(0);
        char right = m.group(2).isEmpty() ? 0 : m.group(2).charAt(0);
        tokens.add(new SourceToken(Kind.STATEMENT, "endraw", left, right, line(m.start())));
        pos = m.end();
    }

    private int line(int at) {
        int n = 1;
        for (int i = src.indexOf('\n'); i >= 0 && i < at; i = src.indexOf('\n', i + 1)) {
            n++;
        }
        return n;
    }

    private TemplateException error(int at, String message) {
        return new TemplateException(TemplateException.Kind.SYNTAX, message + " (line " + line(at) + ")");
    }
}
