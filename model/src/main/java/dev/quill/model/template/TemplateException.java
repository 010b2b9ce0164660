package dev.quill.model.template;

/**
 * A chat template that cannot be compiled or rendered.
 *
 * <p>{@link Kind} tells the caller whose fault it is: a {@link Kind#RAISED} error is the template
 * refusing the conversation through {@code raise_exception(...)} (roles that do not alternate, a
 * system message the model does not take, ...), so the request is wrong and a server answers 400;
 * {@link Kind#SYNTAX} means the template itself is broken; {@link Kind#RENDER} is an error Python's
 * jinja2 would raise too while rendering this conversation ({@code 'a' + None}, {@code for x in None}),
 * named by {@link #pythonType()} with Python's message.
 */
public final class TemplateException extends RuntimeException {

    /** Why the template failed. */
    public enum Kind {
        /** The source does not parse: an unclosed block, an unterminated tag, a bad expression. */
        SYNTAX,
        /** The template called {@code raise_exception(message)}; {@link #getMessage()} is that message. */
        RAISED,
        /** Rendering failed for another reason (a TypeError, an undefined attribute used, ...). */
        RENDER
    }

    private final Kind kind;
    private final String pythonType;

    public TemplateException(Kind kind, String message) {
        this(kind, defaultType(kind), message);
    }

    public TemplateException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.pythonType = defaultType(kind);
    }

    /** @param pythonType the exception class jinja2 raises in this case: TypeError, UndefinedError, ... */
    public TemplateException(Kind kind, String pythonType, String message) {
        super(message);
        this.kind = kind;
        this.pythonType = pythonType;
    }

    private static String defaultType(Kind kind) {
        return switch (kind) {
            case SYNTAX -> "TemplateSyntaxError";
            case RAISED -> "TemplateError";
            case RENDER -> "RuntimeError";
        };
    }

    public Kind kind() {
        return kind;
    }

    /** The name of the Python exception jinja2 raises here ({@code TypeError}, {@code UndefinedError}, ...). */
    public String pythonType() {
        return pythonType;
    }
}
