package dev.quill.model.template.jinja;

/**
 * The value of a string literal in a template: jinja2 decodes the text between the quotes with
 * Python's unicode-escape codec, so {@code '\\n'}, {@code '\\x41'}, {@code '\\u00e9'} and
 * {@code '\\N{BULLET}'} are escapes and an unknown escape keeps its backslash.
 */
final class StringLiteral {

    private StringLiteral() {}

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
}
