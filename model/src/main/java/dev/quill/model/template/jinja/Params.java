package dev.quill.model.template.jinja;

import java.util.List;
import java.util.Map;

/**
 * Binds a call's positional and keyword arguments to a builtin's parameter names, as Python binds
 * them, and fails with Python's TypeErrors for too many or unknown arguments.
 */
final class Params {

    private final String function;
    private final Object[] values;

    private Params(String function, Object[] values) {
        this.function = function;
        this.values = values;
    }

    static Params bind(String function, List<Object> args, Map<String, Object> kwargs, String... names) {
        if (args.size() > names.length) {
            throw PyErrors.typeError(function + "() takes at most " + names.length + " argument"
                    + (names.length == 1 ? "" : "s") + " (" + args.size() + " given)");
        }
        Object[] values = new Object[names.length];
        for (int i = 0; i < args.size(); i++) {
            values[i] = args.get(i);
        }
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            int i = List.of(names).indexOf(e.getKey());
            if (i < 0) {
                throw PyErrors.typeError(function + "() got an unexpected keyword argument '" + e.getKey() + "'");
            }
            if (values[i] != null) {
                throw PyErrors.typeError(function + "() got multiple values for argument '" + e.getKey() + "'");
            }
            values[i] = e.getValue();
        }
        return new Params(function, values);
    }

    /** The argument, or {@code fallback} when it was not given. */
    Object get(int i, Object fallback) {
        return values[i] == null ? fallback : values[i];
    }

    /** A required argument. */
    Object required(int i) {
        if (values[i] == null) {
            throw PyErrors.typeError(function + "() missing required argument " + (i + 1));
        }
        return values[i];
    }

    boolean flag(int i, boolean fallback) {
        return values[i] == null ? fallback : Py.truthy(values[i]);
    }

    /** An optional str argument; None counts as not given. */
    String string(int i) {
        return values[i] == null || values[i] == PyNone.NONE ? null : PyRepr.str(values[i]);
    }

    long integer(int i, long fallback) {
        if (values[i] == null) {
            return fallback;
        }
        if (values[i] instanceof Long || values[i] instanceof Boolean) {
            return Py.asLong(values[i]);
        }
        throw PyErrors.typeError("'" + Py.typeName(values[i]) + "' object cannot be interpreted as an integer");
    }
}
