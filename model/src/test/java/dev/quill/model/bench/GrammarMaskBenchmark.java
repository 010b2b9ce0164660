package dev.quill.model.bench;

import dev.quill.model.cli.TorchThreads;
import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.DecoderLoader;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.decoder.SequenceChunk;
import dev.quill.model.grammar.Grammar;
import dev.quill.model.grammar.GrammarMatcher;
import dev.quill.model.grammar.JsonSchemaCompiler;
import dev.quill.model.grammar.TokenTrie;
import dev.quill.model.grammar.TokenVocabulary;
import dev.quill.model.train.TokenizerFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * What constrained decoding adds to a step: the grammar mask (and advancing over the chosen
 * token) for a deep schema over the load-test model's 50,257-token byte-level vocabulary, at batch
 * 1 and 16. Each answer has its own matcher, as a request does, so its states' masks are computed
 * the first time it meets them (a trie walk) and then reused; the mean includes those first walks,
 * the median is the common case. Tokens are chosen at random among the allowed ones (random
 * logits), so strings run on until the budget closes them, as with a random model.
 *
 * <p>Then the share of a step: a batched decode step of GPT-2 small (124M, the same 50,257-token
 * vocabulary, random weights: {@link BenchModel#GPT2_124M}) at batch 1 and 16, timed here, against
 * the mask's cost at the same batch. The engine computes the masks on its one thread after the
 * forward pass, so the share adds to the step as it stands.
 *
 * <p>Not in the default run: {@code bench/grammar.sh}, or {@code ./mvnw -pl model package
 * -Dquill.excludedGroups=none -Dtest=GrammarMaskBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
public class GrammarMaskBenchmark {
    private static final int VOCAB = 50257;
    private static final int MAX_TOKENS = 256;
    private static final int ANSWERS = 48;

    /** Five levels deep: company → departments → lead (anyOf Person | null) → address, friends → Person. */
    static final String DEEP = """
            {"$defs": {
               "Address": {"type": "object", "additionalProperties": false,
                           "properties": {"street": {"type": "string"}, "city": {"type": "string"},
                                          "country": {"enum": ["FR", "DE", "IT", "ES"]}, "zip": {"type": ["string", "null"]}},
                           "required": ["street", "city", "country", "zip"]},
               "Person": {"type": "object", "additionalProperties": false,
                          "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                                         "email": {"type": "string"}, "address": {"$ref": "#/$defs/Address"},
                                         "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
                                         "friends": {"type": "array", "maxItems": 2, "items": {"$ref": "#/$defs/Person"}}},
                          "required": ["name", "age", "address", "tags", "friends"]}},
             "type": "object", "additionalProperties": false,
             "properties": {
               "company": {"type": "object", "additionalProperties": false,
                           "properties": {
                             "name": {"type": "string"}, "founded": {"type": "integer"},
                             "headquarters": {"$ref": "#/$defs/Address"},
                             "departments": {"type": "array", "minItems": 1, "maxItems": 4,
                                             "items": {"type": "object", "additionalProperties": false,
                                                       "properties": {"name": {"type": "string"},
                                                                      "budget": {"type": "number"},
                                                                      "lead": {"anyOf": [{"$ref": "#/$defs/Person"}, {"type": "null"}]}},
                                                       "required": ["name", "budget", "lead"]}}},
                           "required": ["name", "founded", "headquarters", "departments"]}},
             "required": ["company"]}""";

    @TempDir
    Path dir;

 /** For bench/grammar.sh: {@code [DIR]}, a scratch folder for the tokenizer (default: a temporary one). */
    public static void main(String[] args) throws Exception {
        TorchThreads.configure(Integer.getInteger("quill.threads"), null);
        GrammarMaskBenchmark b = new GrammarMaskBenchmark();
        b.dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("grammar-bench");
        b.maskCostPerStep();
    }

    @Test
    void maskCostPerStep() throws Exception {
        System.out.printf("machine: %s, %s; %d processors%n", Machine.cpuModel(), Machine.memory(),
                Runtime.getRuntime().availableProcessors());
        TokenizerFiles.write(dir, LoadTestModel.vocabulary(VOCAB - TokenizerFiles.SPECIAL_TOKENS.size()), 1024);
        long t0 = System.nanoTime();
        byte[][] bytes = TokenVocabulary.read(dir.resolve("tokenizer.json"));
        TokenTrie trie = TokenTrie.of(bytes);
        System.out.printf("token trie: %d tokens, %d nodes, built in %.0f ms (read + build)%n",
                trie.vocabSize(), trie.nodes(), (System.nanoTime() - t0) / 1e6);
        long c0 = System.nanoTime();
        Grammar grammar = JsonSchemaCompiler.compile(DEEP);
        System.out.printf("deep schema: %d grammar states, compiled in %.2f ms, smallest answer %d bytes%n",
                grammar.size(), (System.nanoTime() - c0) / 1e6, grammar.minimumLength());
        int eos = TokenizerFiles.specialId(LoadTestModel.vocabulary(VOCAB - 3), TokenizerFiles.ENDOFTEXT);
        run(grammar, trie, eos, 1, 8, false);   // warm the JIT
        run(grammar, trie, eos, 16, 16, false);
        double[] mask1 = run(grammar, trie, eos, 1, ANSWERS, true);
        double[] mask16 = run(grammar, trie, eos, 16, ANSWERS, true);
        double[] step = decodeStepMicros();
        System.out.printf("decode step of %s (PyTorch %s intra-op threads): batch 1 median %.0f µs, batch 16 median %.0f µs%n",
                BenchModel.GPT2_124M.id, System.getProperty("ai.djl.pytorch.num_threads", "default"), step[0], step[1]);
        System.out.printf("mask share of a step (median mask / median step): batch 1 %.1f%%, batch 16 %.1f%%;"
                        + " (mean mask / median step): batch 1 %.1f%%, batch 16 %.1f%%%n",
                100 * mask1[0] / step[0], 100 * mask16[0] / step[1], 100 * mask1[1] / step[0], 100 * mask16[1] / step[1]);
    }

    /** Median µs of a decode step (one token per sequence, 64 tokens of context) at batch 1 and 16. */
    private static double[] decodeStepMicros() throws Exception {
        Path folder = BenchModel.GPT2_124M.folder(BenchModel.defaultRoot());
        try (Decoder decoder = DecoderLoader.load(folder, DecoderOptions.cpu(16, 256))) {
            Random random = new Random(1);
            int[] batches = {1, 16};
            double[] out = new double[2];
            for (int k = 0; k < 2; k++) {
                int b = batches[k];
                List<SequenceChunk> prefill = new ArrayList<>();
                for (int s = 0; s < b; s++) {
                    prefill.add(new SequenceChunk(s, 0, random.ints(64, 0, VOCAB).toArray()));
                }
                decoder.forward(prefill);
                long[] nanos = new long[24];
                for (int step = 0; step < nanos.length; step++) {
                    List<SequenceChunk> decode = new ArrayList<>();
                    for (int s = 0; s < b; s++) {
                        decode.add(new SequenceChunk(s, 64 + step, new int[] {random.nextInt(VOCAB)}));
                    }
                    long t = System.nanoTime();
                    decoder.forward(decode);
                    nanos[step] = System.nanoTime() - t;
                }
                long[] measured = Arrays.copyOfRange(nanos, 4, nanos.length); // the first steps warm up
                Arrays.sort(measured);
                out[k] = measured[measured.length / 2] / 1e3;
            }
            return out;
        }
    }

    /**
     * Answers {@code total} requests {@code batch} at a time; prints per-step mask cost over the
     * batch and returns its median and mean in µs.
     */
    private static double[] run(Grammar grammar, TokenTrie trie, int eos, int batch, int total, boolean print) {
        Random random = new Random(batch * 1000L + total);
        float[] logits = new float[VOCAB];
        float[] out = new float[VOCAB];
        long[] stepNanos = new long[total / batch * MAX_TOKENS];
        int steps = 0;
        long tokens = 0;
        for (int wave = 0; wave < total / batch; wave++) {
            GrammarMatcher[] m = new GrammarMatcher[batch];
            for (int i = 0; i < batch; i++) {
                m[i] = new GrammarMatcher(grammar, () -> trie, Set.of(eos), MAX_TOKENS);
            }
            boolean[] done = new boolean[batch];
            for (int step = 0; step < MAX_TOKENS; step++) {
                long spent = 0;
                int live = 0;
                for (int i = 0; i < batch; i++) {
                    if (done[i]) {
                        continue;
                    }
                    live++;
                    for (int k = 0; k < VOCAB; k++) {
                        logits[k] = random.nextFloat();
                    }
                    long s = System.nanoTime();
                    m[i].apply(logits, out);
                    spent += System.nanoTime() - s;
                    int token = argmax(out);
                    if (token == eos) {
                        done[i] = true;
                        continue;
                    }
                    s = System.nanoTime();
                    m[i].accept(token);
                    spent += System.nanoTime() - s;
                    tokens++;
                    done[i] = m[i].finished();
                }
                if (live == 0) {
                    break;
                }
                stepNanos[steps++] = spent;
            }
            for (int i = 0; i < batch; i++) {
                if (!m[i].accepting()) {
                    throw new AssertionError("answer " + i + " of wave " + wave + " is not a whole document");
                }
            }
        }
        if (print) {
            long[] s = Arrays.copyOf(stepNanos, steps);
            Arrays.sort(s);
            double mean = Arrays.stream(s).average().orElse(0) / 1e3;
            System.out.printf("batch %2d: %d steps, %d tokens; mask + advance per step: median %.0f µs, mean %.0f µs,"
                            + " p90 %.0f µs, p99 %.0f µs, max %.0f µs%n", batch, steps, tokens,
                    s[steps / 2] / 1e3, mean, s[steps * 9 / 10] / 1e3, s[steps * 99 / 100] / 1e3, s[steps - 1] / 1e3);
            return new double[] {s[steps / 2] / 1e3, mean};
        }
        return new double[] {0, 0};
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
