package io.nais.pg.testsupport;

import io.quarkus.test.common.WithTestResource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Real infrastructure for a {@code @QuarkusTest}: one annotation starts what
 * the test asks for (once per JVM, shared by all test classes), gives the
 * application a fresh database, and sets the matching configuration.
 *
 * <pre>{@code
 * @QuarkusTest
 * @RealInfrastructure(kafka = true, postgres = true, oidc = true)
 * class ProvisioningTest {
 *     @InjectInfrastructure Infrastructure infra;
 *     @InjectInfrastructure ServiceDatabase database;
 * }
 * }</pre>
 *
 * @see RealInfrastructureResource for the configuration keys it sets
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@WithTestResource(RealInfrastructureResource.class)
public @interface RealInfrastructure {

    /** A Kafka broker with every platform topic and its {@code .dlq}. */
    boolean kafka() default true;

    /** A fresh database for the application in the shared PostgreSQL cluster. */
    boolean postgres() default true;

    /** An OIDC issuer. */
    boolean oidc() default false;

    /**
     * The application trusts the issuer whose code flow shows its sign-in form
     * ({@link Infrastructure#oidcWithLoginForm()}) instead of {@link Infrastructure#oidc()}: a browser signs in as a
     * person does. Implies {@link #oidc()}.
     */
    boolean oidcLoginForm() default false;

    /** An S3 store. */
    boolean s3() default false;
}
