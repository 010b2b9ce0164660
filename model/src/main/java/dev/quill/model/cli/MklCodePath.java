package dev.quill.model.cli;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the MKL inside PyTorch take the code paths it keeps for Intel CPUs on an AMD CPU, in the
 * process, with nothing for the user to do. On AMD, MKL otherwise takes a generic path that reads
 * weights in a one-row product at about half the memory bandwidth and slows further as rows are
 * added, so batch-1 and batched decode both lose (docs/BENCHMARKS.md measures it).
 *
 * <p>How: MKL asks {@code mkl_serv_intel_cpu_true} / {@code mkl_serv_intel_cpu}, which
 * libtorch_cpu.so exports and calls through its PLT with lazy binding, so the first definition in
 * the global scope wins. Before PyTorch loads, {@link #install} writes a two-function shared object
 * ({@link IntelCpuObject}) to a temporary file and loads it with RTLD_GLOBAL (through JNA, which
 * DJL already ships): the same effect as LD_PRELOAD of {@code native/mkl-intel-path.c}, without a
 * compiler or a restart. Only on x86-64 Linux, an AMD CPU, and a CPU that reports AVX2 and FMA
 * (the Intel paths MKL picks then use only those). Off switch: {@value #SWITCH_ENV}=off or
 * {@code -D}{@value #SWITCH_PROPERTY}=off.
 *
 * <p>Threading: call from the thread that starts the engine, before it starts; idempotent.
 */
public final class MklCodePath {

    /** What {@code native/mkl-intel-path.c} builds; preloaded, it does the same as {@link #install}. */
    static final String SHIM = "mkl-intel-path";
    public static final String SWITCH_ENV = "QUILL_MKL_INTEL_PATH";
    public static final String SWITCH_PROPERTY = "quill.mkl.intel-path";

    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;
    private static NativeLibrary loaded; // held for the life of the process: MKL calls into it

    /** Why the shim is or is not loaded. */
    public enum Decision { LOAD, NOT_CPU_DEVICE, NOT_LINUX_X86_64, NOT_AMD, NO_AVX2_FMA, SWITCHED_OFF, PRELOADED }

    private MklCodePath() {
    }

    /**
     * Loads the shim when {@link #decide} says so, before PyTorch loads; returns the decision. A
     * failure to load (a temporary directory mounted noexec, say) leaves MKL as it was and is
     * reported by {@link #startUp}, not thrown: the fast path is an optimisation.
     */
    public static synchronized Decision install(String device) {
        Decision d = decide(device, Cpu.read(Path.of("/proc/cpuinfo")), System.getProperty("os.name"),
                System.getProperty("os.arch"), switchValue(), System.getenv("LD_PRELOAD"));
        if (d == Decision.LOAD && loaded == null) {
            try {
                Path file = Files.createTempFile("quill-mkl-intel-path", ".so");
                try {
                    Files.write(file, IntelCpuObject.bytes());
                    loaded = NativeLibrary.getInstance(file.toString(), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL));
                } finally {
                    Files.deleteIfExists(file); // the mapping outlives the file
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                System.err.println("MKL: could not load the Intel-path library, MKL keeps its generic path: " + e);
            }
        }
        return d;
    }

    /**
     * {@link #install}, then starts PyTorch and asks MKL which code path it took: the start-up line
     * for {@code serve} and {@code generate}, empty where there is nothing to say (a GPU, an Intel
     * CPU). Call where the engine may start (after {@link TorchThreads#configure}).
     */
    public static Optional<String> startUp(String device) {
        Decision d = install(device);
        if (d != Decision.LOAD && d != Decision.SWITCHED_OFF && d != Decision.PRELOADED) {
            return Optional.empty();
        }
        ai.djl.engine.Engine.getEngine("PyTorch");
        String processor = MklVersion.processor().orElse("unknown");
        return Optional.of(generic(processor)
                ? "note: MKL (inside PyTorch) takes its generic code path on this AMD CPU, which decodes up to 2x "
                        + "slower (" + (d == Decision.SWITCHED_OFF ? SWITCH_ENV + "=off" : "MKL reports: " + processor)
                        + "); see \"AMD CPUs\" in README.md"
                : "MKL: Intel code path on this AMD CPU (MKL reports: " + processor + "); " + SWITCH_ENV + "=off turns it off");
    }

    /** MKL's own description of the code path it takes (MklVersion); empty before PyTorch loads. */
    public static Optional<String> mklProcessor() {
        return MklVersion.processor();
    }

    /** Whether MKL's own description of its code path is the generic one. */
    public static boolean generic(String processor) {
        return !processor.contains("Advanced Vector Extensions");
    }

    static Decision decide(String device, Cpu cpu, String os, String arch, String switchValue, String preload) {
        if (!device.trim().toLowerCase(Locale.ROOT).startsWith("cpu")) {
            return Decision.NOT_CPU_DEVICE;
        }
        if (!"Linux".equals(os) || !("amd64".equals(arch) || "x86_64".equals(arch))) {
            return Decision.NOT_LINUX_X86_64;
        }
        if (!"AuthenticAMD".equals(cpu.vendor())) {
            return Decision.NOT_AMD;
        }
        if (!cpu.flags().contains("avx2") || !cpu.flags().contains("fma")) {
            return Decision.NO_AVX2_FMA;
        }
        if (switchValue != null && Set.of("off", "0", "false", "no").contains(switchValue.trim().toLowerCase(Locale.ROOT))) {
            return Decision.SWITCHED_OFF;
        }
        return preload != null && preload.contains(SHIM) ? Decision.PRELOADED : Decision.LOAD;
    }

    private static String switchValue() {
        String p = System.getProperty(SWITCH_PROPERTY);
        return p != null ? p : System.getenv(SWITCH_ENV);
    }

    /** The first processor's vendor and feature flags, from /proc/cpuinfo; empty when unreadable. */
    record Cpu(String vendor, Set<String> flags) {
        static Cpu read(Path cpuinfo) {
            try {
                String vendor = "";
                Set<String> flags = Set.of();
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("vendor_id") && vendor.isEmpty()) {
                        vendor = line.substring(line.indexOf(':') + 1).trim();
                    } else if (line.startsWith("flags") && flags.isEmpty()) {
                        flags = Set.copyOf(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                    }
                }
                return new Cpu(vendor, flags);
            } catch (IOException | RuntimeException e) {
                return new Cpu("", Set.of()); // not Linux, or unreadable: nothing to do
            }
        }
    }
}
