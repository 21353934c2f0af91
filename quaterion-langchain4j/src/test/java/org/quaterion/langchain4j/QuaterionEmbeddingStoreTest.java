package org.quaterion.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;
import org.quaterion.search.LiveVectorIndex;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;

/**
 * The store against LangChain4j's own {@link InMemoryEmbeddingStore} on the same items: the same ids in the same
 * order, the same scores, the same segments, under maxResults, minScore and metadata filters; and its refusals.
 */
class QuaterionEmbeddingStoreTest {

    private static final int DIM = 6;
    private static final UUID OWNER = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");

    @TempDir
    Path tmp;

    private static Embedding random(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Embedding.from(v);
    }

    /** Twelve segments with metadata of every supported type. */
    private static List<TextSegment> segments() {
        List<TextSegment> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Metadata m = new Metadata(Map.of("source", i % 3 == 0 ? "faq" : "manual", "page", i, "bytes",
                    10_000_000_000L + i, "weight", 0.25f * i, "rank", 1.5 * i));
            if (i % 4 == 0) {
                m.put("owner", OWNER);
            }
            out.add(TextSegment.from("passage " + i, m));
        }
        return out;
    }

    /** Fills both stores with the same items under the same ids; two items carry no segment. */
    private static List<Embedding> fill(EmbeddingStore<TextSegment> ours, InMemoryEmbeddingStore<TextSegment> theirs,
            Random random) {
        List<Embedding> embeddings = new ArrayList<>();
        List<TextSegment> segments = segments();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            embeddings.add(random(random));
            ids.add("item-" + i);
        }
        ours.addAll(ids, embeddings, segments);
        theirs.addAll(ids, embeddings, segments);
        for (int i = 0; i < 2; i++) {
            Embedding bare = random(random);
            ours.add("bare-" + i, bare);
            theirs.add("bare-" + i, bare);
            embeddings.add(bare);
        }
        return embeddings;
    }

    private static void assertSameMatches(List<EmbeddingMatch<TextSegment>> expected,
            List<EmbeddingMatch<TextSegment>> actual, String what) {
        assertEquals(expected.stream().map(EmbeddingMatch::embeddingId).toList(),
                actual.stream().map(EmbeddingMatch::embeddingId).toList(), what + ": ids");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), actual.get(i).score(), 1e-6, what + ": score " + i);
            assertEquals(expected.get(i).embedded(), actual.get(i).embedded(), what + ": segment " + i);
            assertEquals(expected.get(i).embedding(), actual.get(i).embedding(), what + ": embedding " + i);
        }
    }

    private static EmbeddingSearchRequest request(Embedding query, int k, double minScore, Filter filter) {
        return EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(k).minScore(minScore).filter(filter)
                .build();
    }

    @Test
    void searchesAsLangChain4jsInMemoryStoreDoes() throws Exception {
        Random random = new Random(3);
        InMemoryEmbeddingStore<TextSegment> theirs = new InMemoryEmbeddingStore<>();
        try (QuaterionEmbeddingStore ours = QuaterionEmbeddingStore.create(DIM)) {
            fill(ours, theirs, random);
            assertEquals(14, ours.size());
            List<Filter> filters = new ArrayList<>();
            filters.add(null);
            filters.add(metadataKey("source").isEqualTo("faq"));
            filters.add(metadataKey("page").isGreaterThan(4).and(metadataKey("weight").isLessThan(2.5f)));
            filters.add(metadataKey("owner").isEqualTo(OWNER));
            filters.add(metadataKey("bytes").isIn(10_000_000_003L, 10_000_000_007L));
            filters.add(Filter.not(metadataKey("rank").isGreaterThanOrEqualTo(3.0)));
            int checked = 0;
            for (int q = 0; q < 5; q++) {
                Embedding query = random(random);
                for (Filter filter : filters) {
                    for (double minScore : new double[] {0, 0.5, 0.7}) {
                        for (int k : new int[] {1, 3, 20}) {
                            String what = "query " + q + ", filter " + filter + ", minScore " + minScore + ", k " + k;
                            assertSameMatches(theirs.search(request(query, k, minScore, filter)).matches(),
                                    ours.search(request(query, k, minScore, filter)).matches(), what);
                            checked++;
                        }
                    }
                }
            }
            // the cut by minScore happens: some requests return fewer than k
            Embedding query = random(random);
            assertTrue(ours.search(request(query, 20, 0.7, null)).matches().size() < 14);
            System.out.println("QuaterionEmbeddingStore = InMemoryEmbeddingStore on " + checked + " searches");
        }
    }

    @Test
    void segmentsKeepTextMetadataAndTypes() throws Exception {
        try (QuaterionEmbeddingStore store = QuaterionEmbeddingStore.create(DIM)) {
            List<TextSegment> segments = segments();
            Random random = new Random(5);
            List<Embedding> embeddings = new ArrayList<>();
            segments.forEach(s -> embeddings.add(random(random)));
            List<String> ids = store.addAll(embeddings, segments);
            assertEquals(segments.size(), ids.size());
            for (int i = 0; i < segments.size(); i++) {
                EmbeddingMatch<TextSegment> top = store.search(request(embeddings.get(i), 1, 0, null)).matches()
                        .get(0);
                assertEquals(ids.get(i), top.embeddingId());
                assertEquals(1.0, top.score(), 1e-6);
                assertEquals(segments.get(i), top.embedded(), "text and typed metadata read back equal");
            }
        }
    }

    @Test
    void removesByIdByFilterAndAll() throws Exception {
        Random random = new Random(11);
        InMemoryEmbeddingStore<TextSegment> theirs = new InMemoryEmbeddingStore<>();
        try (QuaterionEmbeddingStore ours = QuaterionEmbeddingStore.create(DIM)) {
            fill(ours, theirs, random);
            ours.remove("item-1");
            theirs.remove("item-1");
            ours.removeAll(List.of("item-2", "item-5", "not-there"));
            theirs.removeAll(List.of("item-2", "item-5", "not-there"));
            assertEquals(11, ours.size());
            Filter faq = metadataKey("source").isEqualTo("faq");
            ours.removeAll(faq);
            theirs.removeAll(faq);
            assertEquals(7, ours.size(), "items 0, 3, 6, 9 were faq; the two bare items stay");
            Embedding query = random(random);
            assertSameMatches(theirs.search(request(query, 20, 0, null)).matches(),
                    ours.search(request(query, 20, 0, null)).matches(), "after removals");
            ours.removeAll();
            assertEquals(0, ours.size());
            assertEquals(List.of(), ours.search(request(query, 5, 0, null)).matches());
            ours.add("item-1", query); // a removed id is free again
            assertEquals(1, ours.size());
        }
    }

    @Test
    void savesAndOpens() throws Exception {
        Random random = new Random(13);
        Path dir = tmp.resolve("store");
        Embedding query = random(random);
        List<EmbeddingMatch<TextSegment>> before;
        try (QuaterionEmbeddingStore store = QuaterionEmbeddingStore.create(DIM)) {
            fill(store, new InMemoryEmbeddingStore<>(), random);
            before = store.search(request(query, 5, 0, metadataKey("source").isEqualTo("manual"))).matches();
            store.save(dir);
        }
        try (QuaterionEmbeddingStore reopened = QuaterionEmbeddingStore.open(dir)) {
            assertEquals(14, reopened.size());
            assertEquals(DIM, reopened.dimension());
            assertSameMatches(before, reopened.search(request(query, 5, 0,
                    metadataKey("source").isEqualTo("manual"))).matches(), "reopened");
            reopened.add("new", query, TextSegment.from("added after opening"));
            assertEquals("new", reopened.search(request(query, 1, 0, null)).matches().get(0).embeddingId());
        }
        try (VectorIndex plain = VectorIndex.open(dir)) {
            Payload payload = plain.payload("item-0").orElseThrow();
            assertTrue(payload.json().contains("\"text\":\"passage 0\""), payload.json());
        }
    }

    @Test
    void refusesDuplicatesWrongWidthsAndBadLists() throws Exception {
        Random random = new Random(17);
        try (QuaterionEmbeddingStore store = QuaterionEmbeddingStore.create(DIM)) {
            store.add("a", random(random), TextSegment.from("first"));
            IllegalArgumentException held = assertThrows(IllegalArgumentException.class,
                    () -> store.add("a", random(random)));
            assertTrue(held.getMessage().contains("holds id 'a' already"), held.getMessage());
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> store.addAll(
                    List.of("b", "c", "b"), List.of(random(random), random(random), random(random)), null));
            assertTrue(twice.getMessage().contains("duplicate id 'b'"), twice.getMessage());
            IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> store.addAll(
                    List.of("d", "e"), List.of(random(random), Embedding.from(new float[DIM + 1])), null));
            assertTrue(width.getMessage().contains("the vector of id 'e' has 7 dimensions, the index 6"),
                    width.getMessage());
            assertEquals(1, store.size(), "a refused batch adds nothing");
            IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
                    () -> store.search(request(Embedding.from(new float[3]), 1, 0, null)));
            assertTrue(query.getMessage().contains("the query has 3 dimensions, the index 6"), query.getMessage());
            IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                    () -> store.addAll(List.of("f"), List.of(random(random), random(random)), null));
            assertTrue(sizes.getMessage().contains("one entry per item"), sizes.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.add(" ", random(random)));
            assertThrows(IllegalArgumentException.class, () -> store.removeAll(List.of()));
            assertEquals(1, store.size());
        }
    }

    @Test
    void convertsDistancesThatDetermineTheCosineAndRefusesTheOthers() throws Exception {
        Random random = new Random(19);
        List<Distance> convertible = List.of(Distance.cosine().scaled(0.5), Distance.dotProduct().normalized(),
                Distance.euclidean().normalized(), Distance.squaredEuclidean().normalized());
        Embedding query = random(random);
        InMemoryEmbeddingStore<TextSegment> theirs = new InMemoryEmbeddingStore<>();
        List<Embedding> items = fill(new InMemoryEmbeddingStore<>(), theirs, new Random(23));
        for (Distance distance : convertible) {
            try (QuaterionEmbeddingStore store = QuaterionEmbeddingStore.create(DIM,
                    VectorIndex.Config.defaults().withDistance(distance))) {
                fill(store, new InMemoryEmbeddingStore<>(), new Random(23));
                assertEquals(items.size(), store.size());
                assertSameMatches(theirs.search(request(query, 6, 0.3, null)).matches(),
                        store.search(request(query, 6, 0.3, null)).matches(), distance.toString());
            }
        }
        for (Distance distance : List.of(Distance.dotProduct(), Distance.euclidean(), Distance.manhattan())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuaterionEmbeddingStore
                    .create(DIM, VectorIndex.Config.defaults().withDistance(distance)));
            assertTrue(e.getMessage().contains("does not determine the cosine"), e.getMessage());
        }
        // an index saved with such a distance is refused at open too
        Path manhattan = tmp.resolve("manhattan");
        try (LiveVectorIndex index = LiveVectorIndex.create(DIM,
                VectorIndex.Config.defaults().withDistance(Distance.manhattan()))) {
            index.add("x", random(random).vector(), null);
            index.save(manhattan);
        }
        assertThrows(IllegalArgumentException.class, () -> QuaterionEmbeddingStore.open(manhattan));
    }

    @Test
    void aPayloadThatIsNoSegmentIsRefusedWithItsId() throws Exception {
        Path dir = tmp.resolve("foreign");
        Random random = new Random(29);
        Embedding query = random(random);
        try (LiveVectorIndex index = LiveVectorIndex.create(DIM, VectorIndex.Config.defaults())) {
            index.add("untyped", random(random).vector(), Payload.json("{\"text\": \"written elsewhere\", "
                    + "\"metadata\": {\"page\": 3, \"bytes\": 10000000000, \"ratio\": 0.5, \"name\": \"x\"}}"));
            index.add("blob", query.vector(), Payload.bytes(new byte[] {1, 2, 3}));
            index.add("other-json", random(random).vector(), Payload.json("{\"title\": \"no text here\"}"));
            index.save(dir);
        }
        try (QuaterionEmbeddingStore store = QuaterionEmbeddingStore.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.search(request(query, 1, 0, null)));
            assertTrue(e.getMessage().contains("item 'blob' carries a bytes payload, not a text segment"),
                    e.getMessage());
            assertThrows(IllegalStateException.class,
                    () -> store.search(request(query, 3, 0, metadataKey("a").isEqualTo("b"))));
            // a filter over a store with such payloads removes nothing (the matching item comes before them)
            assertThrows(IllegalStateException.class, () -> store.removeAll(metadataKey("name").isEqualTo("x")));
            assertEquals(3, store.size());
            // untyped metadata of a payload written elsewhere: whole numbers as Integer or Long, others as Double
            store.remove("blob");
            store.remove("other-json");
            TextSegment untyped = store.search(request(query, 1, 0, null)).matches().get(0).embedded();
            assertEquals(new Metadata(Map.of("page", 3, "bytes", 10_000_000_000L, "ratio", 0.5, "name", "x")),
                    untyped.metadata());
            assertEquals(Integer.class, untyped.metadata().toMap().get("page").getClass());
        }
    }
}
