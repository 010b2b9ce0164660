package dev.quill.model.cli;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Puts the whole test run on the MKL code path that {@code serve} and {@code generate} take
 * (MklCodePath), before any test starts PyTorch: MKL asks which CPU it runs on once, at its first
 * product, so loading the Intel-path library later in the run would change nothing. Registered in
 * META-INF/services; {@code QUILL_MKL_INTEL_PATH=off} runs the tests on MKL's generic path instead.
 */
public final class MklSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        MklCodePath.install("cpu");
    }
}
