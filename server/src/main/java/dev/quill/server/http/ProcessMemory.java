package dev.quill.server.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's resident set size, from Linux's {@code /proc/self/status} ({@code VmRSS}, in kB,
 * so no page size is assumed). RSS is what a leak in native memory (PyTorch's allocations, direct
 * buffers) shows in; the JVM heap alone does not. Reads a file, so call it off the event loop.
 */
final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Empty where there is no procfs (not Linux) or it cannot be read. */
    static OptionalLong residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] fields = line.substring(6).strip().split("\\s+"); // "123456 kB"
                    return OptionalLong.of(Long.parseLong(fields[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a kernel without the line: the metric is left out
        }
        return OptionalLong.empty();
    }
}
