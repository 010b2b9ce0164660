package dev.quill.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The train command line: a tiny run end to end, and its argument errors. */
class TrainCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TrainCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void trainsAndWritesAHuggingFaceFolderWithAProgressLine() throws Exception {
        Path corpus = dir.resolve("qa.jsonl");
        Files.writeString(corpus, """
                {"topic": "kv", "questions": ["What is a KV cache?"], "answer": "Stored keys and values.", "expect": ["keys"]}
                {"topic": "mask", "questions": ["What is the causal mask?"], "answer": "Earlier tokens only.", "expect": ["earlier"]}
                """);
        Path model = dir.resolve("model");
        int code = run("--corpus", corpus.toString(), "--out", model.toString(), "--vocab", "290", "--layers", "1",
                "--hidden", "16", "--heads", "2", "--context", "64", "--seq-len", "32", "--batch", "2", "--steps", "6",
                "--warmup", "1", "--save-every", "3", "--dtype", "bf16");
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(log).isZero();
        assertThat(log).contains("\rstep 6/6 [").contains(" tok/s").containsPattern("trained 6 steps in \\d+:\\d\\d: final loss [\\d.]+")
                .contains("quiz, every corpus question");
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json"}) {
            assertThat(model.resolve(f)).exists();
        }
        JsonObject config = JsonParser.parseString(Files.readString(model.resolve("config.json"))).getAsJsonObject();
        assertThat(config.get("model_type").getAsString()).isEqualTo("llama");
        assertThat(config.get("torch_dtype").getAsString()).isEqualTo("bfloat16");
        JsonObject tc = JsonParser.parseString(Files.readString(model.resolve("tokenizer_config.json"))).getAsJsonObject();
        assertThat(tc.get("eos_token").getAsString()).isEqualTo("<|im_end|>");
        assertThat(tc.get("chat_template").getAsString()).contains("<|im_start|>");
    }

    @Test
    void badArgumentsGetClearErrors() {
        assertThat(run("--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--corpus is required");
        err.reset();
        assertThat(run("--corpus", "c", "--out", "o", "--dtype", "f8")).isEqualTo(2);
        assertThat(err.toString()).contains("--dtype must be f32, f16 or bf16");
        err.reset();
        assertThat(run("--corpus", "c", "--out", "o", "--hidden", "30", "--heads", "4")).isEqualTo(2);
        assertThat(err.toString()).contains("hidden 30 must split into 4 heads");
        err.reset();
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--corpus FILE").contains("--steps N");
    }
}
