package dev.quill.model.template.jinja;

import dev.quill.model.template.TemplateException;

/** The errors Python and jinja2 raise while rendering, as {@link TemplateException}s of kind RENDER. */
final class PyErrors {

    private PyErrors() {}

    static TemplateException error(String pythonType, String message) {
        return new TemplateException(TemplateException.Kind.RENDER, pythonType, message);
    }

    static TemplateException typeError(String message) {
        return error("TypeError", message);
    }

    static TemplateException valueError(String message) {
        return error("ValueError", message);
    }

    /** {@code unsupported operand type(s) for +: 'int' and 'str'} */
    static TemplateException unsupported(String op, Object a, Object b) {
        return typeError("unsupported operand type(s) for " + op + ": '" + Py.typeName(a) + "' and '" + Py.typeName(b) + "'");
    }

    static TemplateException syntax(String message, int line) {
        return new TemplateException(TemplateException.Kind.SYNTAX, message + " (line " + line + ")");
    }
}
