package dev.quill.model.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} command-line arguments, checked against what a command accepts. */
public final class Args {

    private final Map<String, List<String>> values = new HashMap<>();

    private Args() {
    }

    /**
     * @param withValue options that take a value (may repeat)
     * @param flags options that take none
     * @throws IllegalArgumentException on an unknown option or a missing value
     */
    public static Args parse(String[] argv, Set<String> withValue, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && inline == null) {
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (withValue.contains(name)) {
                String v = inline;
                if (v == null) {
                    if (i + 1 >= argv.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    v = argv[++i];
                }
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String def) {
        List<String> v = values.get(name);
        return v == null ? def : v.get(v.size() - 1);
    }

    public String require(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public Integer integer(String name) {
        String v = get(name, null);
        try {
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    public Double number(String name) {
        String v = get(name, null);
        try {
            return v == null ? null : Double.valueOf(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
        }
    }
}
