package org.quaterion.search;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.quaterion.models.io.ArtifactFiles;

/**
 * The payloads of a {@link VectorIndex}, {@value #NAME}: one record per item in id order, a kind byte (0 none, 1 JSON,
 * 2 bytes), a big-endian int32 length and the bytes. Reading checks every length against {@link Payload#MAX_BYTES} and
 * the bytes left before allocating, and verifies the SHA-256 the manifest records.
 */
final class PayloadFile {

    static final String NAME = "payloads.bin";
    private static final int NONE = 0;
    private static final int JSON = 1;
    private static final int BYTES = 2;

    private PayloadFile() {}

    /**
     * Writes the payloads.
     *
     * @param dir the (temporary) index directory
     * @param payloads one per item, null entries for items without one
     * @return the SHA-256 of the file, hex
     * @throws IOException when writing fails
     */
    static String write(Path dir, List<Payload> payloads) throws IOException {
        MessageDigest digest = ArtifactFiles.sha256();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(
                Files.newOutputStream(dir.resolve(NAME), StandardOpenOption.CREATE_NEW), digest), 1 << 16))) {
            for (Payload p : payloads) {
                if (p == null) {
                    out.writeByte(NONE);
                    out.writeInt(0);
                } else {
                    out.writeByte(p.isJson() ? JSON : BYTES);
                    out.writeInt(p.size());
                    out.write(p.raw());
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Reads and verifies the payloads.
     *
     * @param dir the index directory
     * @param size the items the manifest lists
     * @param sha256 the checksum the manifest records
     * @return one payload or null per item
     * @throws IOException when reading fails
     */
    static List<Payload> read(Path dir, int size, String sha256) throws IOException {
        Path file = ArtifactFiles.requireRegularFile(dir.resolve(NAME), "rebuild the index with VectorIndex.build");
        long left = Files.size(file);
        MessageDigest digest = ArtifactFiles.sha256();
        List<Payload> payloads = new ArrayList<>(Math.min(size, 1 << 16));
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(new DigestInputStream(raw, digest),
                        1 << 16))) {
            for (int row = 0; row < size; row++) {
                int kind = in.readUnsignedByte();
                int length = in.readInt();
                left -= 5;
                if (kind > BYTES || length < 0 || length > Payload.MAX_BYTES || length > left
                        || (kind == NONE && length != 0)) {
                    throw VectorIndexFiles.corrupt(file, "record " + row + " has kind " + kind + " and length " + length
                            + ", impossible with " + left + " bytes left");
                }
                byte[] data = new byte[length];
                in.readFully(data);
                left -= length;
                payloads.add(kind == NONE ? null : Payload.stored(kind == JSON, data));
            }
            if (in.read() >= 0) {
                throw VectorIndexFiles.corrupt(file, "holds more than the " + size + " records the manifest lists");
            }
        } catch (EOFException e) {
            throw VectorIndexFiles.corrupt(file, "ended before its " + size + " records (truncated)");
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
            throw VectorIndexFiles.corrupt(file, "differs from the SHA-256 recorded in " + VectorIndexFiles.MANIFEST
                    + " (damaged or rewritten)");
        }
        return Collections.unmodifiableList(payloads);
    }
}
