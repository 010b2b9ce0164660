package dev.quill.model.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private final Map<String, float[]> tensors = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    SafetensorsWriterTest() {
        put("a.weight", new float[] {1, -2, 0.5f, 3, 0.25f, -0.125f}, 2, 3);
        put("b.bias", new float[] {1.5f, -0.0f, 1e-3f, 7}, 4);
        put("scalar", new float[] {42}); // shape []
        put("c", new float[] {0.1f, 65504f, -3.3e-5f}, 3, 1);
    }

    private void put(String name, float[] values, long... shape) {
        tensors.put(name, values);
        shapes.put(name, shape);
    }

    @ParameterizedTest
    @EnumSource(Dtype.class)
    void headerParsesAndDataSitsAtItsOffsets(Dtype dtype) throws IOException {
        Path file = dir.resolve("t.safetensors");
        long dataBytes = SafetensorsWriter.write(file, tensors, shapes, dtype, SafetensorsWriter.PT_METADATA);

        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        assertThat(bytes.length).isEqualTo(8 + n + dataBytes);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{");
        assertThat(header.stripTrailing()).endsWith("}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" {0,7}");

        JsonObject json = JsonParser.parseString(header).getAsJsonObject();
        assertThat(json.getAsJsonObject("__metadata__").get("format").getAsString()).isEqualTo("pt");
        long expectedBegin = 0;
        for (String name : tensors.keySet()) {
            JsonObject info = json.getAsJsonObject(name);
            assertThat(info.get("dtype").getAsString()).isEqualTo(dtype.safetensorsName());
            long[] shape = new long[info.getAsJsonArray("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = info.getAsJsonArray("shape").get(i).getAsLong();
            assertThat(shape).isEqualTo(shapes.get(name));
            long begin = info.getAsJsonArray("data_offsets").get(0).getAsLong();
            long end = info.getAsJsonArray("data_offsets").get(1).getAsLong();
            assertThat(begin).as("contiguous").isEqualTo(expectedBegin);
            assertThat(end - begin).isEqualTo((long) tensors.get(name).length * dtype.bytes());
            expectedBegin = end;

            ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n + begin), (int) (end - begin))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (float expected : tensors.get(name)) {
                assertThat(dtype.get(data)).isEqualTo(dtype.round(expected));
            }
        }
        assertThat(expectedBegin).isEqualTo(dataBytes);
    }

    @Test
    void metadataIsOptional() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, tensors, shapes, Dtype.F32, null);
        SafetensorsTestReader.Parsed parsed = SafetensorsTestReader.read(file);
        assertThat(parsed.header().has("__metadata__")).isFalse();
        assertThat(parsed.tensors().keySet()).containsExactlyElementsOf(tensors.keySet());
        assertThat(parsed.tensors().get("a.weight")).containsExactly(tensors.get("a.weight"));
    }

    @Test
    void shapeMustMatchTheValues() {
        shapes.put("a.weight", new long[] {4, 2});
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x"), tensors, shapes, Dtype.F32, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.weight");
    }

    @Test
    void shardedWritesFilesAndAnIndexCoveringEveryTensor() throws IOException {
        List<Path> files = SafetensorsWriter.writeSharded(dir, tensors, shapes, Dtype.BF16, 3);

        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors");
        JsonObject index = JsonParser.parseString(
                Files.readString(dir.resolve(SafetensorsWriter.INDEX_FILE))).getAsJsonObject();
        JsonObject weightMap = index.getAsJsonObject("weight_map");
        assertThat(weightMap.keySet()).containsExactlyInAnyOrderElementsOf(tensors.keySet());

        long totalSize = 0;
        for (Path file : files) {
            SafetensorsTestReader.Parsed shard = SafetensorsTestReader.read(file);
            assertThat(shard.tensors()).as("no empty shard").isNotEmpty();
            totalSize += shard.dataBytes();
            for (Map.Entry<String, float[]> e : shard.tensors().entrySet()) {
                assertThat(weightMap.get(e.getKey()).getAsString()).isEqualTo(file.getFileName().toString());
                float[] expected = tensors.get(e.getKey()).clone();
                for (int i = 0; i < expected.length; i++) expected[i] = Dtype.BF16.round(expected[i]);
                assertThat(e.getValue()).containsExactly(expected);
            }
        }
        assertThat(index.getAsJsonObject("metadata").get("total_size").getAsLong()).isEqualTo(totalSize);
    }

    @Test
    void shardCountMustFitTheTensors() {
        assertThatThrownBy(() -> SafetensorsWriter.writeSharded(dir, tensors, shapes, Dtype.F32, 5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * An independent reader: DJL's own safetensors decoder on the PyTorch engine. Not BF16: DJL
     * 0.35.1's PyTorch JNI has no mapping for DataType.BFLOAT16 (GetScalarTypeFromDType ends in a
     * bare {@code throw;}), so creating any bf16 NDArray calls std::terminate and kills the JVM.
     */
    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"F32", "F16"})
    void djlDecodesTheFile(Dtype dtype) throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, tensors, shapes, dtype, SafetensorsWriter.PT_METADATA);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(manager, in);
            Set<String> names = list.stream().map(NDArray::getName).collect(Collectors.toSet());
            assertThat(names).containsExactlyInAnyOrderElementsOf(tensors.keySet());
            for (NDArray array : list) {
                assertThat(array.getShape().getShape()).isEqualTo(shapes.get(array.getName()));
                float[] expected = tensors.get(array.getName()).clone();
                for (int i = 0; i < expected.length; i++) expected[i] = dtype.round(expected[i]);
                assertThat(array.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(expected);
            }
        }
    }
}
