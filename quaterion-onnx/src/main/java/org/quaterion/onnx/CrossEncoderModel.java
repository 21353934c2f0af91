package org.quaterion.onnx;

import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.rerank.PairScorer;

/**
 * A cross-encoder at serving time: scores (query, document) pairs with a model whose one encoder is a
 * {@link CrossEncoder} and whose head gives the logits (one relevance logit, or N labels). It is saved as a
 * similarity model over {@code ai.djl.util.Pair} records ({@link #save}: atomic, with checksums, checked on load) and
 * loaded with {@link #load}, which refuses a bi-encoder's servable; {@code SimilarityModel.load(dir, String.class)}
 * refuses a cross-encoder's. Plain DJL loads it too: {@code Criteria.builder().setTypes(Pair.class, float[].class)}
 * with {@code SimilarityTranslatorFactory} gives each pair's logits.
 *
 * <p>Scores are the raw logits (apply a sigmoid for a probability); a pair's score is the same bits alone and in any
 * batch when the transformer runs each pair on its own (the default).
 */
public final class CrossEncoderModel implements PairScorer<String, String> {

    /** Pairs per forward pass. */
    private static final int BATCH_SIZE = 32;

    private final SimilarityModel<Pair<String, String>> model;

    private CrossEncoderModel(SimilarityModel<Pair<String, String>> model) {
        this.model = model;
    }

    /**
     * Serves a trained model (e.g. a {@code TrainableModel}'s {@code model()} after {@code Quaterion.fit}); closing
     * the returned scorer closes the model.
     *
     * @param model a model with one {@link CrossEncoder} encoder
     * @return the scorer
     * @throws IllegalArgumentException when the model is not a cross-encoder
     */
    public static CrossEncoderModel of(SimilarityModel<Pair<String, String>> model) {
        Objects.requireNonNull(model, "model");
        check(model, "the model");
        return new CrossEncoderModel(model);
    }

    /**
     * Loads a cross-encoder saved by {@link #save} (or by a {@code TrainableModel}'s {@code saveServable}).
     *
     * @param dir the servable directory
     * @return the scorer
     * @throws org.quaterion.models.io.ModelFormatException when the directory is not a loadable model
     * @throws IllegalArgumentException when it is a bi-encoder's servable
     */
    public static CrossEncoderModel load(Path dir) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        SimilarityModel<Pair<String, String>> model = SimilarityModel.load(dir, (Class) Object.class);
        try {
            check(model, dir.toString());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new CrossEncoderModel(model);
    }

    private static void check(SimilarityModel<?> model, String where) {
        List<String> types = model.encoders().values().stream().map(Encoder::typeName).collect(Collectors.toList());
        if (types.size() != 1 || !CrossEncoder.TYPE.equals(types.get(0))) {
            throw new IllegalArgumentException(where + " is a bi-encoder's servable (encoders of type " + types
                    + ", records " + model.recordType() + "), not a cross-encoder's: load it with "
                    + "SimilarityModel.load(dir, recordType)");
        }
        String recorded = model.recordType();
        if (recorded != null && !Pair.class.getName().equals(recorded)) {
            throw new IllegalArgumentException(where + " records " + recorded + ", a cross-encoder takes "
                    + Pair.class.getName() + " records");
        }
    }

    /**
     * The number of logits per pair.
     *
     * @return 1 for a relevance score, N for N labels
     */
    public int labels() {
        return model.embeddingSize();
    }

    /**
     * The model served.
     *
     * @return the similarity model over (query, document) pairs
     */
    public SimilarityModel<Pair<String, String>> model() {
        return model;
    }

    /**
     * Scores each candidate against the query: the relevance logit of each (query, candidate) pair.
     *
     * @param query the query, not null
     * @param candidates the candidates, not null, no nulls (may be empty)
     * @return one score per candidate
     * @throws IllegalStateException when the model has more than one label (use {@link #logits}) or is closed
     */
    @Override
    public float[] score(String query, List<String> candidates) {
        if (query == null || candidates == null) {
            throw new IllegalArgumentException("score needs a query and a candidate list, got " + query + " and "
                    + candidates);
        }
        List<Pair<String, String>> pairs = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i) == null) {
                throw new IllegalArgumentException("candidate " + i + " is null");
            }
            pairs.add(new Pair<>(query, candidates.get(i)));
        }
        return scores(pairs);
    }

    /**
     * Scores pairs of different queries in one call.
     *
     * @param pairs (query, document) pairs, no nulls (may be empty)
     * @return one relevance logit per pair
     * @throws IllegalStateException when the model has more than one label (use {@link #logits})
     */
    public float[] scores(List<Pair<String, String>> pairs) {
        if (labels() != 1) {
            throw new IllegalStateException("this cross-encoder gives " + labels() + " logits per pair, not one "
                    + "score: read them with logits(pairs)");
        }
        float[][] rows = logits(pairs);
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][0];
        }
        return out;
    }

    /**
     * Each pair's logits.
     *
     * @param pairs (query, document) pairs, no nulls (may be empty)
     * @return {@code [pairs][labels()]}
     */
    public float[][] logits(List<Pair<String, String>> pairs) {
        Objects.requireNonNull(pairs, "pairs");
        for (int i = 0; i < pairs.size(); i++) {
            Pair<String, String> p = pairs.get(i);
            if (p == null || p.getKey() == null || p.getValue() == null) {
                throw new IllegalArgumentException("pair " + i + " needs a query and a document, got " + p);
            }
        }
        return pairs.isEmpty() ? new float[0][] : model.encode(pairs, BATCH_SIZE);
    }

    /**
     * Saves the servable (atomically: a crash leaves the old directory or the new one).
     *
     * @param dir the directory
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        model.save(dir);
    }

    @Override
    public void close() {
        model.close();
    }
}
