package dev.quill.model.bench;

import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.ReferenceConfig;
import dev.quill.model.testing.TinyModelFixture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The benchmark's model shapes: real HuggingFace folders with seeded random fp32 weights, written by
 * {@link TinyModelFixture} and loaded through the production loading path. Random weights decode at
 * the same speed as trained ones: every step reads every weight whatever their values.
 */
public enum BenchModel {
    /** GPT-2 small: 12 layers, 768 wide, 12 heads, vocab 50257, 1024 positions, tied lm_head (124.4M). */
    GPT2_124M("gpt2-124m", new ReferenceConfig(Family.GPT2, 50257, 768, 12, 12, 12, 64, 3072, 1024, 1e-5, 0,
            null, true, false)),
    /** Llama-shaped at GPT-2 small's size: 4 kv heads, SwiGLU 2048, vocab 32000, separate lm_head (124.7M). */
    LLAMA_125M("llama-125m", new ReferenceConfig(Family.LLAMA, 32000, 768, 12, 12, 4, 64, 2048, 2048, 1e-5,
            10_000, null, false, false)),
    /**
     * The model of issue 13's side-by-side run with llama.cpp: 12 layers, 768 wide, 12 heads (and 12
     * kv heads), SwiGLU 2048, vocab 32000, separate lm_head (134.1M; 438 MB of weights per token
     * besides the embedding). bench/versus.sh serves it.
     */
    LLAMA_134M("llama-134m", new ReferenceConfig(Family.LLAMA, 32000, 768, 12, 12, 12, 64, 2048, 2048, 1e-5,
            10_000, null, false, false)),
    /**
     * SmolLM-135M's shape (30 layers, 576 wide, 9 heads, 3 kv heads, SwiGLU 1536, vocab 49152, tied):
     * a 134.5M-parameter Llama, the size of the model llama.cpp's figures were measured on.
     */
    LLAMA_135M("llama-135m", new ReferenceConfig(Family.LLAMA, 49152, 576, 30, 9, 3, 64, 1536, 2048, 1e-5,
            10_000, null, true, false));

    private static final long SEED = 20261121L;

    final String id;
    final ReferenceConfig config;

    BenchModel(String id, ReferenceConfig config) {
        this.id = id;
        this.config = config;
    }

    public static BenchModel byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model '" + id + "', one of "
                        + Arrays.stream(values()).map(m -> m.id).toList()));
    }

    /** The default folder for the models, next to the compiled benchmark classes: model/target/bench-models. */
    public static Path defaultRoot() {
        try {
            Path classes = Path.of(BenchModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().resolve("bench-models");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parameters, counting a tied lm_head once. */
    long parameters() {
        ReferenceConfig c = config;
        long d = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long inner = c.intermediateSize();
        long perLayer = c.family() == Family.GPT2
                ? 4 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * inner + inner) + (inner * d + d)
                : 2 * d + d * (q + 2 * kv) + q * d + 3 * d * inner;
        long embeddings = (long) c.vocabSize() * d + (c.family() == Family.GPT2 ? (long) c.maxPositions() * d : 0);
        long head = c.tieWordEmbeddings() ? 0 : (long) c.vocabSize() * d;
        long finalNorm = c.family() == Family.GPT2 ? 2 * d : d;
        return embeddings + c.numLayers() * perLayer + finalNorm + head;
    }

    /**
     * The model's folder under {@code root}, written on first use. A folder is complete only once it
     * carries {@code shape.txt} equal to this shape, so an interrupted write or a changed shape is
     * rewritten rather than loaded.
     */
    public Path folder(Path root) throws IOException {
        Path dir = root.resolve(id);
        String shape = config + " seed=" + SEED + "\n";
        Path stamp = dir.resolve("shape.txt");
        if (Files.exists(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(shape)) {
            return dir;
        }
        Path partial = root.resolve(id + ".partial");
        deleteTree(partial);
        long start = System.nanoTime();
        System.out.printf("writing %s (%.1fM random fp32 parameters) to %s ...%n", id, parameters() / 1e6, dir);
        TinyModelFixture.write(partial, config, Dtype.F32, false, SEED);
        Files.writeString(partial.resolve("shape.txt"), shape, StandardCharsets.UTF_8);
        deleteTree(dir);
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("  written in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return dir;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
