package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The methods a template may call on a value: Python's str methods ({@link StrMethods}), and the
 * dict and list methods that do not change the value. They are the only attributes values have.
 */
final class Methods {

    private static final Set<String> DICT = Set.of("get", "items", "keys", "values", "copy");
    private static final Set<String> LIST = Set.of("index", "count", "copy");
    private static final Set<String> TUPLE = Set.of("index", "count");

    private Methods() {}

    /** A method bound to its value: {@code content.strip} before it is called. */
    record Bound(Object self, String name) implements PyCallable {
        @Override
        public Object call(List<Object> args, Map<String, Object> kwargs) {
            return Methods.call(self, name, args, kwargs);
        }

        @Override
        public String typeName() {
            return "builtin_function_or_method";
        }

        @Override
        public String toString() {
            return "<built-in method " + name + " of " + Py.typeName(self) + " object>";
        }
    }

    static boolean has(Object obj, String name) {
        if (Py.isStr(obj)) {
            return StrMethods.NAMES.contains(name);
        }
        if (obj instanceof Map<?, ?>) {
            return DICT.contains(name);
        }
        if (obj instanceof List<?>) {
            return LIST.contains(name);
        }
        return obj instanceof PyTuple && TUPLE.contains(name);
    }

    static Object call(Object self, String name, List<Object> args, Map<String, Object> kwargs) {
        if (Py.isStr(self)) {
            return StrMethods.call(self, name, args, kwargs);
        }
        if (self instanceof Map<?, ?> map) {
            return dict(map, name, args, kwargs);
        }
        List<?> items = self instanceof PyTuple t ? t.items() : (List<?>) self;
        Params p = Params.bind(name, args, kwargs, "value");
        return switch (name) {
            case "index" -> {
                Object x = p.required(0);
                for (int i = 0; i < items.size(); i++) {
                    if (Py.eq(items.get(i), x)) {
                        yield (long) i;
                    }
                }
                throw PyErrors.valueError(self instanceof PyTuple ? "tuple.index(x): x not in tuple" : PyRepr.repr(x) + " is not in list");
            }
            case "count" -> items.stream().filter(i -> Py.eq(i, p.required(0))).count();
            default -> new ArrayList<>(items); // copy
        };
    }

    private static Object dict(Map<?, ?> map, String name, List<Object> args, Map<String, Object> kwargs) {
        if (!kwargs.isEmpty()) {
            throw PyErrors.typeError(name + "() takes no keyword arguments");
        }
        return switch (name) {
            case "get" -> {
                Params p = Params.bind("get", args, kwargs, "key", "default");
                Object key = p.required(0);
                Object k = key instanceof Markup m ? m.text() : key;
                yield map.containsKey(k) ? map.get(k) : p.get(1, PyNone.NONE);
            }
            case "items" -> {
                List<Object> out = new ArrayList<>();
                map.forEach((k, v) -> out.add(PyTuple.of(k, v)));
                yield out;
            }
            case "keys" -> new ArrayList<Object>(map.keySet());
            case "values" -> new ArrayList<Object>(map.values());
            default -> new LinkedHashMap<Object, Object>(map); // copy
        };
    }
}
