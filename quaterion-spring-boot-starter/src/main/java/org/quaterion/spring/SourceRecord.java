package org.quaterion.spring;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

/**
 * What an index was built from, saved next to it as {@code <index>.source.json}: the catalogue file, its SHA-256 and
 * the SHA-256 of the servable that encoded it. A start compares them with the configured ones to decide whether the
 * saved index still answers for them.
 *
 * @param source the catalogue file, absolute
 * @param sourceSha256 its SHA-256, hexadecimal
 * @param modelSha256 the servable directory's SHA-256 (file names and contents), or null when the model is not a
 *     directory (an application's own model bean)
 */
record SourceRecord(String source, String sourceSha256, String modelSha256) {

    /**
     * The record file of an index directory.
     *
     * @param index the index directory
     * @return its sibling {@code <name>.source.json}
     */
    static Path file(Path index) {
        Path absolute = index.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".source.json");
    }

    /**
     * Reads the record saved next to an index.
     *
     * @param index the index directory
     * @return the record, or null when there is none
     * @throws ModelFormatException when the file exists but is not a record
     */
    static SourceRecord read(Path index) {
        Path file = file(index);
        if (!Files.exists(file)) {
            return null;
        }
        JsonObject json = JsonFiles.read(file);
        if (!json.has("source") || !json.has("sourceSha256")) {
            throw new ModelFormatException(file, "is not an index source record (no source or sourceSha256)");
        }
        return new SourceRecord(json.get("source").getAsString(), json.get("sourceSha256").getAsString(),
                json.has("modelSha256") && !json.get("modelSha256").isJsonNull()
                        ? json.get("modelSha256").getAsString() : null);
    }

    /**
     * Writes the record next to an index, atomically (a temporary sibling renamed into place).
     *
     * @param index the index directory
     * @throws IOException when writing fails
     */
    void write(Path index) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("source", source);
        json.addProperty("sourceSha256", sourceSha256);
        json.addProperty("modelSha256", modelSha256);
        Path file = file(index);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            JsonFiles.write(tmp, json);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * What differs between this (the configured source and model) and what a saved index was built from.
     *
     * @param saved the saved record
     * @return a sentence naming the change, or null when the index answers for this source and model
     */
    String changeSince(SourceRecord saved) {
        if (!sourceSha256.equals(saved.sourceSha256)) {
            return source + " changed since the index was built from "
                    + (source.equals(saved.source) ? "it" : saved.source);
        }
        if (modelSha256 != null && !modelSha256.equals(saved.modelSha256)) {
            return "the servable changed since the index was built";
        }
        return null;
    }

    /**
     * The SHA-256 of a directory's regular files: each one's relative path and content, in name order.
     *
     * @param dir a directory
     * @return the hexadecimal digest, or null when {@code dir} is null or not a directory
     * @throws IOException when a file cannot be read
     */
    static String directorySha256(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        MessageDigest digest = sha256();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            digest.update(dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest(file, digest);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The SHA-256 of a file's bytes.
     *
     * @param file a file
     * @return the hexadecimal digest
     * @throws IOException when the file cannot be read
     */
    static String fileSha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        digest(file, digest);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void digest(Path file, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            while (in.read(buffer) >= 0) {
                // the stream updates the digest
            }
        }
    }

    /**
     * A new SHA-256 digest.
     *
     * @return the digest
     */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
