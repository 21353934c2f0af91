package org.quaterion.models.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bounded reading of an artifact's data files (an index's ids, a cache's keys): only regular files are opened (a FIFO
 * or device could block or never end), and text is read line by line with a cap on each line, so a damaged or hostile
 * file fails at its first bad line instead of filling the heap. Every failure names the file.
 */
public final class ArtifactFiles {

    private ArtifactFiles() {}

    /**
     * Checks that a file exists and is a regular file (a link to one is followed).
     *
     * @param file the file
     * @param fix what to do about it, ending the message (e.g. {@code "rebuild the index"})
     * @return the file
     * @throws ModelFormatException when it is missing; a {@link CorruptArtifactException} when it is not a regular
     *     file
     */
    public static Path requireRegularFile(Path file, String fix) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelFormatException(file, "is missing: the artifact was not fully written or was damaged; " + fix,
                    new NoSuchFileException(file.toString()));
        }
        if (!Files.isRegularFile(file)) {
            throw new CorruptArtifactException(file, "is not a regular file; " + fix);
        }
        return file;
    }

    /**
     * A new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /**
     * Reads a UTF-8 text file of {@code '\n'}-terminated lines, each at most a given number of bytes, optionally
     * feeding every byte read to a digest. Not thread-safe.
     */
    public static final class Lines implements AutoCloseable {
        private final Path file;
        private final int maxLineBytes;
        private final MessageDigest digest;
        private final String fix;
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private int position;
        private int limit;
        private long number;

        /**
         * Opens a regular file.
         *
         * @param file the file
         * @param maxLineBytes the longest line, in bytes without its {@code '\n'}
         * @param digest receives every byte read, or null
         * @param fix what to do about a bad file, ending each message
         * @throws IOException when the file cannot be opened
         */
        public Lines(Path file, int maxLineBytes, MessageDigest digest, String fix) throws IOException {
            this.file = requireRegularFile(file, fix);
            this.maxLineBytes = maxLineBytes;
            this.digest = digest;
            this.fix = fix;
            this.in = Files.newInputStream(file);
        }

        /**
         * The next line, without its {@code '\n'}.
         *
         * @return the line, or null at the end of the file
         * @throws IOException when reading fails
         * @throws CorruptArtifactException when the line is too long, not UTF-8, or the file ends inside it
         */
        public String next() throws IOException {
            while (true) {
                if (position == limit && !fill()) {
                    if (partial.size() > 0) {
                        throw new CorruptArtifactException(file, "ends inside line " + (number + 1) + " (truncated); "
                                + fix);
                    }
                    return null;
                }
                int end = position;
                while (end < limit && buffer[end] != '\n') {
                    end++;
                }
                if (partial.size() + (end - position) > maxLineBytes) {
                    throw new CorruptArtifactException(file, "line " + (number + 1) + " is longer than "
                            + maxLineBytes + " bytes, more than a line of this file may have; " + fix);
                }
                if (end == limit) { // the line goes on in the next chunk
                    partial.write(buffer, position, end - position);
                    position = limit;
                    continue;
                }
                ByteBuffer bytes;
                if (partial.size() == 0) {
                    bytes = ByteBuffer.wrap(buffer, position, end - position);
                } else {
                    partial.write(buffer, position, end - position);
                    bytes = ByteBuffer.wrap(partial.toByteArray());
                    partial.reset();
                }
                position = end + 1;
                number++;
                try {
                    return utf8.decode(bytes).toString();
                } catch (CharacterCodingException e) {
                    throw new CorruptArtifactException(file, "line " + number + " is not UTF-8 text; " + fix, e);
                }
            }
        }

        /** Reads the next chunk; false at the end of the file. */
        private boolean fill() throws IOException {
            int n = in.read(buffer);
            if (n < 0) {
                return false;
            }
            if (digest != null) {
                digest.update(buffer, 0, n);
            }
            position = 0;
            limit = n;
            return true;
        }

        /**
         * Lines returned so far.
         *
         * @return the count
         */
        public long count() {
            return number;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
