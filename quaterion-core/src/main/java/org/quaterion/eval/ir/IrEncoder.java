package org.quaterion.eval.ir;

import java.util.List;
import java.util.function.Function;
import org.quaterion.models.SimilarityModel;

/**
 * How an {@link IrEvaluator} turns texts into embeddings: queries and documents separately, so an asymmetric model
 * (a query prompt, a document prompt) encodes each with its role. The evaluator calls it with one batch of texts at
 * a time.
 */
public interface IrEncoder {

    /**
     * Encodes a batch of queries.
     *
     * @param texts the query texts, non-empty
     * @return one embedding per text, in order, all of one width
     */
    float[][] encodeQueries(List<String> texts);

    /**
     * Encodes a batch of corpus documents.
     *
     * @param texts the document texts, non-empty
     * @return one embedding per text, in order, all of one width
     */
    float[][] encodeDocuments(List<String> texts);

    /**
     * A model's encoder, one forward pass per batch the evaluator gives: queries through
     * {@code encodeQueries} and documents through {@code encodeDocuments}, so each gets the prompt of its role the
     * model was trained with (the same encoding for both when the model has no prompts).
     *
     * @param model a text model
     * @return the encoder
     */
    static IrEncoder of(SimilarityModel<String> model) {
        if (model == null) {
            throw new IllegalArgumentException("the IR encoder needs a model");
        }
        return of(texts -> model.encodeQueries(texts, texts.size()), texts -> model.encodeDocuments(texts,
                texts.size()));
    }

    /**
     * An encoder from two functions.
     *
     * @param queries encodes a batch of queries
     * @param documents encodes a batch of documents
     * @return the encoder
     */
    static IrEncoder of(Function<List<String>, float[][]> queries, Function<List<String>, float[][]> documents) {
        if (queries == null || documents == null) {
            throw new IllegalArgumentException("the IR encoder needs a query and a document function");
        }
        return new IrEncoder() {
            @Override
            public float[][] encodeQueries(List<String> texts) {
                return queries.apply(texts);
            }

            @Override
            public float[][] encodeDocuments(List<String> texts) {
                return documents.apply(texts);
            }
        };
    }
}
