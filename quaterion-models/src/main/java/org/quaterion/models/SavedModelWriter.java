package org.quaterion.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.HeadFactory;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.Checksums;
import org.quaterion.models.io.JsonFiles;

/**
 * Writes a {@link SimilarityModel} as a saved model directory, atomically: {@code config.json} (format, schema
 * version, type names, head description, prompts, checksums of every other file, training record, record type), the
 * head's parameters, one directory per encoder and DJL's {@code serving.properties}. {@link SavedModelReader} reads
 * it back.
 */
final class SavedModelWriter {

    private SavedModelWriter() {}

    /**
     * Writes the model to {@code dir}, replacing only an empty directory or a saved model.
     *
     * @param model the model (open: the caller holds its close gate)
     * @param dir the directory
     * @param trainingRecord how the model was trained, or null for none
     * @param <T> the record type
     * @throws IOException when writing fails; an existing model at {@code dir} is then left untouched
     */
    static <T> void write(SimilarityModel<T> model, Path dir, JsonObject trainingRecord) throws IOException {
        AtomicDirectory.write(dir, SimilarityModel.KIND, tmp -> {
            Files.createDirectories(tmp.resolve("head"));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(SavedModelLayout.HEAD_PARAMETERS)));
                    DataOutputStream data = new DataOutputStream(out)) {
                model.head().saveParameters(data);
            }
            JsonArray encoderList = new JsonArray();
            for (Map.Entry<String, Encoder<T>> e : model.encoders().entrySet()) {
                Path encoderDir = Files.createDirectories(tmp.resolve("encoders").resolve(e.getKey()));
                e.getValue().save(encoderDir);
                JsonObject entry = new JsonObject();
                entry.addProperty("key", e.getKey());
                entry.addProperty("type", e.getValue().typeName());
                entry.addProperty("trainable", e.getValue().trainable());
                entry.addProperty("embedding_size", e.getValue().embeddingSize());
                encoderList.add(entry);
            }
            JsonObject config = new JsonObject();
            config.addProperty("format", SimilarityModel.FORMAT);
            // version 1 unless the model has prompts: earlier releases, which would ignore the prompts, refuse those
            config.addProperty("schema_version", model.prompts().isEmpty() ? 1 : SimilarityModel.SCHEMA_VERSION);
            config.addProperty("library_version", LibraryVersion.get());
            config.addProperty("data_type", model.dataType().name().toLowerCase(Locale.ROOT));
            config.addProperty("embedding_size", model.embeddingSize());
            config.add("encoders", encoderList);
            config.add("head", HeadFactory.describe(model.head()));
            if (!model.prompts().isEmpty()) {
                config.add("prompts", model.prompts().toJson());
            }
            Files.writeString(tmp.resolve(SavedModelLayout.DJL_PROPERTIES), SavedModelLayout.DJL_SERVING, StandardCharsets.UTF_8);
            JsonObject files = new JsonObject();
            Checksums.ofTree(tmp, List.of(SavedModelLayout.CONFIG_FILE)).forEach(files::addProperty);
            config.add("files", files);
            if (trainingRecord != null) {
                config.add("training", trainingRecord);
            }
            String records = model.recordType() != null ? model.recordType() : trainingRecord != null
                    && trainingRecord.has("record_type") ? trainingRecord.get("record_type").getAsString() : null;
            if (records != null) { // what load(dir, Class) checks
                config.addProperty("record_type", records);
            }
            JsonFiles.write(tmp.resolve(SavedModelLayout.CONFIG_FILE), config);
        });
    }
}
