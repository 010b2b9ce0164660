package dev.quill.model.template;

/**
 * A piece of jinja2 source as jinja2's lexer cuts it: text, a {@code {{ }}} print, a
 * {@code {% %}} statement, a {@code {# #}} comment, or the verbatim body of a {@code raw} block.
 *
 * @param body  the text, or a tag's inside without its delimiters and whitespace marks
 * @param left  the mark after the opening delimiter: '-', '+' or 0 for none
 * @param right the mark before the closing delimiter: '-', '+' or 0 for none
 * @param line  the 1-based source line the token starts on, for error messages
 */
record SourceToken(Kind kind, String body, char left, char right, int line) {

    enum Kind { TEXT, PRINT, STATEMENT, COMMENT, RAW }

    static SourceToken text(Kind kind, String body, int line) {
        return new SourceToken(kind, body, (char) 0, (char) 0, line);
    }

    boolean isTag() {
        return kind == Kind.PRINT || kind == Kind.STATEMENT || kind == Kind.COMMENT;
    }

    /** The statement's keyword ({@code for}, {@code endif}, ...), or "" for other tokens. */
    String keyword() {
        if (kind != Kind.STATEMENT) {
            return "";
        }
        String s = body.strip();
        int end = 0;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
            end++;
        }
        return s.substring(0, end);
    }

    /** The statement after its keyword. */
    String arguments() {
        String s = body.strip();
        return s.substring(keyword().length()).strip();
    }
}
