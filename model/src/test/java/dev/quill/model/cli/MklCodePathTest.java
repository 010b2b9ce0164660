package dev.quill.model.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MklCodePathTest {

    @Test
    void recognisesTheVendorFromCpuinfo(@TempDir Path dir) throws Exception {
        Path amd = Files.writeString(dir.resolve("amd"), "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n");
        Path intel = Files.writeString(dir.resolve("intel"), "processor\t: 0\nvendor_id\t: GenuineIntel\n");
        assertThat(MklCodePath.amdCpu(amd)).isTrue();
        assertThat(MklCodePath.amdCpu(intel)).isFalse();
        assertThat(MklCodePath.amdCpu(dir.resolve("missing"))).isFalse();
    }

    @Test
    void advisesOnlyWhileTheShimIsNotPreloaded() {
        assertThat(MklCodePath.forPreload(null)).hasValueSatisfying(s -> assertThat(s).contains("native/mkl-intel-path.c"));
        assertThat(MklCodePath.forPreload("/usr/lib/libjemalloc.so")).isPresent();
        assertThat(MklCodePath.forPreload("/opt/quill/libmkl-intel-path.so")).isEmpty();
    }

    @Test
    void saysNothingForAGpu() {
        assertThat(MklCodePath.advice("gpu:0")).isEmpty();
    }
}
