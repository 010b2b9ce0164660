package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** jinja2's global functions: range, dict, namespace, joiner, cycler. */
final class Globals {

    /** jinja2's sandbox refuses larger ranges. */
    private static final long MAX_RANGE = 100_000;

    private Globals() {}

    static void install(Scope scope) {
        scope.set("range", (PyCallable) Globals::range);
        scope.set("dict", (PyCallable) (args, kwargs) -> {
            Map<Object, Object> out = new LinkedHashMap<>();
            if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> m) {
                out.putAll(m);
            }
            out.putAll(kwargs);
            return out;
        });
        scope.set("namespace", (PyCallable) (args, kwargs) -> {
            Map<String, Object> initial = new LinkedHashMap<>();
            for (Object arg : args) {
                if (arg instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> initial.put(PyRepr.str(k), v));
                }
            }
            initial.putAll(kwargs);
            return new Namespace(initial);
        });
        scope.set("joiner", (PyCallable) (args, kwargs) -> {
            String sep = PyRepr.str(Params.bind("joiner", args, kwargs, "sep").get(0, ", "));
            boolean[] used = {false};
            return (PyCallable) (a, k) -> {
                if (!used[0]) {
                    used[0] = true;
                    return "";
                }
                return sep;
            };
        });
        scope.set("cycler", (PyCallable) (args, kwargs) -> {
            int[] at = {0};
            Map<Object, Object> cycler = new LinkedHashMap<>();
            cycler.put("next", (PyCallable) (a, k) -> args.get(at[0]++ % args.size()));
            return cycler;
        });
    }

    private static Object range(List<Object> args, Map<String, Object> kwargs) {
        if (args.isEmpty() || args.size() > 3 || !kwargs.isEmpty()) {
            throw PyErrors.typeError("range expected at least 1 argument, got " + args.size());
        }
        long[] n = new long[args.size()];
        for (int i = 0; i < n.length; i++) {
            Object a = args.get(i);
            if (!(a instanceof Long || a instanceof Boolean)) {
                throw PyErrors.typeError("'" + Py.typeName(a) + "' object cannot be interpreted as an integer");
            }
            n[i] = Py.asLong(a);
        }
        long start = n.length > 1 ? n[0] : 0;
        long stop = n.length > 1 ? n[1] : n[0];
        long step = n.length > 2 ? n[2] : 1;
        if (step == 0) {
            throw PyErrors.valueError("range() arg 3 must not be zero");
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() >= MAX_RANGE) {
                throw PyErrors.error("OverflowError", "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
            }
            out.add(i);
        }
        return out;
    }
}
