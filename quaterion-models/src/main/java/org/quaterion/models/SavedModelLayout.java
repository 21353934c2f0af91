package org.quaterion.models;

import java.util.regex.Pattern;

/** The names inside a saved model directory, shared by {@link SavedModelWriter} and {@link SavedModelReader}. */
final class SavedModelLayout {

    /** The model's description: format, schema version, encoders, head, checksums of every other file. */
    static final String CONFIG_FILE = "config.json";
    /** DJL's model-loader manifest, written into every servable. */
    static final String DJL_PROPERTIES = "serving.properties";
    /** The text of {@link #DJL_PROPERTIES}. */
    static final String DJL_SERVING = "# lets plain DJL load this servable (R: the record type):\n"
            + "# Criteria.builder().setTypes(R.class, float[].class).optModelPath(dir)\n"
            + "#     .optTranslatorFactory(new org.quaterion.models.djl.SimilarityTranslatorFactory())"
            + ".build().loadModel()\n"
            + "engine=PyTorch\n"
            + "blockFactory=org.quaterion.models.djl.ServableBlockFactory\n"
            + "translatorFactory=org.quaterion.models.djl.SimilarityTranslatorFactory\n"
            + "option.hasParameter=false\n";
    /** The head's parameters, in the parameter file format. */
    static final String HEAD_PARAMETERS = "head/parameters.params";

    /** An encoder key: also the name of the encoder's directory, so a safe directory name. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private SavedModelLayout() {}

    /**
     * Checks an encoder key.
     *
     * @param key the key
     * @return the key
     * @throws IllegalArgumentException when it is not a safe directory name
     */
    static String checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("encoder key '" + key + "' is not a safe directory name: use letters, "
                    + "digits, '_', '-' and '.', not starting with '.' or '-'");
        }
        return key;
    }
}
