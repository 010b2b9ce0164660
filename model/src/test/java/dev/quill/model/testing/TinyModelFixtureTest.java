package dev.quill.model.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TinyModelFixtureTest {

    @TempDir
    Path dir;

    static Stream<Arguments> families() {
        return Stream.of(Family.values()).flatMap(f -> Stream.of(Arguments.of(f, false), Arguments.of(f, true)));
    }

    @ParameterizedTest(name = "{0} sharded={1}")
    @MethodSource("families")
    void folderHoldsEveryFileAndTheWeightsItClaims(Family family, boolean sharded) throws IOException {
        TinyModel model = TinyModelFixture.write(dir, family, Dtype.BF16, sharded, 42);

        assertThat(dir.resolve("config.json")).exists();
        assertThat(dir.resolve("generation_config.json")).exists();
        assertThat(dir.resolve("tokenizer.json")).exists();
        assertThat(dir.resolve("tokenizer_config.json")).exists();
        Map<String, float[]> onDisk = new HashMap<>();
        Map<String, long[]> shapesOnDisk = new HashMap<>();
        if (sharded) {
            assertThat(dir.resolve("model.safetensors")).doesNotExist();
            JsonObject index = JsonParser.parseString(
                    Files.readString(dir.resolve(SafetensorsWriter.INDEX_FILE))).getAsJsonObject();
            assertThat(index.getAsJsonObject("weight_map").keySet())
                    .containsExactlyInAnyOrderElementsOf(model.weights().keySet());
            for (int i = 1; i <= TinyModelFixture.SHARDS; i++) {
                SafetensorsTestReader.Parsed shard =
                        SafetensorsTestReader.read(dir.resolve(SafetensorsWriter.shardName(i, TinyModelFixture.SHARDS)));
                onDisk.putAll(shard.tensors());
                shapesOnDisk.putAll(shard.shapes());
            }
        } else {
            SafetensorsTestReader.Parsed file = SafetensorsTestReader.read(dir.resolve("model.safetensors"));
            assertThat(file.dtypes().values()).containsOnly("BF16");
            onDisk.putAll(file.tensors());
            shapesOnDisk.putAll(file.shapes());
        }
        assertThat(onDisk.keySet()).containsExactlyInAnyOrderElementsOf(model.weights().keySet());
        for (String name : model.weights().keySet()) {
            assertThat(onDisk.get(name)).as(name).containsExactly(model.weights().get(name));
            assertThat(shapesOnDisk.get(name)).as(name).isEqualTo(model.shapes().get(name));
        }

        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertThat(config.get("model_type").getAsString()).isEqualTo(family.modelType());
        assertThat(config.get("vocab_size").getAsInt()).isEqualTo(TinyTokenizerWriter.vocabulary().size());
        assertThat(config.get("torch_dtype").getAsString()).isEqualTo("bfloat16");
    }

    @Test
    void gpt2UsesUnprefixedConv1DNamesAndATiedHead() throws IOException {
        TinyModel m = TinyModelFixture.write(dir, Family.GPT2, Dtype.F32, false, 1);
        assertThat(m.weights().keySet()).contains("wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.1.mlp.c_proj.bias",
                "ln_f.weight", "ln_f.bias");
        assertThat(m.weights().keySet()).noneMatch(n -> n.startsWith("transformer.") || n.startsWith("lm_head"));
        assertThat(m.shapes().get("h.0.attn.c_attn.weight")).containsExactly(64, 192); // (in, out)
        assertThat(m.shapes().get("h.0.attn.c_attn.bias")).containsExactly(192);
        assertThat(m.shapes().get("h.0.mlp.c_fc.weight")).containsExactly(64, 256);
        assertThat(m.shapes().get("h.0.mlp.c_proj.weight")).containsExactly(256, 64);
        assertThat(m.shapes().get("wpe.weight")).containsExactly(128, 64);
        assertThat(m.weights()).hasSize(2 + 12 * 2 + 2);

        JsonObject c = readJson("config.json");
        assertThat(c.get("n_embd").getAsInt()).isEqualTo(64);
        assertThat(c.get("n_head").getAsInt()).isEqualTo(4);
        assertThat(c.get("n_layer").getAsInt()).isEqualTo(2);
        assertThat(c.get("n_positions").getAsInt()).isEqualTo(128);
        assertThat(c.get("n_inner").isJsonNull()).isTrue();
        assertThat(c.get("layer_norm_epsilon").getAsDouble()).isEqualTo(1e-5);
        assertThat(c.get("eos_token_id").getAsInt()).isEqualTo(TinyTokenizerWriter.specialId(TinyTokenizerWriter.ENDOFTEXT));
        assertThat(readJson("tokenizer_config.json").getAsJsonObject("eos_token").get("__type").getAsString())
                .isEqualTo("AddedToken");
    }

    @Test
    void llamaHasGroupedQueryAttentionAndASeparateHead() throws IOException {
        TinyModel m = TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 1);
        assertThat(m.shapes().get("model.layers.0.self_attn.q_proj.weight")).containsExactly(64, 64); // (out, in)
        assertThat(m.shapes().get("model.layers.0.self_attn.k_proj.weight")).containsExactly(32, 64);
        assertThat(m.shapes().get("model.layers.1.mlp.down_proj.weight")).containsExactly(64, 128);
        assertThat(m.shapes().get("lm_head.weight")).containsExactly(459, 64);
        assertThat(m.weights().keySet()).noneMatch(n -> n.endsWith(".bias"));

        JsonObject c = readJson("config.json");
        assertThat(c.get("num_key_value_heads").getAsInt()).isEqualTo(2);
        assertThat(c.get("tie_word_embeddings").getAsBoolean()).isFalse();
        assertThat(c.get("rope_theta").getAsDouble()).isEqualTo(10_000);
        assertThat(c.get("rope_scaling").isJsonNull()).isTrue();
        assertThat(c.getAsJsonArray("eos_token_id")).hasSize(2); // a list, as in Llama 3.1 Instruct
    }

    @Test
    void qwen2HasQkvBiasesAndTiedEmbeddings() throws IOException {
        TinyModel m = TinyModelFixture.write(dir, Family.QWEN2, Dtype.F32, false, 1);
        assertThat(m.weights().keySet()).contains("model.layers.0.self_attn.q_proj.bias",
                "model.layers.0.self_attn.k_proj.bias", "model.layers.0.self_attn.v_proj.bias");
        assertThat(m.weights().keySet()).doesNotContain("lm_head.weight", "model.layers.0.self_attn.o_proj.bias");
        assertThat(m.shapes().get("model.layers.0.self_attn.k_proj.bias")).containsExactly(16); // 1 kv head

        JsonObject c = readJson("config.json");
        assertThat(c.get("tie_word_embeddings").getAsBoolean()).isTrue();
        assertThat(c.get("rope_theta").getAsDouble()).isEqualTo(1_000_000);
        assertThat(c.has("head_dim")).isFalse();
        assertThat(readJson("tokenizer_config.json").get("bos_token").isJsonNull()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void everyDtypeHoldsTheSameValues(Family family) throws IOException {
        TinyModel f32 = TinyModelFixture.write(dir.resolve("f32"), family, Dtype.F32, false, 7);
        for (Dtype dtype : List.of(Dtype.F16, Dtype.BF16)) {
            TinyModel other = TinyModelFixture.write(dir.resolve(dtype.name()), family, dtype, true, 7);
            for (String name : f32.weights().keySet()) {
                assertThat(other.weights().get(name)).containsExactly(f32.weights().get(name));
            }
        }
        for (float[] values : f32.weights().values()) {
            for (float v : values) {
                assertThat(Dtype.BF16.round(v)).isEqualTo(v);
                assertThat(Dtype.F16.round(v)).isEqualTo(v);
                assertThat(v == 0 || Math.abs(v) >= 0x1p-14f).isTrue();
            }
        }
    }

    @Test
    void seedsAreReproducibleAndDistinct() throws IOException {
        TinyModel a = TinyModelFixture.write(dir.resolve("a"), Family.QWEN2, Dtype.F32, false, 1);
        TinyModel b = TinyModelFixture.write(dir.resolve("b"), Family.QWEN2, Dtype.F32, false, 1);
        TinyModel c = TinyModelFixture.write(dir.resolve("c"), Family.QWEN2, Dtype.F32, false, 2);
        assertThat(Files.readAllBytes(dir.resolve("a/model.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b/model.safetensors")));
        assertThat(c.weights().get("model.norm.weight")).isNotEqualTo(a.weights().get("model.norm.weight"));
        assertThat(b.weights().get("model.norm.weight")).containsExactly(a.weights().get("model.norm.weight"));
    }

    @Test
    void normWeightsAreNearOne() throws IOException {
        TinyModel m = TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 4);
        float[] norm = m.weights().get("model.layers.0.input_layernorm.weight");
        double mean = 0;
        for (float v : norm) mean += v;
        assertThat(mean / norm.length).isBetween(0.95, 1.05);
        Set<Float> distinct = new HashSet<>();
        for (float v : norm) {
            assertThat(v).isBetween(0.5f, 1.5f);
            distinct.add(v);
        }
        assertThat(distinct).hasSizeGreaterThan(10);
    }

    @Test
    void ropeScalingIsWrittenToConfig() throws IOException {
        ReferenceConfig cfg = TinyModelFixture.defaultConfig(Family.LLAMA).withRopeScaling(RopeScaling.llama3(8, 1, 4, 32));
        TinyModelFixture.write(dir, cfg, Dtype.F32, false, 1);
        JsonObject scaling = readJson("config.json").getAsJsonObject("rope_scaling");
        assertThat(scaling.get("rope_type").getAsString()).isEqualTo("llama3");
        assertThat(scaling.get("factor").getAsDouble()).isEqualTo(8);
        assertThat(scaling.get("low_freq_factor").getAsDouble()).isEqualTo(1);
        assertThat(scaling.get("high_freq_factor").getAsDouble()).isEqualTo(4);
        assertThat(scaling.get("original_max_position_embeddings").getAsInt()).isEqualTo(32);
    }

    @Test
    void unsupportedConfigsAreRefused() {
        ReferenceConfig llama = TinyModelFixture.defaultConfig(Family.LLAMA);
        ReferenceConfig biased = new ReferenceConfig(Family.LLAMA, llama.vocabSize(), 64, 2, 4, 2, 16, 128, 256, 1e-5, 1e4, null, false, true);
        assertThatThrownBy(() -> TinyModelFixture.write(dir, biased, Dtype.F32, false, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void folderTokenizerLoadsInDjl() throws IOException {
        TinyModel m = TinyModelFixture.write(dir, Family.QWEN2, Dtype.F32, false, 1);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(m.dir(),
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"))) {
            long[] ids = tok.encode("Hello 中文 😀<|im_end|>").getIds();
            assertThat(ids[ids.length - 1]).isEqualTo(TinyTokenizerWriter.specialId(TinyTokenizerWriter.IM_END));
            for (long id : ids) assertThat(id).isLessThan(m.vocabSize());
        }
    }

    private JsonObject readJson(String name) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve(name))).getAsJsonObject();
    }
}
