package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.heads.EmptyHead;

/**
 * A model the garbage collector reclaims without {@code close()} is reported once, with the place it was loaded, and
 * its native memory is freed; a closed model is never reported.
 */
class UnclosedModelTest {

    private static final Pattern WARNING = Pattern.compile("SimilarityModel \\(encoders \\[default], head empty\\) "
            + "was reclaimed by the garbage collector without close\\(\\)");

    private static Path save(Path dir) throws Exception {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 3, x -> x)).setHead(new EmptyHead(3))
                .optRecordType(float[].class).build()) {
            model.save(dir);
        }
        return dir;
    }

    private static ModelRegistry registry() {
        return ModelRegistry.discover().register(TestModels.lambdaFactory("identity", x -> x));
    }

    /** Loads, encodes, and drops the model without closing it; returns only its manager (which holds no model). */
    private static NDManager loadAndForget(Path dir) {
        SimilarityModel<float[]> model = SimilarityModel.load(dir, registry(), null, float[].class);
        model.encode(java.util.List.of(new float[3]), 1);
        return model.manager();
    }

    private static void loadAndClose(Path dir) {
        try (SimilarityModel<float[]> model = SimilarityModel.load(dir, registry(), null, float[].class)) {
            model.encode(java.util.List.of(new float[3]), 1);
        }
    }

    @Test
    void aModelReclaimedWithoutCloseIsReportedOnceWithItsLoadSiteAndFreed(@TempDir Path tmp) throws Exception {
        Path dir = save(tmp.resolve("model"));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // slf4j-simple writes to the current System.err, on whichever thread logs (here: the cleaner's)
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        NDManager manager;
        String log;
        try {
            loadAndClose(dir);
            manager = loadAndForget(dir);
            int round = 0;
            // poll: each collection may or may not find the model; the cleaner thread reports it when it does
            while (!WARNING.matcher(captured.toString(StandardCharsets.UTF_8)).find() && round++ < 1_000) {
                System.gc();
                synchronized (captured) {
                    captured.wait(10); // woken by the next write to the log (the cleaner thread's report)
                }
            }
            // a few more collections: a second report of the same model would show up now
            for (int i = 0; i < 5; i++) {
                System.gc();
            }
            log = captured.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(original);
        }
        Matcher m = WARNING.matcher(log);
        assertTrue(m.find(), "no warning after 1,000 collections; log:\n" + log);
        assertFalse(m.find(), "reported once:\n" + log);
        String report = log.substring(log.indexOf("was reclaimed"));
        assertTrue(report.contains("UnclosedModelTest.loadAndForget(UnclosedModelTest.java:"), report);
        assertFalse(log.contains("UnclosedModelTest.loadAndClose"), "a closed model is never reported:\n" + log);
        assertFalse(manager.isOpen(), "its native memory is freed with the report");
        assertEquals(-1, report.indexOf("SimilarityModel.load("), "the site starts at the caller:\n" + report);
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            synchronized (b) {
                b.write(x);
                b.notifyAll();
            }
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            synchronized (b) {
                b.write(bytes, off, len);
                b.notifyAll();
            }
        }
    }
}
