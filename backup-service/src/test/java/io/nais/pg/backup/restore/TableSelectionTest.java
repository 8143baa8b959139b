package io.nais.pg.backup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The selection of entries for a restore of some tables, from a real listing
 * ({@code pg_restore --list --verbose} of a PostgreSQL 15 dump): a serial and an
 * identity column, an enum, a function in a CHECK, an index, foreign keys
 * across schemas, a view, a comment, names with spaces.
 */
class TableSelectionTest {

    private static final String LISTING = """
            ;
            ; Selected TOC Entries:
            ;
            3392; 0 0 ENCODING - ENCODING\s
            3393; 0 0 STDSTRINGS - STDSTRINGS\s
            3394; 0 0 SEARCHPATH - SEARCHPATH\s
            3395; 1262 16384 DATABASE - src postgres
            6; 2615 16385 SCHEMA - billing postgres
            7; 2615 16426 SCHEMA - we ird postgres
            848; 1247 16387 TYPE public mood postgres
            225; 1255 16391 FUNCTION public pos(integer) postgres
            220; 1259 16414 TABLE billing invoices postgres
            ;\tdepends on: 6
            217; 1259 16393 TABLE public customers postgres
            ;\tdepends on: 848
            216; 1259 16392 SEQUENCE public customers_id_seq postgres
            ;\tdepends on: 217
            3396; 0 0 SEQUENCE OWNED BY public customers_id_seq postgres
            ;\tdepends on: 216
            219; 1259 16402 TABLE public orders postgres
            ;\tdepends on: 225
            3397; 0 0 COMMENT public TABLE orders postgres
            ;\tdepends on: 219
            218; 1259 16401 SEQUENCE public orders_id_seq postgres
            ;\tdepends on: 219
            224; 1259 16436 VIEW public v postgres
            ;\tdepends on: 219 219 219
            221; 1259 16427 TABLE we ird x y postgres
            ;\tdepends on: 7
            3228; 2604 16396 DEFAULT public customers id postgres
            ;\tdepends on: 217 216 217
            3386; 0 16414 TABLE DATA billing invoices postgres
            ;\tdepends on: 220
            3383; 0 16393 TABLE DATA public customers postgres
            ;\tdepends on: 217
            3385; 0 16402 TABLE DATA public orders postgres
            ;\tdepends on: 219
            3387; 0 16427 TABLE DATA we ird x y postgres
            ;\tdepends on: 221
            3398; 0 0 SEQUENCE SET public customers_id_seq postgres
            ;\tdepends on: 216
            3399; 0 0 SEQUENCE SET public orders_id_seq postgres
            ;\tdepends on: 218
            3236; 2606 16420 CONSTRAINT billing invoices invoices_pkey postgres
            ;\tdepends on: 220
            3231; 2606 16400 CONSTRAINT public customers customers_pkey postgres
            ;\tdepends on: 217
            3234; 2606 16407 CONSTRAINT public orders orders_pkey postgres
            ;\tdepends on: 219
            3232; 1259 16413 INDEX public orders_amount postgres
            ;\tdepends on: 219
            3238; 2606 16421 FK CONSTRAINT billing invoices invoices_order_id_fkey postgres
            ;\tdepends on: 219 3234 220
            3237; 2606 16408 FK CONSTRAINT public orders orders_customer_id_fkey postgres
            ;\tdepends on: 219 3231 217
            """;
    private static final Set<String> HELD = Set.of("billing.invoices", "public.customers", "public.orders", "we ird.x y");

    @Test
    void twoTablesComeWithTheirSequencesIndexesKeysAndWhatTheyNeed() {
        TableSelection.Selection selection = TableSelection.select(TableSelection.parse(LISTING.lines().toList()),
                Set.of(219, 220), HELD);

        assertThat(ids(selection)).containsExactly(3392, 3393, 3394, 6, 225, 220, 219, 3397, 218, 3386, 3385, 3399,
                3236, 3234, 3232, 3238);
        assertThat(selection.referencesNotRestored()).containsExactly("public.orders: foreign key"
                + " orders_customer_id_fkey references public.customers, which was not restored; the key was not created");
    }

    @Test
    void aSerialColumnBringsItsSequenceItsOwnershipItsValueAndItsDefault() {
        TableSelection.Selection selection = TableSelection.select(TableSelection.parse(LISTING.lines().toList()),
                Set.of(217), HELD);

        assertThat(ids(selection)).containsExactly(3392, 3393, 3394, 848, 217, 216, 3396, 3228, 3383, 3398, 3231);
        // the key of orders to customers belongs to a table not restored: nothing of customers is missing
        assertThat(selection.referencesNotRestored()).isEmpty();
    }

    @Test
    void namesWithSpacesAreNamedWhole() {
        List<TableSelection.Entry> toc = TableSelection.parse(LISTING.lines().toList());

        assertThat(toc).filteredOn(e -> e.dumpId() == 3387).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo("TABLE DATA"));
        assertThat(TableSelection.requested(List.of("we ird.x y"), HELD))
                .containsExactly(new TableSelection.Table("we ird", "x y"));
        assertThat(TableSelection.listingOptions("we ird", List.of(new TableSelection.Table("we ird", "-x y"))))
                .containsExactly("--schema=we ird", "--table=-x y");
    }

    @Test
    void aTableInASchemaNamedLikeAKindIsStillATable() {
        List<TableSelection.Entry> toc = TableSelection.parse(List.of("220; 1259 16414 TABLE DATA invoices postgres",
                "3386; 0 16414 TABLE DATA DATA invoices postgres"));

        assertThat(toc).extracting(TableSelection.Entry::kind).containsExactly("TABLE", "TABLE DATA");
    }

    @Test
    void anUnknownTableIsRefusedListingTheTablesTheBackupHolds() {
        assertThatThrownBy(() -> TableSelection.requested(List.of("public.orders", "public.nothere"), HELD))
                .isInstanceOf(DatabaseRestorer.UnknownTablesException.class)
                .hasMessage("the backup holds no table public.nothere; it holds: billing.invoices, public.customers,"
                        + " public.orders, we ird.x y");
    }

    private static List<Integer> ids(TableSelection.Selection selection) {
        return selection.useList().stream().map(line -> Integer.parseInt(line.substring(0, line.indexOf(';')))).toList();
    }
}
