package io.nais.pg.access;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The three layers of provisioning/DESIGN.md that a cycle check alone does not hold: the gateway, which faces
 * the internet, reads the directory only through its query interface and never reaches provisioning, and the
 * directory is the bottom. (Cycles: {@link PackageCyclesTest}.)
 */
class LayersTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nais.pg.access");

    @Test
    void theGatewayReadsOnlyTheDirectorysQueryInterface() {
        noClasses().that().resideInAPackage("io.nais.pg.access.gateway..")
                .should().dependOnClassesThat(resideInAPackage("io.nais.pg.access.directory..")
                        .and(not(nameMatching("io\\.nais\\.pg\\.access\\.directory\\.AccessDirectory(\\$.*)?"))))
                .orShould().dependOnClassesThat().resideInAPackage("io.nais.pg.access.provisioning..")
                .check(MAIN);
    }

    @Test
    void theDirectoryImportsNothingAboveIt() {
        noClasses().that().resideInAPackage("io.nais.pg.access.directory..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nais.pg.access.provisioning..",
                        "io.nais.pg.access.gateway..")
                .check(MAIN);
    }
}
