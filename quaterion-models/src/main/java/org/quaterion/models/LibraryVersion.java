package org.quaterion.models;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this library, as recorded in saved models. */
public final class LibraryVersion {

    private static final String VERSION = read();

    private LibraryVersion() {}

    /**
     * The Maven project version the jar was built from.
     *
     * @return the version, or {@code "unknown"}
     */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = LibraryVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
