package dev.quill.model.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal safetensors reader for the fixture self-tests: checks the framing strictly and decodes
 * F32/F16/BF16 tensors to floats. Test support only; not the production loader.
 */
final class SafetensorsTestReader {

    /** One parsed file. */
    record Parsed(long headerLength, String headerText, JsonObject header, Map<String, float[]> tensors,
                  Map<String, long[]> shapes, Map<String, String> dtypes, long dataBytes) {}

    private SafetensorsTestReader() {}

    static Parsed read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (n % 8 != 0 || 8 + n > bytes.length) {
            throw new IllegalStateException("bad header length " + n);
        }
        String text = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        JsonObject header = JsonParser.parseString(text).getAsJsonObject();
        int dataStart = 8 + (int) n;
        long dataBytes = bytes.length - dataStart;
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, String> dtypes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonObject info = e.getValue().getAsJsonObject();
            Dtype dtype = Dtype.valueOf(info.get("dtype").getAsString());
            long[] shape = new long[info.getAsJsonArray("shape").size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = info.getAsJsonArray("shape").get(i).getAsLong();
                count *= shape[i];
            }
            long begin = info.getAsJsonArray("data_offsets").get(0).getAsLong();
            long end = info.getAsJsonArray("data_offsets").get(1).getAsLong();
            if (end - begin != count * dtype.bytes() || end > dataBytes) {
                throw new IllegalStateException(e.getKey() + ": offsets " + begin + ".." + end);
            }
            ByteBuffer data = ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) (end - begin))
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[(int) count];
            for (int i = 0; i < values.length; i++) values[i] = dtype.get(data);
            tensors.put(e.getKey(), values);
            shapes.put(e.getKey(), shape);
            dtypes.put(e.getKey(), dtype.name());
        }
        return new Parsed(n, text, header, tensors, shapes, dtypes, dataBytes);
    }
}
