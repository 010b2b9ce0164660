package dev.quill.server.config;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration as flat {@code section.key -> value} strings, layered: the defaults in
 * config/quill.yaml (bundled in the jar), then a {@code --config} file, then {@code QUILL_*}
 * environment variables, then command-line flags. Only keys the defaults define are accepted,
 * so a typo is an error rather than a silently ignored setting.
 */
public final class Settings {

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    /** The bundled defaults (config/quill.yaml on the classpath). */
    public static Settings defaults() {
        try (InputStream in = Settings.class.getResourceAsStream("/quill.yaml")) {
            if (in == null) {
                throw new IllegalStateException("quill.yaml is missing from the classpath");
            }
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", new Yaml().load(in), flat);
            return new Settings(flat);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled quill.yaml", e);
        }
    }

    /** Layers a YAML file over these settings. */
    public Settings withFile(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Map<String, String> flat = new LinkedHashMap<>();
            Object root = new Yaml().load(r);
            if (root != null) {
                flatten("", root, flat);
            }
            return with(flat, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage());
        }
    }

    /** Layers {@code QUILL_SECTION_KEY} variables over these settings. */
    public Settings withEnvironment(Map<String, String> env) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            String name = "QUILL_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
            if (env.containsKey(name)) {
                found.put(key, env.get(name));
            }
        }
        return with(found, "environment");
    }

    /** Layers explicit values (from flags) over these settings. */
    public Settings with(Map<String, String> overrides, String source) {
        Map<String, String> next = new LinkedHashMap<>(values);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException(source + ": unknown setting '" + e.getKey()
                        + "' (every key is listed in config/quill.yaml)");
            }
            next.put(e.getKey(), e.getValue());
        }
        return new Settings(next);
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown setting '" + key + "'");
        }
        return v;
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(string(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be an integer, got '" + string(key) + "'");
        }
    }

    public boolean bool(String key) {
        String v = string(key).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("setting " + key + " must be true or false, got '" + string(key) + "'");
        }
        return v.equals("true");
    }

    public java.util.List<String> list(String key) {
        return java.util.Arrays.stream(string(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                flatten(prefix.isEmpty() ? e.getKey().toString() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, node == null ? "" : node.toString());
        }
    }
}
