package dev.quill.model.testing;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes float tensors to {@code .safetensors} files, exactly per the format
 * (https://github.com/huggingface/safetensors):
 *
 * <pre>
 *   u64 little-endian N | N bytes of UTF-8 JSON header, space-padded to a multiple of 8 | data
 *   header = {"__metadata__": {str: str}?, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
 * </pre>
 *
 * Offsets are relative to the first data byte; tensors are laid out back to back, in the iteration
 * order of the given map, each in little-endian {@link Dtype} encoding. Sharded output follows
 * HuggingFace's {@code save_pretrained}: {@code model-00001-of-0000N.safetensors} files and a
 * {@code model.safetensors.index.json} with {@code metadata.total_size} and a {@code weight_map}.
 */
public final class SafetensorsWriter {

    /** The single-file checkpoint name. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The index of a sharded checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** The metadata PyTorch's {@code save_file} writes. */
    public static final Map<String, String> PT_METADATA = Map.of("format", "pt");

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private SafetensorsWriter() {}

    /**
     * Writes one safetensors file.
     *
     * @param tensors name → values (row-major), written in this map's iteration order
     * @param shapes name → shape; the product must equal the value count
     * @param metadata the {@code __metadata__} object, or {@code null} to omit it
     * @return the number of data bytes written (what the shard index calls the size)
     */
    public static long write(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes,
                             Dtype dtype, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null) {
            header.put("__metadata__", new TreeMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            long[] shape = shapeOf(shapes, e.getKey(), e.getValue().length);
            long end = offset + (long) e.getValue().length * dtype.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.safetensorsName());
            entry.put("shape", shape);
            entry.put("data_offsets", new long[] {offset, end});
            header.put(e.getKey(), entry);
            offset = end;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the data must start 8-byte aligned
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (float[] values : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(values.length * dtype.bytes())
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    dtype.put(data, v);
                }
                out.write(data.array());
            }
        }
        return offset;
    }

    /**
     * Writes {@code shardCount} files {@code model-0000i-of-0000N.safetensors} into {@code dir} (each
     * with {@link #PT_METADATA}), splitting the tensors in iteration order into contiguous groups of
     * roughly equal byte size, none empty, and the {@value #INDEX_FILE} that maps every tensor name
     * to its file.
     *
     * @return the shard files, in order
     */
    public static List<Path> writeSharded(Path dir, Map<String, float[]> tensors, Map<String, long[]> shapes,
                                          Dtype dtype, int shardCount) throws IOException {
        if (shardCount < 1 || shardCount > tensors.size()) {
            throw new IllegalArgumentException(
                    "shard count " + shardCount + " for " + tensors.size() + " tensors");
        }
        List<Map<String, float[]>> groups = split(tensors, shardCount);
        Map<String, String> weightMap = new TreeMap<>(); // HF writes the map sorted by name
        List<Path> files = new ArrayList<>();
        long totalSize = 0;
        for (int i = 0; i < groups.size(); i++) {
            String name = shardName(i + 1, shardCount);
            Path file = dir.resolve(name);
            totalSize += write(file, groups.get(i), shapes, dtype, PT_METADATA);
            groups.get(i).keySet().forEach(tensor -> weightMap.put(tensor, name));
            files.add(file);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", totalSize));
        index.put("weight_map", weightMap);
        Files.writeString(dir.resolve(INDEX_FILE),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(index),
                StandardCharsets.UTF_8);
        return files;
    }

    /** HuggingFace's shard file name, 1-based: {@code model-00002-of-00003.safetensors}. */
    public static String shardName(int index, int count) {
        return String.format("model-%05d-of-%05d.safetensors", index, count);
    }

    /** Contiguous groups of about {@code remainingBytes / remainingShards} each, none empty. */
    private static List<Map<String, float[]>> split(Map<String, float[]> tensors, int shardCount) {
        List<Map.Entry<String, float[]>> entries = new ArrayList<>(tensors.entrySet());
        long remainingSize = entries.stream().mapToLong(e -> e.getValue().length).sum();
        List<Map<String, float[]>> groups = new ArrayList<>();
        int next = 0;
        for (int shard = 0; shard < shardCount; shard++) {
            int shardsLeft = shardCount - shard;
            long target = remainingSize / shardsLeft;
            Map<String, float[]> group = new LinkedHashMap<>();
            long size = 0;
            // take at least one tensor; leave at least one for each later shard; the last takes all
            while (next < entries.size()
                    && (group.isEmpty() || shardsLeft == 1
                        || (size < target && entries.size() - next > shardsLeft - 1))) {
                Map.Entry<String, float[]> e = entries.get(next++);
                group.put(e.getKey(), e.getValue());
                size += e.getValue().length;
            }
            remainingSize -= size;
            groups.add(group);
        }
        return groups;
    }

    private static long[] shapeOf(Map<String, long[]> shapes, String name, int count) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException("no shape for " + name);
        }
        long product = 1;
        for (long d : shape) {
            product *= d;
        }
        if (product != count) {
            throw new IllegalArgumentException(
                    name + ": shape " + Arrays.toString(shape) + " holds " + product + " values, got " + count);
        }
        return shape;
    }
}
