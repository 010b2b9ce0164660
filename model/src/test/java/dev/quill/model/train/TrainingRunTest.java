package dev.quill.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.decoder.SequenceChunk;
import dev.quill.model.generate.Generator;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.template.ChatMessage;
import dev.quill.model.weights.TensorDtype;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A few steps of training on a tiny corpus: the loss falls, and the checkpoint it writes loads in
 * the inference decoder with the same logits and the same greedy tokens as the model in memory.
 */
class TrainingRunTest {

    private static final String CORPUS = """
            {"topic": "kv", "questions": ["What is a KV cache?", "Explain the KV cache."], "answer": "It keeps the keys and values of past tokens.", "expect": ["keys and values"]}
            {"topic": "scale", "questions": ["Why divide by sqrt(d_k)?", "Why scale attention scores?"], "answer": "It keeps the variance of the scores near one.", "expect": ["variance"]}
            {"topic": "mask", "questions": ["What is the causal mask?"], "answer": "A token only sees earlier tokens.", "expect": ["earlier"]}
            {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
            """;

    @TempDir
    static Path dir;
    static TrainingRun run;
    static LanguageModel reloaded;

    @BeforeAll
    static void train() throws Exception {
        Path corpus = dir.resolve("corpus.jsonl");
        Files.writeString(corpus, CORPUS);
        TrainOptions o = new TrainOptions(corpus, dir.resolve("model"), 300, 2, 32, 2, 0, 64, 40, 48, 4,
                1e-2, 1e-3, 4, 0.1, 1.0, 0.0, 0.5, 7, 0, TensorDtype.F32, "cpu");
        run = TrainingRun.prepare(o, System.err);
        run.train();
        reloaded = LanguageModel.load(o.out(), DecoderOptions.cpu(1, 0));
    }

    @AfterAll
    static void close() {
        reloaded.close();
        run.close();
    }

    @Test
    void lossFalls() {
        List<Float> losses = run.losses();
        assertThat(losses).hasSize(40);
        double first = mean(losses.subList(0, 5));
        double last = mean(losses.subList(35, 40));
        assertThat(first).isGreaterThan(Math.log(300) - 1); // a fresh model is about uniform over the vocabulary
        assertThat(last).isLessThan(first * 0.6);
        assertThat(run.finalLoss()).isLessThan(first);
    }

    @Test
    void savedCheckpointGivesTheInferenceDecoderTheSameLogits() {
        int[] prompt = chat("What is a KV cache?");
        float[][] trained = run.model().logits(prompt);
        float[][] loaded = reloaded.decoder().forwardAllPositions(new SequenceChunk(0, 0, prompt));
        assertThat(loaded.length).isEqualTo(prompt.length);
        double worst = 0;
        for (int t = 0; t < prompt.length; t++) {
            for (int v = 0; v < trained[t].length; v++) {
                worst = Math.max(worst, Math.abs(trained[t][v] - loaded[t][v]));
            }
        }
        assertThat(worst).isLessThan(1e-4);
    }

    @Test
    void reloadedModelGeneratesTheSameGreedyTokensAsTheModelInMemory() {
        int[] prompt = chat("Why divide by sqrt(d_k)?");
        int n = 16;
        // in memory: recompute the whole sequence for each token, no cache
        List<Integer> mine = new ArrayList<>();
        int[] seq = prompt;
        for (int i = 0; i < n; i++) {
            float[][] logits = run.model().logits(seq);
            int next = argmax(logits[seq.length - 1]);
            mine.add(next);
            seq = java.util.Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = next;
        }
        int[] generated = new Generator(reloaded.decoder(), reloaded.tokenizer(), reloaded.eosIds())
                .generate(prompt, SamplingParams.builder().temperature(0).maxTokens(n).ignoreEos(true).build(), s -> { })
                .tokenIds();
        assertThat(generated).containsExactly(mine.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] chat(String question) {
        return reloaded.encodeChat(List.of(new ChatMessage("user", question)), null);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double mean(List<Float> xs) {
        return xs.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    }
}
