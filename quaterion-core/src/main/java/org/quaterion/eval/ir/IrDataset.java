package org.quaterion.eval.ir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An information-retrieval evaluation set: queries, a corpus and graded relevance judgements (sentence-transformers'
 * {@code queries}, {@code corpus}, {@code relevant_docs}; BEIR's {@code queries.jsonl}, {@code corpus.jsonl},
 * {@code qrels/<split>.tsv}). A judgement with a grade above 0 makes a document relevant to a query; grades are kept
 * for graded NDCG. Only queries with at least one relevant document are evaluated: a query whose judgements are all
 * 0 or below is skipped and counted ({@link #skippedQueries()}, logged as a warning), as sentence-transformers drops
 * it; a query without any judgement is not part of the set ({@link #unjudgedQueries()}: BEIR's
 * {@code queries.jsonl} holds the queries of every split). The corpus keeps its order: it breaks score ties.
 * Immutable.
 */
public final class IrDataset {

    private static final Logger LOG = LoggerFactory.getLogger(IrDataset.class);

    private final List<String> queryIds;
    private final List<String> queryTexts;
    private final List<String> documentIds;
    private final List<String> documentTexts;
    /** Per evaluated query, document index → grade (&gt; 0). */
    private final List<Map<Integer, Integer>> relevant;
    private final int skippedQueries;
    private final int unjudgedQueries;

    private IrDataset(List<String> queryIds, List<String> queryTexts, List<String> documentIds,
            List<String> documentTexts, List<Map<Integer, Integer>> relevant, int skippedQueries,
            int unjudgedQueries) {
        this.queryIds = List.copyOf(queryIds);
        this.queryTexts = List.copyOf(queryTexts);
        this.documentIds = List.copyOf(documentIds);
        this.documentTexts = List.copyOf(documentTexts);
        this.relevant = relevant.stream().map(Collections::unmodifiableMap).toList();
        this.skippedQueries = skippedQueries;
        this.unjudgedQueries = unjudgedQueries;
    }

    /**
     * Reads a BEIR directory: {@code corpus.jsonl} ({@code {"_id", "title", "text"}}; the document text is
     * {@link #documentText title and text joined} as BEIR's sentence-transformers models do),
     * {@code queries.jsonl} ({@code {"_id", "text"}}) and {@code qrels/<split>.tsv} (a header
     * {@code query-id corpus-id score}, then one tab-separated judgement per line, integer scores).
     *
     * @param dir the dataset directory (such as an unzipped {@code scifact})
     * @param split the qrels file's name without {@code .tsv}: {@code test}, {@code dev} or {@code train}
     * @return the set
     * @throws IOException when a file cannot be read
     * @throws IllegalArgumentException when a file is missing or malformed (naming the file and line), an id is
     *     repeated, a judgement names an unknown query or document, the corpus is empty or no query has a relevant
     *     document
     */
    public static IrDataset readBeir(Path dir, String split) throws IOException {
        return BeirFiles.read(dir, split);
    }

    /**
     * A document's text from a title and a body, as BEIR's sentence-transformers models build it: {@code title + " "
     * + text}, stripped of surrounding white space; the text alone when the title is null or blank.
     *
     * @param title the title, may be null or blank
     * @param text the body, not null
     * @return the text to encode
     */
    public static String documentText(String title, String text) {
        if (text == null) {
            throw new IllegalArgumentException("a document needs a text (use \"\" for a title-only document)");
        }
        return title == null || title.isBlank() ? text.strip() : (title + " " + text).strip();
    }

    /**
     * A builder for a set held in memory.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The ids of the evaluated queries (those with a relevant document), in the order they were added.
     *
     * @return the ids
     */
    public List<String> queryIds() {
        return queryIds;
    }

    /**
     * The texts of the evaluated queries, aligned with {@link #queryIds()}.
     *
     * @return the texts
     */
    public List<String> queryTexts() {
        return queryTexts;
    }

    /**
     * The corpus ids in corpus order.
     *
     * @return the ids
     */
    public List<String> documentIds() {
        return documentIds;
    }

    /**
     * The corpus texts, aligned with {@link #documentIds()}.
     *
     * @return the texts
     */
    public List<String> documentTexts() {
        return documentTexts;
    }

    /**
     * The relevant documents of an evaluated query and their grades.
     *
     * @param query the query's position in {@link #queryIds()}
     * @return document id → grade (&gt; 0), in corpus order
     */
    public Map<String, Integer> relevant(int query) {
        Map<String, Integer> out = new LinkedHashMap<>();
        relevant.get(query).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(documentIds.get(e.getKey()), e.getValue()));
        return out;
    }

    /** Document index → grade of an evaluated query, for the metrics. */
    Map<Integer, Integer> relevantIndices(int query) {
        return relevant.get(query);
    }

    /**
     * Queries with judgements, none of them above 0: not evaluated.
     *
     * @return the count
     */
    public int skippedQueries() {
        return skippedQueries;
    }

    /**
     * Queries without any judgement (queries of other splits in BEIR's {@code queries.jsonl}): not evaluated.
     *
     * @return the count
     */
    public int unjudgedQueries() {
        return unjudgedQueries;
    }

    @Override
    public String toString() {
        return "IrDataset{" + queryIds.size() + " queries, " + documentIds.size() + " documents, "
                + relevant.stream().mapToInt(Map::size).sum() + " relevant pairs, " + skippedQueries
                + " skipped without a relevant document}";
    }

    /**
     * Collects queries, documents and judgements in any order; {@link #build()} checks that every judgement names
     * a known query and document. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, String> queries = new LinkedHashMap<>();
        private final Map<String, Integer> documents = new HashMap<>();
        private final List<String> documentIds = new ArrayList<>();
        private final List<String> documentTexts = new ArrayList<>();
        /** Query id → document id → grade, in the order judged. */
        private final Map<String, Map<String, Integer>> judgements = new LinkedHashMap<>();
        private String source = "the builder";

        private Builder() {}

        /** Names where the entries come from, for messages. */
        Builder source(String value) {
            source = value;
            return this;
        }

        /**
         * Adds a query.
         *
         * @param id a unique query id
         * @param text the query text
         * @return this builder
         * @throws IllegalArgumentException when the id is already taken or the id or text is null
         */
        public Builder addQuery(String id, String text) {
            if (id == null || text == null) {
                throw new IllegalArgumentException("a query needs an id and a text, got " + id + ": " + text);
            }
            if (queries.putIfAbsent(id, text) != null) {
                throw new IllegalArgumentException("query id '" + id + "' appears twice in " + source
                        + "; query ids must be unique");
            }
            return this;
        }

        /**
         * Adds a corpus document; its position breaks score ties (earlier first).
         *
         * @param id a unique document id
         * @param text the text to encode (see {@link IrDataset#documentText} for a title and a body)
         * @return this builder
         * @throws IllegalArgumentException when the id is already taken or the id or text is null
         */
        public Builder addDocument(String id, String text) {
            if (id == null || text == null) {
                throw new IllegalArgumentException("a document needs an id and a text, got " + id + ": " + text);
            }
            if (documents.putIfAbsent(id, documentIds.size()) != null) {
                throw new IllegalArgumentException("document id '" + id + "' appears twice in " + source
                        + "; corpus ids must be unique");
            }
            documentIds.add(id);
            documentTexts.add(text);
            return this;
        }

        /**
         * Judges a document relevant to a query with grade 1.
         *
         * @param queryId the query
         * @param documentId the document
         * @return this builder
         */
        public Builder addRelevant(String queryId, String documentId) {
            return addJudgement(queryId, documentId, 1);
        }

        /**
         * Adds a graded judgement: above 0 the document is relevant with that gain, 0 or below it is not relevant.
         * The same pair judged again with the same grade is ignored.
         *
         * @param queryId the query
         * @param documentId the document
         * @param grade the grade
         * @return this builder
         * @throws IllegalArgumentException when the pair was already judged with another grade
         */
        public Builder addJudgement(String queryId, String documentId, int grade) {
            if (queryId == null || documentId == null) {
                throw new IllegalArgumentException("a judgement needs a query id and a document id, got " + queryId
                        + " and " + documentId);
            }
            Integer before = judgements.computeIfAbsent(queryId, q -> new LinkedHashMap<>()).putIfAbsent(documentId,
                    grade);
            if (before != null && before != grade) {
                throw new IllegalArgumentException("query '" + queryId + "' and document '" + documentId + "' are "
                        + "judged twice in " + source + ", with grades " + before + " and " + grade
                        + "; keep one judgement per pair");
            }
            return this;
        }

        /**
         * Checks the judgements against the queries and the corpus and builds the set.
         *
         * @return the set
         * @throws IllegalArgumentException when the corpus is empty, a judgement names an unknown query or document,
         *     or no query has a relevant document
         */
        public IrDataset build() {
            if (documentIds.isEmpty()) {
                throw new IllegalArgumentException("the corpus of " + source + " is empty: add the documents to "
                        + "search");
            }
            for (Map.Entry<String, Map<String, Integer>> q : judgements.entrySet()) {
                if (!queries.containsKey(q.getKey())) {
                    throw new IllegalArgumentException("the judgements of " + source + " name query '" + q.getKey()
                            + "', which is not among the " + queries.size() + " queries; add it or remove its "
                            + "judgements");
                }
                for (String doc : q.getValue().keySet()) {
                    if (!documents.containsKey(doc)) {
                        throw new IllegalArgumentException("the judgements of " + source + " name document '" + doc
                                + "' (for query '" + q.getKey() + "'), which is not in the corpus of "
                                + documentIds.size() + " documents; add it or remove the judgement");
                    }
                }
            }
            List<String> ids = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            List<Map<Integer, Integer>> relevant = new ArrayList<>();
            int skipped = 0;
            int unjudged = 0;
            for (Map.Entry<String, String> q : queries.entrySet()) {
                Map<String, Integer> judged = judgements.get(q.getKey());
                if (judged == null) {
                    unjudged++;
                    continue;
                }
                Map<Integer, Integer> grades = new HashMap<>();
                judged.forEach((doc, grade) -> {
                    if (grade > 0) {
                        grades.put(documents.get(doc), grade);
                    }
                });
                if (grades.isEmpty()) {
                    skipped++;
                    continue;
                }
                ids.add(q.getKey());
                texts.add(q.getValue());
                relevant.add(grades);
            }
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("no query of " + source + " has a relevant document (a judgement "
                        + "with a grade above 0): " + queries.size() + " queries, " + judgements.size()
                        + " judged; check that the judgements use the query and corpus ids");
            }
            if (skipped > 0) {
                LOG.warn("{} of {} judged queries in {} have no relevant document (every grade <= 0) and are skipped",
                        skipped, judgements.size(), source);
            }
            if (unjudged > 0) {
                LOG.info("{} of {} queries in {} have no judgement and are not evaluated", unjudged, queries.size(),
                        source);
            }
            return new IrDataset(ids, texts, documentIds, documentTexts, relevant, skipped, unjudged);
        }
    }
}
