package org.quaterion.spring;

import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.VectorIndex;

/**
 * What the endpoints call, and what an application can inject: encodes texts with the configured servable and
 * searches the configured index, with the input limits of {@code quaterion.model.*} and timers
 * {@code quaterion.encode} / {@code quaterion.search}. Thread-safe.
 */
public final class QuaterionService {

    private final SimilarityModel<String> model;
    private final VectorIndex index;
    private final QuaterionProperties.Model limits;
    private final int maxTexts;
    private final int maxK;
    private final OperationTimer timer;

    QuaterionService(SimilarityModel<String> model, VectorIndex index, QuaterionProperties properties,
            OperationTimer timer) {
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
        if (index == null) {
            throw new InputRejectedException(404, "no index is configured: set quaterion.index.path to a directory "
                    + "written by VectorIndex.build, or quaterion.index.source to a JSONL catalogue to build it from");
        }
        if (k < 1 || k > maxK) {
            throw new InputRejectedException(400, "k must be between 1 and " + maxK + " (quaterion.web.max-k), got "
                    + k);
        }
        String text = check(query, "the query");
        return timer.record("quaterion.search", () -> {
            float[] vector = timer.record("quaterion.encode", () -> model.encode(List.of(text), 1)[0]);
            return index.search(vector, k);
        });
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
