package dev.quill.model.template.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables, as jinja2 scopes them: each loop iteration, macro call and {@code with} block gets a
 * child scope, so a {@code set} inside a loop does not outlive the iteration (hence namespace()),
 * while {@code if} blocks share their parent's.
 */
final class Scope {

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The variable's value, or null when no scope up the chain defines it. */
    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
