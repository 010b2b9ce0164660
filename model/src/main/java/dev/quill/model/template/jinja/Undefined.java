package dev.quill.model.template.jinja;

import dev.quill.model.template.TemplateException;

/**
 * jinja2's default {@code Undefined}: a missing variable, key or attribute. Prints as nothing, is
 * falsy, iterates as empty, has length 0; anything else (arithmetic, attribute access, calling)
 * raises jinja2's {@code UndefinedError} with jinja2's message.
 *
 * @param owner the object the name was looked up on, or null for a plain variable
 * @param name  the missing name (a String) or index (a Long), or null with a hint
 * @param hint  jinja2's explicit message ({@code first} of an empty list), or null
 * @param unsafe true when the sandbox refused the attribute: using it raises a SecurityError
 */
public record Undefined(Object owner, Object name, String hint, boolean unsafe) {

    static Undefined variable(String name) {
        return new Undefined(null, name, null, false);
    }

    static Undefined attribute(Object owner, Object name) {
        return new Undefined(owner == null ? PyNone.NONE : owner, name, null, false);
    }

    static Undefined hinted(String hint) {
        return new Undefined(null, null, hint, false);
    }

    static Undefined unsafe(Object owner, String name) {
        return new Undefined(owner, name, null, true);
    }

    /** jinja2's {@code Undefined._undefined_message}. */
    String message() {
        if (unsafe) {
            return "access to attribute '" + name + "' of '" + Py.typeName(owner) + "' object is unsafe.";
        }
        if (hint != null) {
            return hint;
        }
        if (owner == null) {
            return PyRepr.repr(name) + " is undefined";
        }
        String type = owner == PyNone.NONE ? "None" : Py.typeName(owner) + " object";
        if (!(name instanceof String)) {
            return type + " has no element " + PyRepr.repr(name);
        }
        return PyRepr.repr(type) + " has no attribute " + PyRepr.repr(name);
    }

    /** Raised when the template uses this value for more than printing, testing or iterating. */
    TemplateException fail() {
        return PyErrors.error(unsafe ? "SecurityError" : "UndefinedError", message());
    }
}
