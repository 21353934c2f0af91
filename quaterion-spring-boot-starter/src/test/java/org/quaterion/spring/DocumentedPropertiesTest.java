package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * docs/spring-boot.md's property table lists exactly the properties of {@link QuaterionProperties} with their real
 * defaults, and every {@code quaterion.*} key of the application.properties it shows binds.
 */
class DocumentedPropertiesTest {

    /** Tests run in the module directory; the repository is its parent. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern ROW = Pattern.compile("^\\| `(quaterion\\.[a-z.-]+)` \\| ([^|]+) \\|");

    @Test
    void theTableListsEveryPropertyWithItsDefault() throws Exception {
        Map<String, String> documented = new TreeMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("docs/spring-boot.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                documented.put(m.group(1), m.group(2).trim());
            }
        }
        Map<String, String> actual = new TreeMap<>();
        QuaterionProperties defaults = new QuaterionProperties();
        collect("quaterion", defaults, actual);
        assertEquals(actual, documented);
    }

    @Test
    void theDocumentedApplicationPropertiesBind() throws IOException {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(ROOT.resolve(
                "quaterion-consumer-check/spring-service/src/main/resources/application.properties"))) {
            file.load(in);
        }
        Map<String, String> quaterion = new HashMap<>();
        file.stringPropertyNames().stream().filter(k -> k.startsWith("quaterion.")).forEach(k -> quaterion.put(k,
                file.getProperty(k)));
        assertTrue(quaterion.containsKey("quaterion.index.source"), quaterion.toString());
        QuaterionProperties bound = new Binder(new MapConfigurationPropertySource(quaterion)).bind("quaterion",
                Bindable.of(QuaterionProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT)).get();
        assertEquals(QuaterionProperties.JsonErrors.ALL, bound.getWeb().getJsonErrors());
        assertEquals(QuaterionProperties.Rebuild.IF_CHANGED, bound.getIndex().getRebuild());
        assertEquals(Path.of("catalogue.jsonl"), bound.getIndex().getSource());
    }

    /** Each property under {@code prefix}: its kebab-case name and its default as the docs write it. */
    private static void collect(String prefix, Object settings, Map<String, String> out)
            throws IllegalAccessException, InvocationTargetException {
        for (Method getter : settings.getClass().getMethods()) {
            String name = getter.getName();
            if (getter.getParameterCount() > 0 || getter.getDeclaringClass() == Object.class
                    || !(name.startsWith("get") || name.startsWith("is"))) {
                continue;
            }
            String property = prefix + "." + kebab(name.substring(name.startsWith("is") ? 2 : 3));
            Object value = getter.invoke(settings);
            if (getter.getReturnType().getPackageName().equals(QuaterionProperties.class.getPackageName())
                    && !getter.getReturnType().isEnum()) {
                collect(property, value, out);
            } else {
                out.put(property, value == null ? "—" : value instanceof Enum<?> e
                        ? e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') : value.toString());
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
