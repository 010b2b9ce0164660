package dev.quill.model.template;

import com.hubspot.jinjava.util.HasObjectTruthValue;

/**
 * Python's {@code None} while a template renders.
 *
 * <p>Jinjava uses Java null for "undefined", but jinja2 tells the two apart: a message whose
 * content is None has the key ({@code is defined} is true), prints as {@code None} and compares
 * equal to the {@code none} literal, while a missing key is undefined and prints as nothing. So
 * values bound into a render carry None as this object, and {@code none} in template source is
 * rewritten to it.
 */
enum PyNone implements HasObjectTruthValue {
    NONE;

    @Override
    public boolean getObjectTruthValue() {
        return false;
    }

    @Override
    public String toString() {
        return "None";
    }

    /** Null (undefined) or None: neither has attributes, items or a length. */
    static boolean isNullish(Object value) {
        return value == null || value == NONE;
    }
}
