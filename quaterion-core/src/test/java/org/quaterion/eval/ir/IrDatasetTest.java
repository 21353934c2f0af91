package org.quaterion.eval.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BEIR reader (files written here) and the builder's refusals. */
class IrDatasetTest {

    @TempDir
    Path dir;

    private static final String CORPUS = """
            {"_id": "d1", "title": "Ice", "text": "Frozen water."}
            {"_id": "d2", "title": "", "text": " Steam is hot. "}
            {"_id": "d3", "text": "No title at all."}
            {"_id": 4, "title": "Numbered", "text": ""}
            """;
    private static final String QUERIES = """
            {"_id": "q1", "text": "what is ice"}
            {"_id": "q2", "text": "hot water vapour"}
            {"_id": "q3", "text": "judged, nothing relevant"}
            {"_id": "q4", "text": "a query of another split"}
            """;
    private static final String QRELS = "query-id\tcorpus-id\tscore\n" + "q1\td1\t1\n" + "q1\t4\t2\n"
            + "q2\td2\t1\n" + "q2\td3\t0\n" + "q3\td3\t0\n";

    private void write(String corpus, String queries, String qrels) throws IOException {
        Files.writeString(dir.resolve("corpus.jsonl"), corpus, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("queries.jsonl"), queries, StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), qrels, StandardCharsets.UTF_8);
    }

    @Test
    void readsBeirLayout() throws IOException {
        write(CORPUS, QUERIES, QRELS);
        IrDataset data = IrDataset.readBeir(dir, "test");
        assertEquals(List.of("d1", "d2", "d3", "4"), data.documentIds());
        // title + " " + text, stripped; the text alone without a title
        assertEquals(List.of("Ice Frozen water.", "Steam is hot.", "No title at all.", "Numbered"),
                data.documentTexts());
        assertEquals(List.of("q1", "q2"), data.queryIds());
        assertEquals(List.of("what is ice", "hot water vapour"), data.queryTexts());
        assertEquals(Map.of("d1", 1, "4", 2), data.relevant(0));
        assertEquals(Map.of("d2", 1), data.relevant(1)); // the grade-0 judgement of d3 is not relevant
        assertEquals(1, data.skippedQueries()); // q3: judged, no grade above 0
        assertEquals(1, data.unjudgedQueries()); // q4: no judgement in this split
    }

    @Test
    void qrelsWithoutHeaderAreRead() throws IOException {
        write(CORPUS, QUERIES, "q1\td1\t1\n");
        assertEquals(List.of("q1"), IrDataset.readBeir(dir, "test").queryIds());
    }

    @Test
    void refusesDuplicateIdsNamingTheLine() throws IOException {
        write(CORPUS + "{\"_id\": \"d2\", \"text\": \"again\"}\n", QUERIES, QRELS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir,
                "test"));
        assertEquals(dir.resolve("corpus.jsonl") + " line 5: document id 'd2' appears twice in " + dir
                + "; corpus ids must be unique", e.getMessage());
        write(CORPUS, QUERIES + "{\"_id\": \"q1\", \"text\": \"again\"}\n", QRELS);
        e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir, "test"));
        assertTrue(e.getMessage().endsWith("line 5: query id 'q1' appears twice in " + dir
                + "; query ids must be unique"), e.getMessage());
    }

    @Test
    void refusesJudgementsOfUnknownIds() throws IOException {
        write(CORPUS, QUERIES, QRELS + "q1\tmissing\t1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir,
                "test"));
        assertEquals("the judgements of " + dir + " name document 'missing' (for query 'q1'), which is not in the "
                + "corpus of 4 documents; add it or remove the judgement", e.getMessage());
        write(CORPUS, QUERIES, QRELS + "q9\td1\t1\n");
        e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir, "test"));
        assertEquals("the judgements of " + dir + " name query 'q9', which is not among the 4 queries; add it or "
                + "remove its judgements", e.getMessage());
    }

    @Test
    void refusesMalformedQrels() throws IOException {
        write(CORPUS, QUERIES, QRELS + "q1\td2\thigh\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir,
                "test"));
        assertEquals(dir.resolve("qrels/test.tsv") + " line 7: the score 'high' is not an integer; give a grade "
                + "such as 0, 1 or 2", e.getMessage());
        write(CORPUS, QUERIES, "q1 0 d1 1\n");
        e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir, "test"));
        assertEquals(dir.resolve("qrels/test.tsv") + " line 1 has 1 tab-separated fields; BEIR judgements are "
                + "'query-id<TAB>corpus-id<TAB>score'", e.getMessage());
        write(CORPUS, QUERIES, QRELS + "q1\td1\t2\n");
        e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir, "test"));
        assertEquals(dir.resolve("qrels/test.tsv") + " line 7: query 'q1' and document 'd1' are judged twice in "
                + dir + ", with grades 1 and 2; keep one judgement per pair", e.getMessage());
    }

    @Test
    void refusesMissingFilesAndSplits() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir,
                "test"));
        assertEquals("no corpus file " + dir.resolve("corpus.jsonl") + ": a BEIR directory holds corpus.jsonl, "
                + "queries.jsonl and qrels/<split>.tsv", e.getMessage());
        write(CORPUS, QUERIES, QRELS);
        Files.writeString(dir.resolve("qrels/dev.tsv"), QRELS);
        e = assertThrows(IllegalArgumentException.class, () -> IrDataset.readBeir(dir, "train"));
        assertEquals("no judgements " + dir.resolve("qrels/train.tsv") + " for split 'train'; the splits in "
                + dir.resolve("qrels") + " are [dev, test]", e.getMessage());
    }

    @Test
    void refusesAnEmptyCorpusAndASetWithoutRelevantDocuments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IrDataset.builder()
                .addQuery("q", "text").build());
        assertEquals("the corpus of the builder is empty: add the documents to search", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IrDataset.builder().addQuery("q", "text")
                .addDocument("d", "doc").addJudgement("q", "d", 0).build());
        assertEquals("no query of the builder has a relevant document (a judgement with a grade above 0): 1 "
                + "queries, 1 judged; check that the judgements use the query and corpus ids", e.getMessage());
    }

    @Test
    void builderKeepsGradesAndIgnoresARepeatedIdenticalJudgement() {
        IrDataset data = IrDataset.builder().addDocument("d1", "one").addDocument("d2", "two").addQuery("q", "text")
                .addJudgement("q", "d2", 3).addRelevant("q", "d1").addJudgement("q", "d2", 3).build();
        assertEquals(Map.of("d1", 1, "d2", 3), data.relevant(0));
        assertEquals(List.of("d1", "d2"), List.copyOf(data.relevant(0).keySet())); // corpus order
        assertEquals("IrDataset{1 queries, 2 documents, 2 relevant pairs, 0 skipped without a relevant document}",
                data.toString());
    }
}
