package org.quaterion.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.augment.ImageAugmentation;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.SupConLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;

/**
 * Cached augmented views: a frozen encoder's cache of k augmented variants per record trains exactly as the
 * uncached augmenting loader (variant j is epoch j / views, view j % views), is reused by a second fit, is refilled
 * when the augmentation changes, and refuses what it cannot serve.
 */
class AugmentedCacheTest {

    @TempDir
    Path tmp;

    private static final ImageAugmentation AUG = ImageAugmentation.builder(3, 4, 1).optHorizontalFlip(0.5)
            .optTranslate(1).optColorJitter(0.3, 0.3).build();

    private static List<SimilarityGroupSample<float[]>> images(int n, long seed) {
        return GaussianData.groups(n, 12, 4, seed);
    }

    private static List<Double> fit(CacheConfig<float[]> cache, GroupSimilarityDataLoader<float[]> train,
            AtomicInteger calls, int epochs) throws Exception {
        try (CacheTest.Model model = new CacheTest.Model(calls, cache, new SupConLoss(0.1), "tanh2")) {
            return Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false)
                    .withEarlyStopping(null), train, null).stepLosses();
        }
    }

    @Test
    void cachedVariantsTrainExactlyAsTheAugmentingLoader() throws Exception {
        for (int views : new int[] {1, 2}) {
            GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(images(24, 1),
                    LoaderOptions.batchSize(8).withShuffle(2)).withAugmentation(AUG, views, 0);
            List<Double> uncached = fit(null, train, new AtomicInteger(), 3);
            AtomicInteger calls = new AtomicInteger();
            List<Double> cached = fit(CacheConfig.<float[]>of(CacheType.CPU).withAugmentedViews(3 * views), train,
                    calls, 3);
            assertEquals(uncached.size(), cached.size());
            for (int i = 0; i < uncached.size(); i++) {
                assertEquals(uncached.get(i), cached.get(i), 1e-6, views + " views, step " + i);
            }
            // the fill encodes 3 · views variants of the 24 records (batches of 32), and nothing after it
            assertEquals((24 * 3 * views + 31) / 32, calls.get(), "encoder passes");
        }
    }

    @Test
    void aPersistedCacheOfVariantsIsReusedAndRefilledForAnotherAugmentation() throws Exception {
        CacheConfig<float[]> cache = CacheConfig.<float[]>of(CacheType.CPU).withAugmentedViews(4)
                .withSaveDir(tmp.resolve("cache"));
        GroupSimilarityDataLoader<float[]> plain = new GroupSimilarityDataLoader<>(images(16, 3),
                LoaderOptions.batchSize(8).withShuffle(4));
        AtomicInteger first = new AtomicInteger();
        List<Double> a = fit(cache, plain.withAugmentation(AUG, 1, 5), first, 5);
        AtomicInteger second = new AtomicInteger();
        List<Double> b = fit(cache, plain.withAugmentation(AUG, 1, 5), second, 5);
        assertTrue(first.get() > 0);
        assertEquals(0, second.get(), "the second fit reads every variant from the saved cache");
        assertEquals(a, b, "same seed, same variants, same training (epoch 4 reads variant (4 + 5) mod 4 again)");
        AtomicInteger third = new AtomicInteger();
        fit(cache, plain.withAugmentation(ImageAugmentation.builder(3, 4, 1).optHorizontalFlip(1).build(), 1, 5),
                third, 1);
        assertTrue(third.get() > 0, "another augmentation refills the cache");
    }

    /** Augmentation is seeded per (epoch, row, view): 2 epochs + a resumed 2 train exactly as 4 uninterrupted. */
    @Test
    void anAugmentedRunResumesExactlyWithAndWithoutTheCache() throws Exception {
        for (CacheConfig<float[]> cache : java.util.Arrays.asList(null, CacheConfig.<float[]>of(CacheType.CPU)
                .withAugmentedViews(8))) {
            GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(images(16, 6),
                    LoaderOptions.batchSize(8).withShuffle(7)).withAugmentation(AUG, 2, 3);
            Path full = tmp.resolve("full" + (cache == null ? "" : "-cached"));
            Path half = tmp.resolve("half" + (cache == null ? "" : "-cached"));
            List<Double> all;
            try (CacheTest.Model model = new CacheTest.Model(new AtomicInteger(), cache, new SupConLoss(0.1), "tanh2")) {
                all = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(4).withProgressBar(false)
                        .withEarlyStopping(null).withOutputDir(full).withCheckpoints(1, 5), train, null).stepLosses();
            }
            try (CacheTest.Model model = new CacheTest.Model(new AtomicInteger(), cache, new SupConLoss(0.1), "tanh2")) {
                Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(2).withProgressBar(false)
                        .withEarlyStopping(null).withOutputDir(half).withCheckpoints(1, 5), train, null);
            }
            List<Double> rest;
            try (CacheTest.Model model = new CacheTest.Model(new AtomicInteger(), cache, new SupConLoss(0.1), "tanh2")) {
                rest = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(4).withProgressBar(false)
                        .withEarlyStopping(null).withOutputDir(half).withCheckpoints(1, 5), train, null,
                        org.quaterion.train.Checkpoint.latest(half)).stepLosses();
            }
            assertEquals(all.subList(all.size() - rest.size(), all.size()), rest, cache == null ? "uncached"
                    : "cached views");
        }
    }

    @Test
    void whatTheCacheCannotServeIsRefused() {
        GroupSimilarityDataLoader<float[]> plain = new GroupSimilarityDataLoader<>(images(8, 5),
                LoaderOptions.batchSize(8));
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> fit(
                CacheConfig.<float[]>of(CacheType.CPU).withAugmentedViews(1), plain.withAugmentation(AUG, 2, 0),
                new AtomicInteger(), 1));
        assertTrue(tooFew.getMessage().contains("k >= 2"), tooFew.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> fit(
                CacheConfig.of(CacheType.CPU), plain.withAugmentation(AUG, 1, 0), new AtomicInteger(), 1));
        assertTrue(none.getMessage().contains("withAugmentedViews"), none.getMessage());
        IllegalArgumentException keyed = assertThrows(IllegalArgumentException.class, () -> fit(
                CacheConfig.<float[]>of(CacheType.CPU).withAugmentedViews(2).withKeyExtractors(Map.of("frozen",
                        r -> java.util.Arrays.toString(r))), plain.withAugmentation(AUG, 1, 0), new AtomicInteger(), 1));
        assertTrue(keyed.getMessage().contains("remove the key extractors"), keyed.getMessage());
        IllegalArgumentException validation = assertThrows(IllegalArgumentException.class, () -> {
            try (CacheTest.Model model = new CacheTest.Model(new AtomicInteger(), CacheConfig.<float[]>of(
                    CacheType.CPU).withAugmentedViews(2), new TripletLoss(), "tanh2")) {
                Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false), plain,
                        plain.withAugmentation(AUG, 1, 0));
            }
        });
        assertTrue(validation.getMessage().contains("validate on unaugmented records"), validation.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.of(CacheType.CPU).withAugmentedViews(0));
        // pair loaders have no cached views
        org.quaterion.dataset.PairsSimilarityDataLoader<float[]> pairs = new org.quaterion.dataset
                .PairsSimilarityDataLoader<>(List.of(org.quaterion.dataset.SimilarityPairSample.of(new float[12],
                        new float[12]), org.quaterion.dataset.SimilarityPairSample.of(new float[12], new float[12])),
                        LoaderOptions.batchSize(2)).withAugmentation(AUG, 0);
        IllegalArgumentException pairViews = assertThrows(IllegalArgumentException.class, () -> {
            try (CacheTest.Model model = new CacheTest.Model(new AtomicInteger(), CacheConfig.<float[]>of(
                    CacheType.CPU).withAugmentedViews(2), new org.quaterion.loss.pair.MultipleNegativesRankingLoss(),
                    "tanh2")) {
                Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false)
                        .withEarlyStopping(null), pairs, null);
            }
        });
        assertTrue(pairViews.getMessage().contains("group loaders"), pairViews.getMessage());
    }
}
