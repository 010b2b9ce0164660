package dev.quill.model.grammar;

/**
 * A JSON Schema that constrained decoding cannot follow: a keyword outside the supported subset, or
 * a value that makes no sense (an unknown type, a {@code $ref} that points nowhere). It names the
 * keyword and where it is (a JSON pointer into the schema), so the server can answer 400 with a
 * message the client can act on.
 */
public final class UnsupportedSchemaException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String keyword;
    private final String path;

    UnsupportedSchemaException(String keyword, String path, String reason) {
        super("JSON schema keyword '" + keyword + "' at " + (path.isEmpty() ? "the root" : path) + " " + reason);
        this.keyword = keyword;
        this.path = path;
    }

    /** The keyword, e.g. {@code "pattern"}. */
    public String keyword() {
        return keyword;
    }

    /** Where the keyword is: a JSON pointer into the schema, {@code ""} for the root. */
    public String path() {
        return path;
    }
}
