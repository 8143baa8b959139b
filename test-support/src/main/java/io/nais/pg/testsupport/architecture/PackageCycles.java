package io.nais.pg.testsupport.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/**
 * Fails when a module's packages depend on each other in a circle (STYLE.md: dependencies point one way, the
 * projections at the bottom, the behaviour that uses them above). Every package is a slice of its own, its
 * subpackages included as slices of their own, so a subpackage importing its parent back is a cycle too.
 *
 * <p>Each module's test calls it with the module's root package, e.g.
 * {@code PackageCycles.assertNoneIn("io.nais.pg.access")}; the module's tests need
 * {@code com.tngtech.archunit:archunit} in test scope (optional here, so that the local platform does not carry it).
 */
public final class PackageCycles {

    private PackageCycles() {
    }

    /** @param rootPackage the module's root package; only its main classes are checked, not its tests */
    public static void assertNoneIn(String rootPackage) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
        if (classes.isEmpty()) {
            throw new AssertionError("no class found in " + rootPackage + ": the check would pass on nothing");
        }
        String parent = rootPackage.substring(0, rootPackage.lastIndexOf('.'));
        // "(**)" names each slice by its whole package below the parent, the root package included
        SlicesRuleDefinition.slices().matching(parent + ".(**)")
                .should().beFreeOfCycles()
                .check(classes);
    }
}
