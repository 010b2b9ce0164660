package dev.quill.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** After 1000 requests the engine's native arrays are back to their baseline. */
class EngineMemoryTest {

    @TempDir
    Path dir;

    @Test
    void athousandRequestsLeaveNoArraysBehind() throws Exception {
        TinyModelFixture.write(dir, Family.GPT2, Dtype.F32, false, 93);
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(8, 0));
             Engine engine = new Engine(m.decoder(), m.tokenizer(), m.eosIds(), new EngineOptions(64, 256, true))) {
            long baseline = m.decoder().liveArrays();
            SamplingParams params = SamplingParams.builder().temperature(0.8).seed(1L).maxTokens(3).ignoreEos(true).build();
            for (int wave = 0; wave < 20; wave++) {
                List<Collector> outs = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    Collector c = new Collector();
                    engine.submit(new GenerationRequest(new int[] {1 + i, 2 + wave, 3, 4 + i % 7}, params, c));
                    outs.add(c);
                }
                for (Collector c : outs) {
                    c.await();
                }
            }
            assertThat(engine.metrics().snapshot().requestsFinished()).isEqualTo(1000);
            assertThat(m.decoder().liveArrays()).isEqualTo(baseline); // every pass closed before its onDone
        }
    }
}
