package org.quaterion.models.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;

/**
 * DJL translator factory for a Quaterion servable: any record type in, {@code float[]} (the embedding) out. It loads
 * the {@link SimilarityModel} from the DJL model's directory with the record type the {@code Criteria} names (a
 * servable trained on another type is refused) and closes it with the DJL model. Argument {@code batchSize}
 * (default 64) bounds how many records one forward pass of {@code batchPredict} takes. Named by the servable's
 * {@code serving.properties}, or passed with {@code Criteria.Builder.optTranslatorFactory}.
 */
public final class SimilarityTranslatorFactory implements TranslatorFactory {

    private static final int DEFAULT_BATCH_SIZE = 64;

    /** Creates the factory (DJL instantiates it by name). */
    public SimilarityTranslatorFactory() {}

    /**
     * The advertised pair: records of any type to {@code float[]}.
     *
     * @return {@code (Object, float[])}
     */
    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(Object.class, float[].class));
    }

    /**
     * Any input type (the servable checks it at load), output {@code float[]}.
     *
     * @param input the record type
     * @param output the output type
     * @return whether the output is {@code float[]}
     */
    @Override
    public boolean isSupported(Class<?> input, Class<?> output) {
        return input != null && output == float[].class;
    }

    /**
     * Loads the servable and returns its translator.
     *
     * @param input the record type
     * @param output {@code float[]}
     * @param model the DJL model whose directory holds the servable
     * @param arguments the loader's arguments ({@code batchSize} optional)
     * @param <I> the record type
     * @param <O> {@code float[]}
     * @return the translator
     * @throws TranslateException when the directory is not a loadable servable or the output type is not float[]
     */
    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model,
            Map<String, ?> arguments) throws TranslateException {
        if (!isSupported(input, output)) {
            throw new TranslateException("a Quaterion servable maps records to float[] embeddings; ask for "
                    + "setTypes(" + (input == null ? "R" : input.getSimpleName()) + ".class, float[].class), not "
                    + (output == null ? null : output.getSimpleName()));
        }
        Path dir = model.getModelPath();
        SimilarityModel<I> servable;
        try {
            ModelRegistry registry = ModelRegistry.discover();
            Device device = model.getNDManager().getDevice();
            servable = input == Object.class ? SimilarityModel.load(dir, registry, device)
                    : SimilarityModel.load(dir, registry, device, input);
        } catch (IllegalArgumentException e) { // ModelFormatException included
            throw new TranslateException("cannot load the Quaterion servable at " + dir + ": " + e.getMessage(), e);
        }
        // closed with the DJL model: ZooModel.close() closes the model's manager and what is attached to it
        model.getNDManager().attachInternal("quaterion-servable-" + UUID.randomUUID(), servable);
        return (Translator<I, O>) new SimilarityTranslator<>(servable, batchSize(arguments));
    }

    private static int batchSize(Map<String, ?> arguments) {
        Object value = arguments == null ? null : arguments.get("batchSize");
        if (value == null) {
            return DEFAULT_BATCH_SIZE;
        }
        int size;
        try {
            size = Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("batchSize must be a whole number, got '" + value + "'", e);
        }
        if (size < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + size);
        }
        return size;
    }
}
