package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collator;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;

/**
 * Training encodes each record with its role's prompt (pairs: the first member is a query, the second and its
 * negatives are documents; groups: the default role), the frozen-encoder cache sees the prefixed texts, and the
 * servable saved after the fit applies the same prefixes.
 */
class PromptsTrainingTest {

    private static final Prompts E5 = Prompts.of("query: ", "passage: ");
    private static final int SIZE = 8;

    /** A frozen text encoder that records every text it encodes: character codes counted into 8 buckets. */
    static final class Recording {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        Collator<String> collator() {
            return (records, manager) -> {
                seen.addAll(records);
                float[] flat = new float[records.size() * SIZE];
                for (int i = 0; i < records.size(); i++) {
                    for (char c : records.get(i).toCharArray()) {
                        flat[i * SIZE + c % SIZE] += 1;
                    }
                }
                return new NDList(manager.create(flat, new Shape(records.size(), SIZE)));
            };
        }

        Encoder<String> encoder() {
            return BlockEncoder.<String>builder().setTypeName("test-recording-counts")
                    .setBlock(new LambdaBlock(list -> list, "identity")).setCollator(collator())
                    .setEmbeddingSize(SIZE).optTrainable(false).optInputShapes(new Shape(1, SIZE)).build();
        }
    }

    /** A linear head over the recording encoder. */
    static final class Model extends TrainableModel<String> {
        private final Recording recording;
        private final Prompts prompts;
        private final SimilarityLoss loss;
        private final CacheConfig<String> cache;

        Model(Recording recording, Prompts prompts, SimilarityLoss loss, CacheConfig<String> cache) {
            this.recording = recording;
            this.prompts = prompts;
            this.loss = loss;
            this.cache = cache;
        }

        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            return Map.of("text", recording.encoder());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new LinearHead(inputSize, 4);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return loss;
        }

        @Override
        protected Prompts configurePrompts() {
            return prompts;
        }

        @Override
        protected CacheConfig<String> configureCaches() {
            return cache;
        }
    }

    private static List<SimilarityPairSample<String>> pairs() {
        List<SimilarityPairSample<String>> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            out.add(new SimilarityPairSample<>("q" + i, "doc" + i, 1, i, List.of("neg" + i)));
        }
        return out;
    }

    private static TrainerConfig oneEpoch() {
        return TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false);
    }

    private static PairsSimilarityDataLoader<String> pairLoader() {
        return new PairsSimilarityDataLoader<>(pairs(), LoaderOptions.batchSize(3));
    }

    @Test
    void pairsTrainQueriesAndDocumentsWithTheirPrefixes(@TempDir Path tmp) throws Exception {
        Recording recording = new Recording();
        Path servable = tmp.resolve("servable");
        float[][] trainedQueries;
        try (Model model = new Model(recording, E5, new MultipleNegativesRankingLoss(), null)) {
            Quaterion.fit(model, oneEpoch(), pairLoader(), pairLoader());
            Set<String> seen = new TreeSet<>(recording.seen);
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < 6; i++) {
                expected.addAll(List.of("query: q" + i, "passage: doc" + i, "passage: neg" + i));
            }
            assertEquals(expected, seen, "every record with its role's prefix, and nothing else");
            trainedQueries = model.model().encodeQueries(List.of("q1", "what"), 2);
            model.saveServable(servable);
        }
        assertTrue(Files.readString(servable.resolve("config.json")).contains("\"query\": \"query: \""));
        org.quaterion.models.ModelRegistry registry = org.quaterion.models.ModelRegistry.discover()
                .register(BlockEncoder.factory("test-recording-counts", () -> new LambdaBlock(l -> l, "identity"),
                        new Recording().collator()));
        try (SimilarityModel<String> served = SimilarityModel.load(servable, registry, null, String.class)) {
            assertEquals(E5, served.prompts(), "the servable carries the prompts it trained with");
            float[][] queries = served.encodeQueries(List.of("q1", "what"), 2);
            for (int i = 0; i < queries.length; i++) {
                assertArrayEquals(trainedQueries[i], queries[i]);
            }
            float[][] prefixed = served.encode(List.of("query: q1", "query: what"), 2);
            for (int i = 0; i < queries.length; i++) {
                assertArrayEquals(prefixed[i], queries[i], "encodeQueries(x) = encode(\"query: \" + x)");
            }
        }
    }

    private static List<SimilarityGroupSample<String>> groups() {
        List<SimilarityGroupSample<String>> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(new SimilarityGroupSample<>("item" + i, i % 2));
        }
        return out;
    }

    @Test
    void groupSamplesTakeTheDefaultRole() throws Exception {
        Recording recording = new Recording();
        try (Model model = new Model(recording, E5.withDefaultRole(Prompts.Role.DOCUMENT), new TripletLoss(),
                null)) {
            Quaterion.fit(model, oneEpoch(), new GroupSimilarityDataLoader<>(groups(), LoaderOptions.batchSize(8)),
                    null);
        }
        assertFalse(recording.seen.isEmpty());
        assertTrue(recording.seen.stream().allMatch(t -> t.startsWith("passage: item")), recording.seen.toString());
    }

    @Test
    void groupSamplesWithPrefixesButNoDefaultRoleAreRefused() {
        try (Model model = new Model(new Recording(), E5, new TripletLoss(), null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    oneEpoch(), new GroupSimilarityDataLoader<>(groups(), LoaderOptions.batchSize(8)), null));
            assertTrue(e.getMessage().contains("the training loader gives group samples, which take the prompts' "
                    + "default role"), e.getMessage());
            assertTrue(e.getMessage().contains("withDefaultRole"), e.getMessage());
        }
    }

    /** The data fingerprint of a persisted cache. */
    private static String dataFingerprint(Path cacheDir) throws Exception {
        return JsonParser.parseString(Files.readString(cacheDir.resolve("encoders/text/cache.json")))
                .getAsJsonObject().get("data_fingerprint").getAsString();
    }

    @Test
    void aCacheFilledWithoutPromptsIsNotReusedWithPrompts(@TempDir Path tmp) throws Exception {
        CacheConfig<String> cache = CacheConfig.<String>of(CacheType.CPU).withSaveDir(tmp.resolve("cache"));
        Recording plain = new Recording();
        try (Model model = new Model(plain, Prompts.NONE, new MultipleNegativesRankingLoss(), cache)) {
            Quaterion.fit(model, oneEpoch(), pairLoader(), null);
        }
        assertTrue(plain.seen.contains("q0") && plain.seen.stream().noneMatch(t -> t.startsWith("query: ")));
        String without = dataFingerprint(tmp.resolve("cache"));

        Recording prompted = new Recording();
        try (Model model = new Model(prompted, E5, new MultipleNegativesRankingLoss(), cache)) {
            Quaterion.fit(model, oneEpoch(), pairLoader(), null);
        }
        // the cache is filled again from the prefixed texts, never read back from the unprefixed fill
        assertEquals(18, prompted.seen.size(), "6 queries, 6 documents, 6 negatives encoded once each");
        assertTrue(prompted.seen.containsAll(List.of("query: q0", "passage: doc0", "passage: neg0")));
        String with = dataFingerprint(tmp.resolve("cache"));
        assertNotEquals(without, with, "the data fingerprint sees the prompts");

        Recording again = new Recording();
        try (Model model = new Model(again, E5, new MultipleNegativesRankingLoss(), cache)) {
            Quaterion.fit(model, oneEpoch(), pairLoader(), null);
        }
        assertEquals(List.of(), again.seen, "the same prompts reuse the cache");
        assertEquals(with, dataFingerprint(tmp.resolve("cache")));
    }

    @Test
    void miningAndPairEvaluationEncodeQueriesAndDocumentsWithTheirPrefixes() {
        Recording recording = new Recording();
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().setEncoder(recording.encoder())
                .setHead(new LinearHead(SIZE, 4)).optPrompts(E5).build();
                ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            List<SimilarityPairSample<String>> data = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                data.add(SimilarityPairSample.of("q" + i, "doc" + i));
            }
            org.quaterion.negatives.HardNegativeMiner.builder().optNegatives(1).optRankRange(0, 3).build()
                    .mine(data, org.quaterion.negatives.HardNegativeMiner.Embedder.of(model, 4), manager);
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < 6; i++) {
                expected.addAll(List.of("query: q" + i, "passage: doc" + i));
            }
            assertEquals(expected, new TreeSet<>(recording.seen), "mining: queries and corpus with their prefixes");
            recording.seen.clear();
            new org.quaterion.eval.PairSampler<String>(-1, true, 4, 1).sample(data, model, manager);
            assertEquals(expected, new TreeSet<>(recording.seen), "pair evaluation: the same roles as training");
        }
    }

    @Test
    void prefixesNeedTextRecords() {
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null) {
            @Override
            protected Prompts configurePrompts() {
                return E5.withDefaultRole(Prompts.Role.QUERY);
            }
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    oneEpoch(), new GroupSimilarityDataLoader<>(TrainingTest.groups(4, 1), LoaderOptions.batchSize(8)),
                    null));
            assertTrue(e.getMessage().contains("prompts apply to String records only"), e.getMessage());
        }
    }
}
