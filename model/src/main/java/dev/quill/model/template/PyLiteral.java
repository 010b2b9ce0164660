package dev.quill.model.template;

/**
 * Python literal syntax as jinja2 reads it: string escapes (jinja2 decodes literals with
 * Python's unicode-escape codec) and number shapes, and the way back to a Jinjava literal.
 */
final class PyLiteral {

    /** Pairs Jinjava's tokenizer could take for a delimiter even inside quotes. */
    private static final String[] DELIMITERS = {"{#", "{{", "{%", "#}", "%}", "}}"};

    private PyLiteral() {}

    /** Decodes {@code \n}, {@code \t}, {@code \xhh}, {@code \u2028}, {@code \N{...}}, octal...; keeps unknown escapes. */
    static String unescape(String body) {
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 == body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case '\n' -> { } // a backslash-newline continues the line
                case '\\', '\'', '"' -> out.append(e);
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    out.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + digits), 16));
                    i += digits;
                }
                case 'N' -> {
                    int close = body.indexOf('}', i);
                    out.appendCodePoint(Character.codePointOf(body.substring(i + 2, close)));
                    i = close;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i;
                        while (end < body.length() && end < i + 3 && body.charAt(end) >= '0' && body.charAt(end) <= '7') {
                            end++;
                        }
                        out.appendCodePoint(Integer.parseInt(body.substring(i, end), 8));
                        i = end - 1;
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * A Jinjava literal for {@code value}. Only backslash and quote are escaped (Jinjava reads any
     * other character verbatim); a value holding a tag delimiter is split into a concatenation.
     */
    static String forJinjava(String value) {
        for (String delimiter : DELIMITERS) {
            int at = value.indexOf(delimiter);
            if (at >= 0) {
                return "(" + forJinjava(value.substring(0, at + 1)) + " ~ " + forJinjava(value.substring(at + 1)) + ")";
            }
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The end of a number starting at {@code start}: digits, '_', an optional fraction and exponent. */
    static int endOfNumber(String s, int start) {
        int j = digits(s, start);
        if (j + 1 < s.length() && s.charAt(j) == '.' && Character.isDigit(s.charAt(j + 1))) {
            j = digits(s, j + 1);
        }
        if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            if (k < s.length() && Character.isDigit(s.charAt(k))) {
                j = digits(s, k);
            }
        }
        return j;
    }

    private static int digits(String s, int i) {
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return i;
    }
}
