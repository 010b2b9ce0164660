package dev.quill.model.template.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * jinja2's filters over sequences: map, select/reject, selectattr/rejectattr, first, last, list,
 * reverse, sort, dictsort, unique, min, max, sum. jinja2's map and select return generators; here
 * they return lists, which every template joins, counts or loops over anyway.
 */
final class SequenceFilters {

    private static final Set<String> NAMES = Set.of("map", "select", "reject", "selectattr", "rejectattr", "first", "last",
            "list", "reverse", "sort", "dictsort", "unique", "min", "max", "sum");

    private SequenceFilters() {}

    static boolean handles(String name) {
        return NAMES.contains(name);
    }

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        return switch (name) {
            case "map" -> map(v, args, kwargs);
            case "select", "reject", "selectattr", "rejectattr" -> select(name, v, args, kwargs);
            case "first" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? Undefined.hinted("No first item, sequence was empty.") : items.get(0);
            }
            case "last" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? Undefined.hinted("No last item, sequence was empty.") : items.get(items.size() - 1);
            }
            case "list" -> Py.iterate(v);
            case "reverse" -> {
                if (Py.isStr(v)) {
                    yield new PySlice(PyNone.NONE, PyNone.NONE, -1L).apply(v);
                }
                List<Object> items = Py.iterate(v);
                Collections.reverse(items);
                yield items;
            }
            case "sort" -> {
                Params p = Params.bind("sort", args, kwargs, "reverse", "case_sensitive", "attribute");
                yield sorted(Py.iterate(v), p.flag(0, false), p.flag(1, false), p.get(2, null));
            }
            case "dictsort" -> dictsort(v, Params.bind("dictsort", args, kwargs, "case_sensitive", "by", "reverse"));
            case "unique" -> unique(v, Params.bind("unique", args, kwargs, "case_sensitive", "attribute"));
            case "min", "max" -> extreme(name, v, Params.bind(name, args, kwargs, "case_sensitive", "attribute"));
            case "sum" -> {
                Params p = Params.bind("sum", args, kwargs, "attribute", "start");
                Object total = p.get(1, 0L);
                List<Object> items = p.get(0, null) == null ? Py.iterate(v) : attributes(Py.iterate(v), p.get(0, null), null);
                for (Object item : items) {
                    total = PyOps.binary("+", total, item);
                }
                yield total;
            }
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** jinja2's make_attrgetter: "a.b.0" looks up item a, then b, then index 0; missing ones become {@code fallback}. */
    static Object attribute(Object item, Object path, Object fallback) {
        if (!(path instanceof String s)) {
            return Attributes.item(item, path);
        }
        for (String part : s.split("\\.")) {
            item = Attributes.item(item, part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part);
            if (fallback != null && item instanceof Undefined) {
                item = fallback;
            }
        }
        return item;
    }

    static List<Object> attributes(List<Object> items, Object path, Object fallback) {
        List<Object> out = new ArrayList<>(items.size());
        items.forEach(item -> out.add(attribute(item, path, fallback)));
        return out;
    }

    private static Object map(Object v, List<Object> args, Map<String, Object> kwargs) {
        if (!Py.truthy(v)) {
            return new ArrayList<>();
        }
        List<Object> items = Py.iterate(v);
        if (args.isEmpty() && kwargs.containsKey("attribute")) {
            Map<String, Object> rest = new java.util.LinkedHashMap<>(kwargs);
            Object path = rest.remove("attribute");
            Object fallback = rest.remove("default");
            if (!rest.isEmpty()) {
                throw PyErrors.error("FilterArgumentError", "Unexpected keyword argument " + PyRepr.repr(rest.keySet().iterator().next()));
            }
            return attributes(items, path, fallback);
        }
        if (args.isEmpty()) {
            throw PyErrors.error("FilterArgumentError", "map requires a filter argument");
        }
        String filter = PyRepr.str(args.get(0));
        List<Object> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(Filters.apply(filter, item, args.subList(1, args.size()), kwargs));
        }
        return out;
    }

    private static Object select(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        if (!Py.truthy(v)) {
            return new ArrayList<>();
        }
        boolean byAttribute = name.endsWith("attr");
        boolean keep = name.startsWith("select");
        if (byAttribute && args.isEmpty()) {
            throw PyErrors.error("FilterArgumentError", "Missing parameter for attribute name");
        }
        int off = byAttribute ? 1 : 0;
        List<Object> out = new ArrayList<>();
        for (Object item : Py.iterate(v)) {
            Object x = byAttribute ? attribute(item, args.get(0), null) : item;
            boolean passed = args.size() > off
                    ? Tests.apply(PyRepr.str(args.get(off)), x, args.subList(off + 1, args.size()), kwargs)
                    : Py.truthy(x);
            if (passed == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static Object key(Object item, boolean caseSensitive, Object attribute) {
        Object k = attribute == null ? item : attribute(item, attribute, null);
        return !caseSensitive && Py.isStr(k) ? PyRepr.str(k).toLowerCase(Locale.ROOT) : k;
    }

    private static List<Object> sorted(List<Object> items, boolean reverse, boolean caseSensitive, Object attribute) {
        List<Object> out = new ArrayList<>(items);
        Comparator<Object> order = (a, b) -> Py.compare(key(a, caseSensitive, attribute), key(b, caseSensitive, attribute), "<");
        out.sort(reverse ? order.reversed() : order);
        return out;
    }

    private static Object dictsort(Object v, Params p) {
        if (!(v instanceof Map<?, ?> map)) {
            throw PyErrors.error("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
        }
        String by = PyRepr.str(p.get(1, "key"));
        int pos = by.equals("key") ? 0 : 1;
        List<Object> pairs = new ArrayList<>();
        map.forEach((k, x) -> pairs.add(PyTuple.of(k, x)));
        return sorted(pairs, p.flag(2, false), p.flag(0, false), (long) pos);
    }

    private static Object unique(Object v, Params p) {
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object item : Py.iterate(v)) {
            Object k = key(item, p.flag(0, false), p.get(1, null));
            if (seen.stream().noneMatch(s -> Py.eq(s, k))) {
                seen.add(k);
                out.add(item);
            }
        }
        return out;
    }

    private static Object extreme(String name, Object v, Params p) {
        List<Object> items = Py.iterate(v);
        if (items.isEmpty()) {
            return Undefined.hinted("No aggregated item, sequence was empty.");
        }
        Object best = items.get(0);
        for (Object item : items.subList(1, items.size())) {
            int c = Py.compare(key(item, p.flag(0, false), p.get(1, null)), key(best, p.flag(0, false), p.get(1, null)), "<");
            if (name.equals("min") ? c < 0 : c > 0) {
                best = item;
            }
        }
        return best;
    }
}
