package dev.quill.model.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.ModelLoadException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the header of a .safetensors file: an 8-byte little-endian length, then a JSON object
 * of {@code name -> {dtype, shape, data_offsets}}. Every entry is checked against the file size,
 * so a corrupt file is refused here rather than read out of bounds later.
 */
final class SafetensorsHeader {

    private static final long MAX_HEADER = 100L << 20;

    private SafetensorsHeader() {
    }

    static Map<String, TensorEntry> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelLoadException(file, "corrupt safetensors header: file is only " + size + " bytes");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.getLong(0);
            if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
                throw new ModelLoadException(file, "corrupt safetensors header: header length " + n
                        + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            return entries(file, new String(header.array(), StandardCharsets.UTF_8), 8 + n, size);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, "missing file");
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorEntry> entries(Path file, String text, long dataStart, long size) {
        JsonObject root;
        try {
            root = JsonParser.parseString(text.strip()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ModelLoadException(file, "corrupt safetensors header: not a JSON object", e);
        }
        Map<String, TensorEntry> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            out.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataStart, size));
        }
        return out;
    }

    private static TensorEntry entry(Path file, String name, JsonElement el, long dataStart, long size) {
        try {
            JsonObject o = el.getAsJsonObject();
            String dtypeName = o.get("dtype").getAsString();
            TensorDtype dtype = TensorDtype.parse(dtypeName);
            JsonArray shapeJson = o.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
            }
            JsonArray offs = o.getAsJsonArray("data_offsets");
            long begin = offs.get(0).getAsLong();
            long end = offs.get(1).getAsLong();
            if (begin < 0 || end < begin || dataStart + end > size) {
                throw new ModelLoadException(file, "corrupt safetensors header: tensor '" + name
                        + "' has data_offsets [" + begin + ", " + end + "] outside the file");
            }
            if (dtype == null) {
                // Unsupported dtypes are only an error if the decoder asks for the tensor.
                return new TensorEntry(name, file, null, shape, dataStart + begin, end - begin);
            }
            TensorEntry t = new TensorEntry(name, file, dtype, shape, dataStart + begin, end - begin);
            if (t.elementCount() * dtype.bytes() != t.length()) {
                throw new ModelLoadException(file, "corrupt safetensors header: tensor '" + name + "' of shape "
                        + java.util.Arrays.toString(shape) + " " + dtypeName + " needs "
                        + t.elementCount() * dtype.bytes() + " bytes but has " + t.length());
            }
            return t;
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException(file, "corrupt safetensors header: bad entry for tensor '" + name + "'", e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
