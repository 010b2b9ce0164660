package dev.quill.model.train;

import java.io.PrintStream;
import java.util.Locale;

/** One line on stderr, rewritten in place ({@code \r}) as training goes: step, loss, learning rate, tokens/s, time. */
final class ProgressBar {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private int lastLength;

    ProgressBar(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void update(int step, double loss, double lr, double tokensPerSecond) {
        double seconds = (System.nanoTime() - start) / 1e9;
        int filled = (int) ((long) WIDTH * step / total);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        double eta = step == 0 ? 0 : seconds / step * (total - step);
        String line = String.format(Locale.ROOT, "step %d/%d [%s] loss %.4f | lr %.2e | %.0f tok/s | %s elapsed, %s left",
                step, total, bar, loss, lr, tokensPerSecond, clock(seconds), clock(eta));
        // pad over a longer previous line so nothing of it is left behind
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    void finish() {
        out.println();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
