package dev.quill.model.weights;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one {@code .safetensors} file (https://github.com/huggingface/safetensors):
 *
 * <pre>
 *   u64 little-endian N | N bytes of JSON header, space-padded to a multiple of 8 | tensor data
 *   header = {"__metadata__": {"format": "pt"}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
 * </pre>
 *
 * Tensors lie back to back in the map's order, little-endian; 16-bit types are rounded to nearest even.
 */
public final class SafetensorsWriter {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /**
     * One tensor in row-major order.
     *
     * @param shape its dimensions; their product is {@code values.length}
     */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold "
                        + values.length + " values");
            }
        }
    }

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (name → tensor, in file order) as {@code dtype}. */
    public static void write(Path file, Map<String, Tensor> tensors, TensorDtype dtype) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", new TreeMap<>(Map.of("format", "pt"))); // what torch's save_file writes
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long end = offset + (long) e.getValue().values().length * dtype.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.name());
            entry.put("shape", e.getValue().shape());
            entry.put("data_offsets", new long[] {offset, end});
            header.put(e.getKey(), entry);
            offset = end;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // tensor data starts 8-byte aligned
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (Tensor t : tensors.values()) {
                out.write(encode(t.values(), dtype));
            }
        }
    }

    private static byte[] encode(float[] values, TensorDtype dtype) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case F32 -> b.putFloat(v);
                case F16 -> b.putShort(HalfFloats.floatToHalf(v));
                case BF16 -> b.putShort(HalfFloats.floatToBf16(v));
            }
        }
        return b.array();
    }
}
