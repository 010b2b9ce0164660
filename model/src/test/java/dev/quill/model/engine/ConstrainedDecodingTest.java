package dev.quill.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.generate.Generation;
import dev.quill.model.generate.Generator;
import dev.quill.model.grammar.Grammar;
import dev.quill.model.grammar.JsonSchemaCompiler;
import dev.quill.model.grammar.SchemaCheck;
import dev.quill.model.grammar.TestSchemas;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Structured output on a random-weight model at temperature 1: every answer parses and validates
 * (judged by an independent validator), and unconstrained requests batched beside constrained ones
 * produce exactly what they produce alone.
 */
class ConstrainedDecodingTest {
    private static final int ANSWERS = 100;
    private static final int MAX_TOKENS = 96;

    @TempDir
    static Path dir;
    static LanguageModel model;
    static LanguageModel solo; // the plain path, on a decoder of its own: the engine's thread owns the other one's pool

    @BeforeAll
    static void load() throws Exception {
        TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 7);
        model = LanguageModel.load(dir, DecoderOptions.cpu(16, 0));
        solo = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
    }

    @AfterAll
    static void close() {
        model.close();
        solo.close();
    }

    private static Engine engine() {
        return new Engine(model.decoder(), model.tokenizer(), model.eosIds(), new EngineOptions(1000, 64, false));
    }

    private static SamplingParams random(long seed) {
        return SamplingParams.builder().temperature(1).seed(seed).maxTokens(MAX_TOKENS).build();
    }

    @Test
    void everyAnswerParsesAndValidatesAtTemperatureOne() throws Exception {
        Map<String, String> schemas = new LinkedHashMap<>(TestSchemas.all());
        schemas.put("json_object", "{\"type\":\"object\"}");
        try (Engine engine = engine()) {
            Map<String, List<Collector>> answers = new LinkedHashMap<>();
            long seed = 0;
            for (Map.Entry<String, String> e : schemas.entrySet()) {
                Grammar g = e.getKey().equals("json_object") ? JsonSchemaCompiler.anyObject()
                        : JsonSchemaCompiler.compile(e.getValue());
                List<Collector> outs = new ArrayList<>();
                for (int i = 0; i < ANSWERS; i++) {
                    Collector c = new Collector();
                    engine.submit(new GenerationRequest(EngineTest.prompt(seed, 4), random(seed++), c, g));
                    outs.add(c);
                }
                answers.put(e.getKey(), outs);
            }
            for (Map.Entry<String, List<Collector>> e : answers.entrySet()) {
                SchemaCheck check = new SchemaCheck(schemas.get(e.getKey()));
                for (Collector c : e.getValue()) {
                    assertThat(c.await()).as(e.getKey()).isEqualTo(FinishReason.STOP);
                    String text = c.text.toString();
                    assertThat(check.problems(text)).as("%s: %s", e.getKey(), text).isEmpty();
                    assertThat(c.tokens.size()).isLessThanOrEqualTo(MAX_TOKENS);
                }
            }
        }
    }

    @Test
    void unconstrainedRequestsBesideConstrainedOnesProduceWhatTheyProduceAlone() throws Exception {
        Grammar g = JsonSchemaCompiler.compile(TestSchemas.REFS);
        SchemaCheck check = new SchemaCheck(TestSchemas.REFS);
        try (Engine engine = engine()) {
            List<Collector> free = new ArrayList<>();
            List<Collector> json = new ArrayList<>();
            List<int[]> prompts = new ArrayList<>();
            List<SamplingParams> params = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                prompts.add(EngineTest.prompt(200 + i, 5 + 3 * i));
                params.add(i % 2 == 0 ? EngineTest.greedy(30) : SamplingParams.builder().temperature(0.9).seed(9L + i)
                        .maxTokens(30).ignoreEos(true).build());
                Collector a = new Collector();
                engine.submit(new GenerationRequest(prompts.get(i), params.get(i), a));
                free.add(a);
                Collector b = new Collector();
                engine.submit(new GenerationRequest(EngineTest.prompt(300 + i, 6), random(40 + i), b, g));
                json.add(b);
            }
            Generator alone = new Generator(solo.decoder(), solo.tokenizer(), solo.eosIds());
            for (int i = 0; i < 6; i++) {
                assertThat(free.get(i).await()).isEqualTo(FinishReason.LENGTH);
                Generation expected = alone.generate(prompts.get(i), params.get(i), s -> { });
                assertThat(free.get(i).tokenArray()).as("request %d", i).containsExactly(expected.tokenIds());
                assertThat(json.get(i).await()).isEqualTo(FinishReason.STOP);
                assertThat(check.problems(json.get(i).text.toString())).isEmpty();
            }
        }
    }

    @Test
    void aGrammarThatFailsMidAnswerEndsOnlyItsOwnSequence() throws Exception {
        // "a" recurses into itself without writing anything: found only once the walk reaches it
        Grammar looping = JsonSchemaCompiler.compile("""
                {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}, "required": ["a"],
                 "$defs": {"A": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}]}}}""");
        Grammar fine = JsonSchemaCompiler.compile(TestSchemas.NESTED);
        try (Engine engine = engine()) {
            Collector bad = new Collector();
            Collector good = new Collector();
            Collector free = new Collector();
            engine.submit(new GenerationRequest(EngineTest.prompt(1, 5), random(1), bad, looping));
            engine.submit(new GenerationRequest(EngineTest.prompt(2, 5), random(2), good, fine));
            engine.submit(new GenerationRequest(EngineTest.prompt(3, 5), EngineTest.greedy(20), free));
            assertThatThrownBy(bad::await).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(EngineError.class,
                            e -> assertThat(e.code()).isEqualTo(EngineError.Code.INTERNAL));
            assertThat(good.await()).isEqualTo(FinishReason.STOP);
            assertThat(new SchemaCheck(TestSchemas.NESTED).problems(good.text.toString())).isEmpty();
            assertThat(free.await()).isEqualTo(FinishReason.LENGTH);
        }
    }
}
