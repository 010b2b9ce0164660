package dev.quill.model.cli;

import com.sun.jna.NativeLibrary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TorchThreadsTest {

    /**
     * What libgomp will read when PyTorch loads it: the C environment, which Java's
     * System.getenv does not see change. Where the user set a policy, it must stay theirs.
     */
    @Test
    void asksOpenMpWorkersToSleepUnlessTheUserChose() {
        String before = System.getenv("OMP_WAIT_POLICY");
        TorchThreads.passiveWorkersUnlessSet();
        String now = NativeLibrary.getInstance("c").getFunction("getenv").invokeString(new Object[] {"OMP_WAIT_POLICY"}, false);
        if (before != null || System.getenv("GOMP_SPINCOUNT") != null) {
            assertThat(now).isEqualTo(before);
        } else {
            assertThat(now).isEqualTo("PASSIVE");
        }
    }

    @Test
    void refusesNonPositiveThreadCounts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TorchThreads.configure(0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
