package dev.quill.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The generate command line against a tiny model folder. */
class GenerateCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GenerateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void streamsTextAndReportsTokensPerSecond() throws Exception {
        TinyModelFixture.write(dir, Family.GPT2, Dtype.F32, false, 81);
        int code = run("--model", dir.toString(), "--prompt", "The fox", "--max-tokens", "12",
                "--temperature", "0", "--ignore-eos");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isNotBlank();
        assertThat(err.toString()).containsPattern("prompt: \\d+ tokens, [\\d.]+ tokens/s \\| decode: 12 tokens, [\\d.]+ tokens/s \\| finish: length");
    }

    @Test
    void chatModeAndSeededSamplingAreRepeatable() throws Exception {
        TinyModelFixture.write(dir, Family.LLAMA, Dtype.F16, false, 82);
        String[] args = {"--model", dir.toString(), "--prompt", "hello", "--chat", "--system", "be brief",
                "--max-tokens", "10", "--temperature", "0.8", "--top-k", "40", "--seed", "7", "--ignore-eos"};
        assertThat(run(args)).isZero();
        String first = out.toString(StandardCharsets.UTF_8);
        out.reset();
        assertThat(run(args)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(first);
    }

    @Test
    void badArgumentsAndBadValuesGetClearErrors() throws Exception {
        assertThat(run("--model", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--prompt is required");
        err.reset();
        assertThat(run("--model", dir.toString(), "--prompt", "x", "--bogus", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown option --bogus");
        err.reset();
        TinyModelFixture.write(dir, Family.GPT2, Dtype.F32, false, 83);
        assertThat(run("--model", dir.toString(), "--prompt", "x", "--top-p", "1.5")).isEqualTo(1);
        assertThat(err.toString()).contains("top_p must be in (0, 1]");
        err.reset();
        assertThat(run("--model", dir.resolve("missing").toString(), "--prompt", "x")).isEqualTo(1);
        assertThat(err.toString()).contains("missing").contains("no such directory");
    }

    @Test
    void withoutModelItRunsTheBundledDemoModel() {
        // the tests run in model/, where there is no models/quill-demo: the error names the default and the fix
        int code = run("--prompt", "What is a KV cache?", "--chat", "--max-tokens", "4");
        if (java.nio.file.Files.isDirectory(GenerateCommand.DEMO_MODEL)) {
            assertThat(code).as(err.toString()).isZero();
        } else {
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("models/quill-demo").contains("repository root");
        }
    }
}
