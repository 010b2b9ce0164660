package dev.quill.model.template;

import com.hubspot.jinjava.objects.SafeString;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Answers method calls the Python way before Jinjava's own resolvers look for Java methods:
 * str methods ({@code s.startswith(...)}), {@code dict.get(key)} returning None for a missing key,
 * and the subscripts the rewriter turns {@code x[k]} and {@code x[a:b:c]} into; and refuses the
 * methods that would modify a list or dict, as transformers' immutable sandbox does. Anything
 * else is left unresolved, so the next resolver in the chain handles it.
 */
final class PythonResolver extends ELResolver {

    /** What {@link #call} returns when the call is not one of ours. */
    private static final Object UNRESOLVED = new Object();

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) {
            return null;
        }
        Object result = call(base, method.toString(), params == null ? new Object[0] : params);
        if (result == UNRESOLVED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    /** Methods that would change a value: transformers' ImmutableSandboxedEnvironment refuses them. */
    private static final Set<String> MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "clear",
            "update", "setdefault", "popitem", "sort", "reverse", "add", "discard", "put", "set");

    private static Object call(Object base, String method, Object[] args) {
        if ((base instanceof Collection || base instanceof Map) && MUTATORS.contains(method)) {
            String type = base instanceof Map ? "dict" : "list";
            throw new TemplateException(TemplateException.Kind.RENDER,
                    "access to attribute '" + method + "' of '" + type + "' object is unsafe.");
        }
        if (method.equals("__quill_item")) {
            return PySlice.item(base, args[0]); // null when missing: undefined, as in jinja2
        }
        if (method.equals("__quill_slice")) {
            return PySlice.apply(base, args[0], args[1], args[2]);
        }
        if (base instanceof CharSequence || base instanceof SafeString) {
            return PyStrings.call(base.toString(), method, args).orElse(UNRESOLVED);
        }
        if (base instanceof Map<?, ?> map && args.length == 0) {
            switch (method) {
                case "items": // a list of (key, value) pairs, in the mapping's order
                    return PythonFilters.items(map);
                case "keys":
                    return new ArrayList<>(map.keySet());
                case "values":
                    return new ArrayList<>(map.values());
                default:
                    break;
            }
        }
        if (base instanceof Map<?, ?> map && method.equals("get") && args.length >= 1 && args.length <= 2) {
            Object key = args[0] instanceof CharSequence ? args[0].toString() : args[0];
            Object value = map.get(key);
            if (value == null && !map.containsKey(key)) {
                return args.length == 2 ? args[1] : PyNone.NONE;
            }
            return value == null ? PyNone.NONE : value;
        }
        return UNRESOLVED;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
