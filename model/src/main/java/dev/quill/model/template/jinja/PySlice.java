package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code slice(start, stop, step)}, what {@code xs[1:-1]} and {@code s[::-1]} index with.
 * Each bound is an int, or None when omitted; strings slice by code point.
 */
record PySlice(Object start, Object stop, Object step) {

    Object apply(Object value) {
        if (Py.isStr(value)) {
            int[] cps = PyRepr.str(value).codePoints().toArray();
            StringBuilder out = new StringBuilder();
            for (int i : indices(cps.length)) {
                out.appendCodePoint(cps[i]);
            }
            return value instanceof Markup ? new Markup(out.toString()) : out.toString();
        }
        List<?> items = value instanceof PyTuple t ? t.items() : (List<?>) value;
        List<Object> out = new ArrayList<>();
        for (int i : indices(items.size())) {
            out.add(items.get(i));
        }
        return value instanceof PyTuple ? new PyTuple(out) : out;
    }

    /** The positions {@code range(*slice.indices(length))} yields. */
    int[] indices(int length) {
        long st = bound(step, 1);
        if (st == 0) {
            throw PyErrors.valueError("slice step cannot be zero");
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

    /** A bound as slice.indices adjusts it: negatives count from the end, then clamp. */
    private static long clamp(long value, int length, long min, long max) {
        if (value < 0) {
            value += length;
        }
        return Math.max(min, Math.min(max, value));
    }

    private static long bound(Object value, long omitted) {
        if (value == null || value == PyNone.NONE) {
            return omitted;
        }
        if (value instanceof Long || value instanceof Boolean) {
            return Py.asLong(value);
        }
        if (value instanceof Undefined u) {
            throw u.fail();
        }
        throw PyErrors.typeError("slice indices must be integers or None or have an __index__ method");
    }

    @Override
    public String toString() {
        return "slice(" + PyRepr.repr(start) + ", " + PyRepr.repr(stop) + ", " + PyRepr.repr(step) + ")";
    }
}
