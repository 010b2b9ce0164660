package dev.quill.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.SafetensorsWriter;
import dev.quill.model.testing.TinyModel;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every broken model folder is refused with an exception naming the file and the problem. */
class ModelLoadingErrorsTest {

    @TempDir
    Path dir;
    TinyModel model;

    @BeforeEach
    void writeModel() throws IOException {
        model = TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 61);
    }

    private void load() {
        LanguageModel.load(dir, DecoderOptions.cpu(1, 0)).close();
    }

    @Test
    void aMissingFolder() {
        assertThatThrownBy(() -> LanguageModel.load(dir.resolve("nope"), DecoderOptions.cpu(1, 0)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("nope").hasMessageContaining("no such directory");
    }

    @Test
    void aMissingConfig() throws IOException {
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("config.json").hasMessageContaining("missing file");
    }

    @Test
    void aMissingTokenizer() throws IOException {
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("missing file");
    }

    @Test
    void aMissingWeightsFile() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("missing file");
    }

    @Test
    void anUnknownModelType() throws IOException {
        editConfig(c -> c.addProperty("model_type", "mamba"));
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("config.json").hasMessageContaining("unknown model_type 'mamba'");
    }

    @Test
    void aTensorOfTheWrongShape() throws IOException {
        editConfig(c -> c.addProperty("intermediate_size", 96));
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight")
                .hasMessageContaining("has shape [128, 64], expected [96, 64]");
    }

    @Test
    void aMissingTensor() throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>(model.weights());
        Map<String, long[]> shapes = new LinkedHashMap<>(model.shapes());
        weights.remove("model.layers.1.self_attn.k_proj.weight");
        shapes.remove("model.layers.1.self_attn.k_proj.weight");
        SafetensorsWriter.write(dir.resolve("model.safetensors"), weights, shapes, Dtype.F32, null);
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.layers.1.self_attn.k_proj.weight").hasMessageContaining("missing");
    }

    @Test
    void aCorruptHeaderLength() throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40), 0);
        }
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("corrupt safetensors header");
    }

    @Test
    void aCorruptHeaderJson() throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("{\"oops".getBytes()), 8);
        }
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("corrupt safetensors header");
    }

    @Test
    void aTruncatedWeightsFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("outside the file");
    }

    @Test
    void malformedConfigJson() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": ");
        assertThatThrownBy(this::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("config.json").hasMessageContaining("malformed JSON");
    }

    private void editConfig(java.util.function.Consumer<JsonObject> edit) throws IOException {
        Path file = dir.resolve("config.json");
        JsonObject c = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        edit.accept(c);
        Files.writeString(file, c.toString());
    }
}
