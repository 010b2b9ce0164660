package dev.quill.model.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import dev.quill.model.cli.MklCodePath.Cpu;
import dev.quill.model.cli.MklCodePath.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MklCodePathTest {

    private static final Cpu ZEN = new Cpu("AuthenticAMD", Set.of("sse4_2", "avx", "avx2", "fma"));

    @Test
    void readsVendorAndFlagsFromCpuinfo(@TempDir Path dir) throws Exception {
        Path amd = Files.writeString(dir.resolve("amd"), "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                + "flags\t\t: fpu sse2 avx2 fma\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu\n");
        assertThat(Cpu.read(amd)).isEqualTo(new Cpu("AuthenticAMD", Set.of("fpu", "sse2", "avx2", "fma")));
        assertThat(Cpu.read(dir.resolve("missing"))).isEqualTo(new Cpu("", Set.of()));
    }

    @Test
    void loadsOnlyForAnAmdCpuWithAvx2AndFmaOnLinuxX86() {
        assertThat(decide("cpu", ZEN, null)).isEqualTo(Decision.LOAD);
        assertThat(decide("gpu:0", ZEN, null)).isEqualTo(Decision.NOT_CPU_DEVICE);
        assertThat(MklCodePath.decide("cpu", ZEN, "Mac OS X", "aarch64", null, null)).isEqualTo(Decision.NOT_LINUX_X86_64);
        assertThat(MklCodePath.decide("cpu", ZEN, "Linux", "aarch64", null, null)).isEqualTo(Decision.NOT_LINUX_X86_64);
        assertThat(decide("cpu", new Cpu("GenuineIntel", ZEN.flags()), null)).isEqualTo(Decision.NOT_AMD);
        assertThat(decide("cpu", new Cpu("AuthenticAMD", Set.of("avx", "fma")), null)).isEqualTo(Decision.NO_AVX2_FMA);
        assertThat(decide("cpu", new Cpu("AuthenticAMD", Set.of("avx2")), null)).isEqualTo(Decision.NO_AVX2_FMA);
        assertThat(decide("cpu", new Cpu("", Set.of()), null)).isEqualTo(Decision.NOT_AMD);
    }

    @Test
    void hasAnOffSwitchAndRespectsAPreloadedShim() {
        for (String off : new String[] {"off", "0", "false", " OFF "}) {
            assertThat(decide("cpu", ZEN, off)).isEqualTo(Decision.SWITCHED_OFF);
        }
        assertThat(decide("cpu", ZEN, "on")).isEqualTo(Decision.LOAD);
        assertThat(MklCodePath.decide("cpu", ZEN, "Linux", "amd64", null, "/opt/libmkl-intel-path.so")).isEqualTo(Decision.PRELOADED);
        assertThat(MklCodePath.decide("cpu", ZEN, "Linux", "amd64", null, "/usr/lib/libjemalloc.so")).isEqualTo(Decision.LOAD);
    }

    @Test
    void theWrittenObjectLoadsAndAnswersIntel(@TempDir Path dir) throws Exception {
        Path so = Files.write(dir.resolve("libcheck.so"), IntelCpuObject.bytes());
        NativeLibrary lib = NativeLibrary.getInstance(so.toString(), Map.of(Library.OPTION_OPEN_FLAGS, 0x2)); // RTLD_NOW, local
        for (String f : IntelCpuObject.FUNCTIONS) {
            assertThat(lib.getFunction(f).invokeInt(new Object[0])).as(f).isEqualTo(1);
        }
    }

    /**
     * The test run installs the library before PyTorch starts (MklSessionListener), as serve does.
     * Where it loads, MKL itself must report an Intel path after a product, and the global lookup
     * that libtorch_cpu.so's PLT goes through must find the library's definition.
     */
    @Test
    void mklTakesTheIntelPathWhereItLoads() {
        Decision d = MklCodePath.install("cpu");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray product = m.ones(new Shape(1, 64)).matMul(m.ones(new Shape(64, 64)));
            assertThat(product.getFloat(0, 0)).isEqualTo(64f);
        }
        String processor = MklVersion.processor().orElseThrow();
        if (d == Decision.LOAD) {
            assertThat(MklCodePath.generic(processor)).as(processor).isFalse();
            assertThat(NativeLibrary.getProcess().getFunction("mkl_serv_intel_cpu_true").invokeInt(new Object[0])).isEqualTo(1);
            assertThat(MklCodePath.startUp("cpu")).hasValueSatisfying(s -> assertThat(s).startsWith("MKL: Intel code path"));
        } else {
            assertThat(MklCodePath.startUp("gpu:0")).isEmpty();
        }
    }

    private static Decision decide(String device, Cpu cpu, String switchValue) {
        return MklCodePath.decide(device, cpu, "Linux", "amd64", switchValue, null);
    }
}
