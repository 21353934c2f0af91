package org.quaterion.models.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a directory atomically: the content goes to a hidden temporary sibling, which is then renamed into place.
 *
 * <p>Every directory written here carries a marker file, {@value #MARKER}, naming its <em>kind</em> (a similarity
 * model, a checkpoint, a cache, ...). An existing target is replaced only when it is an empty directory or carries the
 * marker of the same kind; anything else (a user's folder, the working directory, an artifact of another kind) is
 * refused with an {@link IllegalArgumentException} naming the directory, and nothing is touched.
 *
 * <p>A crash while writing leaves the previous directory (if any) loadable, plus at most hidden
 * {@code .<name>.tmp-<pid>-<uuid>} / {@code .<name>.old-<pid>-<uuid>} siblings. The next write of the same target,
 * {@link #removeLeftovers(Path)} or {@link #removeLeftoversIn(Path)} deletes those of them whose writing process is
 * gone (never a live writer's, never a name of another pattern), and puts a set-aside previous directory back when a
 * crash hit between the two renames. Not meant for concurrent writers of the same target.
 */
public final class AtomicDirectory {

    /** The marker file written into every directory this class writes; its content is the artifact's kind. */
    public static final String MARKER = ".quaterion-artifact";

    private static final Logger LOG = LoggerFactory.getLogger(AtomicDirectory.class);
    /** {@code .<name>.(tmp|old)-[<pid>-]<uuid>}; the pid is absent in leftovers of older versions. */
    private static final Pattern LEFTOVER = Pattern.compile(
            "\\.(.+)\\.(tmp|old)-(?:(\\d+)-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
    private static final long PID = ProcessHandle.current().pid();
    /** Temporary and set-aside directories of writes in progress in this JVM. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

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
     * @param kind what the directory holds (e.g. {@code "similarity-model"}); an existing target is replaced only if
     *     it is empty or holds the same kind
     * @param writer fills a temporary directory
     * @throws IOException when writing or renaming fails; the temporary directory is removed
     * @throws IllegalArgumentException when {@code target} exists and is not ours to replace
     */
    public static void write(Path target, String kind, Writer writer) throws IOException {
        if (kind == null || kind.isBlank() || kind.contains("\n")) {
            throw new IllegalArgumentException("an artifact kind is a non-blank single-line name, got '" + kind + "'");
        }
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Path fileName = absolute.getFileName();
        if (parent == null || fileName == null) {
            throw new IllegalArgumentException("cannot write to the file-system root: choose a sub-directory");
        }
        Files.createDirectories(parent);
        removeLeftovers(absolute);
        checkReplaceable(absolute, kind);
        String name = fileName.toString();
        Path tmp = parent.resolve(leftoverName(name, "tmp"));
        IN_FLIGHT.add(tmp);
        Path old = null;
        try {
            Files.createDirectory(tmp);
            writer.write(tmp);
            Files.writeString(tmp.resolve(MARKER), kind + "\n", StandardCharsets.UTF_8);
            if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
                old = parent.resolve(leftoverName(name, "old"));
                IN_FLIGHT.add(old);
                move(absolute, old);
                move(tmp, absolute);
                deleteRecursively(old);
            } else {
                move(tmp, absolute);
            }
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        } finally {
            IN_FLIGHT.remove(tmp);
            if (old != null) {
                IN_FLIGHT.remove(old);
            }
        }
    }

    /**
     * Checks that {@code target} may be replaced by an artifact of {@code kind}: it is absent, an empty directory, or
     * a directory carrying this kind's marker. Call it before long work that ends in a {@link #write}, so that a
     * wrong path fails at once.
     *
     * @param target the directory to check
     * @param kind the artifact kind
     * @throws IllegalArgumentException when the target is a file, a link, or a directory that is not ours
     */
    public static void checkReplaceable(Path target, String kind) {
        Path absolute = target.toAbsolutePath().normalize();
        if (absolute.getParent() == null) {
            throw new IllegalArgumentException("cannot write to the file-system root: choose a sub-directory");
        }
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(absolute) || !Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(absolute + " exists and is not a directory: choose another path");
        }
        String found = kindOf(absolute);
        if (kind.equals(found) || (found == null && isEmpty(absolute))) {
            return;
        }
        String what = found == null ? "is not empty and was not written by Quaterion"
                : "holds a Quaterion '" + found + "', not a '" + kind + "'";
        throw new IllegalArgumentException(absolute + " " + what + "; it is left untouched. Choose another path "
                + "(a new or empty directory), or delete it yourself if its content is not needed");
    }

    /**
     * The kind named by a directory's marker file.
     *
     * @param dir a directory
     * @return the kind, or null when the directory has no readable marker
     */
    public static String kindOf(Path dir) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            if (Files.size(marker) > 1024) {
                return null;
            }
            return Files.readString(marker, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Removes the stale leftovers of interrupted writes of {@code target} ({@code .<name>.tmp-*} / {@code .old-*}
     * siblings whose writer is gone). If the target itself is missing because a crash hit between the two renames,
     * the set-aside previous directory is moved back first. Best effort: a failure is logged, not thrown.
     *
     * @param target the directory whose leftovers to remove
     */
    public static void removeLeftovers(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Path fileName = absolute.getFileName();
        if (parent != null && fileName != null) {
            clean(parent, fileName.toString());
        }
    }

    /**
     * Removes the stale leftovers of interrupted writes of every target directly under {@code parent}, as
     * {@link #removeLeftovers(Path)} does for one. Best effort.
     *
     * @param parent the directory that holds the targets (e.g. a run's {@code checkpoints/})
     */
    public static void removeLeftoversIn(Path parent) {
        clean(parent.toAbsolutePath().normalize(), null);
    }

    private static void clean(Path parent, String onlyName) {
        if (!Files.isDirectory(parent)) {
            return;
        }
        List<Path> tmps = new ArrayList<>();
        List<Path> olds = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, ".*")) {
            for (Path p : entries) {
                Matcher m = LEFTOVER.matcher(String.valueOf(p.getFileName()));
                if (!m.matches() || (onlyName != null && !onlyName.equals(m.group(1))) || !stale(p, m.group(3))) {
                    continue;
                }
                (m.group(2).equals("tmp") ? tmps : olds).add(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} for leftovers of interrupted writes: {}", parent, e.toString());
            return;
        }
        olds.sort(Comparator.comparing(AtomicDirectory::modified).reversed());
        for (Path old : olds) {
            Matcher m = LEFTOVER.matcher(String.valueOf(old.getFileName()));
            m.matches();
            Path target = parent.resolve(m.group(1));
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    move(old, target);
                    LOG.warn("restored {} from {}, set aside by a write that did not finish", target, old);
                    continue;
                } catch (IOException e) {
                    LOG.warn("cannot restore {} from {}: {}", target, old, e.toString());
                    continue; // never delete the only copy
                }
            }
            deleteQuietly(old);
        }
        tmps.forEach(AtomicDirectory::deleteQuietly);
    }

    private static boolean stale(Path leftover, String pid) {
        if (IN_FLIGHT.contains(leftover)) {
            return false;
        }
        if (pid == null) {
            return true;
        }
        long p = Long.parseLong(pid);
        return p == PID || ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true);
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
            LOG.info("removed {}, left by a write that did not finish", p);
        } catch (IOException e) {
            LOG.warn("cannot remove {}, left by a write that did not finish: {}", p, e.toString());
        }
    }

    private static String leftoverName(String name, String what) {
        return "." + name + "." + what + "-" + PID + "-" + UUID.randomUUID();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /**
     * Deletes a file or a directory tree; a missing path is not an error. Symbolic links are deleted, never followed.
     *
     * @param path the path to delete
     * @throws IOException when a file cannot be deleted
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
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
