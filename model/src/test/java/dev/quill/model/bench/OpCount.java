package dev.quill.model.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the PyTorch operators a piece of work dispatches, with PyTorch's own profiler (which DJL
 * exposes): each top-level {@code aten::} operator is one call from Java through JNI into PyTorch's
 * dispatcher, the unit of framework overhead. Operators that others call internally (a linear
 * calling addmm) are nested inside their caller's time span and are not counted again.
 */
final class OpCount {

    private OpCount() {
    }

    /** Top-level operators by name, over everything {@code work} dispatches; the trace is kept in {@code trace}. */
    static Map<String, Integer> of(Runnable work, Path trace) throws IOException {
        JniUtils.startProfile(false, false, false);
        try {
            work.run();
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
        List<double[]> spans = new ArrayList<>(); // {start, end, index}
        List<String> names = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(Files.readString(trace)).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            if (!"X".equals(o.get("ph").getAsString())) {
                continue;
            }
            double ts = o.get("ts").getAsDouble();
            spans.add(new double[] {ts, ts + o.get("dur").getAsDouble(), names.size()});
            names.add(o.get("name").getAsString());
        }
        // Longest first among equal starts, so a caller precedes the callee that starts with it.
        spans.sort(Comparator.<double[]>comparingDouble(s -> s[0]).thenComparingDouble(s -> -s[1]));
        Map<String, Integer> counts = new TreeMap<>();
        double openUntil = Double.NEGATIVE_INFINITY;
        for (double[] s : spans) {
            if (s[0] >= openUntil) {
                counts.merge(names.get((int) s[2]), 1, Integer::sum);
                openUntil = s[1];
            }
        }
        return counts;
    }

    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
