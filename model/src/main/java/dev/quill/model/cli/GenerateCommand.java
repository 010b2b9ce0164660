package dev.quill.model.cli;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.generate.Generation;
import dev.quill.model.generate.Generator;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.template.ChatMessage;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code generate [--model DIR] --prompt TEXT [--chat] [sampling flags]}: streams the model's text
 * to stdout as it is made, then prints prompt and decode tokens per second to stderr. Without
 * {@code --model} it runs the demo model bundled in the repository.
 */
public final class GenerateCommand {

    /** The bundled demo model, relative to the working directory (the repository root). */
    public static final Path DEMO_MODEL = Path.of("models", "quill-demo");

    static final String USAGE = """
            usage: generate [--model DIR] --prompt TEXT [options]
              --model DIR             HuggingFace model folder (default models/quill-demo, the bundled demo model)
              --chat                  wrap the prompt as a user message in the model's chat template
              --system TEXT           system message (with --chat)
              --device cpu|gpu:N      where the model runs (default cpu)
              --threads N             PyTorch intra-op threads (default %d)
              --interop-threads N     PyTorch inter-op threads (default %d)
              --max-tokens N          tokens to generate (default: generation_config.json's, else 256)
              --temperature T         0 = greedy (default: the model's, else 1)
              --top-k K  --top-p P  --min-p P
              --repetition-penalty R  --presence-penalty P  --frequency-penalty F
              --seed N                same seed and prompt give the same text
              --stop TEXT             stop string (repeatable; never printed)
              --ignore-eos            keep going past the end-of-sequence token
            """.formatted(TorchThreads.DEFAULT_INTRA_OP, TorchThreads.DEFAULT_INTER_OP);

    private static final Set<String> WITH_VALUE = Set.of("model", "prompt", "system", "device", "threads",
            "interop-threads", "max-tokens", "temperature", "top-k", "top-p", "min-p", "repetition-penalty",
            "presence-penalty", "frequency-penalty", "seed", "stop");
    private static final Set<String> FLAGS = Set.of("chat", "ignore-eos", "help");

    private GenerateCommand() {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a;
        try {
            a = Args.parse(argv, WITH_VALUE, FLAGS);
            if (a.has("help")) {
                out.print(USAGE);
                return 0;
            }
            a.require("prompt");
            TorchThreads.configure(a.integer("threads"), a.integer("interop-threads"));
        } catch (IllegalArgumentException e) {
            err.println("generate: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        DecoderOptions options = new DecoderOptions(a.get("device", "cpu"), 1, 0);
        MklCodePath.startUp(options.device()).ifPresent(err::println);
        Path dir = a.has("model") ? Path.of(a.require("model")) : DEMO_MODEL;
        try (LanguageModel model = LanguageModel.load(dir, options)) {
            SamplingParams params = params(a, model);
            int[] prompt = a.has("chat") ? model.encodeChat(messages(a), null) : model.encodePrompt(a.require("prompt"));
            Generator generator = new Generator(model.decoder(), model.tokenizer(), model.eosIds());
            Generation g = generator.generate(prompt, params, piece -> {
                out.print(piece);
                out.flush();
            });
            out.println();
            err.printf("[%s] prompt: %d tokens, %.1f tokens/s | decode: %d tokens, %.1f tokens/s | finish: %s%n",
                    model.decoder().device(), g.promptTokens(), g.prefillTokensPerSecond(), g.tokenIds().length,
                    g.decodeTokensPerSecond(), g.finishReason().wireName());
            return 0;
        } catch (RuntimeException e) {
            err.println("generate: " + e.getMessage());
            if (!a.has("model")) {
                err.println("generate: the demo model is looked up in the working directory: run from the repository root, or pass --model DIR");
            }
            return 1;
        }
    }

    private static List<ChatMessage> messages(Args a) {
        List<ChatMessage> m = new ArrayList<>();
        if (a.has("system")) {
            m.add(new ChatMessage("system", a.get("system", "")));
        }
        m.add(new ChatMessage("user", a.require("prompt")));
        return m;
    }

    private static SamplingParams params(Args a, LanguageModel model) {
        SamplingParams.Builder b = model.defaults().applyTo(SamplingParams.builder());
        if (a.number("temperature") != null) b.temperature(a.number("temperature"));
        if (a.integer("top-k") != null) b.topK(a.integer("top-k"));
        if (a.number("top-p") != null) b.topP(a.number("top-p"));
        if (a.number("min-p") != null) b.minP(a.number("min-p"));
        if (a.number("repetition-penalty") != null) b.repetitionPenalty(a.number("repetition-penalty"));
        if (a.number("presence-penalty") != null) b.presencePenalty(a.number("presence-penalty"));
        if (a.number("frequency-penalty") != null) b.frequencyPenalty(a.number("frequency-penalty"));
        if (a.integer("max-tokens") != null) b.maxTokens(a.integer("max-tokens"));
        if (a.has("seed")) b.seed(Long.valueOf(a.get("seed", "0")));
        if (a.has("stop")) b.stopStrings(a.all("stop"));
        b.ignoreEos(a.has("ignore-eos"));
        return b.build();
    }

    public static void main(String[] argv) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.exit(run(argv, out, System.err));
    }
}
