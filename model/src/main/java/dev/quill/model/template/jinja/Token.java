package dev.quill.model.template.jinja;

/**
 * A token of jinja2's lexer: template text, the delimiters of a print or statement, or a piece
 * of an expression inside one.
 *
 * @param value the text, name, decoded string literal, number or operator
 * @param line  the 1-based source line, for error messages
 */
record Token(Type type, String value, int line) {

    enum Type { TEXT, PRINT_BEGIN, PRINT_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF }

    boolean is(Type t, String v) {
        return type == t && value.equals(v);
    }

    boolean isName(String name) {
        return is(Type.NAME, name);
    }

    boolean isOperator(String op) {
        return is(Type.OPERATOR, op);
    }

    /** How jinja2 describes the token in "expected ..." messages. */
    String describe() {
        return switch (type) {
            case EOF -> "end of template";
            case PRINT_END -> "end of print statement";
            case BLOCK_END -> "end of statement block";
            case TEXT -> "template data";
            default -> "'" + value + "'";
        };
    }
}
