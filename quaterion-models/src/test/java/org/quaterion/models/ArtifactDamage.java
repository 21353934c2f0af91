package org.quaterion.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.quaterion.models.io.AtomicDirectory;

/** Test helpers that copy an artifact directory and damage its files, for the readers' fuzz tests. */
public final class ArtifactDamage {

    private ArtifactDamage() {}

    /**
     * A damaged copy of an artifact.
     *
     * @param dir the copy
     * @param file the damaged file in it
     * @param what the case and the damage, for failure messages
     */
    public record DamagedCopy(Path dir, Path file, String what) {}

    /**
     * Copies an artifact and truncates or bit-flips one of its {@link #dataFiles} chosen at random.
     *
     * @param source the pristine artifact
     * @param dir the copy to create
     * @param random the source of the choices
     * @param label names the case in {@link DamagedCopy#what()}, e.g. {@code "case 3 (seed 7)"}
     * @return the copy, the damaged file and a description
     * @throws IOException when the copy or the damage fails
     */
    public static DamagedCopy damagedCopy(Path source, Path dir, Random random, String label) throws IOException {
        copy(source, dir);
        List<Path> files = dataFiles(dir);
        Path file = files.get(random.nextInt(files.size()));
        String mutation = truncateOrFlip(file, random);
        return new DamagedCopy(dir, file, label + ": " + mutation + " of " + dir.relativize(file));
    }

    /**
     * Copies a directory tree.
     *
     * @param from the source directory
     * @param to the target directory (created)
     * @throws IOException when a file cannot be copied
     */
    public static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /**
     * The files a reader reads: every non-empty regular file but the artifact marker, sorted.
     *
     * @param dir the artifact directory
     * @return the files
     * @throws IOException when the directory cannot be listed
     */
    public static List<Path> dataFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(AtomicDirectory.MARKER))
                    .filter(p -> p.toFile().length() > 0).sorted().toList();
        }
    }

    /**
     * Truncates the file at a random length or flips one random bit.
     *
     * @param file the file to damage
     * @param random the source of the choices
     * @return what was done, for the failure message
     * @throws IOException when the file cannot be changed
     */
    public static String truncateOrFlip(Path file, Random random) throws IOException {
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (random.nextBoolean()) {
                long length = (long) (random.nextDouble() * size);
                ch.truncate(length);
                return "truncation to " + length + " of " + size + " bytes";
            }
            long at = (long) (random.nextDouble() * size);
            int bit = random.nextInt(8);
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ (1 << bit))}), at);
            return "flip of bit " + bit + " at byte " + at + " of " + size;
        }
    }
}
