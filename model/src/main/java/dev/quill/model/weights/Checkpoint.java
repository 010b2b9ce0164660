package dev.quill.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.ModelLoadException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a HuggingFace folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists. Tensors are memory-mapped one at a time and handed
 * to PyTorch without a copy through the Java heap.
 *
 * <p>Ownership: arrays made by {@link #load} may point straight into a mapping this object holds,
 * so a Checkpoint must outlive every array loaded from it. The decoder that loads it keeps it.
 */
public final class Checkpoint {

    private final Path dir;
    private final Map<String, TensorEntry> entries;
    private final List<ByteBuffer> pinned = new ArrayList<>(); // keeps mappings alive for from_blob tensors

    private Checkpoint(Path dir, Map<String, TensorEntry> entries) {
        this.dir = dir;
        this.entries = entries;
    }

    /** Opens the weights of a model folder (headers only; data is mapped lazily per tensor). */
    public static Checkpoint open(Path dir) {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.exists(single)) {
            return new Checkpoint(dir, SafetensorsHeader.read(single));
        }
        if (Files.exists(index)) {
            return new Checkpoint(dir, sharded(dir, index));
        }
        throw new ModelLoadException(single, "missing file (and no model.safetensors.index.json beside it)");
    }

    private static Map<String, TensorEntry> sharded(Path dir, Path index) {
        JsonObject weightMap;
        try {
            JsonElement map = JsonParser.parseString(Files.readString(index)).getAsJsonObject().get("weight_map");
            if (map == null || !map.isJsonObject()) {
                throw new ModelLoadException(index, "no 'weight_map' object");
            }
            weightMap = map.getAsJsonObject();
        } catch (IOException e) {
            throw new ModelLoadException(index, "cannot read: " + e.getMessage(), e);
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException(index, "malformed JSON: " + e.getMessage(), e);
        }
        Map<String, Map<String, TensorEntry>> shards = new HashMap<>();
        Map<String, TensorEntry> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
            String shard = e.getValue().getAsString();
            Map<String, TensorEntry> shardEntries =
                    shards.computeIfAbsent(shard, s -> SafetensorsHeader.read(dir.resolve(s)));
            TensorEntry t = shardEntries.get(e.getKey());
            if (t == null) {
                throw new ModelLoadException(dir.resolve(shard), "tensor '" + e.getKey()
                        + "' is listed in model.safetensors.index.json but missing from the shard");
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    public Set<String> names() {
        return entries.keySet();
    }

    public boolean has(String name) {
        return entries.containsKey(name);
    }

    /** The stored element type of a tensor; 16-bit checkpoints keep half precision on a GPU. */
    public TensorDtype dtype(String name) {
        return entry(name).dtype();
    }

    /**
     * Loads one tensor into {@code manager} as {@code type}, checking its shape.
     *
     * @param type FLOAT32, or FLOAT16 to keep half precision on an accelerator
     */
    public NDArray load(NDManager manager, String name, DataType type, long... expected) {
        TensorEntry t = entry(name);
        if (t.dtype() == null) {
            throw new ModelLoadException(t.file(), "tensor '" + name + "' has an unsupported dtype (F32, F16, BF16)");
        }
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ModelLoadException(t.file(), "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expected));
        }
        ByteBuffer data = map(t);
        Shape shape = new Shape(expected);
        NDArray array;
        if (t.dtype() == TensorDtype.F32 || (t.dtype() == TensorDtype.F16 && type == DataType.FLOAT16)) {
            array = manager.create(data, shape, t.dtype() == TensorDtype.F32 ? DataType.FLOAT32 : DataType.FLOAT16);
        } else {
            data = HalfFloats.widen(data, t.dtype(), t.elementCount());
            array = manager.create(data, shape, DataType.FLOAT32);
        }
        pinned.add(data);
        if (array.getDataType() != type) {
            NDArray converted = array.toType(type, false);
            array.close();
            return converted;
        }
        return array;
    }

    private TensorEntry entry(String name) {
        TensorEntry t = entries.get(name);
        if (t == null) {
            throw new ModelLoadException(dir, "tensor '" + name + "' is missing from the checkpoint");
        }
        return t;
    }

    private static ByteBuffer map(TensorEntry t) {
        try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.READ)) {
            ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, t.offset(), t.length())
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (t.offset() % t.dtype().bytes() == 0) {
                return mapped;
            }
            // A misaligned tensor would reach PyTorch kernels unaligned: copy it off-heap instead.
            ByteBuffer copy = ByteBuffer.allocateDirect((int) t.length()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(mapped).flip();
            return copy;
        } catch (IOException e) {
            throw new ModelLoadException(t.file(), "cannot map tensor '" + t.name() + "': " + e.getMessage(), e);
        }
    }
}
