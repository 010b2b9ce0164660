package dev.quill.model.template.jinja;

import java.util.List;
import java.util.Map;

/** Something a template may call: a global function, a macro, a value's method, {@code loop.cycle}. */
public interface PyCallable {

    /** @param kwargs keyword arguments in the order given */
    Object call(List<Object> args, Map<String, Object> kwargs);

    /** Python's type name, for error messages. */
    default String typeName() {
        return "function";
    }
}
