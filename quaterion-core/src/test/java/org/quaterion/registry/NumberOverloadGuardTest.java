package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quaterion.ClassFiles;

/**
 * Keeps DJL's number overloads that autograd cannot survive out of the library: {@code NDArray.mul/div/maximum/
 * minimum/pow(Number)} wrap the number in a buffer that a garbage collection frees before the backward pass reads
 * it. Library code uses {@code org.quaterion.models.tensor.Scalars} instead. Scans the compiled classes of
 * quaterion-models and quaterion-core.
 */
class NumberOverloadGuardTest {

    private static final Pattern BANNED = Pattern.compile(
            "ai/djl/(ndarray/NDArray|pytorch/engine/PtNDArray)\\.(mul|div|maximum|minimum|pow)\\(Ljava/lang/Number;\\).*");

    @Test
    void noLibraryClassCallsTheNumberOverloads() throws Exception {
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        for (Class<?> anchor : List.of(org.quaterion.models.SimilarityModel.class,
                org.quaterion.loss.GroupLoss.class)) {
            for (ClassFiles.Info info : ClassFiles.of(anchor)) {
                info.methods().stream().filter(m -> BANNED.matcher(m).matches())
                        .forEach(m -> offenders.add(info.name() + " calls " + m));
                classes++;
            }
        }
        assertTrue(classes > 100, "scanned " + classes + " classes");
        assertEquals(List.of(), offenders, "use org.quaterion.models.tensor.Scalars for these");
        System.out.println("NumberOverloadGuardTest: " + classes + " classes scanned");
    }
}
