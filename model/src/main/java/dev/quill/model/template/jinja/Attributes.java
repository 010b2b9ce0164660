package dev.quill.model.template.jinja;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code obj.name} and {@code obj[key]} as jinja2's ImmutableSandboxedEnvironment resolves them:
 * an attribute first, then an item ({@code obj[key]}: the other way round); a missing one is
 * {@link Undefined}. The only attributes are the methods in {@link Methods}; dunder names and the
 * methods that would change a value ({@code list.append}, {@code dict.update}) are refused.
 */
final class Attributes {

    private static final Set<String> MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "reverse",
            "sort", "clear", "update", "setdefault", "popitem", "add", "discard");

    private Attributes() {}

    /** {@code obj.name}. */
    static Object get(Object obj, String name) {
        if (obj instanceof Undefined u) {
            throw u.fail();
        }
        if (name.startsWith("__")) {
            return Undefined.unsafe(obj, name);
        }
        if (obj instanceof LoopContext loop) {
            return loop.attribute(name);
        }
        if (obj instanceof Namespace ns) {
            Object v = ns.get(name);
            return v == null ? Undefined.attribute(obj, name) : v;
        }
        if (Methods.has(obj, name)) {
            return new Methods.Bound(obj, name);
        }
        if ((obj instanceof List<?> || obj instanceof Map<?, ?>) && MUTATORS.contains(name)) {
            return Undefined.unsafe(obj, name);
        }
        if (obj instanceof Map<?, ?> map && map.containsKey(name)) {
            return map.get(name);
        }
        return Undefined.attribute(obj, name);
    }

    /** {@code obj[key]}; a {@link PySlice} key slices. */
    static Object item(Object obj, Object key) {
        if (obj instanceof Undefined u) {
            throw u.fail();
        }
        if (key instanceof PySlice slice) {
            if (Py.isStr(obj) || obj instanceof List<?> || obj instanceof PyTuple) {
                return slice.apply(obj);
            }
            return Undefined.attribute(obj, key);
        }
        if (obj instanceof Map<?, ?> map) {
            Object k = key instanceof Markup m ? m.text() : key;
            if (map.containsKey(k)) {
                return map.get(k);
            }
        } else if (key instanceof Long || key instanceof Boolean) {
            List<?> seq = obj instanceof List<?> l ? l : obj instanceof PyTuple t ? t.items() : null;
            if (seq != null) {
                return index(obj, seq, Py.asLong(key));
            }
            if (Py.isStr(obj)) {
                List<Object> chars = Py.iterate(obj);
                return index(obj, chars, Py.asLong(key));
            }
        }
        if (key instanceof String name && !(obj instanceof Map<?, ?>)) {
            return get(obj, name);
        }
        if (key instanceof String name && Methods.has(obj, name)) {
            return new Methods.Bound(obj, name);
        }
        return Undefined.attribute(obj, key);
    }

    private static Object index(Object obj, List<?> seq, long i) {
        long at = i < 0 ? i + seq.size() : i;
        return at < 0 || at >= seq.size() ? Undefined.attribute(obj, i) : seq.get((int) at);
    }
}
