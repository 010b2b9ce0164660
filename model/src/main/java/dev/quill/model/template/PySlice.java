package dev.quill.model.template;

import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's subscripts, {@code value[key]} and {@code value[start:stop:step]}, on lists, strings
 * and mappings. Jinjava has no step ({@code messages[::-1]} does not parse) and cannot index a
 * string, so the rewritten template calls these instead of using Jinjava's brackets.
 */
final class PySlice {

    private PySlice() {}

    /** {@code value[start:stop:step]}; each bound may be null or None for "omitted". */
    static Object apply(Object value, Object start, Object stop, Object step) {
        if (value instanceof CharSequence || value instanceof SafeString) {
            int[] cps = value.toString().codePoints().toArray();
            StringBuilder out = new StringBuilder();
            for (int i : indices(cps.length, start, stop, step)) {
                out.appendCodePoint(cps[i]);
            }
            return out.toString();
        }
        if (value instanceof Collection<?> collection) {
            List<?> items = collection instanceof List<?> list ? list : new ArrayList<>(collection);
            List<Object> out = new ArrayList<>();
            for (int i : indices(items.size(), start, stop, step)) {
                out.add(items.get(i));
            }
            return out;
        }
        throw new IllegalArgumentException("cannot slice " + describe(value));
    }

    /** {@code value[key]}: a list or string by (possibly negative) position, a mapping by key. */
    static Object item(Object value, Object key) {
        if (value instanceof Map<?, ?> map) {
            // A missing key is undefined (null), like jinja2's Undefined, not an error.
            return map.get(key instanceof CharSequence ? key.toString() : key);
        }
        if (value instanceof List<?> list) {
            int i = position(key, list.size());
            return i < 0 ? null : list.get(i);
        }
        if (value instanceof CharSequence || value instanceof SafeString) {
            int[] cps = value.toString().codePoints().toArray();
            int i = position(key, cps.length);
            return i < 0 ? null : Character.toString(cps[i]);
        }
        if (value instanceof Collection<?> collection) {
            return item(new ArrayList<>(collection), key);
        }
        throw new IllegalArgumentException(describe(value) + " is not subscriptable");
    }

    /** A Python index into a sequence of {@code size}, or -1 when out of range (undefined). */
    private static int position(Object key, int size) {
        if (!(key instanceof Number n) || PyStr.isFloat(key)) {
            throw new IllegalArgumentException("indices must be integers, not " + describe(key));
        }
        long i = n.longValue();
        if (i < 0) {
            i += size;
        }
        return i < 0 || i >= size ? -1 : (int) i;
    }

    /** The positions {@code range(*slice(start, stop, step).indices(length))} yields. */
    static int[] indices(int length, Object start, Object stop, Object step) {
        long st = bound(step, 1);
        if (st == 0) {
            throw new IllegalArgumentException("slice step cannot be zero");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = clamp(bound(start, 0), length, 0, length);
            hi = clamp(bound(stop, length), length, 0, length);
        } else {
            lo = clamp(bound(start, length - 1L), length, -1, length - 1L);
            hi = clamp(bound(stop, -1L - length), length, -1, length - 1L);
        }
        int n = (int) Math.max(0, st > 0 ? (hi - lo + st - 1) / st : (lo - hi - st - 1) / -st);
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = (int) (lo + k * st);
        }
        return out;
    }

    /** A bound as Python's slice.indices adjusts it: negatives count from the end, then clamp. */
    private static long clamp(long value, int length, long min, long max) {
        if (value < 0) {
            value += length;
        }
        return Math.max(min, Math.min(max, value));
    }

    private static long bound(Object value, long omitted) {
        if (PyNone.isNullish(value)) {
            return omitted;
        }
        if (!(value instanceof Number n) || PyStr.isFloat(value)) {
            throw new IllegalArgumentException("slice indices must be integers or None, not " + describe(value));
        }
        return n.longValue();
    }

    private static String describe(Object value) {
        return value == null ? "an undefined value" : value == PyNone.NONE ? "None" : value.getClass().getSimpleName();
    }
}
