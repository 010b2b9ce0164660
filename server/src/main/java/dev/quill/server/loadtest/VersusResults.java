package dev.quill.server.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code bench/versus.sh} run left in its folder, read back for {@link VersusReport}:
 * <ul>
 *   <li>{@code machine.txt}: {@code key: value} lines (date, command, cpu, flags, cores, load);</li>
 *   <li>{@code decode-<T>t.txt}: the decoder benchmark's output on T threads (its {@code summary |}
 *       line and its {@code roofline:} line);</li>
 *   <li>{@code clients-<T>t-<N>.json}: {@code loadtest} with N streaming clients, server on T threads;</li>
 *   <li>{@code chat-<T>t-<sse|ws>.json} and {@code .metrics.prom}: the 16-session chat run and the
 *       server's {@code /metrics} at its end (a fresh server per run, so its counters are the run's).</li>
 * </ul>
 * Anything missing is left out of the tables, not invented.
 */
record VersusResults(Map<String, String> machine, Map<Integer, Decode> decode,
                     Map<Integer, Map<Integer, JsonObject>> clients, Map<Integer, Map<String, Chat>> chat) {

    /** Batch-1 decode on one thread setting, and the roofline measured around it in the same process. */
    record Decode(double decodeTokS, double bestTokS, double stepMs, double bandwidthGbs, double weightMb,
                  double rooflineTokS) {
    }

    /** A chat run's load-test result and the server's prefix-cache counters at its end (NaN when absent). */
    record Chat(JsonObject result, double promptTokens, double reusedTokens) {

        /** Prompt tokens the server took from its prefix cache, over all it was sent. */
        double serverReuse() {
            return reusedTokens / promptTokens;
        }

        /**
         * Second turns: tokens reused from the cache over the first turn's prompt and answer, the most
         * a second turn can reuse. Only conversations whose two first turns both completed in the
         * measured window count.
         */
        double secondTurnReuse() {
            JsonArray conv = result.getJsonArray("conversations");
            JsonArray turns = result.getJsonArray("turns");
            JsonArray errors = result.getJsonArray("errors");
            if (conv == null || turns == null || errors == null) {
                return Double.NaN;
            }
            Map<Integer, Integer> first = new HashMap<>();
            for (int i = 0; i < conv.size(); i++) {
                if (turns.getInteger(i) == 0 && errors.getString(i).isEmpty()) {
                    first.put(conv.getInteger(i), i);
                }
            }
            long cached = 0;
            long possible = 0;
            for (int i = 0; i < conv.size(); i++) {
                Integer j = first.get(conv.getInteger(i));
                if (turns.getInteger(i) == 1 && errors.getString(i).isEmpty() && j != null) {
                    cached += result.getJsonArray("cached_lens").getLong(i);
                    possible += result.getJsonArray("input_lens").getLong(j) + result.getJsonArray("output_lens").getLong(j);
                }
            }
            return possible == 0 ? Double.NaN : cached / (double) possible;
        }
    }

    private static final Pattern DECODE_FILE = Pattern.compile("decode-(\\d+)t\\.txt");
    private static final Pattern CLIENTS_FILE = Pattern.compile("clients-(\\d+)t-(\\d+)\\.json");
    private static final Pattern CHAT_FILE = Pattern.compile("chat-(\\d+)t-(sse|ws)\\.json");
    private static final Pattern SUMMARY = Pattern.compile(
            "summary \\|.*\\| decode ([\\d.]+) \\(best ([\\d.]+)\\) \\| step ([\\d.]+) ms.*\\| bandwidth ([\\d.]+) \\(best [\\d.]+\\) GB/s"
                    + " \\| roofline ([\\d.]+) \\|");
    private static final Pattern WEIGHTS = Pattern.compile("roofline: ([\\d.]+) MB of weights per token");

    static VersusResults read(Path dir) throws IOException {
        Map<String, String> machine = new LinkedHashMap<>();
        Path m = dir.resolve("machine.txt");
        if (Files.exists(m)) {
            for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    machine.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
        }
        Map<Integer, Decode> decode = new TreeMap<>();
        Map<Integer, Map<Integer, JsonObject>> clients = new TreeMap<>();
        Map<Integer, Map<String, Chat>> chat = new TreeMap<>();
        TreeSet<Path> files = new TreeSet<>();
        try (var list = Files.list(dir)) {
            list.forEach(files::add);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            Matcher d = DECODE_FILE.matcher(name);
            Matcher c = CLIENTS_FILE.matcher(name);
            Matcher s = CHAT_FILE.matcher(name);
            if (d.matches()) {
                Decode parsed = decode(Files.readString(f, StandardCharsets.UTF_8));
                if (parsed != null) {
                    decode.put(Integer.parseInt(d.group(1)), parsed);
                }
            } else if (c.matches()) {
                clients.computeIfAbsent(Integer.parseInt(c.group(1)), k -> new TreeMap<>())
                        .put(Integer.parseInt(c.group(2)), json(f));
            } else if (s.matches()) {
                Map<String, Double> metrics = prometheus(dir.resolve(name.replace(".json", ".metrics.prom")));
                chat.computeIfAbsent(Integer.parseInt(s.group(1)), k -> new TreeMap<>()).put(s.group(2),
                        new Chat(json(f), metrics.getOrDefault("quill_prompt_tokens_total", Double.NaN),
                                metrics.getOrDefault("quill_prefix_cache_tokens_total", Double.NaN)));
            }
        }
        return new VersusResults(machine, decode, clients, chat);
    }

    /** The decoder benchmark's figures, or null when its output has no summary line (it failed). */
    static Decode decode(String output) {
        Matcher s = SUMMARY.matcher(output);
        Matcher w = WEIGHTS.matcher(output);
        if (!s.find()) {
            return null;
        }
        return new Decode(Double.parseDouble(s.group(1)), Double.parseDouble(s.group(2)), Double.parseDouble(s.group(3)),
                Double.parseDouble(s.group(4)), w.find() ? Double.parseDouble(w.group(1)) : Double.NaN,
                Double.parseDouble(s.group(5)));
    }

    /** Unlabelled samples of Prometheus' text format: {@code name value}. */
    static Map<String, Double> prometheus(Path file) throws IOException {
        Map<String, Double> values = new HashMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && !line.startsWith("#") && !parts[0].contains("{")) {
                try {
                    values.put(parts[0], Double.parseDouble(parts[1]));
                } catch (NumberFormatException e) {
                    // not a sample
                }
            }
        }
        return values;
    }

    private static JsonObject json(Path f) throws IOException {
        return new JsonObject(Files.readString(f, StandardCharsets.UTF_8));
    }
}
