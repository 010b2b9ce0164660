package dev.quill.model.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.train.BpeVocabulary;
import dev.quill.model.train.ByteLevel;
import dev.quill.model.train.TokenizerFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The model the published load tests serve (docs/BENCHMARKS.md): GPT-2 small's shape and random
 * weights ({@link BenchModel#GPT2_124M}), or another {@link BenchModel} named as the second
 * argument (bench/versus.sh serves {@code llama-134m}), with a byte-level BPE tokenizer that has an entry for
 * every one of its 50257 ids. The fixtures' small tokenizer knows only a few hundred ids, and a
 * random model samples all 50257 alike, so its answers would decode to nothing; a server under
 * load would then be measured streaming empty text. Merges are synthetic (letter pairs, triples
 * and quadruples), so English prompts come out at a few tokens per word.
 *
 * <pre>./mvnw -q -B -pl model test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.quill.model.bench.LoadTestModel [-Dexec.args="DIR [MODEL]"]</pre>
 * Default folder: model/target/bench-models/MODEL-chat (gpt2-124m-chat). The weights are hard-linked from the
 * decoder benchmark's folder, which is written first if missing.
 */
public final class LoadTestModel {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private LoadTestModel() {
    }

    public static void main(String[] args) throws IOException {
        Path root = BenchModel.defaultRoot();
        BenchModel model = args.length > 1 ? BenchModel.byId(args[1]) : BenchModel.GPT2_124M;
        Path dir = args.length > 0 && !args[0].isEmpty() ? Path.of(args[0]) : root.resolve(model.id + "-chat");
        Path weights = model.folder(root);
        int vocabSize = model.config.vocabSize();
        int context = model.config.maxPositions();
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("model.safetensors"));
        Files.createLink(dir.resolve("model.safetensors"), weights.resolve("model.safetensors"));

        BpeVocabulary vocab = vocabulary(vocabSize - TokenizerFiles.SPECIAL_TOKENS.size());
        TokenizerFiles.write(dir, vocab, context);
        int eos = TokenizerFiles.specialId(vocab, TokenizerFiles.ENDOFTEXT);
        JsonObject config = JsonParser.parseString(Files.readString(weights.resolve("config.json"))).getAsJsonObject();
        config.addProperty("bos_token_id", eos);
        config.addProperty("eos_token_id", eos);
        Files.writeString(dir.resolve("config.json"), GSON.toJson(config), StandardCharsets.UTF_8);
        JsonObject generation = new JsonObject();
        generation.addProperty("bos_token_id", eos);
        generation.addProperty("eos_token_id", eos);
        Files.writeString(dir.resolve("generation_config.json"), GSON.toJson(generation), StandardCharsets.UTF_8);
        System.out.printf("wrote %s: %s's shape, %d-token vocabulary (%d BPE, %d special)%n",
                dir, model.id, vocabSize, vocab.size(), TokenizerFiles.SPECIAL_TOKENS.size());
    }

    /**
     * The 256 byte tokens, then merges in rank order until {@code size} tokens: every pair of a
     * letter or word-start marker and a letter, then those pairs and a letter, then triples and
     * a letter, the word-initial ones first.
     */
    static BpeVocabulary vocabulary(int size) {
        List<String> tokens = new ArrayList<>(ByteLevel.alphabet());
        Set<String> seen = new LinkedHashSet<>(tokens);
        List<String> merges = new ArrayList<>();
        String space = ByteLevel.encode(" ");
        List<String> letters = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            letters.add(String.valueOf(c));
        }
        List<String> starts = new ArrayList<>();
        starts.add(space);
        starts.addAll(letters);
        List<String> level = starts;
        while (tokens.size() < size) {
            List<String> next = new ArrayList<>();
            // word-initial pieces first: they are what prompt words begin with
            List<String> ordered = new ArrayList<>(level.stream().filter(t -> t.startsWith(space)).toList());
            ordered.addAll(level.stream().filter(t -> !t.startsWith(space)).toList());
            for (String left : ordered) {
                for (String right : letters) {
                    if (tokens.size() >= size) {
                        break;
                    }
                    String merged = left + right;
                    if (seen.add(merged)) {
                        merges.add(left + " " + right);
                        tokens.add(merged);
                        next.add(merged);
                    }
                }
            }
            level = next;
        }
        return new BpeVocabulary(List.copyOf(tokens), List.copyOf(merges));
    }
}
