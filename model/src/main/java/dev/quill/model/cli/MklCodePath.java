package dev.quill.model.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether the MKL inside PyTorch runs its fast code paths here. MKL keeps them for Intel CPUs; on
 * an AMD CPU it takes a generic path that reads weights at about half the speed in a one-row
 * product, and slows further as rows are added, so batch-1 decode and batched decode both lose
 * (docs/BENCHMARKS.md measures it). The remedy has to be applied before the JVM starts, so all
 * Quill can do is say so once at start-up.
 */
public final class MklCodePath {

    /** What {@code native/mkl-intel-path.c} builds; preloaded, it makes MKL take its Intel paths. */
    static final String SHIM = "mkl-intel-path";

    private MklCodePath() {
    }

    /** A one-line note when the CPU device will use MKL's generic path; empty otherwise. */
    public static Optional<String> advice(String device) {
        if (!device.startsWith("cpu") || !amdCpu(Path.of("/proc/cpuinfo"))) {
            return Optional.empty();
        }
        return forPreload(System.getenv("LD_PRELOAD"));
    }

    static Optional<String> forPreload(String preload) {
        if (preload != null && preload.contains(SHIM)) {
            return Optional.empty();
        }
        return Optional.of("note: this AMD CPU makes PyTorch's MKL take its generic code path, which decodes "
                + "up to 2x slower; see \"AMD CPUs\" in README.md (LD_PRELOAD of native/mkl-intel-path.c)");
    }

    static boolean amdCpu(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("vendor_id"))
                    .findFirst()
                    .map(l -> l.contains("AuthenticAMD"))
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or unreadable: nothing to say
        }
    }
}
