package org.quaterion.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.sampler.CategoryBalanceSampler;

/** Loaders (Quaterion's batch layouts, seeded epochs, prefetch), batch samplers and dataset readers. */
class LoadersAndSamplersTest {

    @TempDir
    Path tmp;

    private static List<SimilarityGroupSample<String>> groups(int n, int classes) {
        List<SimilarityGroupSample<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SimilarityGroupSample<>("item" + i, i % classes));
        }
        return out;
    }

    @Test
    void pairBatchesHaveQuaterionsLayout() {
        List<SimilarityPairSample<String>> pairs = List.of(new SimilarityPairSample<>("a0", "b0", 1, 7),
                new SimilarityPairSample<>("a1", "b1", 0.5, 8), new SimilarityPairSample<>("a2", "b2", 0, 7));
        PairsSimilarityDataLoader<String> loader = new PairsSimilarityDataLoader<>(pairs, LoaderOptions.batchSize(3));
        try (var stream = loader.epoch(0)) {
            PairBatch<String> b = stream.next();
            assertEquals(List.of("a0", "a1", "a2", "b0", "b1", "b2"), b.records());
            assertArrayEquals(new long[] {0, 3}, b.pairs()[0]);
            assertArrayEquals(new long[] {2, 5}, b.pairs()[2]);
            assertArrayEquals(new double[] {1, 0.5, 0}, b.labels());
            assertArrayEquals(new long[] {7, 8, 7, 7, 8, 7}, b.subgroups());
            assertFalse(stream.hasNext());
        }
    }

    @Test
    void epochsAreSeededAndPrefetchChangesNothing() {
        List<SimilarityGroupSample<String>> data = groups(23, 3);
        LoaderOptions options = LoaderOptions.batchSize(5).withShuffle(11).withDropLast();
        GroupSimilarityDataLoader<String> loader = new GroupSimilarityDataLoader<>(data, options);
        GroupSimilarityDataLoader<String> direct = new GroupSimilarityDataLoader<>(data, options.withPrefetch(0));
        assertEquals(4, loader.batchesPerEpoch());
        for (int epoch = 0; epoch < 3; epoch++) {
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            try (var s1 = loader.epoch(epoch); var s2 = direct.epoch(epoch)) {
                s1.forEachRemaining(batch -> a.addAll(batch.records()));
                s2.forEachRemaining(batch -> b.addAll(batch.records()));
            }
            assertEquals(20, a.size(), "drop-last keeps 4 full batches of 5");
            assertEquals(a, b, "prefetching gives the same batches");
            assertEquals(20, new HashSet<>(a).size());
        }
        assertFalse(java.util.Arrays.equals(loader.batchRows(0).get(0), loader.batchRows(1).get(0)),
                "epochs are shuffled differently");
        assertArrayEquals(loader.batchRows(2).get(1), loader.batchRows(2).get(1), "the same epoch is the same");
    }

    @Test
    void prefetchPropagatesErrors() {
        List<SimilarityGroupSample<String>> data = new ArrayList<>(groups(6, 2));
        List<SimilarityGroupSample<String>> broken = new java.util.AbstractList<>() {
            @Override
            public SimilarityGroupSample<String> get(int i) {
                if (i == 4) {
                    throw new IllegalArgumentException("cannot read row 4");
                }
                return data.get(i);
            }

            @Override
            public int size() {
                return data.size();
            }
        };
        GroupSimilarityDataLoader<String> loader = new GroupSimilarityDataLoader<>(broken, LoaderOptions.batchSize(2));
        try (var stream = loader.epoch(0)) {
            stream.next();
            stream.next();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, stream::next);
            assertEquals("cannot read row 4", e.getMessage());
        }
    }

    @Test
    void balanceSamplerVisitsEverySampleWithPLabelsTimesKInstances() {
        long[] labels = new long[103];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10 == 9 ? 9 : i % 9;   // 9 labels of ~11-12 rows, label 9 with 10 rows
        }
        BalanceSampler sampler = new BalanceSampler(labels, 4, 3, 5);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<int[]> batches = sampler.batches(epoch);
            Set<Integer> visited = new HashSet<>();
            for (int[] batch : batches) {
                assertEquals(12, batch.length);
                Set<Long> distinct = new HashSet<>();
                for (int k = 0; k < 4; k++) {
                    long label = labels[batch[k * 3]];
                    distinct.add(label);
                    for (int j = 0; j < 3; j++) {
                        assertEquals(label, labels[batch[k * 3 + j]], "K instances of one label in a row");
                        visited.add(batch[k * 3 + j]);
                    }
                }
                assertEquals(4, distinct.size(), "P distinct labels");
            }
            assertTrue(visited.size() >= 103 - 4 * 3, "an epoch visits (nearly) every sample; visited "
                    + visited.size() + " (runs of the last incomplete batch may be dropped)");
            assertEquals(batches.size(), sampler.batches(epoch).size());
            assertArrayEquals(batches.get(0), sampler.batches(epoch).get(0), "seeded per epoch");
        }
        IllegalArgumentException lone = assertThrows(IllegalArgumentException.class,
                () -> new BalanceSampler(new long[] {1, 1, 2}, 2, 2, 0));
        assertTrue(lone.getMessage().contains("label 2 has a single sample"), lone.getMessage());
    }

    @Test
    void categoryBalanceSamplerKeepsLabelsOfACategoryTogether() {
        int n = 120;
        long[] labels = new long[n];
        long[] categories = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 12;
            categories[i] = labels[i] / 4;   // 3 categories of 4 labels
        }
        CategoryBalanceSampler sampler = new CategoryBalanceSampler(labels, categories, 2, 2, 3, 1);
        assertEquals(6, sampler.batchesPerEpoch());
        for (int[] batch : sampler.batches(0)) {
            assertEquals(12, batch.length);
            Set<Long> cats = new HashSet<>();
            for (int r : batch) {
                cats.add(categories[r]);
            }
            assertEquals(2, cats.size(), "C categories per batch");
            assertEquals(categories[batch[0]], categories[batch[3]], "P labels of one category in a row");
        }
        assertThrows(IllegalArgumentException.class, () -> new CategoryBalanceSampler(new long[] {1, 1},
                new long[] {1, 2}, 1, 2, 2, 0));
    }

    @Test
    void jsonlAndOmlCsvReaders() throws Exception {
        Path jsonl = tmp.resolve("pairs.jsonl");
        Files.writeString(jsonl, "{\"obj_a\": \"cat\", \"obj_b\": \"kitten\", \"score\": 0.9}\n\n"
                + "{\"obj_a\": \"dog\", \"obj_b\": \"puppy\", \"subgroup\": 2}\n");
        List<SimilarityPairSample<String>> pairs = Datasets.pairsFromJsonl(jsonl, e -> e.getAsString());
        assertEquals(2, pairs.size());
        assertEquals(new SimilarityPairSample<>("dog", "puppy", 1.0, 2), pairs.get(1));
        Files.writeString(jsonl, "{\"obj\": \"a\", \"group\": 1}\n{\"obj\": \"b\"}\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Datasets.groupsFromJsonl(jsonl, e -> e.getAsString()));
        assertTrue(bad.getMessage().contains("line 2") && bad.getMessage().contains("\"group\""), bad.getMessage());
        for (String group : new String[] {"1.7", "1e30", "\"3\"", "true", "9223372036854775808"}) {
            Files.writeString(jsonl, "{\"obj\": \"a\", \"group\": 1}\n{\"obj\": \"b\", \"group\": " + group + "}\n");
            IllegalArgumentException notInteger = assertThrows(IllegalArgumentException.class,
                    () -> Datasets.groupsFromJsonl(jsonl, e -> e.getAsString()), group);
            assertTrue(notInteger.getMessage().contains("line 2") && notInteger.getMessage().contains(
                    "must be an integer in the 64-bit range"), notInteger.getMessage());
        }
        // every reader's line problems name the file and the line, with the reason in the line's own terms
        Files.writeString(jsonl, "{\"obj\": \"a\", \"group\": 1}\n{\"obj\": \"b\", \"group\": tru\n");
        IllegalArgumentException syntax = assertThrows(IllegalArgumentException.class,
                () -> Datasets.groupsFromJsonl(jsonl, e -> e.getAsString()));
        assertEquals(jsonl + " line 2 is not valid JSON (End of input at column 26); each line must be one JSON "
                + "object", syntax.getMessage());
        Files.writeString(jsonl, "[1, 2]\n");
        assertEquals(jsonl + " line 1 is not a JSON object: [1, 2]", assertThrows(IllegalArgumentException.class,
                () -> Datasets.groupsFromJsonl(jsonl, e -> e.getAsString())).getMessage());
        Files.write(jsonl, new byte[] {'{', '"', 'o', (byte) 0xff, '"', '}', '\n'});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Datasets.groupsFromJsonl(jsonl,
                e -> e.getAsString())).getMessage().contains("line 1 is not UTF-8 text"));
        Files.writeString(jsonl, "{\"obj\": \"a\", \"group\": 3.0}\n");
        assertEquals(3L, Datasets.groupsFromJsonl(jsonl, e -> e.getAsString()).get(0).group(), "3.0 is an integer");
        Files.writeString(jsonl, "{\"obj_a\": \"a\", \"obj_b\": \"b\", \"subgroup\": 0.5}\n");
        assertThrows(IllegalArgumentException.class, () -> Datasets.pairsFromJsonl(jsonl, e -> e.getAsString()));
        Files.writeString(jsonl, "{\"obj_a\": \"cat\", \"obj_b\": \"kitten\", \"negatives\": [\"puppy\", \"tiger\"]}\n");
        assertEquals(List.of("puppy", "tiger"), Datasets.pairsFromJsonl(jsonl, e -> e.getAsString()).get(0).negatives());
        Files.writeString(jsonl, "{\"obj_a\": \"cat\", \"obj_b\": \"kitten\", \"negatives\": \"puppy\"}\n");
        IllegalArgumentException notArray = assertThrows(IllegalArgumentException.class,
                () -> Datasets.pairsFromJsonl(jsonl, e -> e.getAsString()));
        assertTrue(notArray.getMessage().contains("\"negatives\" must be an array"), notArray.getMessage());
        Files.writeString(jsonl, "{\"obj_a\": \"cat\", \"obj_b\": \"dog\", \"score\": 0, \"negatives\": [\"x\"]}\n");
        assertThrows(IllegalArgumentException.class, () -> Datasets.pairsFromJsonl(jsonl, e -> e.getAsString()),
                "negatives of a dissimilar pair");

        Path csv = tmp.resolve("df.csv");
        Files.writeString(csv, "label,path,split,is_query,is_gallery,category,x_1\n"
                + "0,img/a.jpg,train,,,shoes,3\n"
                + "1,\"img/b, c.jpg\",validation,True,False,bags,\n"
                + "1,img/d.jpg,validation,1,1,bags,\n");
        List<OmlCsv.Row> rows = OmlCsv.read(csv);
        assertEquals(3, rows.size());
        assertEquals("img/b, c.jpg", rows.get(1).path());
        assertTrue(rows.get(1).isQuery() && !rows.get(1).isGallery());
        assertEquals("shoes", rows.get(0).category());
        assertEquals("3", rows.get(0).extra().get("x_1"));
        assertEquals(1, OmlCsv.groups(rows, "train", OmlCsv.Row::path).size());
        assertArrayEquals(new boolean[] {true, true}, OmlCsv.validationFlags(rows)[0]);
        Files.writeString(csv, "label,path,split,is_query\n0,a,train,\n");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> OmlCsv.read(csv));
        assertTrue(missing.getMessage().contains("is_gallery"), missing.getMessage());
        Files.writeString(csv, "label,path,split,is_query,is_gallery\n0,a,test,,\n");
        assertThrows(IllegalArgumentException.class, () -> OmlCsv.read(csv));
    }

    @Test
    void samplesValidate() {
        assertThrows(IllegalArgumentException.class, () -> new SimilarityGroupSample<>(null, 1));
        assertThrows(IllegalArgumentException.class, () -> new SimilarityPairSample<>("a", null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> SimilarityPairSample.of("a", "b", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Datasets.fromClassification(List.of("a"), new long[2]));
        assertThrows(IllegalArgumentException.class, () -> LoaderOptions.batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> new GroupSimilarityDataLoader<>(groups(3, 1),
                LoaderOptions.batchSize(5).withDropLast()));
    }
}
