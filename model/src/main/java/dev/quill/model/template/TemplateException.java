package dev.quill.model.template;

/**
 * A chat template that cannot be compiled or rendered.
 *
 * <p>{@link Kind} tells the caller whose fault it is: a {@link Kind#RAISED} error is the template
 * refusing the conversation through {@code raise_exception(...)} (roles that do not alternate, a
 * system message the model does not take, ...), so the request is wrong and a server answers 400;
 * {@link Kind#SYNTAX} and {@link Kind#RENDER} mean the template itself is broken or uses something
 * this renderer does not support.
 */
public final class TemplateException extends RuntimeException {

    /** Why the template failed. */
    public enum Kind {
        /** The source does not parse: an unclosed block, an unterminated tag, a bad expression. */
        SYNTAX,
        /** The template called {@code raise_exception(message)}; {@link #getMessage()} is that message. */
        RAISED,
        /** Rendering failed for another reason (a method that does not exist, a bad argument, ...). */
        RENDER
    }

    private final Kind kind;

    public TemplateException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TemplateException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
