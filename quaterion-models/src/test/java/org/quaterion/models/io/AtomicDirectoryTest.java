package org.quaterion.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes never delete what is not ours and clean up after crashed writes of ours. */
class AtomicDirectoryTest {

    private static void writeOne(Path target, String kind, String content) throws IOException {
        AtomicDirectory.write(target, kind, d -> Files.writeString(d.resolve("a.txt"), content));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aForeignDirectoryIsRefusedAndLeftUntouched(@TempDir Path tmp) throws IOException {
        Path user = Files.createDirectories(tmp.resolve("mydocs"));
        Files.writeString(user.resolve("thesis.tex"), "precious");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writeOne(user, "similarity-model", "x"));
        assertTrue(e.getMessage().contains(user.toString()) && e.getMessage().contains("not written by Quaterion")
                && e.getMessage().contains("Choose another path"), e.getMessage());
        assertEquals("precious", Files.readString(user.resolve("thesis.tex")));
        assertEquals(List.of("mydocs"), names(tmp), "no temporary or set-aside directory is left");
    }

    @Test
    void theWorkingDirectoryStyleTargetWithFilesIsRefused(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("pom.xml"), "<project/>");
        assertThrows(IllegalArgumentException.class, () -> writeOne(tmp.resolve("."), "similarity-model", "x"));
        assertTrue(Files.exists(tmp.resolve("pom.xml")));
    }

    @Test
    void anArtifactOfAnotherKindIsRefused(@TempDir Path tmp) throws IOException {
        Path target = tmp.resolve("out");
        writeOne(target, "checkpoint", "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writeOne(target, "similarity-model", "2"));
        assertTrue(e.getMessage().contains("holds a Quaterion 'checkpoint'"), e.getMessage());
        assertEquals("1", Files.readString(target.resolve("a.txt")));
    }

    @Test
    void anEmptyDirectoryOrOurOwnArtifactIsReplaced(@TempDir Path tmp) throws IOException {
        Path target = Files.createDirectories(tmp.resolve("out"));
        writeOne(target, "similarity-model", "1");
        assertEquals("similarity-model", AtomicDirectory.kindOf(target));
        writeOne(target, "similarity-model", "2");
        assertEquals("2", Files.readString(target.resolve("a.txt")));
        assertEquals(List.of("out"), names(tmp));
    }

    @Test
    void aFileOrALinkIsRefused(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThrows(IllegalArgumentException.class, () -> writeOne(file, "k", "y"));
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThrows(IllegalArgumentException.class, () -> writeOne(link, "k", "y"));
        assertEquals("x", Files.readString(file));
    }

    @Test
    void staleLeftoversOfCrashedWritesAreRemovedOnTheNextWrite(@TempDir Path tmp) throws IOException {
        Path target = tmp.resolve("model");
        writeOne(target, "similarity-model", "1");
        // what a kill -9 leaves: an old-style and a dead-pid temporary directory, another target's leftover
        Path legacy = Files.createDirectories(tmp.resolve(".model.tmp-" + UUID.randomUUID()));
        Files.writeString(legacy.resolve("big.bin"), "partial");
        Path deadPid = Files.createDirectories(tmp.resolve(".model.tmp-2147483000-" + UUID.randomUUID()));
        Path otherTarget = Files.createDirectories(tmp.resolve(".other.tmp-" + UUID.randomUUID()));
        Path notOurs = Files.createDirectories(tmp.resolve(".model.tmp-mine"));
        writeOne(target, "similarity-model", "2");
        assertFalse(Files.exists(legacy));
        assertFalse(Files.exists(deadPid));
        assertTrue(Files.exists(otherTarget), "only leftovers of the written target go");
        assertTrue(Files.exists(notOurs), "a name that is not of our pattern is never touched");
        AtomicDirectory.removeLeftoversIn(tmp);
        assertFalse(Files.exists(otherTarget));
        assertTrue(Files.exists(notOurs));
    }

    @Test
    void aLiveWritersTemporaryDirectoryIsKept(@TempDir Path tmp) throws IOException {
        long livePid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        Path live = Files.createDirectories(tmp.resolve(".model.tmp-" + livePid + "-" + UUID.randomUUID()));
        AtomicDirectory.removeLeftovers(tmp.resolve("model"));
        assertTrue(Files.exists(live), "another live process may still be writing it");
    }

    @Test
    void aCrashBetweenTheTwoRenamesIsRepairedFromTheSetAsideDirectory(@TempDir Path tmp) throws IOException {
        Path target = tmp.resolve("model");
        writeOne(target, "similarity-model", "previous");
        Path old = tmp.resolve(".model.old-" + UUID.randomUUID());
        Files.move(target, old); // the crash: the previous artifact set aside, the new one not yet renamed in
        AtomicDirectory.removeLeftovers(target);
        assertEquals("previous", Files.readString(target.resolve("a.txt"), StandardCharsets.UTF_8));
        assertEquals(List.of("model"), names(tmp));
    }
}
