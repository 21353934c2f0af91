package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;

/** Serving input limits (text cut before tokenising) and close() while other threads encode. */
class OnnxServingLimitsTest {

    private static SimilarityModel<String> model(OnnxSentenceEncoder encoder) {
        return SimilarityModel.<String>builder().addEncoder("text", encoder).setHead(new EmptyHead(MiniLm.DIM))
                .build();
    }

    @Test
    void textIsCutToMaxCharsBeforeTokenising() {
        OnnxSentenceEncoder base = MiniLm.int8();
        String words = "apples and pears grow in the old orchard behind the house ".repeat(4); // ~240 chars
        try (SimilarityModel<String> cut = model(new OnnxSentenceEncoder(base.modelFile(), base.tokenizerFile(),
                MiniLm.DIM, OnnxSentenceEncoder.Pooling.MEAN, true, 128, 128))) {
            float[][] v = cut.encode(List.of(words, words.substring(0, 128)), 2);
            assertArrayEquals(v[1], v[0], 1e-6f, "only the first 128 characters reach the tokenizer");
            // a 10 MiB request costs what a maxChars one does, and encodes like its prefix
            String huge = "x".repeat(10 << 20);
            float[][] h = cut.encode(List.of(huge, huge.substring(0, 128)), 2);
            assertArrayEquals(h[1], h[0], 1e-6f);
        }
        assertThrows(IllegalArgumentException.class, () -> new OnnxSentenceEncoder(base.modelFile(),
                base.tokenizerFile(), MiniLm.DIM, OnnxSentenceEncoder.Pooling.MEAN, true, 128, 64));
        base.close();
    }

    @Test
    void blankTextGivesTheDocumentedFixedVector() {
        try (SimilarityModel<String> m = model(MiniLm.int8())) {
            float[][] v = m.encode(List.of("", "   ", "\n"), 3);
            assertArrayEquals(v[0], v[1], 1e-6f, "blank text is the [CLS] [SEP] vector, like empty text");
            assertArrayEquals(v[0], v[2], 1e-6f);
            double norm = 0;
            for (float x : v[0]) {
                norm += x * x;
            }
            assertEquals(1.0, norm, 1e-4, "a finite unit vector");
        }
    }

    @Test
    void closeWaitsForEncodesInFlightAndLaterCallsFailCleanly() throws Exception {
        SimilarityModel<String> m = model(MiniLm.int8());
        List<String> texts = List.of("a cat on a mat", "the stock market fell", "rain is expected tomorrow");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch started = new CountDownLatch(4);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                int done = 0;
                started.countDown();
                while (true) {
                    try {
                        m.encode(texts, 2);
                        done++;
                    } catch (IllegalStateException e) {
                        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
                        return done;
                    }
                }
            }));
        }
        started.await();
        m.encode(texts, 3); // at least one call overlaps the others
        m.close();
        for (Future<Integer> f : futures) {
            f.get(60, TimeUnit.SECONDS); // every worker ended with the clean exception, none crashed the JVM
        }
        pool.shutdown();
        IllegalStateException after = assertThrows(IllegalStateException.class, () -> m.encode(texts, 1));
        assertTrue(after.getMessage().contains("SimilarityModel is closed"), after.getMessage());
        m.close(); // idempotent
    }
}
