package org.quaterion.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.dataset.Datasets;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;

/** Checks and reads the inputs of the tool's commands, failing before any work with a message naming the fix. */
final class CliInputs {

    private CliInputs() {}

    /**
     * Checks an input file before any work: it exists, is a regular file and is readable.
     *
     * @param file the file
     * @param what what it is, for the message
     */
    static void requireFile(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a directory; give a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + what + " file " + file);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " file " + file + " is not readable");
        }
    }

    /**
     * The directory an output is written into.
     *
     * @param output the output path
     * @return its parent; the file-system root itself is refused
     */
    static Path parentOf(Path output) {
        Path parent = output.toAbsolutePath().normalize().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("cannot write an output to the file-system root " + output
                    + "; choose a sub-directory");
        }
        return parent;
    }

    /**
     * Checks, before any work, that a directory exists or can be created and is writable.
     *
     * @param dir the directory
     * @param what what goes there, for the message
     */
    static void requireWritableDirectory(Path dir, String what) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("cannot create the " + what + " directory " + absolute + " ("
                    + e.getClass().getSimpleName() + "); choose a writable path");
        }
        if (!Files.isWritable(absolute)) {
            throw new IllegalArgumentException("the " + what + " directory " + absolute + " is not writable; choose "
                    + "a writable path");
        }
    }

    /**
     * Loads a servable directory of a text model.
     *
     * @param dir the directory `quaterion train` wrote ({@code <output>/servable})
     * @return the model
     */
    static SimilarityModel<String> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no model at " + dir + ": pass the servable directory that "
                    + "`quaterion train` wrote (<output>/servable)");
        }
        return SimilarityModel.load(dir, ModelRegistry.discover(), null, String.class);
    }

    /**
     * The texts of an input file: JSON lines with {@code "text"} (read by {@link Datasets#readJsonl}, like every
     * JSON Lines input of the tool) when the file name ends in {@code .jsonl} or its first non-blank line starts
     * with <code>{</code>; otherwise every non-blank line is a text as it is.
     *
     * @param file the input file
     * @return the texts, at least one
     * @throws IOException when the file cannot be read
     */
    static List<String> texts(Path file) throws IOException {
        requireFile(file, "input");
        List<String> lines = String.valueOf(file.getFileName()).endsWith(".jsonl") ? null : readLines(file);
        String first = lines == null ? "{" : lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        List<String> out;
        if (first.stripLeading().startsWith("{")) {
            out = Datasets.readJsonl(file, o -> {
                com.google.gson.JsonElement text = o.get("text");
                if (text == null || !text.isJsonPrimitive() || !text.getAsJsonPrimitive().isString()) {
                    throw new IllegalArgumentException("no string \"text\" (a JSON line needs {\"text\": \"...\"}; "
                            + "a file of plain lines holds one text per line)");
                }
                return text.getAsString();
            });
        } else {
            out = lines.stream().filter(l -> !l.isBlank()).toList();
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " has no texts");
        }
        return out;
    }

    private static List<String> readLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text; save it as UTF-8", e);
        }
    }
}
