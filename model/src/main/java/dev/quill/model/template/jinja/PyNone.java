package dev.quill.model.template.jinja;

/** Python's {@code None}: defined, falsy, printed as {@code None}, {@code null} in JSON. */
public enum PyNone {
    NONE;

    @Override
    public String toString() {
        return "None";
    }
}
