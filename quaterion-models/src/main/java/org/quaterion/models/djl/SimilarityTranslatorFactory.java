package org.quaterion.models.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import com.google.gson.JsonElement;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.io.JsonFiles;

/**
 * DJL translator factory for a Quaterion servable: any record type in, {@code float[]} (the embedding) out. It loads
 * the {@link SimilarityModel} from the DJL model's directory with the record type the {@code Criteria} names (a
 * servable trained on another type is refused) and closes it with the DJL model. Argument {@code batchSize}
 * (default 64) bounds how many records one forward pass of {@code batchPredict} takes; argument {@code role}
 * ({@code query} or {@code document}) gives every record that role's prompt (default: the servable's default role,
 * as {@link SimilarityModel#encode} does). Named by the servable's
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
     * Every pair of types: the servable takes one record type to {@code float[]}, which {@link #newInstance} checks
     * against the servable's recorded type and explains when they differ. (Refusing here would let DJL fall back to
     * its default factory, whose message lists unrelated types.)
     *
     * @param input the record type
     * @param output the output type
     * @return true when both are given
     */
    @Override
    public boolean isSupported(Class<?> input, Class<?> output) {
        return input != null && output != null;
    }

    /**
     * Loads the servable and returns its translator.
     *
     * @param input the record type
     * @param output {@code float[]}
     * @param model the DJL model whose directory holds the servable
     * @param arguments the loader's arguments ({@code batchSize}, {@code role} optional)
     * @param <I> the record type
     * @param <O> {@code float[]}
     * @return the translator
     * @throws TranslateException when the directory is not a loadable servable, the output type is not float[] or
     *     the servable takes another record type (the message names the servable's type and the requested ones)
     */
    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model,
            Map<String, ?> arguments) throws TranslateException {
        Path dir = model.getModelPath();
        Prompts.Role role;
        try {
            role = role(arguments);
        } catch (IllegalArgumentException e) {
            model.close();
            throw new TranslateException("the Criteria argument role of the Quaterion servable at " + dir + " is "
                    + "invalid: " + e.getMessage(), e);
        }
        Class<?> recorded = recordClass(dir);
        if (input == null || output != float[].class || (recorded != null && !input.isAssignableFrom(recorded))) {
            model.close(); // DJL drops the model when this throws
            throw new TranslateException(mismatch(dir, recorded, input, output));
        }
        SimilarityModel<I> servable;
        try {
            ModelRegistry registry = ModelRegistry.discover();
            Device device = model.getNDManager().getDevice();
            servable = SimilarityModel.load(dir, registry, device, input);
        } catch (IllegalArgumentException e) { // ModelFormatException included
            model.close();
            throw new TranslateException("cannot load the Quaterion servable at " + dir + ": " + e.getMessage(), e);
        }
        // closed with the DJL model: ZooModel.close() closes the model's manager and what is attached to it
        model.getNDManager().attachInternal("quaterion-servable-" + UUID.randomUUID(), servable);
        return (Translator<I, O>) new SimilarityTranslator<>(servable, batchSize(arguments), role);
    }

    /**
     * A type mismatch: the servable's record type (recorded in its {@code config.json}), the types the
     * {@code Criteria} asked for, and the call that fits.
     */
    private static String mismatch(Path dir, Class<?> recorded, Class<?> input, Class<?> output) {
        String records = recorded == null ? null : recorded.getTypeName();
        return "the Quaterion servable at " + dir + " maps records of type "
                + (records == null ? "R (its record type is not recorded)" : records) + " to float[] embeddings, but "
                + "the Criteria asks for " + (input == null ? null : input.getTypeName()) + " -> "
                + (output == null ? null : output.getTypeName()) + ": build it with setTypes("
                + (records == null ? "R" : records) + ".class, float[].class)";
    }

    /** The servable's recorded record type, or null when it is not recorded or not a class loadable here. */
    private static Class<?> recordClass(Path dir) {
        String name;
        try {
            JsonElement recorded = JsonFiles.read(dir.resolve("config.json")).get("record_type");
            if (recorded == null || !recorded.isJsonPrimitive()) {
                return null;
            }
            name = recorded.getAsString();
        } catch (RuntimeException e) { // not a servable: the load reports it
            return null;
        }
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                SimilarityTranslatorFactory.class.getClassLoader()}) {
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null; // the typed load refuses it with the recorded name
    }

    /** The {@code role} argument: null (the servable's default role) when absent. */
    private static Prompts.Role role(Map<String, ?> arguments) {
        Object value = arguments == null ? null : arguments.get("role");
        return value == null ? null : Prompts.Role.of(value.toString());
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
