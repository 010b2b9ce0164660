package dev.quill.model.template.jinja;

import java.util.List;

/**
 * Python's tuple: what {@code dict.items()} yields and {@code (a, b)} builds. Kept apart from
 * lists because Python keeps them apart: it prints {@code ('a', 1)}, and {@code (1,) == [1]} is false.
 */
public record PyTuple(List<Object> items) {

    public PyTuple {
        items = List.copyOf(items);
    }

    static PyTuple of(Object... items) {
        return new PyTuple(List.of(items));
    }
}
