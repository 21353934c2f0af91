package org.quaterion.models.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** SHA-256 checksums of the files of a saved directory, used to detect truncated or corrupt files on load. */
public final class Checksums {

    private Checksums() {}

    /**
     * Computes the SHA-256 of one file.
     *
     * @param file the file to hash
     * @return the lower-case hex digest
     * @throws IOException when the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = ArtifactFiles.sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Hashes every regular file under {@code root} except the ones named in {@code skip}.
     *
     * @param root the directory to walk
     * @param skip relative paths (with '/' separators) to leave out
     * @return relative path to digest, sorted by path
     * @throws IOException when a file cannot be read
     */
    public static Map<String, String> ofTree(Path root, List<String> skip) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        Map<String, String> out = new TreeMap<>();
        for (Path f : files) {
            String rel = root.relativize(f).toString().replace('\\', '/');
            if (!skip.contains(rel)) {
                out.put(rel, sha256(f));
            }
        }
        return out;
    }
}
