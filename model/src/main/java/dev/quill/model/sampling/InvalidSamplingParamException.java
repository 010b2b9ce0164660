package dev.quill.model.sampling;

/**
 * A sampling parameter outside its allowed range. It carries the parameter's wire name (as the
 * OpenAI API spells it, e.g. {@code top_p}) so the server can fill the {@code param} field of an
 * OpenAI error object without parsing the message.
 */
public final class InvalidSamplingParamException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String param;

    InvalidSamplingParamException(String param, String message) {
        super(message);
        this.param = param;
    }

    /** The parameter's wire name, e.g. {@code "temperature"} or {@code "stop"}. */
    public String param() {
        return param;
    }
}
