package dev.quill.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.ChatTemplate;
import dev.quill.model.tokenizer.TextTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One training run, start to finish: read the corpus, learn the tokenizer on it, encode the
 * conversations through the chat template, then train a fresh {@link TrainableLlama} with AdamW
 * (linear warm-up, cosine decay, gradient clipping) and write the model folder.
 *
 * <p>Ownership: the run owns the model and the tokenizer until {@link #close}. Single-threaded.
 */
public final class TrainingRun implements AutoCloseable {

    private final TrainOptions options;
    private final PrintStream log;
    private final BpeVocabulary vocab;
    private final TextTokenizer tokenizer;
    private final List<TrainingExample> examples;
    private final TrainableLlama model;
    private final NDManager root; // parent of each step's temporaries
    private final long started = System.nanoTime();
    private final List<Float> losses = new ArrayList<>(); // per step
    private double finalLoss = Double.NaN;
    private double tokensPerSecond;

    private TrainingRun(TrainOptions options, PrintStream log, BpeVocabulary vocab, TextTokenizer tokenizer,
                        List<TrainingExample> examples, TrainableLlama model) {
        this.options = options;
        this.log = log;
        this.vocab = vocab;
        this.tokenizer = tokenizer;
        this.examples = examples;
        this.model = model;
        this.root = NDManager.newBaseManager(new DecoderOptions(options.device(), 1, 0).djlDevice());
    }

    /** Reads the corpus, learns and writes the tokenizer, encodes the examples, initializes the model. */
    public static TrainingRun prepare(TrainOptions o, PrintStream log) throws IOException {
        ChatCorpus corpus = ChatCorpus.read(o.corpus());
        List<List<ChatMessage>> conversations = corpus.conversations();
        ChatTemplate template = ChatTemplate.of(TokenizerFiles.CHATML_TEMPLATE, null, TokenizerFiles.IM_END);
        BpeVocabulary vocab = BpeTrainer.train(plainText(conversations, template),
                o.vocab() - TokenizerFiles.SPECIAL_TOKENS.size(), 2);
        ModelFolder.writeTokenizer(o.out(), vocab, o.context());
        TextTokenizer tokenizer = TextTokenizer.load(o.out());
        try {
            List<TrainingExample> examples = TrainingExample.encodeAll(conversations, template, tokenizer);
            ModelShape shape = new ModelShape(TokenizerFiles.vocabSize(vocab), o.hidden(), o.layers(), o.heads(),
                    o.intermediateSize(), o.context());
            long tokens = examples.stream().mapToLong(e -> e.ids().length).sum();
            log.printf("corpus: %d conversations, %d tokens, and %d two-turn ones drawn afresh each pass; tokenizer: %d tokens; "
                            + "model: llama, %d layers, hidden %d, %d heads, ffn %d, %,d parameters%n",
                    conversations.size(), tokens, pairsPerEpoch(o, conversations.size()), shape.vocabSize(),
                    shape.layers(), shape.hidden(), shape.heads(), shape.intermediate(), shape.parameterCount());
            ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) o.seed()); // dropout masks repeat run to run
            TrainableLlama model = TrainableLlama.initialize(shape, o.seed(),
                    new DecoderOptions(o.device(), 1, 0).djlDevice());
            return new TrainingRun(o, log, vocab, tokenizer, examples, model);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static int pairsPerEpoch(TrainOptions o, int conversations) {
        return (int) Math.round(conversations * o.twoTurn());
    }

    /** The rendered conversations with special-token markup cut out: what the BPE merges are learned from. */
    private static List<String> plainText(List<List<ChatMessage>> conversations, ChatTemplate template) {
        List<String> texts = new ArrayList<>();
        String specials = String.join("|", TokenizerFiles.SPECIAL_TOKENS.stream().map(java.util.regex.Pattern::quote).toList());
        for (List<ChatMessage> c : conversations) {
            for (String piece : template.render(c, false, null).text().split(specials)) {
                if (!piece.isEmpty()) {
                    texts.add(piece);
                }
            }
        }
        return texts;
    }

    /** Linear warm-up from 0 to lr, then a cosine decay to minLr at the last step. */
    private static Tracker schedule(TrainOptions o) {
        return Tracker.warmUp()
                .optWarmUpBeginValue(0f)
                .optWarmUpSteps(o.warmup())
                .setMainTracker(Tracker.cosine()
                        .setBaseValue((float) o.lr())
                        .optFinalValue((float) o.minLr())
                        .setMaxUpdates(o.steps() - o.warmup())
                        .build())
                .build();
    }

    /** Runs every step, writing a checkpoint every {@code saveEvery} steps and at the end. */
    public void train() throws IOException {
        Tracker lr = schedule(options);
        // Decay the matrices only: pulling norm gains towards 0 would fight the normalization itself.
        Optimizer decayed = Optimizer.adamW().optLearningRateTracker(lr).optBeta2(0.99f)
                .optWeightDecays((float) options.weightDecay()).build();
        Optimizer plain = Optimizer.adamW().optLearningRateTracker(lr).optBeta2(0.99f).optWeightDecays(0f).build();
        BatchPacker packer = new BatchPacker(examples, options.batch(), options.seqLen(),
                pairsPerEpoch(options, examples.size()), options.seed());
        ProgressBar bar = new ProgressBar(log, options.steps());
        int lastEpochFrom = options.steps() - Math.max(1, packer.rowsPerEpoch() / options.batch()); // final loss: the last pass
        double smoothed = Double.NaN;
        double lastEpochLoss = 0;
        int lastEpochSteps = 0;
        long tokens = 0;
        long computeNanos = 0;
        for (int step = 1; step <= options.steps(); step++) {
            TokenBatch batch = packer.next();
            long t0 = System.nanoTime();
            float loss = step(batch, decayed, plain);
            if (!Float.isFinite(loss)) {
                bar.finish();
                throw new IllegalStateException("the loss became " + loss + " at step " + step
                        + "; nothing was saved from this step on (try a lower --lr)");
            }
            losses.add(loss);
            computeNanos += System.nanoTime() - t0;
            tokens += batch.realTokens();
            smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
            if (step > lastEpochFrom) {
                lastEpochLoss += loss;
                lastEpochSteps++;
            }
            tokensPerSecond = tokens / (computeNanos / 1e9);
            bar.update(step, smoothed, lr.getNewValue(step), tokensPerSecond);
            if (options.saveEvery() > 0 && step % options.saveEvery() == 0 && step < options.steps()) {
                save();
            }
        }
        bar.finish();
        finalLoss = lastEpochLoss / lastEpochSteps;
        save();
    }

    /** One optimizer step: forward and backward over the batch, clip the gradients, update. Returns the loss. */
    private float step(TokenBatch batch, Optimizer decayed, Optimizer plain) {
        float loss;
        try (NDScope scope = new NDScope(); NDManager m = root.newSubManager()) { // the step's temporaries die here
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray l = model.loss(m, batch, (float) options.dropout());
                collector.backward(l);
                loss = l.getFloat();
            }
        }
        if (!Float.isFinite(loss)) {
            return loss; // leave the weights as they were; train() stops
        }
        // Outside the scope: AdamW creates its moment arrays on a weight's first update, and they must live on.
        Map<String, NDArray> params = model.parameters();
        List<NDArray> grads = new ArrayList<>();
        params.values().forEach(p -> grads.add(p.getGradient()));
        double norm = globalNorm(grads);
        if (norm > options.clip()) {
            grads.forEach(g -> g.muli((float) (options.clip() / norm)));
        }
        int i = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray g = grads.get(i++);
            (e.getValue().getShape().dimension() >= 2 ? decayed : plain).update(e.getKey(), e.getValue(), g);
            g.subi(g); // PyTorch adds each backward's gradients to the last: start the next step from zero
            g.close(); // the Java handle only; the gradient tensor stays with its weight
        }
        return loss;
    }

    /** sqrt of the sum of every gradient's squared entries: the norm clipping compares. */
    private static double globalNorm(List<NDArray> grads) {
        double sum = 0;
        try (NDScope scope = new NDScope()) {
            for (NDArray g : grads) {
                sum += g.square().sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    /** Writes config.json, generation_config.json and model.safetensors into the output folder. */
    public void save() throws IOException {
        ModelFolder.writeModel(options.out(), model, vocab, options.dtype());
    }

    public TrainableLlama model() {
        return model;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Each step's batch loss, in order. */
    public List<Float> losses() {
        return List.copyOf(losses);
    }

    /** The mean loss over the last epoch's worth of steps (NaN before {@link #train}). */
    public double finalLoss() {
        return finalLoss;
    }

    /** Real (non-padding) tokens per second of forward, backward and update. */
    public double tokensPerSecond() {
        return tokensPerSecond;
    }

    /** Seconds since {@link #prepare} began. */
    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    @Override
    public void close() {
        root.close();
        model.close();
        tokenizer.close();
    }
}
