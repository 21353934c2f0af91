/**
 * Plain DJL loads a servable: {@code Criteria.builder().setTypes(R.class, float[].class).optModelPath(dir)
 * .optTranslatorFactory(new SimilarityTranslatorFactory()).build().loadModel()} gives a {@code ZooModel} whose
 * {@code Predictor} encodes like {@code SimilarityModel.encode}. {@code SimilarityModel.save} writes a
 * {@code serving.properties} naming {@link org.quaterion.models.djl.ServableBlockFactory} and
 * {@link org.quaterion.models.djl.SimilarityTranslatorFactory}, so DJL's own {@code DeferredTranslatorFactory} (and
 * DJL Serving) find them too. DJL 0.35.1 picks the translator factory before it reads {@code serving.properties},
 * so a {@code Criteria} with no factory at all cannot reach ours: the factory line is required.
 */
package org.quaterion.models.djl;
