package org.quaterion.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates and reads the peer reference fixtures (system property {@code quaterion.fixtures}). */
public final class Fixtures {

    private Fixtures() {}

    /**
     * The fixture directory: {@code -Dquaterion.fixtures}, else {@code ../shared/fixtures} from the repository root.
     *
     * @return the directory
     */
    public static Path dir() {
        String prop = System.getProperty("quaterion.fixtures");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        for (String candidate : new String[] {"../shared/fixtures", "../../shared/fixtures"}) {
            Path p = Paths.get(candidate);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return Paths.get("../shared/fixtures");
    }

    /**
     * Reads one fixture file.
     *
     * @param name file name inside the fixture directory
     * @return the parsed object
     */
    public static JsonObject read(String name) {
        Path file = dir().resolve(name);
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + file + " not readable; set -Dquaterion.fixtures", e);
        }
    }

    /**
     * A JSON matrix as doubles.
     *
     * @param json nested arrays
     * @return the matrix
     */
    public static double[][] matrix(JsonElement json) {
        JsonArray rows = json.getAsJsonArray();
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = vector(rows.get(i));
        }
        return out;
    }

    /**
     * A JSON array as doubles.
     *
     * @param json an array of numbers
     * @return the vector
     */
    public static double[] vector(JsonElement json) {
        JsonArray a = json.getAsJsonArray();
        double[] out = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    /**
     * Flattens a JSON vector or matrix row-major.
     *
     * @param json numbers or arrays of numbers
     * @return the values
     */
    public static double[] flat(JsonElement json) {
        JsonArray a = json.getAsJsonArray();
        if (a.size() > 0 && a.get(0).isJsonArray()) {
            double[][] m = matrix(a);
            int cols = m[0].length;
            double[] out = new double[m.length * cols];
            for (int i = 0; i < m.length; i++) {
                System.arraycopy(m[i], 0, out, i * cols, cols);
            }
            return out;
        }
        return vector(a);
    }
}
