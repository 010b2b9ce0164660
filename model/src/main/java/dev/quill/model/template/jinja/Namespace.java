package dev.quill.model.template.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * jinja2's {@code namespace(...)}: the one mutable object a template may make, so that a value set
 * inside a loop survives the loop ({@code {% set ns.found = true %}}). Lives only within one render.
 */
public final class Namespace {

    private final Map<String, Object> attributes = new LinkedHashMap<>();

    Namespace(Map<String, Object> initial) {
        attributes.putAll(initial);
    }

    /** The attribute, or null when it was never set. */
    Object get(String name) {
        return attributes.get(name);
    }

    void set(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public String toString() {
        return "<Namespace " + PyRepr.repr(attributes) + ">";
    }
}
