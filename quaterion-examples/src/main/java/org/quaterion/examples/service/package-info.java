/** An example search service on the Spring Boot starter. */
package org.quaterion.examples.service;
