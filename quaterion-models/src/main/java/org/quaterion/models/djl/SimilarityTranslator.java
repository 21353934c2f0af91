package org.quaterion.models.djl;

import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;

/**
 * Encodes through {@link SimilarityModel#encode}: {@code processInput} only queues the record (its array is the
 * record's position), and the first {@code processOutput} of a predictor call encodes every queued record in one
 * {@code encode} call, so {@code batchPredict} batches exactly as {@code encode} does and returns the same vectors.
 * With a role, the records get that role's prompt ({@code encode(role, …)}); without, the default role's.
 */
final class SimilarityTranslator<R> implements Translator<R, float[]> {

    private static final String QUEUE = "quaterion.records";
    private static final String VECTORS = "quaterion.vectors";

    private final SimilarityModel<R> model;
    private final int batchSize;
    /** The prompt role of every record, or null for the model's default role. */
    private final Prompts.Role role;

    SimilarityTranslator(SimilarityModel<R> model, int batchSize, Prompts.Role role) {
        this.model = model;
        this.batchSize = batchSize;
        this.role = role;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, R input) {
        if (input == null) {
            throw new IllegalArgumentException("a record is null: remove nulls before predicting");
        }
        @SuppressWarnings("unchecked")
        List<R> queue = (List<R>) ctx.getAttachment(QUEUE);
        if (queue == null) {
            queue = new ArrayList<>();
            ctx.setAttachment(QUEUE, queue);
        }
        queue.add(input);
        return new NDList(ctx.getNDManager().create(queue.size() - 1));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        float[][] vectors = (float[][]) ctx.getAttachment(VECTORS);
        if (vectors == null) {
            @SuppressWarnings("unchecked")
            List<R> queue = (List<R>) ctx.getAttachment(QUEUE);
            vectors = role == null ? model.encode(queue, batchSize) : model.encode(role, queue, batchSize);
            ctx.setAttachment(VECTORS, vectors);
        }
        return vectors[list.singletonOrThrow().getInt()];
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
