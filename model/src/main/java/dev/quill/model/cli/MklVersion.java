package dev.quill.model.cli;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * MKL's own account of the code path it dispatches to: the {@code Processor} field of
 * {@code MKLVersion}, filled by {@code mkl_serv_get_version} (MKL_Get_Version), which
 * libtorch_cpu.so exports. "Intel(R) Architecture processors" is the generic path; the Intel
 * paths name their instruction set ("Intel(R) Advanced Vector Extensions 2 (Intel(R) AVX2)
 * enabled processors"). Asking makes MKL detect the CPU, through the same functions a product
 * would call, so this is also what every later product uses.
 */
final class MklVersion {

    private static final String LIBRARY = "libtorch_cpu.so";

    private MklVersion() {
    }

    /** The processor string, or empty when PyTorch is not loaded or has no MKL in it. */
    static Optional<String> processor() {
        try {
            Optional<Path> path = loadedLibrary();
            if (path.isEmpty()) {
                return Optional.empty();
            }
            // MKLVersion: int Major, Minor, Update; then char* ProductStatus, Build, Processor, Platform
            try (Memory version = new Memory(48)) {
                version.clear();
                NativeLibrary.getInstance(path.get().toString()).getFunction("mkl_serv_get_version").invokeVoid(new Object[] {version});
                return Optional.ofNullable(version.getPointer(32)).map(p -> p.getString(0));
            }
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** Where the process mapped libtorch_cpu.so from (DJL extracts it to its cache). */
    private static Optional<Path> loadedLibrary() {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(l -> l.endsWith("/" + LIBRARY))
                    .map(l -> Path.of(l.substring(l.indexOf('/'))))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
