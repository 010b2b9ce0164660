package dev.quill.model.template.jinja;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The {@code loop} variable of a for loop: index, index0, revindex, revindex0, first, last, length,
 * previtem, nextitem, depth, depth0, cycle(...), changed(...), and for a recursive loop
 * {@code loop(children)}.
 */
final class LoopContext implements PyCallable {

    private final List<Object> items;
    private final int depth0;
    /** For {@code loop(children)} in a recursive loop: renders the loop over other items one level deeper. */
    private final BiFunction<Object, Integer, String> recurse;
    private int index0;
    private List<Object> lastChanged;

    LoopContext(List<Object> items, int depth0, BiFunction<Object, Integer, String> recurse) {
        this.items = items;
        this.depth0 = depth0;
        this.recurse = recurse;
    }

    void advance(int index0) {
        this.index0 = index0;
    }

    Object attribute(String name) {
        int length = items.size();
        return switch (name) {
            case "index" -> (long) index0 + 1;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (length - index0);
            case "revindex0" -> (long) (length - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == length - 1;
            case "length" -> (long) length;
            case "depth" -> (long) depth0 + 1;
            case "depth0" -> (long) depth0;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.hinted("there is no previous item");
            case "nextitem" -> index0 < length - 1 ? items.get(index0 + 1) : Undefined.hinted("there is no next item");
            case "cycle" -> (PyCallable) (args, kwargs) -> {
                if (args.isEmpty()) {
                    throw PyErrors.typeError("no items for cycling given");
                }
                return args.get(index0 % args.size());
            };
            case "changed" -> (PyCallable) (args, kwargs) -> {
                if (args.equals(lastChanged)) {
                    return false;
                }
                lastChanged = args;
                return true;
            };
            default -> Undefined.attribute(this, name);
        };
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        if (recurse == null) {
            throw PyErrors.typeError("The loop must be marked 'recursive' to be called recursively.");
        }
        if (args.size() != 1) {
            throw PyErrors.typeError("loop() takes exactly one argument");
        }
        return recurse.apply(args.get(0), depth0 + 1);
    }

    @Override
    public String typeName() {
        return "LoopContext";
    }

    @Override
    public String toString() {
        return "<LoopContext " + (index0 + 1) + "/" + items.size() + ">";
    }
}
