package dev.quill.model.cli;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.train.ChatCorpus;
import dev.quill.model.train.ModelShape;
import dev.quill.model.train.Quiz;
import dev.quill.model.train.TrainOptions;
import dev.quill.model.train.TrainingRun;
import dev.quill.model.weights.TensorDtype;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code train --corpus FILE --out DIR [options]}: learns a tokenizer on a chat corpus, trains a
 * small Llama-style decoder on it and writes a HuggingFace model folder. Progress is one line on
 * stderr; the summary follows it.
 */
public final class TrainCommand {

    static final String USAGE = """
            usage: train --corpus FILE --out DIR [options]
              --corpus FILE           chat dataset, JSON Lines: {"questions": [...], "answer": ...} or {"messages": [...]}
              --out DIR               model folder to write (config.json, model.safetensors, tokenizer.json, ...)
              --vocab N               tokenizer size, special tokens included (default %d)
              --layers N  --hidden N  --heads N           model shape (default %d, %d, %d)
              --intermediate N        feed-forward width (default 8/3 of hidden, rounded up to 32)
              --context N             max_position_embeddings (default %d)
              --steps N               optimizer steps (default %d)
              --seq-len N             tokens per packed row (default %d)
              --batch N               rows per step (default %d)
              --lr X  --min-lr X      peak and final learning rate (default %s, %s)
              --warmup N              linear warm-up steps (default %d)
              --weight-decay X        AdamW weight decay on matrices (default %s)
              --clip X                largest gradient norm (default %s)
              --dropout X             dropout on embeddings and block outputs while training (default %s)
              --two-turn X            two-turn conversations drawn afresh each pass, as a fraction of the corpus's (default %s)
              --seed N                weights, data order (default %d)
              --save-every N          steps between checkpoints, 0 = only at the end (default %d)
              --dtype f32|f16|bf16    model.safetensors precision (default f16)
              --device cpu|gpu:N      where to train (default cpu)
              --threads N             PyTorch intra-op threads (default %d)
              --interop-threads N     PyTorch inter-op threads (default %d)
            """;

    private static final Set<String> WITH_VALUE = Set.of("corpus", "out", "vocab", "layers", "hidden", "heads",
            "intermediate", "context", "steps", "seq-len", "batch", "lr", "min-lr", "warmup", "weight-decay", "clip", "dropout",
            "two-turn", "seed", "save-every", "dtype", "device", "threads", "interop-threads");
    private static final Set<String> FLAGS = Set.of("help");

    private TrainCommand() {
    }

    static String usage() {
        TrainOptions d = TrainOptions.defaults(null, null);
        return USAGE.formatted(d.vocab(), d.layers(), d.hidden(), d.heads(), d.context(), d.steps(), d.seqLen(),
                d.batch(), d.lr(), d.minLr(), d.warmup(), d.weightDecay(), d.clip(), d.dropout(), d.twoTurn(), d.seed(),
                d.saveEvery(), TorchThreads.DEFAULT_INTRA_OP, TorchThreads.DEFAULT_INTER_OP);
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        TrainOptions options;
        try {
            Args a = Args.parse(argv, WITH_VALUE, FLAGS);
            if (a.has("help")) {
                out.print(usage());
                return 0;
            }
            options = options(a);
            TorchThreads.configure(a.integer("threads"), a.integer("interop-threads"));
            MklCodePath.install(options.device());
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage());
            err.print(usage());
            return 2;
        }
        try (TrainingRun run = TrainingRun.prepare(options, err)) {
            run.train();
            Path weights = options.out().resolve("model.safetensors");
            ModelShape shape = run.model().shape();
            err.printf(Locale.ROOT, "trained %d steps in %s: final loss %.4f, %.0f tokens/s; wrote %s (%,d parameters, "
                            + "model.safetensors %.1f MB %s)%n",
                    options.steps(), clock(run.elapsedSeconds()), run.finalLoss(), run.tokensPerSecond(), options.out(),
                    shape.parameterCount(), Files.size(weights) / 1e6, options.dtype());
            quiz(options, err);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println();
            err.println("train: " + e.getMessage());
            return 1;
        }
    }

    /** Reloads the written folder as inference does and asks it every corpus question that names key words. */
    private static void quiz(TrainOptions options, PrintStream err) throws IOException {
        List<Quiz.Question> questions = Quiz.fromCorpus(ChatCorpus.read(options.corpus()), true);
        if (questions.isEmpty()) {
            return;
        }
        try (LanguageModel model = LanguageModel.load(options.out(), new DecoderOptions(options.device(), 32, 0))) {
            Quiz.Result r = Quiz.ask(model, questions, 160);
            err.println("quiz, every corpus question, greedy, reloaded from " + options.out() + ": " + r.summary()
                    + " answers hold their key words");
            r.misses().forEach(a -> err.println("  missed [" + a.question().topic() + "] " + a.question().text()
                    + " -> " + a.text().replace('\n', ' ')));
        }
    }

    private static TrainOptions options(Args a) {
        TrainOptions d = TrainOptions.defaults(Path.of(a.require("corpus")), Path.of(a.require("out")));
        return new TrainOptions(d.corpus(), d.out(),
                a.integer("vocab") != null ? a.integer("vocab") : d.vocab(),
                a.integer("layers") != null ? a.integer("layers") : d.layers(),
                a.integer("hidden") != null ? a.integer("hidden") : d.hidden(),
                a.integer("heads") != null ? a.integer("heads") : d.heads(),
                a.integer("intermediate") != null ? a.integer("intermediate") : d.intermediate(),
                a.integer("context") != null ? a.integer("context") : d.context(),
                a.integer("steps") != null ? a.integer("steps") : d.steps(),
                a.integer("seq-len") != null ? a.integer("seq-len") : d.seqLen(),
                a.integer("batch") != null ? a.integer("batch") : d.batch(),
                a.number("lr") != null ? a.number("lr") : d.lr(),
                a.number("min-lr") != null ? a.number("min-lr") : d.minLr(),
                a.integer("warmup") != null ? a.integer("warmup") : d.warmup(),
                a.number("weight-decay") != null ? a.number("weight-decay") : d.weightDecay(),
                a.number("clip") != null ? a.number("clip") : d.clip(),
                a.number("dropout") != null ? a.number("dropout") : d.dropout(),
                a.number("two-turn") != null ? a.number("two-turn") : d.twoTurn(),
                a.integer("seed") != null ? a.integer("seed") : d.seed(),
                a.integer("save-every") != null ? a.integer("save-every") : d.saveEvery(),
                dtype(a.get("dtype", "f16")), a.get("device", d.device()));
    }

    private static TensorDtype dtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> TensorDtype.F32;
            case "f16", "fp16", "float16" -> TensorDtype.F16;
            case "bf16", "bfloat16" -> TensorDtype.BF16;
            default -> throw new IllegalArgumentException("--dtype must be f32, f16 or bf16, got '" + s + "'");
        };
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }
}
