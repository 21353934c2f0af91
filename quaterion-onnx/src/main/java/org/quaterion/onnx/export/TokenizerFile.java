package org.quaterion.onnx.export;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the export's {@code tokenizer.json}: the encoder's own, with its truncation set to the encoder's token limit,
 * so that a runtime that tokenises with the file's settings (Python's {@code tokenizers}, DJL) keeps the tokens the
 * encoder keeps. A file whose truncation already says so is copied byte for byte.
 */
final class TokenizerFile {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private TokenizerFile() {}

    /**
     * Writes the tokenizer.
     *
     * @param source the encoder's {@code tokenizer.json}
     * @param maxLength the encoder's token limit
     * @param target the file to write
     * @throws IOException when a file cannot be read or written
     * @throws OnnxExportException when the source is no JSON object
     */
    static void write(Path source, int maxLength, Path target) throws IOException {
        JsonObject json;
        try (Reader in = Files.newBufferedReader(source, StandardCharsets.UTF_8)) {
            JsonElement parsed = JsonParser.parseReader(in);
            if (!parsed.isJsonObject()) {
                throw new OnnxExportException("tokenizer " + source + " is no JSON object: it is not a Hugging Face "
                        + "tokenizer.json");
            }
            json = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new OnnxExportException("tokenizer " + source + " is no valid JSON (" + e.getMessage() + "): it is "
                    + "not a Hugging Face tokenizer.json");
        }
        JsonElement truncation = json.get("truncation");
        if (truncation != null && truncation.isJsonObject() && truncation.getAsJsonObject().has("max_length")
                && truncation.getAsJsonObject().get("max_length").getAsInt() == maxLength) {
            Files.copy(source, target);
            return;
        }
        JsonObject t = new JsonObject();
        t.addProperty("direction", "Right");
        t.addProperty("max_length", maxLength);
        t.addProperty("strategy", "LongestFirst");
        t.addProperty("stride", 0);
        json.add("truncation", t);
        try (Writer out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            GSON.toJson(json, out);
        }
    }
}
