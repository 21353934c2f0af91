package org.quaterion.models.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a directory atomically: the content goes to a hidden temporary sibling, which is then renamed into place.
 *
 * <p>A crash while writing leaves the previous directory (if any) untouched and at most a hidden
 * {@code .<name>.tmp-*} sibling behind. Replacing an existing directory moves the old one aside, renames the new one
 * in, then deletes the old one. Not thread-safe for concurrent writers of the same target.
 */
public final class AtomicDirectory {

    /** Writes the content of a directory. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the content into {@code dir}, which exists and is empty.
         *
         * @param dir the temporary directory to fill
         * @throws IOException when writing fails
         */
        void write(Path dir) throws IOException;
    }

    private AtomicDirectory() {}

    /**
     * Writes {@code target} through {@code writer} so that it appears complete or not at all.
     *
     * @param target the directory to create or replace
     * @param writer fills a temporary directory
     * @throws IOException when writing or renaming fails; the temporary directory is removed
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("cannot write a model to the file-system root: choose a sub-directory");
        }
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(absolute + " exists and is not a directory: choose another path");
        }
        Files.createDirectories(parent);
        String name = absolute.getFileName().toString();
        Path tmp = parent.resolve("." + name + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            writer.write(tmp);
            if (Files.exists(absolute)) {
                Path old = parent.resolve("." + name + ".old-" + UUID.randomUUID());
                move(absolute, old);
                move(tmp, absolute);
                deleteRecursively(old);
            } else {
                move(tmp, absolute);
            }
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /**
     * Deletes a file or a directory tree; a missing path is not an error.
     *
     * @param path the path to delete
     * @throws IOException when a file cannot be deleted
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
