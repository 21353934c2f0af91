package org.quaterion.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.search.VectorIndex;
import org.quaterion.search.rerank.RerankedHit;
import org.quaterion.search.rerank.TwoStageSearch;

/**
 * What the endpoints call, and what an application can inject: encodes texts with the configured servable and
 * searches the configured index, with the input limits of {@code quaterion.model.*} and timers
 * {@code quaterion.encode} / {@code quaterion.search}; with a re-ranker ({@code PairScorer<String, String>}), a search
 * can re-score its candidates by the text of each item's JSON payload ({@code quaterion.reranker.*}, timer
 * {@code quaterion.rerank}). Thread-safe when the re-ranker is.
 */
public final class QuaterionService {

    private final SimilarityModel<String> model;
    private final VectorIndex index;
    private final QuaterionProperties.Model limits;
    private final int maxTexts;
    private final int maxK;
    private final OperationTimer timer;
    private final PairScorer<String, String> reranker;
    private final QuaterionProperties.Reranker rerankSettings;
    private final ObjectMapper payloads = new ObjectMapper();

    QuaterionService(SimilarityModel<String> model, VectorIndex index, QuaterionProperties properties,
            OperationTimer timer) {
        this(model, index, null, properties, timer);
    }

    QuaterionService(SimilarityModel<String> model, VectorIndex index, PairScorer<String, String> reranker,
            QuaterionProperties properties, OperationTimer timer) {
        this.reranker = reranker;
        this.rerankSettings = properties.getReranker();
        this.model = model;
        this.index = index;
        this.limits = properties.getModel();
        this.maxTexts = properties.getWeb().getMaxTexts();
        this.maxK = properties.getWeb().getMaxK();
        this.timer = timer;
    }

    /**
     * Embeds texts.
     *
     * @param texts 1 to {@code quaterion.web.max-texts} non-blank texts
     * @return one vector per text
     * @throws InputRejectedException 400 for no texts or a blank one, 413 for too many or too long ones
     */
    public float[][] embed(List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw new InputRejectedException(400, "no texts: send {\"texts\": [\"...\"]} with at least one text");
        }
        if (texts.size() > maxTexts) {
            throw new InputRejectedException(413, texts.size() + " texts in one request, at most " + maxTexts
                    + " (quaterion.web.max-texts): split the request");
        }
        List<String> checked = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            checked.add(check(texts.get(i), "text " + i));
        }
        return timer.record("quaterion.encode", () -> model.encode(checked, limits.getBatchSize()));
    }

    /**
     * The k nearest catalogue items of a text.
     *
     * @param query a non-blank text
     * @param k 1 to {@code quaterion.web.max-k}
     * @return hits, nearest first
     * @throws InputRejectedException 400 for a blank query or k out of range, 413 for a too long query
     * @throws InputRejectedException 404 when no index is configured
     */
    public List<VectorIndex.Hit> search(String query, int k) {
        checkSearch(k);
        String text = check(query, "the query");
        return timer.record("quaterion.search", () -> index.search(encodeQuery(text), k));
    }

    /**
     * The k best of a text's nearest {@code candidates} items, re-scored by the re-ranker against the text of each
     * item (the {@code quaterion.reranker.text-field} of its JSON payload).
     *
     * @param query a non-blank text
     * @param k 1 to {@code quaterion.web.max-k}
     * @param candidates first-stage hits to re-score, k to {@code quaterion.reranker.max-candidates}; null for
     *     {@code max(k, quaterion.reranker.candidates)}
     * @return hits, highest re-ranker score first, each with its first-stage distance
     * @throws InputRejectedException 400 without a re-ranker, for a blank query, k or candidates out of range or
     *     candidates below k; 413 for a too long query; 404 when no index is configured
     * @throws IllegalStateException when a candidate has no text in its payload
     */
    public List<RerankedHit> rerankedSearch(String query, int k, Integer candidates) {
        if (reranker == null) {
            throw new InputRejectedException(400, "\"rerank\": true needs a re-ranker and none is configured: set "
                    + "quaterion.reranker.path to a cross-encoder servable or declare a PairScorer<String, String> "
                    + "bean");
        }
        checkSearch(k);
        int n = candidates != null ? candidates : Math.max(k, rerankSettings.getCandidates());
        if (n < 1 || n > rerankSettings.getMaxCandidates()) {
            throw new InputRejectedException(400, "candidates must be between 1 and "
                    + rerankSettings.getMaxCandidates() + " (quaterion.reranker.max-candidates), got " + n);
        }
        try {
            TwoStageSearch.checkCounts(n, k);
        } catch (IllegalArgumentException e) {
            throw new InputRejectedException(400, e.getMessage());
        }
        String text = check(query, "the query");
        return timer.record("quaterion.search", () -> {
            List<VectorIndex.Hit> hits = index.search(encodeQuery(text), n);
            return timer.record("quaterion.rerank", () -> TwoStageSearch.rerank(text, hits, reranker,
                    this::itemText, k));
        });
    }

    /**
     * Whether a re-ranker is configured.
     *
     * @return true when {@code "rerank": true} is served
     */
    public boolean canRerank() {
        return reranker != null;
    }

    private void checkSearch(int k) {
        if (index == null) {
            throw new InputRejectedException(404, "no index is configured: set quaterion.index.path to a directory "
                    + "written by VectorIndex.build, or quaterion.index.source to a JSONL catalogue to build it from");
        }
        if (k < 1 || k > maxK) {
            throw new InputRejectedException(400, "k must be between 1 and " + maxK + " (quaterion.web.max-k), got "
                    + k);
        }
    }

    private float[] encodeQuery(String text) {
        return timer.record("quaterion.encode", () -> model.encode(List.of(text), 1)[0]);
    }

    /** The text field of a hit's JSON payload. */
    private String itemText(VectorIndex.Hit hit) {
        String field = rerankSettings.getTextField();
        if (hit.payload() != null && hit.payload().isJson()) {
            try {
                JsonNode value = payloads.readTree(hit.payload().json()).get(field);
                if (value != null && value.isTextual()) {
                    return value.asText();
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the payload of item '" + hit.id() + "' is not valid JSON", e);
            }
        }
        throw new IllegalStateException("item '" + hit.id() + "' has no text field \"" + field + "\" in a JSON "
                + "payload: the re-ranker reads it; give every item one, or set quaterion.reranker.text-field");
    }

    /**
     * The servable's embedding size.
     *
     * @return the dimension
     */
    public int dimension() {
        return model.embeddingSize();
    }

    /**
     * The configured index.
     *
     * @return the index, or null when none is configured
     */
    public VectorIndex index() {
        return index;
    }

    private String check(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new InputRejectedException(400, what + " is blank: send a non-empty text");
        }
        if (text.length() > limits.getMaxInputChars()) {
            if (!limits.isTruncate()) {
                throw new InputRejectedException(413, what + " has " + text.length() + " characters, at most "
                        + limits.getMaxInputChars() + " (quaterion.model.max-input-chars; set "
                        + "quaterion.model.truncate=true to cut instead)");
            }
            return text.substring(0, limits.getMaxInputChars());
        }
        return text;
    }
}
