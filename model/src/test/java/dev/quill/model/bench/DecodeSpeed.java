package dev.quill.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.quill.model.cli.Args;
import dev.quill.model.cli.MklCodePath;
import dev.quill.model.cli.TorchThreads;
import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.DecoderLoader;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.decoder.SequenceChunk;
import dev.quill.model.decoder.StepAnatomy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One JVM's batch-1 decode speed against the memory roofline measured around it, as one line: the
 * unit that {@code bench/decoder.sh} (AB=1) runs in alternating JVMs for settings that must be fixed
 * before PyTorch starts (MKL's code path, thread counts, OpenMP's wait policy), so that A and B meet
 * the same background load. Greedy decoding of {@code --tokens} after an 8-token prompt, 3 runs.
 */
public final class DecodeSpeed {

    public static void main(String[] argv) throws Exception {
        Args a = Args.parse(argv, Set.of("threads", "models", "models-dir", "tokens", "label", "bandwidth-mib"), Set.of());
        TorchThreads.configure(a.integer("threads"), 1);
        MklCodePath.install("cpu"); // what serve and generate do; -Dquill.mkl.intel-path=off is the B side
        Path root = Path.of(a.get("models-dir", BenchModel.defaultRoot().toString()));
        int tokens = a.integer("tokens") == null ? 128 : a.integer("tokens");
        long bwBytes = (long) (a.integer("bandwidth-mib") == null ? 512 : a.integer("bandwidth-mib")) << 20;
        String label = a.get("label", "");
        for (String id : a.get("models", "llama-135m").split(",")) {
            BenchModel model = BenchModel.byId(id.trim());
            Path dir = model.folder(root);
            Engine.getEngine("PyTorch");
            try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(1, 0));
                 StepAnatomy anatomy = new StepAnatomy(decoder);
                 NDManager scratch = NDManager.newBaseManager()) {
                int[] prompt = new Random(7).ints(8, 0, decoder.config().vocabSize()).toArray();
                decode(decoder, prompt, 32); // warm-up
                double[] bw = new double[6];
                System.arraycopy(MemoryBandwidth.torchSum(scratch, bwBytes, 3).samples(), 0, bw, 0, 3);
                double[] rates = new double[3];
                for (int r = 0; r < rates.length; r++) {
                    rates[r] = tokens / decode(decoder, prompt, tokens);
                }
                System.arraycopy(MemoryBandwidth.torchSum(scratch, bwBytes, 3).samples(), 0, bw, 3, 3);
                Stats rate = Stats.of(rates);
                Stats bandwidth = Stats.of(bw);
                double roofline = bandwidth.median() * 1e9 / anatomy.weightBytesPerToken();
                String mkl = MklCodePath.mklProcessor().map(p -> MklCodePath.generic(p) ? "generic" : "intel").orElse("?");
                System.out.printf("decode-speed | %s | %s | %d thread(s) | MKL %s | %.1f tok/s (%.1f-%.1f) | bandwidth %.1f GB/s"
                                + " | roofline %.1f tok/s | %.0f%% | load %s%n",
                        label, id, JniUtils.getNumThreads(), mkl, rate.median(), rate.min(), rate.max(), bandwidth.median(),
                        roofline, 100 * rate.median() / roofline, Machine.loadAverage());
            }
        }
    }

    /** Seconds for n greedy one-token steps after the prompt. */
    private static double decode(Decoder decoder, int[] prompt, int n) {
        float[][] logits = decoder.forward(List.of(new SequenceChunk(0, 0, prompt)));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int next = argmax(logits[0]);
            logits = decoder.forward(List.of(new SequenceChunk(0, prompt.length + i, new int[] {next})));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }
}
