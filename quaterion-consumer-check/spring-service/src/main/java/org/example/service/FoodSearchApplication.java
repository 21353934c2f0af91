package org.example.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The food search service: the Quaterion starter configures everything from application.properties. */
@SpringBootApplication
public class FoodSearchApplication {

    public static void main(String[] args) {
        SpringApplication.run(FoodSearchApplication.class, args);
    }
}
