package org.quaterion.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.GroupBatch;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairBatch;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;

/** Image and text transforms on worked-out cases; loaders seed them per (epoch, row, view) and give views. */
class AugmentationTest {

    /** A 3 x 4 single-channel image whose value is 10·row + column. */
    private static float[] image() {
        float[] x = new float[12];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                x[r * 4 + c] = 10 * r + c;
            }
        }
        return x;
    }

    @Test
    void flipShiftRotateJitterAndErase() {
        float[] x = image();
        Random r = new Random(1);
        assertArrayEquals(new float[] {3, 2, 1, 0, 13, 12, 11, 10, 23, 22, 21, 20},
                ImageAugmentation.builder(3, 4, 1).optHorizontalFlip(1).build().apply(x, r));
        assertArrayEquals(x, image(), "the input is not modified");
        assertArrayEquals(x, ImageAugmentation.builder(3, 4, 1).build().apply(x, r), "nothing enabled: identity");
        // a shift of up to 1 pixel: every output pixel is its source's value or 0 (outside)
        float[] shifted = ImageAugmentation.builder(3, 4, 1).optTranslate(1).build().apply(x, new Random(3));
        Set<Float> values = new HashSet<>();
        for (float v : x) {
            values.add(v);
        }
        for (float v : shifted) {
            assertTrue(v == 0 || values.contains(v), "a pixel of the image or 0: " + v);
        }
        // 180 degrees about the centre of a 3 x 4 image reverses the pixel order
        float[] rotated = ImageAugmentation.builder(3, 4, 1).optRotate(180).build().apply(x, new Random() {
            @Override
            public double nextDouble() {
                return 1; // the largest angle: +180 degrees
            }
        });
        float[] reversed = new float[12];
        for (int i = 0; i < 12; i++) {
            reversed[i] = x[11 - i];
        }
        assertArrayEquals(reversed, rotated);
        // brightness factor 1.5 (nextDouble 0.75 with b = 1 gives 1 + 0.5), contrast factor 1: x · 1.5
        float[] bright = ImageAugmentation.builder(3, 4, 1).optColorJitter(1, 0).build().apply(x, new Random() {
            @Override
            public double nextDouble() {
                return 0.75;
            }
        });
        for (int i = 0; i < 12; i++) {
            assertEquals(1.5f * x[i], bright[i], 1e-4f);
        }
        // contrast factor 0.5 around the mean (11.5): (x − 11.5)/2 + 11.5
        float[] flat = ImageAugmentation.builder(3, 4, 1).optColorJitter(0, 1).build().apply(x, new Random() {
            @Override
            public double nextDouble() {
                return 0.25;
            }
        });
        for (int i = 0; i < 12; i++) {
            assertEquals((x[i] - 11.5f) / 2 + 11.5f, flat[i], 1e-4f);
        }
        float[] erased = ImageAugmentation.builder(3, 4, 1).optRandomErasing(1, 0.1, 0.3).build().apply(x,
                new Random(5));
        long zeros = 0;
        for (int i = 0; i < 12; i++) {
            assertTrue(erased[i] == 0 || erased[i] == x[i]);
            zeros += erased[i] == 0 && x[i] != 0 ? 1 : 0;
        }
        assertTrue(zeros >= 1, "a rectangle is erased: " + Arrays.toString(erased));
        float[] cropped = ImageAugmentation.builder(3, 4, 1).optRandomResizedCrop(0.3).build().apply(x,
                new Random(7));
        assertEquals(12, cropped.length, "a crop is resized back to the image's shape");
        assertThrows(IllegalArgumentException.class, () -> ImageAugmentation.builder(3, 4, 1).build().apply(
                new float[5], new Random()));
        assertThrows(IllegalArgumentException.class, () -> ImageAugmentation.builder(3, 4, 1).optHorizontalFlip(2));
    }

    @Test
    void textDropoutAndSwaps() {
        TextAugmentation none = new TextAugmentation(0, 0);
        assertEquals("a b c d", none.apply("a  b c d", new Random(1)));
        String swapped = new TextAugmentation(0, 1).apply("a b c d", new Random(2));
        assertNotEquals("a b c d", swapped);
        assertEquals(List.of("a", "b", "c", "d"), Arrays.stream(swapped.split(" ")).sorted().toList());
        String dropped = new TextAugmentation(0.5, 0).apply("one two three four five six seven eight", new Random(3));
        assertTrue(dropped.split(" ").length < 8 && !dropped.isBlank(), dropped);
        assertEquals(1, new TextAugmentation(0.99, 0).apply("x y", new Random(4)).split(" ").length,
                "a text keeps at least one word");
        assertThrows(IllegalArgumentException.class, () -> new TextAugmentation(1, 0));
    }

    private static List<float[]> records(GroupSimilarityDataLoader<float[]> loader, int epoch) {
        List<float[]> out = new ArrayList<>();
        Iterator<GroupBatch<float[]>> it = loader.epoch(epoch);
        it.forEachRemaining(b -> out.addAll(b.records()));
        return out;
    }

    @Test
    void loadersSeedByEpochRowAndViewAndGiveViews() {
        List<SimilarityGroupSample<float[]>> data = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            data.add(new SimilarityGroupSample<>(image(), i % 2));
        }
        ImageAugmentation aug = ImageAugmentation.builder(3, 4, 1).optTranslate(1).optHorizontalFlip(0.5).build();
        GroupSimilarityDataLoader<float[]> plain = new GroupSimilarityDataLoader<>(data, LoaderOptions.batchSize(4)
                .withShuffle(3));
        GroupSimilarityDataLoader<float[]> loader = plain.withAugmentation(aug, 2, 11);
        assertFalse(plain.augments());
        assertTrue(loader.augments());
        GroupBatch<float[]> first = loader.epoch(0).next();
        assertEquals(8, first.records().size(), "4 samples x 2 views");
        assertEquals(first.groups()[0], first.groups()[1], "the two views of a sample share its group");
        assertEquals(first.rows()[0], first.rows()[1]);
        List<float[]> a = records(loader, 0);
        List<float[]> b = records(loader.withAugmentation(aug, 2, 11), 0);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "same seed and epoch, same records (a resumed epoch)");
        }
        List<float[]> nextEpoch = records(loader, 1);
        boolean differs = false;
        for (int i = 0; i < a.size(); i++) {
            differs |= !Arrays.equals(a.get(i), nextEpoch.get(i));
        }
        assertTrue(differs, "another epoch draws other transforms");
        boolean viewsDiffer = false;
        for (int i = 0; i < a.size(); i += 2) {
            viewsDiffer |= !Arrays.equals(a.get(i), a.get(i + 1));
        }
        assertTrue(viewsDiffer, "the two views of a sample are different transforms");

        PairsSimilarityDataLoader<String> pairs = new PairsSimilarityDataLoader<>(List.of(
                SimilarityPairSample.of("the quick brown fox jumps", "a fast brown fox leaps")),
                LoaderOptions.batchSize(1)).withAugmentation(new TextAugmentation(0, 2), 5);
        PairBatch<String> p0 = pairs.epoch(0).next();
        assertEquals(p0.records(), pairs.epoch(0).next().records());
        assertEquals(2, p0.records().size());
    }
}
